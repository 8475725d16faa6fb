#include "io/signal_input.h"

#include <array>
#include <string_view>
#include <utility>

#include "fmt/format.h"
#include "io/csv.h"

namespace q50::io {
namespace {

absl::StatusOr<SignalInputTable> from_table(const CsvTable& t) {
  constexpr std::array<std::string_view, 6> kColumns = {
      "timestamp", "q10", "q50", "q90", "vol_risk", "vol_raw_momentum"};
  std::array<std::size_t, kColumns.size()> col{};
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    auto c = t.require_column(kColumns[i]);
    if (!c.ok()) return c.status();
    col[i] = *c;
  }
  if (t.rows() == 0) {
    return absl::InvalidArgumentError(
        fmt::format("{}:2: no data rows after the header (expected at least one bar)", t.path()));
  }
  SignalInputTable out;
  auto ts = t.increasing_timestamps(col[0]);
  if (!ts.ok()) return ts.status();
  out.timestamp = *std::move(ts);

  const std::size_t n = t.rows();
  for (auto* v : {&out.q10, &out.q50, &out.q90}) v->reserve(n);
  out.vol_risk.reserve(n);
  out.vol_raw_momentum.reserve(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::array<double, 3> q{};
    for (std::size_t k = 0; k < 3; ++k) {
      auto v = t.f64(r, col[1 + k], FloatPolicy::kFinite);
      if (!v.ok()) return v.status();
      q[k] = *v;
    }
    auto vol_risk = t.f32(r, col[4], FloatPolicy::kFinite);
    if (!vol_risk.ok()) return vol_risk.status();
    auto momentum = t.f32(r, col[5], FloatPolicy::kFinite);
    if (!momentum.ok()) return momentum.status();
    out.q10.push_back(q[0]);
    out.q50.push_back(q[1]);
    out.q90.push_back(q[2]);
    out.vol_risk.push_back(*vol_risk);
    out.vol_raw_momentum.push_back(*momentum);
  }
  return out;
}

}  // namespace

absl::StatusOr<SignalInputTable> read_signal_input(const std::string& path) {
  auto t = CsvTable::read(path);
  if (!t.ok()) return t.status();
  return from_table(*t);
}

absl::StatusOr<SignalInputTable> parse_signal_input(std::string name, std::string content) {
  auto t = CsvTable::parse(std::move(name), std::move(content));
  if (!t.ok()) return t.status();
  return from_table(*t);
}

}  // namespace q50::io
