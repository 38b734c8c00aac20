#include "exchange/client/info_client.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/json_input.hpp"

namespace organism::exchange::client {

namespace {

[[noreturn]] void bad_field(std::string_view what, const char* field, const Json& item, std::string_view expected) {
  throw core::Error(fmt::format("{}: field '{}': expected {}, got {}", what, field, expected,
                                item.contains(field) ? core::quoted_text(item.at(field).dump()) : "nothing"));
}

const Json& array_reply(const Json& reply, std::string_view what) {
  if (!reply.is_array()) throw core::Error(fmt::format("{}: expected a JSON array, got {}", what, core::quoted_text(reply.dump())));
  return reply;
}

}  // namespace

double decimal_field(const Json& item, const char* field, std::string_view what) {
  if (!item.is_object()) throw core::Error(fmt::format("{}: expected an object, got {}", what, core::quoted_text(item.dump())));
  const auto it = item.find(field);
  if (it == item.end()) bad_field(what, field, item, "a decimal");
  double value = 0;
  if (it->is_number()) {
    value = it->get<double>();
  } else if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) bad_field(what, field, item, "a decimal string");
  } else {
    bad_field(what, field, item, "a decimal string");
  }
  if (!std::isfinite(value)) bad_field(what, field, item, "a finite decimal");
  return value;
}

std::int64_t integer_field(const Json& item, const char* field, std::string_view what) {
  if (!item.is_object()) throw core::Error(fmt::format("{}: expected an object, got {}", what, core::quoted_text(item.dump())));
  const auto it = item.find(field);
  if (it == item.end() || !(it->is_number_integer() || it->is_number_unsigned())) bad_field(what, field, item, "an integer");
  return it->get<std::int64_t>();
}

hl::AssetDirectory InfoClient::meta() {
  const Json reply = session_->info(Json{{"type", "meta"}}, "meta");
  try {
    return hl::AssetDirectory::from_meta(reply);
  } catch (const std::exception& e) {
    throw core::Error(fmt::format("meta: {}", e.what()));
  }
}

std::map<std::string, double> InfoClient::all_mids() {
  const Json reply = session_->info(Json{{"type", "allMids"}}, "allMids");
  if (!reply.is_object()) throw core::Error(fmt::format("allMids: expected an object, got {}", core::quoted_text(reply.dump())));
  std::map<std::string, double> mids;
  for (const auto& [coin, value] : reply.items()) {
    mids[coin] = decimal_field(Json{{"mid", value}}, "mid", fmt::format("allMids {}", coin));
  }
  return mids;
}

L2BookReply InfoClient::l2_book(const std::string& coin) {
  const std::string what = fmt::format("l2Book {}", coin);
  const Json reply = session_->info(Json{{"type", "l2Book"}, {"coin", coin}}, what);
  L2BookReply book;
  book.coin = coin;
  book.time = integer_field(reply, "time", what);
  const auto levels_it = reply.find("levels");
  if (levels_it == reply.end() || !levels_it->is_array() || levels_it->size() != 2) {
    throw core::Error(fmt::format("{}: field 'levels': expected [bids, asks]", what));
  }
  for (int side = 0; side < 2; ++side) {
    auto& out = side == 0 ? book.bids : book.asks;
    const auto& levels = array_reply((*levels_it)[static_cast<std::size_t>(side)], what);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const std::string where = fmt::format("{} {} level {}", what, side == 0 ? "bid" : "ask", i);
      out.push_back({decimal_field(levels[i], "px", where), decimal_field(levels[i], "sz", where),
                     integer_field(levels[i], "n", where)});
    }
  }
  return book;
}

std::vector<CandleReply> InfoClient::candle_snapshot(const std::string& coin, const core::Interval& interval,
                                                     TimeMs start, TimeMs end) {
  const std::string what = fmt::format("candleSnapshot {} {}", coin, interval.name());
  const Json request{{"type", "candleSnapshot"},
                     {"req", Json{{"coin", coin}, {"interval", interval.name()}, {"startTime", start}, {"endTime", end}}}};
  const Json reply = session_->info(request, what);
  array_reply(reply, what);
  std::vector<CandleReply> out;
  out.reserve(reply.size());
  for (std::size_t i = 0; i < reply.size(); ++i) {
    const std::string where = fmt::format("{}: candle {}", what, i);
    const Json& item = reply[i];
    CandleReply c;
    c.bar.time = integer_field(item, "t", where);
    c.close_time = integer_field(item, "T", where);
    c.bar.open = decimal_field(item, "o", where);
    c.bar.high = decimal_field(item, "h", where);
    c.bar.low = decimal_field(item, "l", where);
    c.bar.close = decimal_field(item, "c", where);
    c.bar.volume = decimal_field(item, "v", where);
    c.bar.trades = integer_field(item, "n", where);
    const std::string t_text = core::format_utc(c.bar.time);
    if (!interval.is_aligned(c.bar.time) || c.close_time != interval.next(c.bar.time) - 1) {
      throw core::Error(fmt::format("{} ({}): t/T do not bound one {} bar", where, t_text, interval.name()));
    }
    if (!out.empty() && c.bar.time <= out.back().bar.time) {
      throw core::Error(fmt::format("{} ({}): not after the previous candle", where, t_text));
    }
    if (c.bar.high < c.bar.low || c.bar.high < std::max(c.bar.open, c.bar.close) ||
        c.bar.low > std::min(c.bar.open, c.bar.close) || c.bar.low <= 0 || c.bar.volume < 0 || c.bar.trades < 0) {
      throw core::Error(fmt::format("{} ({}): impossible bar o={} h={} l={} c={} v={} n={}", where, t_text, c.bar.open,
                                    c.bar.high, c.bar.low, c.bar.close, c.bar.volume, c.bar.trades));
    }
    out.push_back(c);
  }
  return out;
}

std::vector<FundingReply> InfoClient::funding_history(const std::string& coin, TimeMs start, TimeMs end) {
  const std::string what = fmt::format("fundingHistory {}", coin);
  const Json request{{"type", "fundingHistory"}, {"coin", coin}, {"startTime", start}, {"endTime", end}};
  const Json reply = session_->info(request, what);
  array_reply(reply, what);
  std::vector<FundingReply> out;
  out.reserve(reply.size());
  for (std::size_t i = 0; i < reply.size(); ++i) {
    const std::string where = fmt::format("{}: item {}", what, i);
    FundingReply f{integer_field(reply[i], "time", where), decimal_field(reply[i], "fundingRate", where),
                   decimal_field(reply[i], "premium", where)};
    if (!out.empty() && f.time <= out.back().time) throw core::Error(fmt::format("{}: not after the previous item", where));
    out.push_back(f);
  }
  return out;
}

}  // namespace organism::exchange::client
