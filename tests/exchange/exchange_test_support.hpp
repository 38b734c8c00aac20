// Helpers shared by the exchange layer's tests: the text of an expected exception, an order
// action as the SDKs build it, and a signed /exchange body. Used by tests/exchange/hl_*,
// sim_api_* (sim_api_fixture.hpp) and sim_server_* (sim_server_process.hpp).
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "exchange/hyperliquid/signing.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::test_support {

// The what() of the E that f throws, or "no error". E names the type the test expects, so an
// exception of another type fails the test instead of passing as a text.
template <class E = std::exception, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no error";
}

// One limit order of `tif` ("Gtc", "Ioc", "Alo"), not reduce-only, grouping "na"; cloid "" for
// none.
inline hl::Json order_action(int asset, bool buy, const std::string& px, const std::string& sz,
                             const std::string& tif, const std::string& cloid = "") {
  hl::Json wire{{"a", asset}, {"b", buy},   {"p", px},
                {"s", sz},    {"r", false}, {"t", hl::Json{{"limit", hl::Json{{"tif", tif}}}}}};
  if (!cloid.empty()) wire["c"] = cloid;
  return hl::Json{{"type", "order"}, {"orders", hl::Json::array({wire})}, {"grouping", "na"}};
}

// The body of an L1 action signed by `key` (hl::sign_request), with "vaultAddress": null as the
// Python SDK posts it.
inline hl::Json signed_envelope(const hl::Json& action, const hl::PrivateKey& key,
                                std::uint64_t nonce, bool mainnet = true) {
  hl::Json body = hl::to_json(hl::sign_request(action, nonce, mainnet, key));
  body["vaultAddress"] = nullptr;
  return body;
}

}  // namespace organism::exchange::test_support
