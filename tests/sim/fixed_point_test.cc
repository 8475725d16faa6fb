#include "core/fixed_point.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace q50::sim {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Runs fn in a forked child and reports whether it died of SIGABRT (Q50_CHECK's abort).
template <typename Fn>
bool aborts(Fn fn) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // Boost.Test's handler would turn the abort into a failure
    std::freopen("/dev/null", "w", stderr);
    fn();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

BOOST_AUTO_TEST_CASE(div_round_modes_on_positive_and_negative_quotients) {
  // num, den, floor, ceil, half-even
  const std::int64_t cases[][5] = {
      {5, 2, 2, 3, 2},     {7, 2, 3, 4, 4},   {-5, 2, -3, -2, -2}, {-7, 2, -4, -3, -4},
      {1, 3, 0, 1, 0},     {2, 3, 0, 1, 1},   {-2, 3, -1, 0, -1},  {6, 3, 2, 2, 2},
      {5, -2, -3, -2, -2}, {-5, -2, 2, 3, 2}, {0, 7, 0, 0, 0},     {11, 4, 2, 3, 3},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c[0] << "/" << c[1]) {
      BOOST_TEST(div_round(c[0], c[1], Rounding::kDown) == c[2]);
      BOOST_TEST(div_round(c[0], c[1], Rounding::kUp) == c[3]);
      BOOST_TEST(div_round(c[0], c[1], Rounding::kHalfEven) == c[4]);
    }
  }
}

BOOST_AUTO_TEST_CASE(scaled_products_use_128_bits) {
  // 65000.12 USDT * 0.5 BTC = 32500.06 USDT.
  BOOST_TEST(mul_scaled(6'500'012'000'000, 50'000'000, Rounding::kDown) == 3'250'006'000'000);
  // 1e6 USDT * 9e4 BTC = 9e10 USDT: the 128-bit product is 9e29, the result fits int64.
  BOOST_TEST(mul_scaled(100'000'000'000'000, 9'000'000'000'000, Rounding::kDown) ==
             9'000'000'000'000'000'000);
  // 0.33333333 * 3e-8 = 0.99999999e-8: one unit up, zero down.
  BOOST_TEST(mul_scaled(33'333'333, 3, Rounding::kUp) == 1);
  BOOST_TEST(mul_scaled(33'333'333, 3, Rounding::kDown) == 0);
  // 100 USDT / 3 USDT per BTC = 33.33333333 BTC (down) / ...34 (up).
  BOOST_TEST(div_scaled(10'000'000'000, 300'000'000, Rounding::kDown) == 3'333'333'333);
  BOOST_TEST(div_scaled(10'000'000'000, 300'000'000, Rounding::kUp) == 3'333'333'334);
}

BOOST_AUTO_TEST_CASE(ppm_rates_round_as_asked) {
  // A 0.1% fee on 1e-8 quote is a whole unit when rounded up: the venue never undercharges.
  BOOST_TEST(apply_ppm(1, 1000, Rounding::kUp) == 1);
  BOOST_TEST(apply_ppm(1, 1000, Rounding::kDown) == 0);
  // 0.075% of 0.37041 USDT = 0.0002778075 -> 27781 units up, 27780 down and half-even.
  BOOST_TEST(apply_ppm(37'041'000, 750, Rounding::kUp) == 27'781);
  BOOST_TEST(apply_ppm(37'041'000, 750, Rounding::kDown) == 27'780);
  BOOST_TEST(apply_ppm(37'041'000, 750, Rounding::kHalfEven) == 27'781);
}

BOOST_AUTO_TEST_CASE(round_to_multiple_of_a_step) {
  BOOST_TEST(round_to_multiple(12'345, 100, Rounding::kDown) == 12'300);
  BOOST_TEST(round_to_multiple(12'345, 100, Rounding::kUp) == 12'400);
  BOOST_TEST(round_to_multiple(12'350, 100, Rounding::kHalfEven) == 12'400);
  BOOST_TEST(round_to_multiple(12'250, 100, Rounding::kHalfEven) == 12'200);
  BOOST_TEST(round_to_multiple(-12'345, 100, Rounding::kDown) == -12'400);
  BOOST_TEST(round_to_multiple(12'300, 100, Rounding::kUp) == 12'300);
}

BOOST_AUTO_TEST_CASE(overflow_and_division_by_zero_abort) {
  BOOST_TEST(aborts([] { (void)mul_scaled(kMax, kMax, Rounding::kDown); }));
  BOOST_TEST(aborts([] { (void)mul_div(1, 1, 0, Rounding::kDown); }));
  BOOST_TEST(aborts([] { (void)checked_add(kMax, 1); }));
  BOOST_TEST(aborts([] { (void)checked_sub(-kMax - 1, 1); }));
  BOOST_TEST(aborts([] { (void)from_double(1e300, Rounding::kDown); }));
  BOOST_TEST(!aborts([] { (void)checked_add(kMax - 1, 1); }));
}

BOOST_AUTO_TEST_CASE(double_conversions_are_for_reporting) {
  BOOST_TEST(to_double(150'000'000) == 1.5);
  BOOST_TEST(to_double(-1) == -1e-8);
  BOOST_TEST(from_double(0.1, Rounding::kHalfEven) == 10'000'000);
  // The double product v * 1e8 is what gets rounded: 0.123456785 * 1e8 and 0.123456795 * 1e8
  // are exact ties (…78.5, …79.5) and go to the even neighbour; 3.5e-8 * 1e8 is
  // 3.5000000000000004, not a tie.
  BOOST_TEST(from_double(0.123456785, Rounding::kHalfEven) == 12'345'678);
  BOOST_TEST(from_double(0.123456795, Rounding::kHalfEven) == 12'345'680);
  BOOST_TEST(from_double(2.5e-8, Rounding::kHalfEven) == 2);
  BOOST_TEST(from_double(4.5e-8, Rounding::kHalfEven) == 4);
  BOOST_TEST(from_double(5.5e-8, Rounding::kHalfEven) == 6);
  BOOST_TEST(from_double(3.5e-8, Rounding::kHalfEven) == 4);
  BOOST_TEST(from_double(1.000000019, Rounding::kDown) == 100'000'001);
  BOOST_TEST(from_double(1.000000011, Rounding::kUp) == 100'000'002);
  BOOST_TEST(from_double(-1.000000011, Rounding::kDown) == -100'000'002);
}

BOOST_AUTO_TEST_CASE(decimal_text_is_exact) {
  BOOST_TEST(format_decimal(1'250'000'000) == "12.5");
  BOOST_TEST(format_decimal(-1) == "-0.00000001");
  BOOST_TEST(format_decimal(300'000'000) == "3");
  BOOST_TEST(format_decimal(0) == "0");
  BOOST_TEST(format_decimal(std::numeric_limits<std::int64_t>::min()) == "-92233720368.54775808");
  BOOST_TEST(*parse_decimal("0.01000000") == 1'000'000);
  BOOST_TEST(*parse_decimal("65000.12") == 6'500'012'000'000);
  BOOST_TEST(*parse_decimal("-3") == -300'000'000);
  BOOST_TEST(*parse_decimal("92233720368.54775807") == kMax);
  for (const char* bad : {"", ".", "1.", ".5", "+1", "1e3", "0.000000001", "1.2.3", "abc",
                          "92233720368.54775808", "-", " 1"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!parse_decimal(bad).has_value()); }
  }
  for (const std::int64_t v : {std::int64_t{1}, std::int64_t{-123'456'789}, kMax}) {
    BOOST_TEST(*parse_decimal(format_decimal(v)) == v);
  }
}

}  // namespace
}  // namespace q50::sim
