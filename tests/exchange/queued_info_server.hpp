// A loopback server (the simulator's real transport) whose /info answers come from a queue the
// test fills: bad replies, 429s and 5xx on demand. Used by the REST, account and live-bar tests.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exchange/sim_server/server.hpp"

namespace organism::test {

// Answers /info with the queued replies in order, then 200 "[]"; /exchange with 500 (counted);
// serves no subscription. Records each /info body.
class QueuedInfoHandler final : public exchange::sim_server::Handler {
 public:
  using Reply = exchange::sim_server::Reply;
  using Json = exchange::sim_server::Json;

  explicit QueuedInfoHandler(core::TimeMs market_time = 0) : market_time_(market_time) {}

  Reply info(std::string_view body) override {
    std::lock_guard lock(mutex_);
    bodies_.emplace_back(body);
    if (replies_.empty()) return {200, "[]"};
    Reply r = replies_.front();
    replies_.pop_front();
    return r;
  }
  Reply exchange(std::string_view) override {
    std::lock_guard lock(mutex_);
    ++actions_;
    return {500, "internal"};
  }
  Reply control(std::string_view) override { return {400, "no"}; }
  int info_weight(std::string_view, const Reply&) override { return 1; }
  int exchange_weight(std::string_view) override { return 1; }
  core::TimeMs market_time() const override { return market_time_; }
  void advance_to(core::TimeMs) override {}
  std::optional<exchange::sim_server::Subscription> parse_subscription(const Json&, std::string& e) override {
    e = "none";
    return std::nullopt;
  }
  std::vector<std::string> snapshot(const exchange::sim_server::Subscription&) override { return {}; }
  std::vector<exchange::sim_server::FeedMessage> publish(const std::function<bool(const std::string&)>&) override {
    return {};
  }
  Json state() const override { return Json::object(); }

  void queue(std::vector<Reply> replies) {
    std::lock_guard lock(mutex_);
    replies_.insert(replies_.end(), replies.begin(), replies.end());
  }
  void queue_ok(std::string body) { queue({{200, std::move(body)}}); }
  std::size_t requests() {
    std::lock_guard lock(mutex_);
    return bodies_.size();
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int actions() {
    std::lock_guard lock(mutex_);
    return actions_;
  }

 private:
  core::TimeMs market_time_;
  std::mutex mutex_;
  std::deque<Reply> replies_;
  std::vector<std::string> bodies_;
  int actions_ = 0;
};

// The server running on its own thread for the test's scope.
class RunningServer {
 public:
  explicit RunningServer(exchange::sim_server::Handler& handler)
      : server_(handler, {}), thread_([this] { server_.run(); }) {}
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  std::uint16_t port() const { return server_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  exchange::sim_server::Server server_;
  std::thread thread_;
};

}  // namespace organism::test
