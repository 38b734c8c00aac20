#include "core/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace organism::core {
namespace {

bool kernel_gives_huge_pages_on_request() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  return modes.find("[madvise]") != std::string::npos;
}

}  // namespace

void use_huge_pages_for_malloc(char** argv) {
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::string tunables = current ? current : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;  // the user's choice, or done
  if (!kernel_gives_huge_pages_on_request()) return;  // "always" has them already, "never" refuses
  const std::string value = tunables.empty() ? std::string(kMallocTunables) : tunables + ":" + kMallocTunables;
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  // The binary's real path, not /proc/self/exe: the kernel names a process after the file it
  // executed, and `ps`, `pgrep organism` and the like must still see "organism".
  std::string self(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (length <= 0) return;
  self.resize(static_cast<std::size_t>(length));
  execv(self.c_str(), argv);
  // Only reached when the exec failed: run on with 4 KiB pages. GLIBC_TUNABLES keeps the
  // setting, so a child this process starts still gets huge pages.
}

}  // namespace organism::core
