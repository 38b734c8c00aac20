// simdjson on demand walks each frame once, in field order, into reused typed values: no DOM and,
// in a steady stream, no allocation. simdjson errors are caught here and become FrameError.
#include "exchange/client/ws_frames.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>
#include <simdjson.h>

#include "exchange/client/ws_frame_fields.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::client {

namespace od = simdjson::ondemand;
using frame_fields::assign;
using frame_fields::BadField;
using frame_fields::trimmed;
using frame_fields::units_of;

namespace {

void parse_trade(od::object object, WsTrade& trade) {
  trade.users[0].clear();
  trade.users[1].clear();
  for (auto field : object) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key == "coin") {
      assign(trade.coin, value);
    } else if (key == "side") {
      const std::string_view side = value.get_string().value();
      if (side != "B" && side != "A") throw BadField(fmt::format("trade side '{}' is neither B nor A", side));
      trade.buy = side == "B";
    } else if (key == "px") {
      trade.px = units_of(value, "px");
    } else if (key == "sz") {
      trade.sz = units_of(value, "sz");
    } else if (key == "time") {
      trade.time = value.get_int64().value();
    } else if (key == "tid") {
      trade.tid = value.get_uint64().value();
    } else if (key == "hash") {
      assign(trade.hash, value);
    } else if (key == "users") {
      std::size_t i = 0;
      for (auto user : value.get_array()) {
        if (i < 2) assign(trade.users[i], user.value());
        ++i;
      }
    }
  }
  if (trade.px <= 0 || trade.sz <= 0) throw BadField("trade with a non-positive px or sz");
}

void parse_trades(od::value data, std::vector<WsTrade>& trades) {
  std::size_t count = 0;
  for (auto element : data.get_array()) {
    if (count == trades.size()) trades.emplace_back();
    parse_trade(element.get_object().value(), trades[count]);
    ++count;
  }
  trades.resize(count);
}

void parse_levels(od::value side, std::vector<WsBookLevel>& levels) {
  levels.clear();
  for (auto element : side.get_array()) {
    WsBookLevel level;
    for (auto field : element.get_object()) {
      // The raw key compared in place: unescaping 40 levels' keys costs a tenth of the frame.
      const od::raw_json_string key = field.key().value();
      if (key == "px") {
        level.px = units_of(field.value().value(), "px");
      } else if (key == "sz") {
        level.sz = units_of(field.value().value(), "sz");
      } else if (key == "n") {
        level.n = field.value().get_int64().value();
      }
    }
    levels.push_back(level);
  }
}

void parse_book(od::value data, WsBook& book) {
  book.coin.clear();
  book.time = 0;
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    if (key == "coin") {
      assign(book.coin, field.value().value());
    } else if (key == "time") {
      book.time = field.value().get_int64().value();
    } else if (key == "levels") {
      int side = 0;
      for (auto levels : field.value().get_array()) {
        if (side > 1) throw BadField("l2Book levels has more than two sides");
        parse_levels(levels.value(), side == 0 ? book.bids : book.asks);
        ++side;
      }
      if (side != 2) throw BadField("l2Book levels has fewer than two sides");
    }
  }
}

void parse_candle(od::object object, WsCandle& candle) {
  candle = WsCandle{};
  int seen = 0;  // t T s i o c h l v: the fields a bar needs
  for (auto field : object) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key.size() != 1) continue;
    switch (key[0]) {
      case 't': candle.open_time = value.get_int64().value(); seen |= 1; break;
      case 'T': candle.close_time = value.get_int64().value(); seen |= 2; break;
      case 's': assign(candle.coin, value); seen |= 4; break;
      case 'i': assign(candle.interval, value); seen |= 8; break;
      case 'o': candle.open = units_of(value, "o"); seen |= 16; break;
      case 'c': candle.close = units_of(value, "c"); seen |= 32; break;
      case 'h': candle.high = units_of(value, "h"); seen |= 64; break;
      case 'l': candle.low = units_of(value, "l"); seen |= 128; break;
      case 'v': candle.volume = units_of(value, "v"); seen |= 256; break;
      case 'n': candle.trades = value.get_int64().value(); break;
      default: break;
    }
  }
  if (seen != 511) throw BadField("candle lacks one of t, T, s, i, o, c, h, l, v");
  if (candle.open <= 0 || candle.close <= 0 || candle.low <= 0) {
    throw BadField(fmt::format("candle {} {} at {}: non-positive price", candle.coin, candle.interval, candle.open_time));
  }
  if (candle.high < std::max(candle.open, candle.close) || candle.low > std::min(candle.open, candle.close)) {
    throw BadField(fmt::format("candle {} {} at {}: high {} / low {} do not bound open {} and close {}", candle.coin,
                               candle.interval, candle.open_time, hl::format_units(candle.high),
                               hl::format_units(candle.low), hl::format_units(candle.open),
                               hl::format_units(candle.close)));
  }
  if (candle.volume < 0) throw BadField("candle with a negative volume");
}

void parse_candles(od::value data, std::vector<WsCandle>& candles) {
  std::size_t count = 0;
  auto next = [&](od::object object) {
    if (count == candles.size()) candles.emplace_back();
    parse_candle(object, candles[count]);
    ++count;
  };
  // PROTOCOL §14.2: the SDKs see one object, the docs say an array; take either.
  if (data.type().value() == od::json_type::array) {
    for (auto element : data.get_array()) next(element.get_object().value());
  } else {
    next(data.get_object().value());
  }
  candles.resize(count);
}

void parse_ack(od::value data, WsAck& ack) {
  ack.method.clear();
  ack.key.clear();
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    if (key == "method") {
      assign(ack.method, field.value().value());
    } else if (key == "subscription") {
      std::string_view type, coin, interval, user;
      for (auto sub : field.value().get_object()) {
        const std::string_view name = sub.unescaped_key().value();
        od::value value = sub.value().value();
        if (value.type().value() != od::json_type::string) continue;  // nSigFigs, mantissa, ...
        // Views into the parser's string buffer stay valid until the next document.
        if (name == "type") type = value.get_string().value();
        else if (name == "coin") coin = value.get_string().value();
        else if (name == "interval") interval = value.get_string().value();
        else if (name == "user") user = value.get_string().value();
      }
      ack.key = subscription_key(type, coin, interval, user);
    }
  }
  if (ack.key.empty()) throw BadField("subscriptionResponse without a subscription");
}

std::string raw_of(od::value value) {
  switch (value.type().value()) {
    case od::json_type::object: return std::string(value.get_object().value().raw_json().value());
    case od::json_type::array: return std::string(value.get_array().value().raw_json().value());
    default: return std::string(trimmed(value.raw_json_token()));
  }
}

void parse_post(od::value data, WsPostReply& post) {
  post = WsPostReply{};
  bool has_id = false;
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    if (key == "id") {
      post.id = field.value().get_uint64().value();
      has_id = true;
    } else if (key == "response") {
      for (auto part : field.value().get_object()) {
        const std::string_view name = part.unescaped_key().value();
        if (name == "type") {
          assign(post.type, part.value().value());
        } else if (name == "payload") {
          post.payload = raw_of(part.value().value());
        }
      }
    }
  }
  if (!has_id) throw BadField("post reply without an id");
}

void parse_data(std::string_view channel, od::value data, WsFrame& out) {
  if (channel == "trades") {
    out.kind = FrameKind::trades;
    parse_trades(data, out.trades);
  } else if (channel == "l2Book") {
    out.kind = FrameKind::l2_book;
    parse_book(data, out.book);
  } else if (channel == "candle") {
    out.kind = FrameKind::candle;
    parse_candles(data, out.candles);
  } else if (channel == "subscriptionResponse") {
    out.kind = FrameKind::subscription_response;
    parse_ack(data, out.ack);
  } else if (channel == "post") {
    out.kind = FrameKind::post;
    parse_post(data, out.post);
  } else if (channel == "error") {
    out.kind = FrameKind::error;
    out.error = data.type().value() == od::json_type::string ? std::string(data.get_string().value()) : raw_of(data);
  } else if (!frame_fields::parse_user_data(channel, data, out)) {
    out.kind = FrameKind::other;
    (void)raw_of(data);  // walked so that a broken payload is still caught
  }
}

}  // namespace

std::string subscription_key(std::string_view type, std::string_view coin, std::string_view interval,
                             std::string_view user) {
  std::string key;
  key.reserve(type.size() + coin.size() + interval.size() + user.size() + 3);
  key.append(type).append("|").append(coin).append("|").append(interval).append("|");
  for (char c : user) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return key;
}

struct FrameParser::Impl {
  od::parser parser;
  std::string buffer;  // the frame with simdjson's padding after it
  std::size_t max_frame_bytes;
};

FrameParser::FrameParser(std::size_t max_frame_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->max_frame_bytes = max_frame_bytes;
}
FrameParser::~FrameParser() = default;

std::optional<FrameError> FrameParser::parse(std::string_view text, WsFrame& out) {
  out.kind = FrameKind::other;
  out.channel.clear();
  if (text.size() > impl_->max_frame_bytes) {
    return FrameError{fmt::format("frame of {} bytes is over the {} byte limit", text.size(), impl_->max_frame_bytes)};
  }
  // PROTOCOL §4.1: a greeting or any frame that does not open an object is not a message.
  if (text.empty() || text.front() != '{') {
    return FrameError{fmt::format("not a JSON message: '{}'", text.substr(0, 40))};
  }
  auto& buffer = impl_->buffer;
  if (buffer.capacity() < text.size() + simdjson::SIMDJSON_PADDING) buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(text.data(), text.size());
  try {
    od::document doc = impl_->parser.iterate(simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()));
    bool has_channel = false;
    for (auto field : doc.get_object()) {
      const std::string_view key = field.unescaped_key().value();
      if (key == "channel") {
        const std::string_view channel = field.value().get_string().value();
        out.channel.assign(channel.data(), channel.size());
        has_channel = true;
        if (channel == "pong") out.kind = FrameKind::pong;
      } else if (key == "data") {
        // The exchange and the simulator both send "channel" first (the sim's keys are sorted).
        if (!has_channel) return FrameError{"message has data before its channel"};
        parse_data(out.channel, field.value().value(), out);
      }
    }
    if (!has_channel) return FrameError{"message without a channel"};
  } catch (const simdjson::simdjson_error& e) {
    out.kind = FrameKind::other;
    if (out.channel.empty()) return FrameError{fmt::format("not valid JSON: {}", e.what())};
    return FrameError{fmt::format("{} frame: {}", out.channel, e.what())};
  } catch (const BadField& e) {
    out.kind = FrameKind::other;
    return FrameError{fmt::format("{} frame: {}", out.channel, e.what())};
  }
  return std::nullopt;
}

}  // namespace organism::exchange::client
