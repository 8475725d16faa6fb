#include "io/signal_file.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include "fmt/format.h"
#include "io/csv.h"

namespace q50::io {
namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

absl::StatusOr<std::size_t> key_column(const CsvTable& t, std::string& name) {
  const auto dt = t.find_column("datetime");
  const auto ts = t.find_column("timestamp");
  if (dt && ts) {
    return absl::InvalidArgumentError(fmt::format(
        "{}:1: both 'datetime' and 'timestamp' columns; keep one as the key", t.path()));
  }
  if (!dt && !ts) {
    return absl::InvalidArgumentError(fmt::format(
        "{}:1: no key column: expected 'datetime' (the pkl's index) or 'timestamp'", t.path()));
  }
  name = dt ? "datetime" : "timestamp";
  return dt ? *dt : *ts;
}

// One instrument per file: every row equal to the first (and to options.instrument if set).
absl::StatusOr<std::string> read_instrument(const CsvTable& t, const std::string& wanted) {
  const auto col = t.find_column("instrument");
  if (!col) return std::string();
  const std::string first(t.field(0, *col));
  if (first.empty()) return t.field_error(0, *col, "empty instrument");
  if (!wanted.empty() && !iequals(first, wanted)) {
    return t.field_error(0, *col, fmt::format("expected instrument '{}'", wanted));
  }
  for (std::size_t r = 1; r < t.rows(); ++r) {
    if (t.field(r, *col) != first) {
      return t.field_error(
          r, *col,
          fmt::format("a second instrument; the file must hold only '{}' (line {})", first,
                      t.line(0)));
    }
  }
  return first;
}

absl::StatusOr<std::vector<double>> f64_column(const CsvTable& t, std::size_t col,
                                               FloatPolicy policy) {
  std::vector<double> out;
  out.reserve(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, col, policy);
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  return out;
}

absl::StatusOr<std::vector<float>> f32_column(const CsvTable& t, std::size_t col,
                                              FloatPolicy policy) {
  std::vector<float> out;
  out.reserve(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f32(r, col, policy);
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  return out;
}

// Small integer codes; "1.0" is accepted because pandas writes an int column that once held a
// NaN as float.
absl::StatusOr<std::vector<std::int8_t>> code_column(const CsvTable& t, std::size_t col, int lo,
                                                     int hi) {
  std::vector<std::int8_t> out;
  out.reserve(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, col, FloatPolicy::kFinite);
    if (!v.ok()) return v.status();
    if (*v != std::trunc(*v) || *v < lo || *v > hi) {
      return t.field_error(r, col, fmt::format("expected an integer in [{}, {}]", lo, hi));
    }
    out.push_back(static_cast<std::int8_t>(*v));
  }
  return out;
}

class Loader {
 public:
  Loader(const CsvTable& t, const SignalFileOptions& o) : t_(t), o_(o) {}

  FloatPolicy policy(std::string_view name) const {
    return contains(o_.required, name) && !contains(o_.nan_allowed, name) ? FloatPolicy::kFinite
                                                                          : FloatPolicy::kAllowNan;
  }

  // Loads column `name` into out when the file has it (a missing required column was already
  // reported).
  template <typename Vec, typename Read>
  absl::Status optional(std::string_view name, Vec& out, Read read) const {
    const auto col = t_.find_column(name);
    if (!col) return absl::OkStatus();
    auto v = read(*col);
    if (!v.ok()) return v.status();
    out = *std::move(v);
    return absl::OkStatus();
  }

  absl::Status floats(std::string_view name, std::vector<double>& out) const {
    return optional(name, out, [&](std::size_t c) { return f64_column(t_, c, policy(name)); });
  }
  absl::Status floats32(std::string_view name, std::vector<float>& out) const {
    return optional(name, out, [&](std::size_t c) { return f32_column(t_, c, policy(name)); });
  }
  absl::Status codes(std::string_view name, std::vector<std::int8_t>& out, int lo, int hi) const {
    return optional(name, out, [&](std::size_t c) { return code_column(t_, c, lo, hi); });
  }

 private:
  const CsvTable& t_;
  const SignalFileOptions& o_;
};

absl::Status require_columns(const CsvTable& t, const SignalFileOptions& o) {
  for (const std::string_view name : {"q10", "q50", "q90"}) {
    if (auto c = t.require_column(name); !c.ok()) return c.status();
  }
  for (const auto* list : {&o.required, &o.extra}) {
    for (const auto& name : *list) {
      if (auto c = t.require_column(name); !c.ok()) return c.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SignalFile> from_table(const CsvTable& t, const SignalFileOptions& o) {
  SignalFile f;
  f.path = t.path();
  auto key = key_column(t, f.key_column);
  if (!key.ok()) return key.status();
  if (auto st = require_columns(t, o); !st.ok()) return st;
  if (t.rows() == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "{}:2: no data rows after the header (expected at least one signal)", t.path()));
  }
  auto instrument = read_instrument(t, o.instrument);
  if (!instrument.ok()) return instrument.status();
  f.instrument = *std::move(instrument);
  auto ts = t.increasing_timestamps(*key);
  if (!ts.ok()) return ts.status();
  f.ts_ns = *std::move(ts);

  const Loader load(t, o);
  const std::array<std::pair<std::string_view, std::vector<double>*>, 5> floats = {{
      {"q10", &f.q10},
      {"q50", &f.q50},
      {"q90", &f.q90},
      {"signal_thresh_adaptive", &f.signal_thresh_adaptive},
      {"prob_up", &f.prob_up},
  }};
  for (const auto& [name, out] : floats) {
    if (auto st = load.floats(name, *out); !st.ok()) return st;
  }
  if (auto st = load.floats32("vol_risk", f.vol_risk); !st.ok()) return st;
  if (auto st = load.floats32("vol_raw_momentum", f.vol_raw_momentum); !st.ok()) return st;
  if (auto st = load.codes("side", f.side, -1, 1); !st.ok()) return st;
  if (auto st = load.codes("signal_tier", f.signal_tier, 0, 3); !st.ok()) return st;
  for (const auto& name : o.extra) {
    if (auto st = load.floats(name, f.extra[name]); !st.ok()) return st;
  }
  return f;
}

}  // namespace

absl::StatusOr<SignalFile> read_signal_file(const std::string& path,
                                            const SignalFileOptions& options) {
  auto t = CsvTable::read(path);
  if (!t.ok()) return t.status();
  return from_table(*t, options);
}

absl::StatusOr<SignalFile> parse_signal_file(std::string name, std::string content,
                                             const SignalFileOptions& options) {
  auto t = CsvTable::parse(std::move(name), std::move(content));
  if (!t.ok()) return t.status();
  return from_table(*t, options);
}

}  // namespace q50::io
