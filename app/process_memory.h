#ifndef Q50SIM_APP_PROCESS_MEMORY_H_
#define Q50SIM_APP_PROCESS_MEMORY_H_

namespace q50::app {

// Tunes glibc's malloc for a short-lived q50sim process, once, first thing in main: big buffers
// are served from the heap (not fresh mmaps), freed memory is kept for reuse, and the heap is
// grown by ~94 MiB at once (virtual), advised MADV_HUGEPAGE and padded up to its first 2 MiB
// boundary, so that what is allocated next lies on huge pages. Why: on this project's VMs (shadow paging) the first
// touch of a fresh 4 KiB page costs ~12-18 us, and a run touches each page of its big buffers
// (input text, bars, rendered outputs) once: a fresh 4 MiB buffer costs 11 ms in 4 KiB pages
// and 0.4 ms in 2 MiB pages. Only touched pages take memory; where the kernel offers no
// transparent huge pages the advice is ignored and nothing else changes.
void tune_process_memory();

// Makes threads started from now on allocate from the main heap too (glibc's M_ARENA_MAX 1),
// for a command whose helper threads allocate a few big blocks: q50sim replay's render threads.
// Not for sweeps: their workers allocate per point, and one shared arena cost them ~20% of
// their throughput (hb_full, 1,008 points: 261 -> 209 configurations/s on one thread).
void share_one_malloc_arena();

}  // namespace q50::app

#endif  // Q50SIM_APP_PROCESS_MEMORY_H_
