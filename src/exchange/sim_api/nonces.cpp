// Per-signer nonce sets (PROTOCOL §8).
#include "exchange/sim_api/nonces.hpp"

#include <stdexcept>

namespace organism::exchange::sim_api {

std::string NonceBook::accept(const hl::Address& signer, std::uint64_t nonce,
                              core::TimeMs wall_now) {
  const auto value = static_cast<core::TimeMs>(nonce);
  // Nonces above int64 are far in the future; the window check rejects them.
  if (nonce > static_cast<std::uint64_t>(INT64_MAX) || value <= wall_now - 2 * core::kDayMs ||
      value >= wall_now + core::kDayMs) {
    return kNonceOutOfRange;
  }
  auto& set = seen_[signer];
  if (set.contains(nonce)) return kNonceDuplicate;
  if (set.size() >= kNoncesKept && nonce <= *set.begin()) return kNonceTooLow;
  set.insert(nonce);
  if (set.size() > kNoncesKept) set.erase(set.begin());
  return {};
}

nlohmann::json NonceBook::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [signer, set] : seen_)
    out[signer.hex()] = nlohmann::json(std::vector<std::uint64_t>(set.begin(), set.end()));
  return out;
}

void NonceBook::restore(const nlohmann::json& state) {
  seen_.clear();
  for (const auto& [hex, list] : state.items()) {
    const auto signer = hl::Address::parse(hex);
    if (!signer) throw std::invalid_argument("nonce state: bad address " + hex);
    auto& set = seen_[*signer];
    for (const auto& n : list) set.insert(n.get<std::uint64_t>());
  }
}

}  // namespace organism::exchange::sim_api
