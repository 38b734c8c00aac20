// Transparent huge pages for the process's large allocations, the one setting that must be in
// place before the process starts: indicator columns and backtest buffers are megabytes of fresh
// memory, and on a virtual machine the first touch of each 4 KiB page is a costly fault (a fifth
// of a small generation's time was page faults; with 2 MiB pages there are 512 times fewer).
#pragma once

namespace organism::core {

// When the kernel offers huge pages on request only (transparent_hugepage "madvise", Debian's
// default) and GLIBC_TUNABLES says nothing of glibc.malloc.hugetlb, re-executes this program once
// with kMallocTunables added to GLIBC_TUNABLES (glibc >= 2.35): malloc asks for huge pages, serves
// blocks under 32 MiB from its heaps instead of fresh mappings, and keeps up to 256 MiB of freed
// heap instead of handing it back, so a column freed by one evaluation is reused by the next
// without being faulted in and zeroed again. Same pid, arguments and descriptors. Returns (doing
// nothing) in every other case, and when the exec fails. GLIBC_TUNABLES=glibc.malloc.hugetlb=0
// keeps glibc's defaults.
inline constexpr const char* kMallocTunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456";
void use_huge_pages_for_malloc(char** argv);

}  // namespace organism::core
