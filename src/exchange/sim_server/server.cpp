#include "exchange/sim_server/server_impl.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exchange::sim_server {

namespace {
constexpr TimeMs kMinute = 60000;
}

Server::Impl::Impl(Handler& h, ServerOptions o, const StateFile* file)
    : handler(h),
      options(std::move(o)),
      state_file(file),
      rest_weight(options.rest_weight_per_minute, kMinute),
      ws_new_connections(options.ws_new_connections_per_minute, kMinute),
      ws_messages(options.ws_messages_per_minute, kMinute),
      faults(options.faults, options.seed) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) throw core::Error(fmt::format("exchange-sim: bad listen address {}", options.host));
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw core::Error(fmt::format("exchange-sim: cannot listen on {}:{}: {}", options.host, options.port, ec.message()));
  if (faults.spec().drop_ws_every_ms) next_drop_ms = *faults.spec().drop_ws_every_ms;
  clock_base_market = handler.market_time();
}

void Server::Impl::save_state() {
  if (!state_file || !dirty) return;
  state_file->save(handler.state());
  dirty = false;
  last_save_ms = elapsed_ms();
}

void Server::Impl::publish() {
  if (stopping) return;
  const auto messages = handler.publish([this](const std::string& key) { return subscribers.count(key) > 0; });
  for (const auto& message : messages) {
    auto it = subscribers.find(message.key);
    if (it == subscribers.end()) continue;
    auto text = std::make_shared<const std::string>(message.text);
    // A copy: send() may drop a session, which edits the index on its way out.
    const auto targets = it->second;
    for (const auto& [id, session] : targets) session->send(text);
  }
}

void Server::Impl::drop_all_ws() {
  const auto all = sessions;
  for (const auto& [id, weak] : all)
    if (auto session = weak.lock()) session->drop();
}

void Server::Impl::on_tick() {
  const TimeMs now = elapsed_ms();
  if (options.speed > 0) {
    const auto target = clock_base_market + static_cast<TimeMs>(static_cast<double>(now - clock_base_elapsed) * options.speed);
    if (target > handler.market_time()) {
      handler.advance_to(target);
      dirty = true;
    }
  }
  if (handler.run_wall_clock()) dirty = true;  // scheduled cancels fire with no request
  const auto& scheduled = faults.spec().scheduled;
  while (next_scheduled < scheduled.size() && scheduled[next_scheduled].at_ms <= now) {
    const Reply reply = handler.control(scheduled[next_scheduled].request.dump());
    if (!reply.json())
      fmt::print(stderr, "exchange-sim: fault {} refused: {}\n", scheduled[next_scheduled].request.dump(), reply.body);
    ++next_scheduled;
  }
  if (faults.spec().drop_ws_every_ms && next_drop_ms > 0 && now >= next_drop_ms) {
    drop_all_ws();
    while (next_drop_ms <= now) next_drop_ms += *faults.spec().drop_ws_every_ms;
  }
  publish();
  if (dirty && now - last_save_ms >= options.save_every_ms) save_state();
}

net::awaitable<void> Server::Impl::tick_loop() {
  beast::error_code ec;
  while (!stopping) {
    tick_timer.expires_after(std::chrono::milliseconds(options.tick_ms));
    co_await tick_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (stopping) break;
    try {
      on_tick();
    } catch (const std::exception& e) {
      fmt::print(stderr, "exchange-sim: market tick failed: {}\n", e.what());
    }
  }
}

net::awaitable<void> Server::Impl::accept_loop() {
  beast::error_code ec;
  while (!stopping) {
    tcp::socket socket(ioc);
    co_await acceptor.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) break;
      continue;  // e.g. too many open files: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(
        ioc,
        [this, stream = beast::tcp_stream(std::move(socket))]() mutable -> net::awaitable<void> {
          try {
            co_await run_http_session(*this, std::move(stream));
          } catch (const std::exception& e) {
            fmt::print(stderr, "exchange-sim: connection failed: {}\n", e.what());
          }
        },
        net::detached);
  }
}

void Server::Impl::shutdown() {
  if (stopping) return;
  stopping = true;
  beast::error_code ec;
  acceptor.close(ec);
  tick_timer.cancel();
  signals.cancel(ec);
  drop_all_ws();
  dirty = true;
  try {
    save_state();
  } catch (const std::exception& e) {
    fmt::print(stderr, "exchange-sim: saving the state failed: {}\n", e.what());
  }
  ioc.stop();
}

Server::Server(Handler& handler, ServerOptions options, const StateFile* state_file)
    : impl_(std::make_unique<Impl>(handler, std::move(options), state_file)) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string Server::run() {
  Impl& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.add(SIGINT);
    s.signals.add(SIGTERM);
    s.signals.async_wait([&s](const beast::error_code& ec, int signal) {
      if (ec) return;
      s.stop_signal = signal == SIGINT ? "SIGINT" : "SIGTERM";
      s.shutdown();
    });
  }
  net::co_spawn(s.ioc, s.accept_loop(), net::detached);
  net::co_spawn(s.ioc, s.tick_loop(), net::detached);
  s.ioc.run();
  return s.stop_signal;
}

void Server::stop() {
  net::post(impl_->ioc, [this] { impl_->shutdown(); });
}

}  // namespace organism::exchange::sim_server
