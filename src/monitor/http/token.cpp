#include "monitor/http/token.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::monitor::http {
namespace {

constexpr std::size_t kMinTokenChars = 16;
constexpr std::size_t kRandomBytes = 32;  // 256 bits, written as 64 hex characters

// Overwrites a buffer that held the token, in a way the optimizer may not drop.
void wipe(std::string& text) {
  volatile char* p = text.data();
  for (std::size_t i = 0; i < text.size(); ++i) p[i] = 0;
  text.clear();
}

// Creates `path` with a fresh token; false when it already exists (another process may have
// made it between our stat and open: then its token is the one to read).
bool create_token_file(const std::string& path) {
  std::array<unsigned char, kRandomBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw core::Error(fmt::format("token file {}: the random generator failed", path));
  std::string text;
  text.reserve(2 * bytes.size() + 1);
  for (const unsigned char b : bytes) text += fmt::format("{:02x}", b);
  text += '\n';
  OPENSSL_cleanse(bytes.data(), bytes.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    wipe(text);
    if (errno == EEXIST) return false;
    throw core::Error(fmt::format("token file {}: cannot be created: {}", path, std::strerror(errno)));
  }
  std::size_t written = 0;
  int error = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  ::close(fd);
  wipe(text);
  if (error != 0) {
    ::unlink(path.c_str());  // a half-written token would be refused as short on every start
    throw core::Error(fmt::format("token file {}: cannot be written: {}", path, std::strerror(error)));
  }
  return true;
}

}  // namespace

std::string load_token_file(const std::string& path, bool create) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT && create) {
      create_token_file(path);
      if (::stat(path.c_str(), &info) != 0)
        throw core::Error(fmt::format("token file {}: {}", path, std::strerror(errno)));
    } else {
      throw core::Error(fmt::format("token file {}: {}", path, std::strerror(errno)));
    }
  }
  if (!S_ISREG(info.st_mode)) throw core::Error(fmt::format("token file {}: not a regular file", path));
  const unsigned mode = info.st_mode & 07777;
  if ((mode & 077) != 0) {
    throw core::Error(fmt::format(
        "token file {} has mode {:04o}: group or others may read it; the API token must be readable by its owner "
        "only (chmod 600 {})",
        path, mode, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(fmt::format("token file {}: cannot be read", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    wipe(text);
    throw core::Error(fmt::format("token file {}: cannot be read", path));
  }
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string token = text.substr(begin, end - begin);
  wipe(text);
  // The messages say what is expected, never what was found.
  if (token.empty()) throw core::Error(fmt::format("token file {} is empty", path));
  if (token.size() < kMinTokenChars) {
    wipe(token);
    throw core::Error(fmt::format("token file {}: the token is shorter than {} characters", path, kMinTokenChars));
  }
  return token;
}

bool token_matches(std::string_view presented, std::string_view expected) {
  if (expected.empty()) return false;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> a{}, b{};
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a.data());
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b.data());
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace organism::monitor::http
