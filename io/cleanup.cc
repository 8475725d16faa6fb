#include "io/cleanup.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>

namespace q50::io {
namespace {

constexpr std::size_t kSlots = 128;
constexpr std::size_t kMaxPath = 4096;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

// A slot is free (0), being written (1) or holds a path the handler may unlink (2). The states
// sit apart from the paths, and both are constant-initialised (zero, in .bss): a process that
// stages two files touches two path pages, not the table's 128 (a dynamically initialised
// table of slots cost every q50sim process 128 page faults before it did anything).
constinit std::array<std::atomic<int>, kSlots> g_state{};
constinit char g_path[kSlots][kMaxPath]{};

void on_signal(int sig) {
  remove_registered_files();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

int cleanup_register(std::string_view path) {
  if (path.empty() || path.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (!g_state[i].compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_path[i], path.data(), path.size());
    g_path[i][path.size()] = '\0';
    g_state[i].store(2, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void cleanup_unregister(int slot) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= kSlots) return;
  g_state[static_cast<std::size_t>(slot)].store(0, std::memory_order_release);
}

void remove_registered_files() {
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_state[i].load(std::memory_order_acquire) == 2) ::unlink(g_path[i]);
  }
}

sigset_t cleanup_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : kSignals) sigaddset(&set, sig);
  return set;
}

void install_signal_cleanup() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (const int sig : kSignals) sigaddset(&action.sa_mask, sig);
  for (const int sig : kSignals) sigaction(sig, &action, nullptr);
}

}  // namespace q50::io
