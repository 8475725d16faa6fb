#ifndef Q50SIM_RUNNER_SWEEP_GRID_H_
#define Q50SIM_RUNNER_SWEEP_GRID_H_

// The points of a sweep and their shards. Point i is the i-th combination of the dimensions'
// rows, the first dimension varying slowest (a mixed-radix number, the last dimension its
// lowest digit). Shard I of N holds the points i with i mod N == I: the N shards are disjoint
// and their union is the sweep, for any N, and each shard samples every region of the grid
// (a contiguous split would give one shard all of the first dimension's slowest values).

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "io/sweep_file.h"

namespace q50::runner {

// One parameter of a point: a key and the value it takes (pointers into the SweepSpec).
struct Assignment {
  const std::string* key = nullptr;
  const io::SweepValue* value = nullptr;
};

class SweepGrid {
 public:
  // spec must outlive the grid.
  explicit SweepGrid(const io::SweepSpec& spec);

  // The number of points (1 for a sweep without dimensions: the base itself).
  std::int64_t size() const { return size_; }

  // The parameters of point (0 <= point < size()), in the sweep's parameter order.
  std::vector<Assignment> point(std::int64_t point) const;

 private:
  const io::SweepSpec* spec_;
  std::vector<std::int64_t> stride_;  // points per step of each dimension
  std::int64_t size_ = 1;
};

struct Shard {
  std::int64_t index = 0;  // 0 <= index < count
  std::int64_t count = 1;
};

// "I/N" with 0 <= I < N (the Slurm array task id and count). InvalidArgument naming the text.
absl::StatusOr<Shard> parse_shard(std::string_view text);

// The points of the shard, ascending.
std::vector<std::int64_t> shard_points(std::int64_t size, const Shard& shard);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SWEEP_GRID_H_
