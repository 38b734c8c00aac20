#include "monitor/dashboard/dashboard_poller.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "core/error.hpp"
#include "exchange/client/http_transport.hpp"

namespace organism::monitor::dashboard {

namespace client = exchange::client;

namespace {

std::unique_ptr<client::HttpTransport> make_transport(const PollerOptions& o) {
  client::TransportOptions t;
  t.connect_timeout_ms = o.timeout_ms;
  t.request_timeout_ms = o.timeout_ms;
  if (!o.token.empty()) t.headers.emplace_back("Authorization", "Bearer " + o.token);
  return std::make_unique<client::HttpTransport>(o.url, std::move(t));
}

}  // namespace

Poller::Poller(PollerOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock), transport_(make_transport(options_)) {
  state_.url = options_.url;
  state_.interval_ms = options_.interval_ms;
}

Poller::~Poller() { stop(); }

void Poller::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void Poller::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Poller::refresh_now() {
  {
    std::lock_guard lock(mutex_);
    refresh_ = true;
    full_next_ = true;
  }
  wake_.notify_all();
}

bool is_fast_route(Route route) {
  return route == Route::health || route == Route::positions || route == Route::risk || route == Route::alerts;
}

void Poller::poll_once() {
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    full = full_next_ || rounds_ % kFullRoundEvery == 0;
    full_next_ = false;
  }
  for (const Route route : kAllRoutes) {
    if (!full && !is_fast_route(route)) continue;
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    try {
      const auto reply = transport_->get(route_path(route));
      std::lock_guard lock(mutex_);
      apply_reply(state_, route, reply.status, reply.body, clock_.now());
      ++version_;
    } catch (const std::exception& e) {
      // Nothing answered: the other routes would fail the same way, so the round ends here and
      // the next one starts on a fresh connection.
      transport_ = make_transport(options_);
      std::lock_guard lock(mutex_);
      apply_failure(state_, route, e.what(), clock_.now());
      ++version_;
      ++rounds_;
      full_next_ = true;  // everything again once the API is back
      return;
    }
  }
  std::lock_guard lock(mutex_);
  ++rounds_;
}

std::uint64_t Poller::rounds() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

void Poller::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    refresh_ = false;
    lock.unlock();
    poll_once();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [this] { return stop_ || refresh_; });
  }
}

std::uint64_t Poller::snapshot(DashboardState& out, std::uint64_t seen) const {
  std::lock_guard lock(mutex_);
  if (version_ != seen) out = state_;
  return version_;
}

}  // namespace organism::monitor::dashboard
