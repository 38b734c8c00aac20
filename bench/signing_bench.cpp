// Hyperliquid request signing: a client signing a one-order L1 action (msgpack, connection id,
// phantom-agent digest, ECDSA), the hashing alone, and the simulator verifying one (connection
// id, digest, public-key recovery). Signatures/s and verifications/s = items_per_second.
#include <benchmark/benchmark.h>

#include "exchange/hyperliquid/signing.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace {

using namespace organism::exchange::hl;

// The test key of the Python SDK (never a real account).
constexpr const char* kKey = "0x0123456789012345678901234567890123456789012345678901234567890123";
constexpr std::uint64_t kNonce = 1'713'825'891'591;

Json one_order() {
  const OrderWire order{4,
                        true,
                        *WireDecimal::parse("1670.1"),
                        *WireDecimal::parse("0.0147"),
                        false,
                        LimitWire{WireTif::Ioc},
                        "0x00000000000000000000000000000001"};
  return to_json(L1Action{OrderAction{{order}, {}, std::nullopt}});
}

void BM_sign_l1_order(benchmark::State& state) {
  const auto key = PrivateKey::from_hex(kKey);
  const Json action = one_order();
  std::uint64_t nonce = kNonce;
  for (auto _ : state) {
    // A new nonce per request, as a client sends them: no two iterations sign the same digest.
    const Signature sig = sign_l1_action(action, nonce++, std::nullopt, std::nullopt, true, key);
    benchmark::DoNotOptimize(sig.r.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sign_l1_order);

// The hashing share of both: msgpack, connection id and phantom-agent digest, no ECDSA.
void BM_l1_digest_order(benchmark::State& state) {
  const Json action = one_order();
  std::uint64_t nonce = kNonce;
  for (auto _ : state) {
    const Bytes32 digest =
        l1_digest(l1_connection_id(action, nonce++, std::nullopt, std::nullopt), true);
    benchmark::DoNotOptimize(digest.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_l1_digest_order);

void BM_recover_l1_signer(benchmark::State& state) {
  const auto key = PrivateKey::from_hex(kKey);
  const Json action = one_order();
  // 64 distinct signed requests, verified in turn.
  std::vector<Signature> sigs;
  for (std::uint64_t i = 0; i < 64; ++i) {
    sigs.push_back(sign_l1_action(action, kNonce + i, std::nullopt, std::nullopt, true, key));
  }
  const Address expected = key.address();
  std::uint64_t i = 0;
  for (auto _ : state) {
    const std::uint64_t k = i++ % sigs.size();
    const auto signer = recover_signer(
        l1_digest(l1_connection_id(action, kNonce + k, std::nullopt, std::nullopt), true), sigs[k]);
    if (signer != expected) state.SkipWithError("recovered the wrong signer");
    benchmark::DoNotOptimize(signer);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_recover_l1_signer);

}  // namespace
