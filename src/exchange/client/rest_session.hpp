// Every REST call to the exchange goes through here: the process's weight budget, the keep-alive
// transport, retries with backoff, and HTTP errors turned into exceptions that carry the
// exchange's text. Used by InfoClient and ExchangeClient; the CLI builds one per base URL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "exchange/client/http_transport.hpp"
#include "exchange/client/retry_policy.hpp"
#include "exchange/client/weight_budget.hpp"
#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::client {

using hl::Json;

// The exchange answered with a status that is not retried (4xx other than 429), or kept
// answering 429/5xx until the retries ran out. The message names the request and quotes the
// exchange's text (PROTOCOL §14.6: bodies are opaque text).
class HttpStatusError : public core::Error {
 public:
  HttpStatusError(const std::string& what, int status, std::string body)
      : core::Error(what), status_(status), body_(std::move(body)) {}
  int status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  int status_;
  std::string body_;
};

struct SessionOptions {
  TransportOptions transport;
  RetryPolicy retry;
  std::function<void(core::TimeMs)> sleep;  // empty: really sleep (tests may count instead)
};

struct SessionStats {
  std::int64_t requests = 0;          // HTTP requests sent, retries included
  std::int64_t retries = 0;
  std::int64_t status_429 = 0;
  std::int64_t status_5xx = 0;
  std::int64_t transport_errors = 0;  // timeouts, refused or dropped connections
};

class RestSession {
 public:
  RestSession(const std::string& base_url, std::shared_ptr<WeightBudget> budget, SessionOptions options = {});

  // POST /info. Retried on transport errors, 429 and 5xx; `what` names the request in errors
  // ("candleSnapshot BTC 1h"). A reply that is not JSON is an error naming `what`.
  Json info(const Json& request, std::string_view what);
  // POST /exchange with a signed envelope. The same signed body is re-sent only when the
  // connection failed before any reply byte (the exchange cannot have seen it answered); a 429
  // or 5xx is not re-sent, since the action may have been applied: the caller decides (query
  // orderStatus by cloid) and signs anew with a new nonce if it wants another try.
  Json action(const std::string& envelope, std::size_t batch, std::string_view what);

  const SessionStats& stats() const { return stats_; }
  const BaseUrl& url() const { return transport_.url(); }
  WeightBudget& budget() { return *budget_; }

 private:
  void pause(core::TimeMs ms);
  static Json parse_reply(const HttpReply& reply, std::string_view what);

  HttpTransport transport_;
  std::shared_ptr<WeightBudget> budget_;
  SessionOptions options_;
  Backoff backoff_;
  SessionStats stats_;
};

}  // namespace organism::exchange::client
