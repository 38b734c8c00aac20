// The nonce rule of PROTOCOL §8 per signer: the 100 highest nonces kept, a new one above the
// smallest of them and never used, within (now - 2 days, now + 1 day) of the wall clock.
// Used by the simulator's exchange handler (exchange_api.cpp) and saved with its state.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/time.hpp"
#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::sim_api {

inline constexpr std::size_t kNoncesKept = 100;

// The texts the simulator answers with (docs/exchange-sim.md; the exchange's own wording for
// these is not in the sources, so they follow its "Invalid nonce" prefix).
inline constexpr const char* kNonceDuplicate = "Invalid nonce: duplicate nonce";
inline constexpr const char* kNonceTooLow = "Invalid nonce: too low";
inline constexpr const char* kNonceOutOfRange = "Invalid nonce: too far from the current time";

class NonceBook {
 public:
  // Empty when `nonce` is accepted (and records it), else one of the texts above.
  std::string accept(const hl::Address& signer, std::uint64_t nonce, core::TimeMs wall_now);

  nlohmann::json to_json() const;  // {"0xsigner": [n1, n2, ...]}, ascending
  void restore(const nlohmann::json& state);

 private:
  std::map<hl::Address, std::set<std::uint64_t>> seen_;
};

}  // namespace organism::exchange::sim_api
