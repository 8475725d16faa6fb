// Properties of a sweep's points and shards over random grids: every point is a distinct
// combination of the dimensions' rows, enumerated first dimension slowest; the shards of any
// count are disjoint and their union is exactly the sweep.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "runner/sweep_grid.h"

namespace q50::runner {
namespace {

// A spec with dimensions of the given sizes; row r of dimension d holds the text "d:r".
io::SweepSpec spec_of(const std::vector<int>& sizes) {
  io::SweepSpec spec;
  for (std::size_t d = 0; d < sizes.size(); ++d) {
    io::SweepDimension dim;
    dim.keys = {fmt::format("k{}", d)};
    for (int r = 0; r < sizes[d]; ++r) {
      const std::string text = fmt::format("{}:{}", d, r);
      dim.rows.push_back({io::SweepValue{text, text, ""}});
    }
    spec.dimensions.push_back(std::move(dim));
  }
  return spec;
}

std::string label(const std::vector<Assignment>& point) {
  std::string out;
  for (const Assignment& a : point) out += fmt::format("{}={};", *a.key, a.value->text);
  return out;
}

}  // namespace

RC_BOOST_PROP(prop_points_are_every_combination_once_first_dimension_slowest,
              (const std::vector<int>& raw)) {
  std::vector<int> sizes;
  for (std::size_t i = 0; i < raw.size() && i < 4; ++i) sizes.push_back(1 + (raw[i] & 7));
  const io::SweepSpec spec = spec_of(sizes);
  const SweepGrid grid(spec);
  std::int64_t expected = 1;
  for (int s : sizes) expected *= s;
  RC_ASSERT(grid.size() == expected);
  std::set<std::string> seen;
  std::vector<std::size_t> previous;
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    const std::vector<Assignment> point = grid.point(p);
    RC_ASSERT(point.size() == sizes.size());
    RC_ASSERT(seen.insert(label(point)).second);
    // The last dimension is the lowest digit: point p's row in it is p mod its size.
    if (!sizes.empty()) {
      const auto last = static_cast<std::int64_t>(sizes.back());
      RC_ASSERT(point.back().value ==
                &spec.dimensions.back().rows[static_cast<std::size_t>(p % last)][0]);
    }
  }
}

RC_BOOST_PROP(prop_shards_are_disjoint_and_their_union_is_the_sweep, ()) {
  const auto size = *rc::gen::inRange<std::int64_t>(0, 3000);
  const auto count = *rc::gen::inRange<std::int64_t>(1, 64);
  std::vector<int> owner(static_cast<std::size_t>(size), -1);
  std::int64_t total = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::vector<std::int64_t> points = shard_points(size, Shard{i, count});
    total += static_cast<std::int64_t>(points.size());
    for (std::size_t k = 0; k < points.size(); ++k) {
      RC_ASSERT(points[k] >= 0 && points[k] < size);
      RC_ASSERT(k == 0 || (k > 0 && points[k] > points[k - 1]));
      RC_ASSERT(owner[static_cast<std::size_t>(points[k])] == -1);
      owner[static_cast<std::size_t>(points[k])] = static_cast<int>(i);
    }
    // Balanced: shard sizes differ by at most one point.
    RC_ASSERT(static_cast<std::int64_t>(points.size()) >= size / count);
    RC_ASSERT(static_cast<std::int64_t>(points.size()) <= size / count + 1);
  }
  RC_ASSERT(total == size);
}

BOOST_AUTO_TEST_CASE(shard_text) {
  BOOST_TEST(parse_shard("0/4").ok());
  BOOST_TEST(parse_shard("3/4")->index == 3);
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/4x", "/4", "1/"}) {
    BOOST_TEST(!parse_shard(bad).ok(), bad);
  }
  BOOST_TEST(std::string(parse_shard("4/4").status().message()) ==
             "shard: expected I/N with 0 <= I < N (e.g. 0/4), got '4/4'");
}

}  // namespace q50::runner
