#include "loopback_http_server.hpp"

#include <utility>  // before Asio (DEPENDENCIES.md)

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace organism::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct LoopbackHttpServer::Impl {
  explicit Impl(std::uint16_t port) : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), port)) {
    // Not inherited by the processes a test starts (a tmux server outlives them and would keep
    // the port bound after this server is gone).
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
  }
  Script script;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<int> open_socket{-1};  // the connection being served, shut down by the destructor
  mutable std::mutex mutex;
  std::vector<HttpExchange> requests;
  std::thread thread;

  // One keep-alive connection until the client closes it or stays silent for 5 s.
  void serve(tcp::socket& socket) {
    const timeval timeout{5, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec || stopping) return;
      HttpExchange exchange{std::string(request.method_string()), std::string(request.target()), request.body(),
                            std::string(request[http::field::authorization])};
      {
        std::lock_guard lock(mutex);
        requests.push_back(exchange);
      }
      ScriptedReply scripted = script(exchange);
      http::response<http::string_body> response{static_cast<http::status>(scripted.status), 11};
      response.set(http::field::content_type, "application/json");
      response.body() = std::move(scripted.body);
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(socket, response, ec);  // the client may hang up mid-body (a huge reply)
      if (ec || !request.keep_alive()) return;
    }
  }

  void run() {
    while (!stopping) {
      tcp::socket socket(ioc);
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (ec || stopping) return;
      ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
      open_socket = socket.native_handle();
      serve(socket);
      open_socket = -1;
    }
  }
};

LoopbackHttpServer::LoopbackHttpServer(Script script, std::uint16_t port) : impl_(std::make_unique<Impl>(port)) {
  impl_->script = std::move(script);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  impl_->stopping = true;
  // A client keeping its connection alive would hold the serving thread: cut it.
  if (const int fd = impl_->open_socket.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  // Wake the blocking accept with a connection of our own.
  net::io_context ioc;
  tcp::socket wake(ioc);
  beast::error_code ec;
  wake.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()), ec);
  impl_->thread.join();
}

std::uint16_t LoopbackHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string LoopbackHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<HttpExchange> LoopbackHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace organism::test
