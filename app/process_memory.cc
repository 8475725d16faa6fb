#include "app/process_memory.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace q50::app {
namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
constexpr int kHeapGrowth = 64 << 20;  // virtual: untouched pages cost nothing

}  // namespace

void tune_process_memory() {
  // glibc serves blocks of 128 KiB and more with a fresh mmap and unmaps them on free, so each
  // multi-megabyte buffer would fault in new zeroed pages. On the heap, never trimmed, a freed
  // buffer is reused by the next one instead; a CLI run is short, so keeping its peak until exit
  // costs nothing.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum: buffers up to 32 MiB on the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // never hand freed heap back mid-run
  mallopt(M_TOP_PAD, kHeapGrowth);      // grow the heap in few, large brk steps
  // One arena for every thread: a thread's own arena is a fresh mapping of ordinary pages (the
  // render thread of q50sim replay faulted ~300 of them in), while the heap below is on huge
  // pages and already touched. q50sim's threads allocate outside their loops, so sharing the
  // arena's lock costs nothing measurable (sweeps: see README, Speed).
  mallopt(M_ARENA_MAX, 1);

  // Grow the heap now (a block below the mmap threshold, so it comes from brk) and advise
  // everything from that block to the heap's end as huge pages; later growth, if any, is
  // ordinary pages. The block is freed at once and its memory reused.
  void* block = std::malloc(std::size_t{1} << 20);
  if (block == nullptr) return;
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const std::uintptr_t first = (start + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = end & ~(kHugePage - 1);
  // The block must lie in the brk heap (sbrk(0) beyond it), not in an mmap'ed chunk.
  if (end > start && last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
  std::free(block);
}

}  // namespace q50::app
