#include "exchange/client/fear_greed.hpp"

#include <algorithm>
#include <chrono>
#include <charconv>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/json_input.hpp"

namespace organism::exchange::client {

namespace {

constexpr std::int64_t kDaySeconds = core::kDayMs / 1000;

// A whole number given as a JSON integer or as a string of digits (the API sends strings).
std::optional<std::int64_t> whole_number(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  const auto& text = v.get_ref<const std::string&>();
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || out < 0) return std::nullopt;
  return out;
}

[[noreturn]] void bad_row(std::size_t row, const char* field, const std::string& why) {
  throw core::Error(fmt::format("fear_greed reply: row {}: field '{}': {}", row, field, why));
}

std::string shown(const nlohmann::json& row, const char* field) {
  return row.contains(field) ? core::quoted_json(row.at(field)) : "nothing";
}

std::optional<core::TimeMs> last_stored_day(data::Store& store, const std::string& source) {
  for (const auto& info : store.list_sentiment()) {
    if (info.source == source && info.rows > 0) return info.last;
  }
  return std::nullopt;
}

bool retried_status(int status) { return status == 429 || status >= 500; }

// GET with retries; the body of the 200 reply.
std::string get_with_retries(HttpTransport& transport, const std::string& target, const FearGreedOptions& options,
                             FearGreedResult& result) {
  Backoff backoff(options.retry);
  // The URL as the user gave it with the query, for messages.
  const std::string shown_url = (options.url.ends_with('/') ? options.url : options.url + "/") + target.substr(1);
  for (int attempt = 0;; ++attempt) {
    ++result.requests;
    std::string failure;
    bool rate_limited = false;
    try {
      HttpReply reply = transport.get(target);
      if (reply.status == 200) return std::move(reply.body);
      failure = fmt::format("fear_greed GET {}: HTTP {} \"{}\"", shown_url, reply.status, core::quoted_text(reply.body));
      rate_limited = reply.status == 429;
      if (!retried_status(reply.status)) throw core::Error(failure + " (not retried)");
    } catch (const TransportError& e) {
      failure = fmt::format("fear_greed GET {}: {}", shown_url, e.what());
    }
    if (attempt + 1 >= options.retry.max_attempts) {
      throw core::Error(fmt::format("{} (after {} tries)", failure, attempt + 1));
    }
    const auto wait = backoff.delay(attempt, rate_limited);
    spdlog::warn("{}; retrying in {} ms", failure, wait);
    ++result.retries;
    if (options.sleep) options.sleep(wait);
    else std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

}  // namespace

data::SentimentSeries parse_fear_greed(std::string_view body, std::string_view source) {
  const auto reply = core::parse_json(body, "fear_greed reply");
  if (!reply.is_object()) throw core::Error(fmt::format("fear_greed reply: expected an object, got {}", core::quoted_json(reply)));
  // The API reports its own failures as {"metadata":{"error":"..."}} next to an empty data.
  if (reply.contains("metadata") && reply["metadata"].is_object()) {
    const auto& error = reply["metadata"].value("error", nlohmann::json());
    if (!error.is_null()) throw core::Error(fmt::format("fear_greed reply: the API reports an error: {}", core::quoted_json(error)));
  }
  if (!reply.contains("data") || !reply["data"].is_array()) {
    throw core::Error(fmt::format("fear_greed reply: field 'data': expected an array, got {}", shown(reply, "data")));
  }
  const auto& rows = reply["data"];
  data::SentimentSeries out{std::string(source), {}, {}, {}};
  out.time.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (!row.is_object()) throw core::Error(fmt::format("fear_greed reply: row {}: expected an object, got {}", i, core::quoted_json(row)));
    const auto value = row.contains("value") ? whole_number(row["value"]) : std::nullopt;
    if (!value || *value > 100) bad_row(i, "value", fmt::format("expected a whole number from 0 to 100, got {}", shown(row, "value")));
    const auto seconds = row.contains("timestamp") ? whole_number(row["timestamp"]) : std::nullopt;
    if (!seconds) bad_row(i, "timestamp", fmt::format("expected whole seconds since 1970, got {}", shown(row, "timestamp")));
    if (*seconds % kDaySeconds != 0) {
      bad_row(i, "timestamp", fmt::format("{} is not 00:00 UTC of a day", *seconds));
    }
    const core::TimeMs t = *seconds * 1000;
    // Newest first: each row is a day before the one above it.
    if (!out.time.empty() && t >= out.time.back()) {
      bad_row(i, "timestamp", fmt::format("{} is not older than row {}'s ({}): rows must be newest first, one per day",
                                          core::format_utc(t), i - 1, core::format_utc(out.time.back())));
    }
    const auto& classification = row.contains("value_classification") ? row["value_classification"] : nlohmann::json();
    if (!classification.is_string() || classification.get_ref<const std::string&>().empty()) {
      bad_row(i, "value_classification", fmt::format("expected a non-empty string, got {}", shown(row, "value_classification")));
    }
    out.time.push_back(t);
    out.value.push_back(static_cast<int>(*value));
    out.classification.push_back(classification.get<std::string>());
  }
  std::reverse(out.time.begin(), out.time.end());
  std::reverse(out.value.begin(), out.value.end());
  std::reverse(out.classification.begin(), out.classification.end());
  return out;
}

FearGreedResult fetch_fear_greed(data::Store& store, const FearGreedOptions& options, const core::Clock& wall) {
  FearGreedResult result;
  const auto stored = last_stored_day(store, options.source);
  if (stored) {
    // Days from the last stored one to today, plus two: the API's newest day may be dated ahead
    // of a wall clock just before midnight, and one more costs nothing.
    const core::TimeMs today = wall.now() - wall.now() % core::kDayMs;
    result.limit = std::max<std::int64_t>(0, (today - *stored) / core::kDayMs) + 2;
  }
  HttpTransport transport(options.url, options.transport);
  const std::string target = fmt::format("/?limit={}", result.limit);
  const std::string body = get_with_retries(transport, target, options, result);
  const auto all = parse_fear_greed(body, options.source);

  data::SentimentSeries fresh{options.source, {}, {}, {}};
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (stored && all.time[i] <= *stored) continue;
    fresh.time.push_back(all.time[i]);
    fresh.value.push_back(all.value[i]);
    fresh.classification.push_back(all.classification[i]);
  }
  if (stored && !fresh.time.empty() && fresh.time.front() > *stored + core::kDayMs) {
    spdlog::warn("fear_greed: the reply's oldest new day {} leaves a gap after the store's last {}",
                 core::format_utc(fresh.time.front()), core::format_utc(*stored));
  }
  if (fresh.time.empty()) return result;
  auto tx = store.transaction();
  result.new_days = store.upsert_sentiment(fresh).inserted;
  tx.commit();
  result.first = fresh.time.front();
  result.last = fresh.time.back();
  return result;
}

}  // namespace organism::exchange::client
