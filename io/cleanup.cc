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

// A slot is free (0), being written (1) or holds a path the handler may unlink (2).
struct Slot {
  std::atomic<int> state{0};
  char path[kMaxPath];
};

std::array<Slot, kSlots>& slots() {
  static std::array<Slot, kSlots> s;
  return s;
}

void on_signal(int sig) {
  remove_registered_files();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

int cleanup_register(std::string_view path) {
  if (path.empty() || path.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    Slot& s = slots()[i];
    int expected = 0;
    if (!s.state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(s.path, path.data(), path.size());
    s.path[path.size()] = '\0';
    s.state.store(2, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void cleanup_unregister(int slot) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= kSlots) return;
  slots()[static_cast<std::size_t>(slot)].state.store(0, std::memory_order_release);
}

void remove_registered_files() {
  for (Slot& s : slots()) {
    if (s.state.load(std::memory_order_acquire) == 2) ::unlink(s.path);
  }
}

sigset_t cleanup_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : kSignals) sigaddset(&set, sig);
  return set;
}

void install_signal_cleanup() {
  slots();  // the storage exists before any handler can run
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (const int sig : kSignals) sigaddset(&action.sa_mask, sig);
  for (const int sig : kSignals) sigaction(sig, &action, nullptr);
}

}  // namespace q50::io
