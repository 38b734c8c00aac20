// Delivers alerts to one webhook URL: a JSON POST (alert.hpp's webhook_payload) with a timeout
// and retries with exponential backoff, on a thread of its own behind a bounded queue, so a slow
// or dead receiver delays only its own deliveries and never the rules that raise alerts. A full
// queue drops the newest alert (counted and logged); a receiver that never answers 2xx gets each
// alert 1 + retries times and is then given up for that alert.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "monitor/alerts/alert.hpp"

namespace organism::monitor {

struct WebhookStats {
  std::int64_t delivered = 0;
  std::int64_t failed = 0;   // alerts given up after every attempt
  std::int64_t dropped = 0;  // queue full
  std::int64_t attempts = 0;
};

class WebhookSender {
 public:
  // core::UsageError when the URL is refused (exchange::client::parse_base_url's rules).
  WebhookSender(std::string url, const AlertOptions& options);
  ~WebhookSender();  // stops: the alert being sent is abandoned at its next wait
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Never blocks: false (and counted) when the queue is full.
  bool enqueue(const Alert& alert);
  WebhookStats stats() const;
  const std::string& url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::monitor
