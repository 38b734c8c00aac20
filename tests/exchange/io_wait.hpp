// Waiting in a test for something an io_context's handlers bring about (a frame, a reconnect, a
// reply), without sleeping longer than needed. Used by the WebSocket, proxy and stream tests.
#pragma once

#include <utility>  // before Asio (DEPENDENCIES.md)

#include <chrono>

#include <boost/asio/io_context.hpp>

namespace organism::test {

// Runs `ioc` in short slices until `done()` holds or `timeout` passes; whether it held.
template <class Pred>
bool run_until(boost::asio::io_context& ioc, Pred done,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace organism::test
