// Client-side TLS for the exchange: a context that verifies peers (the system CA store, or a CA
// file for tests and private deployments) and per-connection SNI plus host-name checks. Used by
// HttpTransport (https) and WsClient (wss), so both verify the same way.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include <boost/asio/ssl/context.hpp>

namespace organism::exchange::client {

// Peers are verified against `ca_file` (PEM) when given, else the system's default CA store.
// core::UsageError naming the file when it cannot be read.
boost::asio::ssl::context make_tls_client_context(const std::string& ca_file);

// Before the handshake: SNI (host names only, RFC 6066) and the check that the certificate names
// `host` (a DNS name, or an IP address in the certificate's IP entries). An empty string on
// success, else what failed.
std::string prepare_tls_connection(SSL* ssl, const std::string& host);

}  // namespace organism::exchange::client
