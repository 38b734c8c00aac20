// Helpers of the monitor HTTP server's tests (http_*_test.cpp): a small route table, options with
// a known token, a raw loopback client for what a well-behaved client never sends, and a
// self-signed certificate made with the openssl binary.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "monitor/http/http_server.hpp"
#include "support/test_support.hpp"

namespace organism::monitor::http::test {

using namespace std::chrono_literals;

inline constexpr const char* kToken = "s3cret-token-0123456789abcdef";

inline std::string bearer(const std::string& token = kToken) { return "Bearer " + token; }

// GET /health (public), GET /things/{id} (echoes the params and query), POST /things (echoes the
// body), GET /boom (throws), GET /stop (stops its own server from a handler).
inline std::vector<Route> test_routes() {
  std::vector<Route> routes;
  routes.push_back({"GET", "/health", [](const Request&) { return Response::json(R"({"status":"ok"})"); }, true});
  routes.push_back({"GET", "/things/{id}", [](const Request& r) {
                      nlohmann::json j{{"id", r.path_params.at("id")}, {"path", r.path}, {"query", r.query}};
                      return Response::json(j.dump());
                    }});
  routes.push_back({"POST", "/things", [](const Request& r) {
                      return Response::json(nlohmann::json{{"body", r.body}, {"ip", r.remote_ip}}.dump(), 201);
                    }});
  routes.push_back({"GET", "/boom", [](const Request&) -> Response { throw std::runtime_error("boom"); }});
  routes.push_back({"GET", "/text", [](const Request&) { return Response::text("hello\n"); }});
  return routes;
}

inline ServerOptions test_options() {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.token = kToken;
  return o;
}

struct RawResponse {
  int status = 0;
  std::string version;                         // "HTTP/1.1"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

// A blocking POSIX socket to 127.0.0.1 with poll() deadlines: sends any bytes, reads responses.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Half-closes: the server reads EOF after what was sent.
  void finish_sending() { ::shutdown(fd_, SHUT_WR); }
  // Reads what arrives within `timeout`; false when the peer closed (EOF or reset) meanwhile.
  bool read_some(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return true;
    char chunk[16384];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    data_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  // Waits up to `timeout` for the server to close the connection.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < end) read_some(10ms);
    return closed_;
  }
  // The next whole response (Content-Length framed), or nullopt when none came within `timeout`.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto r = take_response()) return r;
      if (closed_ || std::chrono::steady_clock::now() >= end) return std::nullopt;
      read_some(10ms);
    }
  }
  bool closed() const { return closed_; }
  const std::string& unread() const { return data_; }

 private:
  std::optional<RawResponse> take_response() {
    const auto end_of_header = data_.find("\r\n\r\n");
    if (end_of_header == std::string::npos) return std::nullopt;
    RawResponse r;
    std::size_t line_end = data_.find("\r\n");
    const std::string status_line = data_.substr(0, line_end);
    r.version = status_line.substr(0, status_line.find(' '));
    r.status = std::atoi(status_line.c_str() + r.version.size() + 1);
    std::size_t at = line_end + 2;
    while (at < end_of_header) {
      const auto next = data_.find("\r\n", at);
      const std::string line = data_.substr(at, next - at);
      const auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
      at = next + 2;
    }
    const std::size_t length = static_cast<std::size_t>(std::atoll(r.header("content-length").c_str()));
    if (data_.size() < end_of_header + 4 + length) return std::nullopt;
    r.body = data_.substr(end_of_header + 4, length);
    data_.erase(0, end_of_header + 4 + length);
    return r;
  }

  int fd_ = -1;
  std::string data_;
  bool closed_ = false;
};

inline std::string get_request(const std::string& target, const std::string& extra_headers = {},
                               const char* version = "HTTP/1.1") {
  return fmt::format("GET {} {}\r\nHost: 127.0.0.1\r\n{}\r\n", target, version, extra_headers);
}

// A self-signed EC certificate for 127.0.0.1 and localhost (its own CA), made once per process
// with the openssl binary; empty paths when that failed.
struct SelfSignedCert {
  organism::test::TempDir dir;
  std::string cert, key;
  SelfSignedCert() {
    const std::string c = (dir / "cert.pem").string(), k = (dir / "key.pem").string();
    const std::string command = fmt::format(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '{}' -out '{}' >/dev/null 2>&1",
        k, c);
    if (std::system(command.c_str()) == 0) {
      cert = c;
      key = k;
    }
  }
};

inline const SelfSignedCert& self_signed_cert() {
  static SelfSignedCert instance;
  return instance;
}

}  // namespace organism::monitor::http::test
