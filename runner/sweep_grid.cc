#include "runner/sweep_grid.h"

#include <charconv>

#include "core/check.h"
#include "fmt/format.h"

namespace q50::runner {

SweepGrid::SweepGrid(const io::SweepSpec& spec) : spec_(&spec), stride_(spec.dimensions.size()) {
  for (std::size_t d = spec.dimensions.size(); d-- > 0;) {
    stride_[d] = size_;
    size_ *= static_cast<std::int64_t>(spec.dimensions[d].rows.size());
  }
}

std::vector<Assignment> SweepGrid::point(std::int64_t point) const {
  Q50_CHECK(point >= 0 && point < size_, "sweep point out of range");
  std::vector<Assignment> out;
  for (std::size_t d = 0; d < spec_->dimensions.size(); ++d) {
    const io::SweepDimension& dim = spec_->dimensions[d];
    const auto row = static_cast<std::size_t>(point / stride_[d]);
    point %= stride_[d];
    for (std::size_t k = 0; k < dim.keys.size(); ++k)
      out.push_back({&dim.keys[k], &dim.rows[row][k]});
  }
  return out;
}

absl::StatusOr<Shard> parse_shard(std::string_view text) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(
        fmt::format("shard: expected I/N with 0 <= I < N (e.g. 0/4), got '{}'", text));
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard s;
  const std::string_view i = text.substr(0, slash), n = text.substr(slash + 1);
  const auto ri = std::from_chars(i.data(), i.data() + i.size(), s.index);
  const auto rn = std::from_chars(n.data(), n.data() + n.size(), s.count);
  if (i.empty() || n.empty() || ri.ec != std::errc() || rn.ec != std::errc() ||
      ri.ptr != i.data() + i.size() || rn.ptr != n.data() + n.size() || s.count < 1 ||
      s.index < 0 || s.index >= s.count) {
    return bad();
  }
  return s;
}

std::vector<std::int64_t> shard_points(std::int64_t size, const Shard& shard) {
  std::vector<std::int64_t> points;
  if (shard.index < size)
    points.reserve(static_cast<std::size_t>((size - shard.index - 1) / shard.count + 1));
  for (std::int64_t i = shard.index; i < size; i += shard.count) points.push_back(i);
  return points;
}

}  // namespace q50::runner
