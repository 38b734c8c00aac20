#include "exchange/hyperliquid/wire_fields.hpp"

#include <limits>

#include "core/text.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::hl::wire_fields {

void fail(std::string_view where, std::string_view name, std::string_view what) {
  std::string text;
  if (!where.empty()) text.append(where).append(": ");
  text.append("field ").append(name).append(": expected ").append(what);
  throw WireError(text);
}

const Json& required(const Json& object, std::string_view name, std::string_view where) {
  const auto it = object.find(name);
  if (it == object.end()) {
    std::string text;
    if (!where.empty()) text.append(where).append(": ");
    throw WireError(text.append("missing field ").append(name));
  }
  return *it;
}

const Json* optional(const Json& object, std::string_view name) {
  const auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::uint64_t as_u64(const Json& value, std::string_view name, std::string_view where) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
    return value.get<std::uint64_t>();
  fail(where, name, "an unsigned integer");
}

std::uint32_t as_u32(const Json& value, std::string_view name, std::string_view where) {
  const bool integral =
      value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
  if (!integral || value.get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    fail(where, name, "a non-negative integer");
  }
  return static_cast<std::uint32_t>(value.get<std::uint64_t>());
}

std::int64_t as_i64(const Json& value, std::string_view name, std::string_view where) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return value.get<std::int64_t>();
  }
  fail(where, name, "an integer");
}

bool as_bool(const Json& value, std::string_view name, std::string_view where) {
  if (!value.is_boolean()) fail(where, name, "a boolean");
  return value.get<bool>();
}

const std::string& as_string(const Json& value, std::string_view name, std::string_view where) {
  if (!value.is_string()) fail(where, name, "a string");
  return value.get_ref<const std::string&>();
}

WireDecimal as_decimal(const Json& value, std::string_view name, std::string_view where) {
  const auto parsed =
      value.is_string() ? WireDecimal::parse(value.get_ref<const std::string&>()) : std::nullopt;
  if (!parsed) fail(where, name, "a decimal string");
  return *parsed;
}

Address as_address(const Json& value, std::string_view name, std::string_view where) {
  const auto parsed =
      value.is_string() ? Address::parse(value.get_ref<const std::string&>()) : std::nullopt;
  if (!parsed) fail(where, name, "an address");
  return *parsed;
}

std::string as_cloid(const Json& value, std::string_view name, std::string_view where) {
  auto cloid =
      value.is_string() ? parse_cloid(value.get_ref<const std::string&>()) : std::nullopt;
  if (!cloid) fail(where, name, "a cloid (0x and 32 hex digits)");
  return std::move(*cloid);
}

const Json& as_object(const Json& value, std::string_view name, std::string_view where) {
  if (!value.is_object()) fail(where, name, "an object");
  return value;
}

const Json& as_array(const Json& value, std::string_view name, std::string_view where) {
  if (!value.is_array()) fail(where, name, "an array");
  return value;
}

}  // namespace organism::exchange::hl::wire_fields

namespace organism::exchange::hl {

std::optional<std::string> parse_cloid(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdefABCDEF";
  if (text.size() != 34 || text.substr(0, 2) != "0x" ||
      text.find_first_not_of(kHex, 2) != std::string_view::npos) {
    return std::nullopt;
  }
  return core::to_lower(text);
}

WireDecimal WireDecimal::of_units(std::int64_t units) { return {format_units(units), units}; }

std::optional<WireDecimal> WireDecimal::parse(std::string_view text) {
  const auto units = parse_units(text);
  if (!units) return std::nullopt;
  return WireDecimal{std::string(text), *units};
}

}  // namespace organism::exchange::hl
