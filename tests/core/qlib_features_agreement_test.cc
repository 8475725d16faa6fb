// Features computed from the reference qlib bins must equal the existing system's feature
// files bit for bit (reference README §3, §7), every row and every column.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/qlib_features.h"
#include "io/csv.h"
#include "io/qlib_reader.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

struct Case {
  const char* provider;
  const char* expected;
};
constexpr Case kCases[] = {{"CRYPTO", "btcusdt_crypto.csv"},
                           {"CRYPTODATA_VALIDATED_2", "btcusdt_validated2.csv"}};

bool same_f32(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

struct Loaded {
  io::QlibSeries closes;
  io::CsvTable expected;
};

Loaded load(const Case& c) {
  const std::string ref = testing::reference_dir();
  auto closes = io::load_qlib_field(
      {ref + "/qlib/" + c.provider, "btcusdt", "close", "60min"});
  BOOST_REQUIRE_MESSAGE(closes.ok(), closes.status().ToString());
  auto expected = io::CsvTable::read(ref + "/features/" + c.expected);
  BOOST_REQUIRE_MESSAGE(expected.ok(), expected.status().ToString());
  return {*std::move(closes), *std::move(expected)};
}

// Number of rows where column `col` of the expected file equals get(row), bit for bit.
template <typename Get>
std::size_t count_equal(const io::CsvTable& t, std::size_t col, Get get) {
  std::size_t equal = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f32(r, col, io::FloatPolicy::kAllowNan);
    BOOST_REQUIRE(v.ok());
    if (same_f32(*v, get(r))) ++equal;
  }
  return equal;
}

BOOST_AUTO_TEST_CASE(features_are_bit_exact) {
  for (const Case& c : kCases) {
    Loaded d = load(c);
    const auto rows = compute_features(d.closes.series, d.closes.labels.size());
    BOOST_REQUIRE_EQUAL(rows.size(), d.expected.rows());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto ts = d.expected.timestamp(r, 0);
      BOOST_REQUIRE(ts.ok());
      BOOST_REQUIRE_EQUAL(*ts, d.closes.labels[r]);
    }
    const std::pair<const char*, float FeatureRow::*> columns[] = {
        {"close", &FeatureRow::close},
        {"log_return", &FeatureRow::log_return},
        {"vol_raw", &FeatureRow::vol_raw},
        {"vol_risk", &FeatureRow::vol_risk},
        {"vol_raw_momentum", &FeatureRow::vol_raw_momentum},
        {"truth", &FeatureRow::truth}};
    for (const auto& [name, member_binding] : columns) {
      const auto member = member_binding;  // clang 14 cannot capture structured bindings
      auto col = d.expected.require_column(name);
      BOOST_REQUIRE(col.ok());
      const std::size_t equal =
          count_equal(d.expected, *col, [&](std::size_t r) { return rows[r].*member; });
      BOOST_TEST_MESSAGE(c.expected << " " << name << ": " << equal << "/" << rows.size()
                                    << " bit-exact");
      BOOST_TEST(equal == rows.size(), c.expected << " " << name);
    }
  }
}

BOOST_AUTO_TEST_CASE(reference_facts_hold) {
  for (const Case& c : kCases) {
    Loaded d = load(c);
    const auto rows = compute_features(d.closes.series, d.closes.labels.size());
    float max_mom = 0.0f;
    for (const auto& r : rows) {
      if (!std::isnan(r.vol_raw)) BOOST_TEST(r.vol_raw > 0.0f);  // no zero-variance window
      if (!std::isnan(r.vol_raw_momentum)) max_mom = std::max(max_mom, std::fabs(r.vol_raw_momentum));
    }
    // The "trending" flag (|mom| > 0.1) never fires on real data.
    BOOST_TEST(max_mom < 0.1f);
    BOOST_TEST(max_mom > 0.07f);
  }
}

BOOST_AUTO_TEST_CASE(correctly_rounded_log_would_fail_the_gate) {
  // Counterfactual: log returns from std::log instead of numpy's routine. The gate must catch
  // it (README §7: ~42% of bars differ), proving the bit-exact comparison can fail.
  Loaded d = load(kCases[0]);
  auto col = d.expected.require_column("log_return");
  BOOST_REQUIRE(col.ok());
  const auto& s = d.closes.series;
  const std::size_t equal = count_equal(d.expected, *col, [&](std::size_t r) {
    return r == 0 ? std::numeric_limits<float>::quiet_NaN() : std::log(s[r] / s[r - 1]);
  });
  BOOST_TEST_MESSAGE("libm log_return bit-exact on " << equal << "/" << d.expected.rows());
  BOOST_TEST(equal < d.expected.rows() * 7 / 10);
}

}  // namespace
}  // namespace q50
