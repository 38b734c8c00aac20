// The test proxies (proxy_servers.hpp). The SOCKS5 and status proxies are Asio coroutines on a
// thread of their own, so the client under test can run synchronously on the test's thread.
#include "proxy_servers.hpp"

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>

#include <boost/asio.hpp>
#include <fmt/format.h>

namespace organism::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

std::uint16_t free_loopback_port() {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

namespace {

bool port_accepts(std::uint16_t port) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

}  // namespace

// --- tinyproxy -------------------------------------------------------------------------------

bool TinyproxyProcess::installed() { return std::system("command -v tinyproxy >/dev/null 2>&1") == 0; }

TinyproxyProcess::TinyproxyProcess(std::uint16_t connect_port) {
  port_ = free_loopback_port();
  const std::string config = (dir_ / "tinyproxy.conf").string();
  write_file(config, fmt::format("Port {}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nConnectPort {}\n"
                                 "LogLevel Connect\nLogFile \"{}\"\nMaxClients 20\n",
                                 port_, connect_port, (dir_ / "tinyproxy.log").string()));
  const std::string out = (dir_ / "stdout").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execlp("tinyproxy", "tinyproxy", "-d", "-c", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 250 && !started_; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    started_ = port_accepts(port_);
  }
}

TinyproxyProcess::~TinyproxyProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string TinyproxyProcess::log() const {
  const auto path = dir_ / "tinyproxy.log";
  return fs::exists(path) ? read_file(path) : std::string();
}

int TinyproxyProcess::connect_requests(std::uint16_t target_port) const {
  const std::string text = log();
  const std::string needle = fmt::format("): CONNECT 127.0.0.1:{} HTTP/1.1", target_port);
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// --- SOCKS5 ----------------------------------------------------------------------------------

// Coroutines hold no owner: the io_context, destroyed last with the State, destroys their frames.
struct Socks5Proxy::State {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::string user, password;
  std::atomic<int> connections{0}, auth_failures{0};
  mutable std::mutex mutex;
  std::vector<std::string> targets;

  struct Tunnel {
    explicit Tunnel(net::io_context& context) : client(context), target(context) {}
    tcp::socket client, target;
    void close() {
      error_code ignored;
      client.close(ignored);
      target.close(ignored);
    }
  };

  static net::awaitable<void> pipe(std::shared_ptr<Tunnel> tunnel, bool upstream) {
    tcp::socket& from = upstream ? tunnel->client : tunnel->target;
    tcp::socket& to = upstream ? tunnel->target : tunnel->client;
    std::array<char, 16384> buffer{};
    error_code ec;
    for (;;) {
      const std::size_t n = co_await from.async_read_some(net::buffer(buffer), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      co_await net::async_write(to, net::buffer(buffer.data(), n), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
    }
    tunnel->close();
  }

  net::awaitable<void> session(std::shared_ptr<Tunnel> tunnel) {
    tcp::socket& client = tunnel->client;
    error_code ec;
    std::array<std::uint8_t, 2> head{};
    co_await net::async_read(client, net::buffer(head), net::redirect_error(net::use_awaitable, ec));
    if (ec || head[0] != 5) co_return;
    std::string methods(head[1], '\0');
    co_await net::async_read(client, net::buffer(methods), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    const char wanted = user.empty() ? 0 : 2;
    const bool offered = methods.find(wanted) != std::string::npos;
    std::array<std::uint8_t, 2> choice{5, static_cast<std::uint8_t>(offered ? wanted : 0xFF)};
    co_await net::async_write(client, net::buffer(choice), net::redirect_error(net::use_awaitable, ec));
    if (ec || !offered) co_return;
    if (wanted == 2) {
      std::array<std::uint8_t, 2> version_len{};
      co_await net::async_read(client, net::buffer(version_len), net::redirect_error(net::use_awaitable, ec));
      std::string got_user(version_len[1], '\0');
      if (!ec) co_await net::async_read(client, net::buffer(got_user), net::redirect_error(net::use_awaitable, ec));
      std::array<std::uint8_t, 1> password_len{};
      if (!ec) co_await net::async_read(client, net::buffer(password_len), net::redirect_error(net::use_awaitable, ec));
      std::string got_password(password_len[0], '\0');
      if (!ec) co_await net::async_read(client, net::buffer(got_password), net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      const bool good = got_user == user && got_password == password;
      if (!good) ++auth_failures;
      std::array<std::uint8_t, 2> status{1, static_cast<std::uint8_t>(good ? 0 : 1)};
      co_await net::async_write(client, net::buffer(status), net::redirect_error(net::use_awaitable, ec));
      if (ec || !good) co_return;
    }
    std::array<std::uint8_t, 4> request{};
    co_await net::async_read(client, net::buffer(request), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    std::string host;
    if (request[3] == 1) {
      std::array<std::uint8_t, 4> ip{};
      co_await net::async_read(client, net::buffer(ip), net::redirect_error(net::use_awaitable, ec));
      host = fmt::format("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]);
    } else if (request[3] == 3) {
      std::array<std::uint8_t, 1> len{};
      co_await net::async_read(client, net::buffer(len), net::redirect_error(net::use_awaitable, ec));
      host.assign(len[0], '\0');
      if (!ec) co_await net::async_read(client, net::buffer(host), net::redirect_error(net::use_awaitable, ec));
    } else {
      co_return;  // the tests send only these two
    }
    std::array<std::uint8_t, 2> port_bytes{};
    if (!ec) co_await net::async_read(client, net::buffer(port_bytes), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    const int port = port_bytes[0] * 256 + port_bytes[1];
    {
      std::lock_guard lock(mutex);
      targets.push_back(fmt::format("{}:{}", host, port));
    }
    tcp::resolver resolver(ioc);
    const auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), net::redirect_error(net::use_awaitable, ec));
    if (!ec) co_await net::async_connect(tunnel->target, endpoints, net::redirect_error(net::use_awaitable, ec));
    // Reply: success, or 5 (connection refused) when the target could not be reached.
    std::array<std::uint8_t, 10> reply{5, static_cast<std::uint8_t>(ec ? 5 : 0), 0, 1, 127, 0, 0, 1, 0, 0};
    error_code write_ec;
    co_await net::async_write(client, net::buffer(reply), net::redirect_error(net::use_awaitable, write_ec));
    if (ec || write_ec) co_return;
    net::co_spawn(ioc, pipe(tunnel, true), net::detached);
    net::co_spawn(ioc, pipe(tunnel, false), net::detached);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto tunnel = std::make_shared<Tunnel>(ioc);
      error_code ec;
      co_await acceptor.async_accept(tunnel->client, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      ++connections;
      net::co_spawn(ioc, session(tunnel), net::detached);
    }
  }
};

Socks5Proxy::Socks5Proxy(std::string user, std::string password) : state_(std::make_shared<State>()) {
  state_->user = std::move(user);
  state_->password = std::move(password);
  port_ = state_->acceptor.local_endpoint().port();
  net::co_spawn(state_->ioc, state_->accept_loop(), net::detached);
  thread_ = std::thread([state = state_] { state->ioc.run(); });
}

Socks5Proxy::~Socks5Proxy() {
  state_->ioc.stop();
  thread_.join();
}

int Socks5Proxy::connections() const { return state_->connections.load(); }
int Socks5Proxy::auth_failures() const { return state_->auth_failures.load(); }

std::vector<std::string> Socks5Proxy::targets() const {
  std::lock_guard lock(state_->mutex);
  return state_->targets;
}

// --- fixed-status HTTP proxy -----------------------------------------------------------------

struct StatusProxy::State {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::string status_line;
  mutable std::mutex mutex;
  std::vector<std::string> requests;

  net::awaitable<void> session(std::shared_ptr<tcp::socket> socket) {
    std::string header;
    error_code ec;
    co_await net::async_read_until(*socket, net::dynamic_buffer(header), "\r\n\r\n",
                                   net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    {
      std::lock_guard lock(mutex);
      requests.push_back(header);
    }
    const std::string reply = status_line + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    co_await net::async_write(*socket, net::buffer(reply), net::redirect_error(net::use_awaitable, ec));
    socket->close(ec);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(ioc);
      error_code ec;
      co_await acceptor.async_accept(*socket, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      net::co_spawn(ioc, session(socket), net::detached);
    }
  }
};

StatusProxy::StatusProxy(std::string status_line) : state_(std::make_shared<State>()) {
  state_->status_line = std::move(status_line);
  port_ = state_->acceptor.local_endpoint().port();
  net::co_spawn(state_->ioc, state_->accept_loop(), net::detached);
  thread_ = std::thread([state = state_] { state->ioc.run(); });
}

StatusProxy::~StatusProxy() {
  state_->ioc.stop();
  thread_.join();
}

std::vector<std::string> StatusProxy::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

}  // namespace organism::test
