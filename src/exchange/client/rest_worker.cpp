#include "exchange/client/rest_worker.hpp"

#include <boost/asio/post.hpp>

namespace organism::exchange::client {

RestWorker::RestWorker(boost::asio::io_context& ioc) : ioc_(ioc), work_(boost::asio::make_work_guard(ioc)) {
  thread_ = std::thread([state = state_, &ioc] { run(state, ioc); });
}

RestWorker::~RestWorker() { stop(); }

void RestWorker::submit(Job job) {
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->stopping) return;
    state_->queue.push_back(std::move(job));
  }
  state_->wake.notify_one();
}

void RestWorker::stop(std::chrono::milliseconds grace) {
  bool finished = true;
  {
    std::unique_lock lock(state_->mutex);
    state_->stopping = true;
    state_->queue.clear();
    state_->wake.notify_one();
    finished = state_->idle.wait_for(lock, grace, [this] { return !state_->running; });
  }
  if (thread_.joinable()) {
    if (finished) thread_.join();
    else thread_.detach();  // it holds the state and the job's own shared pointers, never `this`
  }
  work_.reset();
}

void RestWorker::run(const std::shared_ptr<State>& state, boost::asio::io_context& ioc) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(state->mutex);
      state->wake.wait(lock, [&] { return state->stopping || !state->queue.empty(); });
      if (state->stopping) return;
      job = std::move(state->queue.front());
      state->queue.pop_front();
      state->running = true;
    }
    Continuation done = job();
    const std::lock_guard lock(state->mutex);
    state->running = false;
    state->idle.notify_all();
    // Under the lock: a stop() that returned has seen running == false or set stopping first,
    // so nothing is posted to an io_context the caller may be destroying.
    if (state->stopping) return;
    if (done) boost::asio::post(ioc, std::move(done));
  }
}

}  // namespace organism::exchange::client
