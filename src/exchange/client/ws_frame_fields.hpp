// simdjson on-demand field readers shared by the market frames (ws_frames.cpp) and the user
// frames (ws_user_frames.cpp): exact decimals, strings into reused buffers, BadField errors.
// Internal to the frame parser; nothing outside exchange/client includes it.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "exchange/client/ws_frames.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::client::frame_fields {

namespace od = simdjson::ondemand;

// A field whose value is present but unusable; the message names the field.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// A decimal string (or, as the docs' candle shows, a JSON number) as exact 1e-8 units.
inline std::int64_t units_of(od::value value, std::string_view field) {
  std::string_view text;
  const auto type = value.type().value();
  if (type == od::json_type::string) {
    text = value.get_string().value();
  } else if (type == od::json_type::number) {
    text = trimmed(value.raw_json_token());
  } else {
    throw BadField(fmt::format("field '{}' is not a decimal", field));
  }
  const auto units = hl::parse_units(text);
  if (!units) throw BadField(fmt::format("field '{}' is not an exact decimal: '{}'", field, text));
  return *units;
}

inline void assign(std::string& out, od::value value) {
  const std::string_view text = value.get_string().value();
  out.assign(text.data(), text.size());
}

// The user channels (userFills, orderUpdates, userFundings, user): fills `out` and returns true,
// or false for any other channel. Throws BadField or simdjson_error like the market parsers.
bool parse_user_data(std::string_view channel, od::value data, WsFrame& out);

}  // namespace organism::exchange::client::frame_fields
