// Client TLS setup shared by REST and WebSocket (tls_client.hpp).
#include "exchange/client/tls_client.hpp"

#include <utility>  // before Asio (DEPENDENCIES.md)

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exchange::client {

namespace ssl = boost::asio::ssl;

boost::asio::ssl::context make_tls_client_context(const std::string& ca_file) {
  ssl::context context(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.load_verify_file(ca_file, ec);
  }
  if (ec) {
    throw core::UsageError(fmt::format("TLS CA {}: {}", ca_file.empty() ? "store" : "file '" + ca_file + "'", ec.message()));
  }
  context.set_verify_mode(ssl::verify_peer);
  return context;
}

std::string prepare_tls_connection(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!ec) {
    // An IP literal: no SNI, and the certificate must list the address itself.
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) return fmt::format("TLS: bad address '{}'", host);
    return {};
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return fmt::format("TLS SNI for '{}' failed", host);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) return fmt::format("TLS host-name check for '{}' failed", host);
  return {};
}

}  // namespace organism::exchange::client
