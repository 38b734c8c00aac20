// One webhook's delivery thread (webhook_sender.hpp).
#include "monitor/alerts/webhook_sender.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "exchange/client/http_transport.hpp"

namespace organism::monitor {

namespace {

// "https://host:port/path?q" -> {"https://host:port", "/path?q"}: the transport takes a base URL
// and a target, and a webhook's path is often its secret (Slack's, Discord's), so it is never logged.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

struct WebhookSender::Impl {
  Impl(std::string u, const AlertOptions& o) : url(std::move(u)), options(o) {
    exchange::client::parse_base_url(split_url(url).first);  // refuse a bad URL now, not at the first alert
    thread = std::thread([this] { run(); });
  }
  ~Impl() {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    thread.join();
  }

  const std::string url;
  const AlertOptions options;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Alert> queue;
  bool stopping = false;
  WebhookStats stats;
  std::thread thread;

  // The host for the log: never the path, which may be the webhook's secret.
  std::string host() const { return split_url(url).first; }

  // One keep-alive connection per webhook, made at the first alert and again after a failure
  // (a transport also sets up a TLS context: too slow to repeat for every alert of a burst).
  std::unique_ptr<exchange::client::HttpTransport> transport;

  bool post(const std::string& body, std::string& why) {
    const auto [base, target] = split_url(url);
    try {
      if (!transport) {
        exchange::client::TransportOptions t;
        t.connect_timeout_ms = options.webhook_timeout_ms;
        t.request_timeout_ms = options.webhook_timeout_ms;
        transport = std::make_unique<exchange::client::HttpTransport>(base, t);
      }
      const auto reply = transport->post_json(target, body);
      if (reply.status >= 200 && reply.status < 300) return true;
      why = "HTTP " + std::to_string(reply.status);
    } catch (const std::exception& e) {
      why = e.what();
      transport.reset();
    }
    return false;
  }

  void deliver(const Alert& alert) {
    const std::string body = webhook_payload(alert);
    std::string why;
    int wait_ms = options.webhook_backoff_ms;
    for (int attempt = 0; attempt <= options.webhook_retries; ++attempt) {
      if (attempt > 0) {
        std::unique_lock lock(mutex);
        if (wake.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping; })) return;
        wait_ms *= 2;
      }
      const bool ok = post(body, why);
      {
        const std::lock_guard lock(mutex);
        ++stats.attempts;
        if (ok) ++stats.delivered;
      }
      if (ok) return;
      spdlog::debug("alert {} to webhook {}: attempt {} failed: {}", alert.id, host(), attempt + 1, why);
    }
    {
      const std::lock_guard lock(mutex);
      ++stats.failed;
    }
    spdlog::warn("alert {} to webhook {}: given up after {} attempts ({})", alert.id, host(),
                 options.webhook_retries + 1, why);
  }

  void run() {
    for (;;) {
      Alert alert;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) return;
        alert = std::move(queue.front());
        queue.pop_front();
      }
      deliver(alert);
    }
  }
};

WebhookSender::WebhookSender(std::string url, const AlertOptions& options)
    : impl_(std::make_unique<Impl>(std::move(url), options)) {}
WebhookSender::~WebhookSender() = default;

bool WebhookSender::enqueue(const Alert& alert) {
  {
    const std::lock_guard lock(impl_->mutex);
    if (impl_->queue.size() >= impl_->options.webhook_queue) {
      const auto dropped = ++impl_->stats.dropped;
      spdlog::warn("alert {} not sent to webhook {}: its queue is full ({} alerts waiting; {} dropped so far)",
                   alert.id, impl_->host(), impl_->queue.size(), dropped);
      return false;
    }
    impl_->queue.push_back(alert);
  }
  impl_->wake.notify_all();
  return true;
}

WebhookStats WebhookSender::stats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

const std::string& WebhookSender::url() const { return impl_->url; }

}  // namespace organism::monitor
