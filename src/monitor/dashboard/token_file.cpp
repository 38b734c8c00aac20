#include "monitor/dashboard/token_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::monitor::dashboard {

std::string read_token_file(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    throw core::Error(fmt::format("token file {}: {}", path, std::strerror(errno)));
  if ((st.st_mode & 077) != 0)
    throw core::Error(fmt::format("token file {} has mode {:04o}: group and others must not read it (chmod 600 {})",
                                  path, st.st_mode & 07777, path));
  std::ifstream in(path);
  if (!in) throw core::Error(fmt::format("token file {}: cannot be read", path));
  std::stringstream text;
  text << in.rdbuf();
  const std::string token(core::trim(text.str()));
  if (token.empty()) throw core::Error(fmt::format("token file {} is empty", path));
  return token;
}

}  // namespace organism::monitor::dashboard
