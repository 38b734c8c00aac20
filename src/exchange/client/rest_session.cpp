#include "exchange/client/rest_session.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/json_input.hpp"

namespace organism::exchange::client {

namespace {

bool retried_status(int status) { return status == 429 || status >= 500; }

std::string quoted_body(const std::string& body) { return core::quoted_text(body, 200); }

}  // namespace

RestSession::RestSession(const std::string& base_url, std::shared_ptr<WeightBudget> budget, SessionOptions options)
    : transport_(base_url, options.transport),
      budget_(budget ? std::move(budget) : WeightBudget::make()),
      options_(std::move(options)),
      backoff_(options_.retry) {}

void RestSession::pause(core::TimeMs ms) {
  if (options_.sleep) options_.sleep(ms);
  else std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Json RestSession::parse_reply(const HttpReply& reply, std::string_view what) {
  return core::parse_ordered_json(reply.body, fmt::format("{}: reply", what));
}

Json RestSession::info(const Json& request, std::string_view what) {
  const std::string type = request.value("type", std::string());
  const int weight = info_weight(type);
  const std::string body = request.dump();
  for (int attempt = 0;; ++attempt) {
    budget_->acquire(weight);
    ++stats_.requests;
    std::string failure;
    bool rate_limited = false;
    try {
      const HttpReply reply = transport_.post_json("/info", body);
      if (reply.status == 200) {
        Json parsed;
        try {
          parsed = parse_reply(reply, what);
        } catch (...) {
          budget_->settle(weight, 0);
          throw;
        }
        budget_->settle(weight, info_extra_weight(type, parsed.is_array() ? parsed.size() : 0));
        return parsed;
      }
      budget_->settle(weight, 0);
      if (reply.status == 429) ++stats_.status_429;
      if (reply.status >= 500) ++stats_.status_5xx;
      rate_limited = reply.status == 429;
      failure = fmt::format("{}: HTTP {} {}", what, reply.status, quoted_body(reply.body));
      if (!retried_status(reply.status) || attempt + 1 >= options_.retry.max_attempts) {
        throw HttpStatusError(failure + (retried_status(reply.status) ? fmt::format(" (after {} tries)", attempt + 1) : ""),
                              reply.status, reply.body);
      }
    } catch (const TransportError& e) {
      budget_->settle(weight, 0);
      ++stats_.transport_errors;
      failure = fmt::format("{}: {}", what, e.what());
      if (attempt + 1 >= options_.retry.max_attempts) {
        throw core::Error(fmt::format("{} (after {} tries)", failure, attempt + 1));
      }
    }
    const auto wait = backoff_.delay(attempt, rate_limited);
    spdlog::warn("{}; retrying in {} ms", failure, wait);
    ++stats_.retries;
    pause(wait);
  }
}

Json RestSession::action(const std::string& envelope, std::size_t batch, std::string_view what) {
  const int weight = exchange_weight(batch);
  for (int attempt = 0;; ++attempt) {
    budget_->acquire(weight);
    ++stats_.requests;
    HttpReply reply;
    try {
      reply = transport_.post_json("/exchange", envelope);
      budget_->settle(weight, 0);
    } catch (const TransportError& e) {
      budget_->settle(weight, 0);
      ++stats_.transport_errors;
      if (e.reply_started() || e.timed_out() || attempt + 1 >= options_.retry.max_attempts) {
        // A reply was under way, or the request may still be processing: re-sending could
        // apply the action twice, so the caller must look before signing anew.
        throw core::Error(fmt::format("{}: {} (not re-sent: the action may have been applied)", what, e.what()));
      }
      const auto wait = backoff_.delay(attempt);
      spdlog::warn("{}: {} before any reply; re-sending the same signed body in {} ms", what, e.what(), wait);
      ++stats_.retries;
      pause(wait);
      continue;
    }
    if (reply.status == 429) ++stats_.status_429;
    if (reply.status >= 500) ++stats_.status_5xx;
    if (reply.status != 200) {
      throw HttpStatusError(fmt::format("{}: HTTP {} {}", what, reply.status, quoted_body(reply.body)), reply.status,
                            reply.body);
    }
    return parse_reply(reply, what);
  }
}

}  // namespace organism::exchange::client
