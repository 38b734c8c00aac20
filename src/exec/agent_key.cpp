#include "exec/agent_key.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exec {
namespace {

// Overwrites a buffer that held key text, in a way the optimizer may not drop.
void wipe(std::string& text) {
  volatile char* p = text.data();
  for (std::size_t i = 0; i < text.size(); ++i) p[i] = 0;
  text.clear();
}

}  // namespace

exchange::hl::PrivateKey parse_agent_key(std::string_view text, const std::string& source) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  bool hex = text.size() == 64;
  for (const char c : text) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
  // The messages say what is expected, never what was found: a near-miss key is still a key.
  if (!hex) {
    throw core::UsageError(
        fmt::format("{}: not an agent key (expected 64 hex digits, \"0x\" optional, nothing else)", source));
  }
  try {
    return exchange::hl::PrivateKey::from_hex(text);
  } catch (const std::invalid_argument&) {
    throw core::UsageError(fmt::format("{}: 64 hex digits that are not a valid secp256k1 private key", source));
  }
}

exchange::hl::PrivateKey load_agent_key(const std::string& key_file) {
  if (key_file.empty()) {
    const char* value = std::getenv(kAgentKeyEnv);
    if (value == nullptr || *value == '\0') {
      throw core::UsageError(
          fmt::format("no agent key: give --key-file FILE (mode 0600) or set the environment variable {}", kAgentKeyEnv));
    }
    return parse_agent_key(value, fmt::format("the environment variable {}", kAgentKeyEnv));
  }
  struct stat info {};
  if (::stat(key_file.c_str(), &info) != 0) {
    throw core::UsageError(fmt::format("key file {}: {}", key_file, std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) throw core::UsageError(fmt::format("key file {}: not a regular file", key_file));
  const unsigned mode = info.st_mode & 07777;
  if ((mode & 077) != 0) {
    throw core::UsageError(fmt::format(
        "key file {} has mode {:04o}: group or others may read it; an agent key must be readable by its owner "
        "only (chmod 600 {})",
        key_file, mode, key_file));
  }
  std::ifstream in(key_file, std::ios::binary);
  if (!in) throw core::UsageError(fmt::format("key file {}: cannot be read", key_file));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    exchange::hl::PrivateKey key = parse_agent_key(text, fmt::format("key file {}", key_file));
    wipe(text);
    return key;
  } catch (...) {
    wipe(text);
    throw;
  }
}

}  // namespace organism::exec
