// Keccak-256 (Ethereum's original padding, via Crypto++) and the hex forms of hashes, keys and
// addresses.
#include <cryptopp/keccak.h>

#include <algorithm>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::hl {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view strip_0x(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  return hex;
}

// Decodes hex digits right-aligned into out (the missing leading digits are zeros); false on a
// non-hex character or when the text is longer than out.
bool decode_right_aligned(std::string_view digits, std::span<std::uint8_t> out) {
  if (digits.size() > out.size() * 2) return false;
  std::fill(out.begin(), out.end(), 0);
  std::size_t nibble = out.size() * 2 - digits.size();
  for (char c : digits) {
    const int v = hex_value(c);
    if (v < 0) return false;
    out[nibble / 2] |= static_cast<std::uint8_t>(nibble % 2 == 0 ? v << 4 : v);
    ++nibble;
  }
  return true;
}

}  // namespace

Bytes32 keccak256(std::span<const std::uint8_t> bytes) {
  CryptoPP::Keccak_256 hash;
  hash.Update(bytes.data(), bytes.size());
  Bytes32 out;
  hash.Final(out.data());
  return out;
}

Bytes32 keccak256(std::string_view text) {
  return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<Bytes32> parse_bytes32(std::string_view hex, bool allow_short) {
  const std::string_view digits = strip_0x(hex);
  if (digits.empty() || (!allow_short && digits.size() != 64)) return std::nullopt;
  Bytes32 out;
  if (!decode_right_aligned(digits, out)) return std::nullopt;
  return out;
}

std::optional<Address> Address::parse(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || text[1] != 'x') return std::nullopt;
  Address a;
  if (!decode_right_aligned(text.substr(2), a.bytes)) return std::nullopt;
  return a;
}

std::string Address::hex() const { return to_hex(bytes); }

}  // namespace organism::exchange::hl
