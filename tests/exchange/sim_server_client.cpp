#include "sim_server_client.hpp"

#include <utility>  // before Asio (DEPENDENCIES.md)

#include <array>
#include <functional>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace organism::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  std::uint16_t port;
  net::io_context ioc;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;

  bool connect() {
    socket.emplace(ioc);
    beast::error_code ec;
    socket->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) socket->set_option(tcp::no_delay(true), ec);
    buffer.clear();
    return !ec;
  }
};

HttpClient::HttpClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->connect();
}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::post(const std::string& target, const std::string& body) {
  return request("POST", target, body);
}

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->socket || !impl_->socket->is_open()) impl_->connect();
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    http::write(*impl_->socket, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (!ec) http::read(*impl_->socket, impl_->buffer, parser, ec);
    if (ec) {
      impl_->socket.reset();
      continue;
    }
    auto res = parser.release();
    HttpResult out{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_type]), false};
    if (!res.keep_alive()) impl_->socket.reset();
    return out;
  }
  return HttpResult{0, {}, {}, true};
}

std::string raw_request(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {};
  net::write(socket, net::buffer(bytes), ec);
  std::string out;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    socket.async_read_some(net::buffer(chunk), [&](const beast::error_code& e, std::size_t n) {
      out.append(chunk.data(), n);
      if (!e) read_more();
    });
  };
  read_more();
  ioc.run_for(timeout);
  return out;
}

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> frames;
  std::size_t received = 0;
  std::deque<std::string> outgoing;
  bool writing = false;
  bool closed = false;
  bool ok = false;
  int close_code = 0;

  void read_loop() {
    ws.async_read(buffer, [this](const beast::error_code& ec, std::size_t) {
      std::lock_guard lock(mutex);
      if (ec) {
        closed = true;
        close_code = ws.reason().code;
        cv.notify_all();
        return;
      }
      frames.push_back(beast::buffers_to_string(buffer.cdata()));
      ++received;
      buffer.consume(buffer.size());
      cv.notify_all();
      net::post(ioc, [this] { read_loop(); });
    });
  }
  void write_next() {
    if (writing || outgoing.empty()) return;
    writing = true;
    ws.async_write(net::buffer(outgoing.front()), [this](const beast::error_code&, std::size_t) {
      outgoing.pop_front();
      writing = false;
      write_next();
    });
  }
};

WsClient::WsClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  impl_->ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    impl_->closed = true;
    return;
  }
  websocket::response_type res;
  impl_->ws.read_message_max(64 << 20);
  impl_->ws.handshake(res, "127.0.0.1", "/ws", ec);
  if (ec) {
    impl_->closed = true;
    return;
  }
  impl_->ws.text(true);
  impl_->ok = true;
  impl_->read_loop();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

WsClient::~WsClient() {
  if (impl_->thread.joinable()) {
    net::post(impl_->ioc, [this] {
      beast::error_code ec;
      impl_->ws.next_layer().close(ec);
    });
    impl_->thread.join();
  }
}

bool WsClient::ok() const { return impl_->ok; }

void WsClient::send(const std::string& text) {
  net::post(impl_->ioc, [this, text] {
    impl_->outgoing.push_back(text);
    impl_->write_next();
  });
}

std::optional<std::string> WsClient::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait_for(lock, timeout, [this] { return !impl_->frames.empty() || impl_->closed; });
  if (impl_->frames.empty()) return std::nullopt;
  std::string frame = std::move(impl_->frames.front());
  impl_->frames.pop_front();
  return frame;
}

std::optional<std::string> WsClient::next_containing(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto frame = next(left);
    if (!frame) return std::nullopt;
    if (frame->find(needle) != std::string::npos) return frame;
  }
  return std::nullopt;
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [this] { return impl_->closed; });
}

int WsClient::close_code() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->close_code;
}

std::size_t WsClient::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

}  // namespace organism::test
