// A thread for blocking REST calls (they may wait on the weight budget or a retry's backoff) whose
// results are handed back to an io_context, so an event loop never blocks. Used by the live market
// data source for its candleSnapshot backfills and funding fetches.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <condition_variable>
#include <memory>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace organism::exchange::client {

class RestWorker {
 public:
  // What a job returns: the continuation to run on the io_context.
  using Continuation = std::function<void()>;
  using Job = std::function<Continuation()>;

  explicit RestWorker(boost::asio::io_context& ioc);
  ~RestWorker();  // stop()
  RestWorker(const RestWorker&) = delete;
  RestWorker& operator=(const RestWorker&) = delete;

  // Jobs run one at a time, in order. A job must not throw (it returns a continuation that reports).
  void submit(Job job);
  // Drops queued jobs and releases the io_context; waits up to `grace` for the running job, then
  // leaves it to finish alone (a call may sleep up to a minute on the weight budget, and Ctrl-C
  // must not wait for that): its result is dropped. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  // Shared with the thread, which may outlive this object after a stop that did not wait.
  struct State {
    std::mutex mutex;
    std::condition_variable wake, idle;
    std::deque<Job> queue;
    bool stopping = false;
    bool running = false;
  };
  static void run(const std::shared_ptr<State>& state, boost::asio::io_context& ioc);

  boost::asio::io_context& ioc_;
  // Keeps ioc.run() alive while a reply may still come back.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::thread thread_;
};

}  // namespace organism::exchange::client
