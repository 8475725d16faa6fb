// [market.synthetic] student_t_dof: the synthetic market's returns get fat tails (Student t
// shocks) with the same variance as the normal's.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "sim/synthetic_market.h"

namespace q50::sim {
namespace {

struct Moments {
  double variance;
  double kurtosis;  // E[r^4] / E[r^2]^2 (3 for a normal)
  double beyond_5sd;  // fraction of returns beyond 5 standard deviations
};

Moments log_return_moments(double dof) {
  SyntheticMarketParams p;
  p.seed = 9;
  p.schedule = {{MarketRegime::kNormal, 1}};
  p.bars = 400'000;
  p.student_t_dof = dof;
  const std::vector<SyntheticBar> bars = generate_market(p);
  std::vector<double> r;
  for (std::size_t i = 1; i < bars.size(); ++i) {
    r.push_back(std::log(static_cast<double>(bars[i].close) / static_cast<double>(bars[i - 1].close)));
  }
  double m = 0;
  for (double x : r) m += x;
  m /= static_cast<double>(r.size());
  double s2 = 0, s4 = 0;
  for (double x : r) {
    const double d = (x - m) * (x - m);
    s2 += d;
    s4 += d * d;
  }
  s2 /= static_cast<double>(r.size());
  s4 /= static_cast<double>(r.size());
  long far = 0;
  for (double x : r) far += std::fabs(x - m) > 5 * std::sqrt(s2);
  return {s2, s4 / (s2 * s2), static_cast<double>(far) / static_cast<double>(r.size())};
}

BOOST_AUTO_TEST_CASE(student_t_shocks_fatten_the_tails_at_the_same_variance) {
  const Moments normal = log_return_moments(0);
  const Moments fat = log_return_moments(4.5);
  BOOST_TEST_MESSAGE("normal: var " << normal.variance << " kurtosis " << normal.kurtosis
                                    << "; t(4.5): var " << fat.variance << " kurtosis "
                                    << fat.kurtosis);
  BOOST_TEST(std::fabs(normal.kurtosis - 3.0) < 0.1);
  BOOST_TEST(fat.kurtosis > 5.0);  // t(4.5): 3 + 6 / (4.5 - 4) = 15 in theory, heavy-tailed estimate
  BOOST_TEST(std::fabs(fat.variance / normal.variance - 1.0) < 0.1);
  BOOST_TEST(normal.beyond_5sd < 1e-5);  // normal: 5.7e-7
  BOOST_TEST(fat.beyond_5sd > 1e-3);     // t(4.5) at unit variance: ~2e-3
}

}  // namespace
}  // namespace q50::sim
