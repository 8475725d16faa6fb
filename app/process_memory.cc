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

// The padding below the heap's first huge-page boundary, held for the process's life (a
// global keeps it reachable: not a leak). volatile: a pointer stored and never read would let
// the compiler drop the allocation itself (it dropped a malloc here).
void* volatile g_heap_pad = nullptr;

}  // namespace

void tune_process_memory() {
  // glibc serves blocks of 128 KiB and more with a fresh mmap and unmaps them on free, so each
  // multi-megabyte buffer would fault in new zeroed pages. On the heap, never trimmed, a freed
  // buffer is reused by the next one instead; a CLI run is short, so keeping its peak until exit
  // costs nothing.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum: buffers up to 32 MiB on the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // never hand freed heap back mid-run
  mallopt(M_TOP_PAD, kHeapGrowth);      // grow the heap in few, large brk steps

  // Grow the heap now (a block below the mmap threshold, so it comes from brk) and advise
  // everything from that block to the heap's end as huge pages; later growth, if any, is
  // ordinary pages. The block is freed at once and its memory reused. It is large because
  // malloc writes the heap top's header just past it, before the advice: the 2 MiB there can
  // no longer become a huge page, so it had better lie 30 MiB in, past what most runs use.
  void* block = std::malloc(std::size_t{30} << 20);
  if (block == nullptr) return;
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const std::uintptr_t first = (start + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = end & ~(kHugePage - 1);
  // The block must lie in the brk heap (sbrk(0) beyond it), not in an mmap'ed chunk.
  if (end <= start || last <= first) {
    std::free(block);
    return;
  }
  ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  // The heap from the block up to that boundary can only have 4 KiB pages (a huge page needs
  // the whole aligned 2 MiB), and the next allocations would fill it first: ~570 page faults
  // of a 10,000-bar replay. So the block shrinks in place to end just below the boundary and is
  // kept (only its first page is ever touched); the rest returns to the heap's top, and what
  // follows is allocated on huge pages. realloc, not free and a new malloc: a small request
  // would be served from a free chunk elsewhere, leaving the top where it was.
  constexpr std::uintptr_t kChunkOverhead = 64;
  if (first - start > kChunkOverhead) {
    g_heap_pad = std::realloc(block, first - start - kChunkOverhead);
  } else {
    std::free(block);
  }
}

void share_one_malloc_arena() {
  // A thread's own arena is a fresh mapping of ordinary pages (replay's render thread faulted
  // ~300 of them in), while the heap is on huge pages and already touched.
  mallopt(M_ARENA_MAX, 1);
}

}  // namespace q50::app
