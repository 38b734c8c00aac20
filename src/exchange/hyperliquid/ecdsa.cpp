// ECDSA over secp256k1 with recovery id (libsecp256k1): keys, signing, signer recovery, and the
// JSON form of a signature.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <string.h>  // explicit_bzero
#include <sys/random.h>

#include <algorithm>
#include <stdexcept>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::hl {
namespace {

// The group order n and n/2, big-endian: a signature's s must lie in [1, n/2] (low s, as the
// exchange and every SDK require: a high-s twin of a valid signature is a malleated copy).
constexpr Bytes32 kOrder = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                            0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr Bytes32 kHalfOrder = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

bool is_zero(const Bytes32& x) {
  return std::all_of(x.begin(), x.end(), [](std::uint8_t b) { return b == 0; });
}

// One context for the process, built on first use and never modified afterwards: libsecp256k1
// documents a context as safe to share between threads for every call that takes it as const,
// which signing, verification and recovery do. It is process-wide state, but immutable after
// construction (a function-local static is initialized exactly once, thread-safely), so it does
// not break determinism: randomization only blinds the signing computation against side
// channels; the RFC 6979 signatures are the same with or without it.
const secp256k1_context* context() {
  static secp256k1_context* const ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char seed[32];
    if (getrandom(seed, sizeof seed, 0) == static_cast<ssize_t>(sizeof seed)) {
      // Failure leaves the context unblinded, which is still correct.
      [[maybe_unused]] const int blinded = secp256k1_context_randomize(c, seed);
    }
    explicit_bzero(seed, sizeof seed);
    return c;
  }();
  return ctx;
}

Address address_of(const secp256k1_pubkey& pubkey) {
  unsigned char uncompressed[65];
  std::size_t len = sizeof uncompressed;
  secp256k1_ec_pubkey_serialize(context(), uncompressed, &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  // keccak256 of X || Y (without the 0x04 prefix); the address is its last 20 bytes.
  const Bytes32 hash = keccak256(std::span<const std::uint8_t>(uncompressed + 1, 64));
  Address a;
  std::copy(hash.begin() + 12, hash.end(), a.bytes.begin());
  return a;
}

}  // namespace

PrivateKey PrivateKey::from_hex(std::string_view hex) {
  // The messages never quote the input: it is a secret.
  const auto bytes = parse_bytes32(hex);
  if (!bytes) throw std::invalid_argument("private key: expected 32 bytes of hex");
  PrivateKey key;
  key.key_ = *bytes;
  if (!secp256k1_ec_seckey_verify(context(), key.key_.data())) {
    throw std::invalid_argument("private key: not a valid secp256k1 secret key");
  }
  return key;
}

PrivateKey::~PrivateKey() { explicit_bzero(key_.data(), key_.size()); }

Address PrivateKey::address() const {
  secp256k1_pubkey pubkey;
  if (!secp256k1_ec_pubkey_create(context(), &pubkey, key_.data())) {
    throw std::logic_error("private key: not a valid secp256k1 secret key");
  }
  return address_of(pubkey);
}

Signature sign_digest(const Bytes32& digest, const PrivateKey& key) {
  secp256k1_ecdsa_recoverable_signature raw;
  // A null nonce function is RFC 6979; libsecp256k1 always returns low s.
  if (!secp256k1_ecdsa_sign_recoverable(context(), &raw, digest.data(), key.secret().data(),
                                        nullptr, nullptr)) {
    throw std::logic_error("secp256k1: signing failed");
  }
  unsigned char compact[64];
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact, &recid, &raw);
  Signature sig;
  std::copy(compact, compact + 32, sig.r.begin());
  std::copy(compact + 32, compact + 64, sig.s.begin());
  sig.v = 27 + recid;
  return sig;
}

std::optional<Address> recover_signer(const Bytes32& digest, const Signature& sig) {
  if (sig.v != 27 && sig.v != 28) return std::nullopt;
  // Big-endian byte arrays compare as the numbers they hold.
  if (is_zero(sig.r) || is_zero(sig.s) || sig.r >= kOrder || sig.s > kHalfOrder)
    return std::nullopt;
  unsigned char compact[64];
  std::copy(sig.r.begin(), sig.r.end(), compact);
  std::copy(sig.s.begin(), sig.s.end(), compact + 32);
  secp256k1_ecdsa_recoverable_signature raw;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &raw, compact, sig.v - 27)) {
    return std::nullopt;
  }
  secp256k1_pubkey pubkey;
  if (!secp256k1_ecdsa_recover(context(), &pubkey, &raw, digest.data())) return std::nullopt;
  return address_of(pubkey);
}

Json Signature::to_json() const {
  Json j = Json::object();
  j["r"] = to_hex(r);
  j["s"] = to_hex(s);
  j["v"] = v;
  return j;
}

std::optional<Signature> Signature::from_json(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  const auto r = j.find("r");
  const auto s = j.find("s");
  const auto v = j.find("v");
  if (r == j.end() || s == j.end() || v == j.end()) return std::nullopt;
  if (!r->is_string() || !s->is_string() || !v->is_number_integer()) return std::nullopt;
  const auto rb = parse_bytes32(r->get_ref<const std::string&>(), true);
  const auto sb = parse_bytes32(s->get_ref<const std::string&>(), true);
  if (!rb || !sb) return std::nullopt;
  const auto vv = v->get<std::int64_t>();
  if (vv != 0 && vv != 1 && vv != 27 && vv != 28) return std::nullopt;
  Signature sig;
  sig.r = *rb;
  sig.s = *sb;
  sig.v = static_cast<int>(vv < 27 ? vv + 27 : vv);
  return sig;
}

}  // namespace organism::exchange::hl
