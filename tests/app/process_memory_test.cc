// app/process_memory.h: after tune_process_memory(), multi-megabyte blocks come from the heap
// (reused after free, not fresh mmaps), and the heap is on transparent huge pages wherever the
// kernel offers them to advised memory.
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "app/process_memory.h"

namespace {

// The kernel's THP mode, e.g. "madvise" from "always [madvise] never".
std::string thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  const auto open = line.find('['), close = line.find(']');
  return open == std::string::npos || close == std::string::npos
             ? std::string()
             : line.substr(open + 1, close - open - 1);
}

// AnonHugePages (kB) of the mapping holding p, from /proc/self/smaps; -1 if not found.
long anon_huge_kb(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2) {
      inside = lo <= addr && addr < hi;
      continue;
    }
    long kb = 0;
    if (inside && std::sscanf(line.c_str(), "AnonHugePages: %ld kB", &kb) == 1) return kb;
  }
  return -1;
}

struct Tuned {
  Tuned() { q50::app::tune_process_memory(); }
};

}  // namespace

BOOST_GLOBAL_FIXTURE(Tuned);

BOOST_AUTO_TEST_CASE(a_multi_megabyte_block_comes_from_the_heap_and_is_reused_after_free) {
  constexpr std::size_t kBytes = std::size_t{8} << 20;
  auto* block = static_cast<unsigned char*>(std::malloc(kBytes));
  BOOST_REQUIRE(block != nullptr);
  // From brk's heap: below the program break (a fresh mmap would lie far above it).
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(block) + kBytes <=
             reinterpret_cast<std::uintptr_t>(::sbrk(0)));
  std::memset(block, 0x5A, kBytes);
  const auto first = reinterpret_cast<std::uintptr_t>(block);
  std::free(block);
  auto* again = static_cast<unsigned char*>(std::malloc(kBytes));
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(again) == first);  // reused, not unmapped
  std::free(again);
}

BOOST_AUTO_TEST_CASE(the_heap_is_on_huge_pages_where_the_kernel_offers_them) {
  constexpr std::size_t kBytes = std::size_t{6} << 20;
  auto* block = static_cast<unsigned char*>(std::malloc(kBytes));
  BOOST_REQUIRE(block != nullptr);
  for (std::size_t i = 0; i < kBytes; i += 4096) block[i] = static_cast<unsigned char>(i >> 12);
  const std::string mode = thp_mode();
  const long huge_kb = anon_huge_kb(block + kBytes / 2);
  BOOST_TEST_MESSAGE("transparent_hugepage/enabled: [" << mode << "]; AnonHugePages of the heap: "
                                                       << huge_kb << " kB");
  // "madvise" (Debian's default) and "always" give advised memory huge pages; "never" none.
  if (mode == "always" || mode == "madvise") {
    BOOST_TEST(huge_kb >= 2048);
  } else {
    BOOST_TEST(huge_kb <= 0);  // none, or no such line (a kernel without THP)
  }
  bool intact = true;
  for (std::size_t i = 0; i < kBytes; i += 4096) {
    intact = intact && block[i] == static_cast<unsigned char>(i >> 12);
  }
  BOOST_TEST(intact);
  std::free(block);
}

BOOST_AUTO_TEST_CASE(after_share_one_malloc_arena_another_thread_allocates_from_the_heap) {
  // Without it, a thread's first malloc makes it an arena of its own: a fresh mapping far above
  // the program break.
  q50::app::share_one_malloc_arena();
  std::uintptr_t block_end = 0;
  std::thread t([&] {
    void* p = std::malloc(std::size_t{512} << 10);
    block_end = reinterpret_cast<std::uintptr_t>(p) + (std::size_t{512} << 10);
    std::free(p);
  });
  t.join();
  BOOST_TEST(block_end != 0u);
  BOOST_TEST(block_end <= reinterpret_cast<std::uintptr_t>(::sbrk(0)));
}

BOOST_AUTO_TEST_CASE(a_block_from_the_heaps_top_starts_in_its_huge_page_part) {
  // The heap below its first 2 MiB boundary cannot have huge pages; tune_process_memory pads it
  // so that later blocks start above. (When the compiler dropped the padding's malloc, blocks
  // landed below the boundary on some heap start addresses: 213 to 720 page faults per replay.)
  // A block bigger than the part below the boundary comes from the heap's top, which without
  // the padding starts below the boundary. Its first bytes may share the page of the padding's
  // end, so the probe is a page in.
  constexpr std::size_t kBytes = std::size_t{3} << 20;
  auto* block = static_cast<unsigned char*>(std::malloc(kBytes));
  BOOST_REQUIRE(block != nullptr);
  std::memset(block, 1, kBytes);
  const std::string mode = thp_mode();
  if (mode == "always" || mode == "madvise") BOOST_TEST(anon_huge_kb(block + 4096) >= 2048);
  std::free(block);
}
