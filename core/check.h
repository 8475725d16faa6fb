#ifndef Q50SIM_CORE_CHECK_H_
#define Q50SIM_CORE_CHECK_H_

#include <cstdio>
#include <cstdlib>

// Always-on assertion for programmer errors (never for bad input, which gets a Status).
// Kept in release builds on purpose: a violated invariant must stop the run, not corrupt it.
#define Q50_CHECK(cond, msg)                                                          \
  do {                                                                                \
    if (!(cond)) [[unlikely]] {                                                       \
      std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", __FILE__, __LINE__, #cond, \
                   msg);                                                              \
      std::abort();                                                                   \
    }                                                                                 \
  } while (false)

#endif  // Q50SIM_CORE_CHECK_H_
