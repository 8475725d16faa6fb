#include "io/scenario_inputs.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "io/qlib_reader.h"
#include "io/scenario_file.h"
#include "io/signal_file.h"

namespace q50::io {
namespace {

// A bar without volume data trades without a participation limit: 1e9 base units stays far
// inside the venue's int64 e8 range (9.2e10 units) and above any order the library places.
constexpr double kUnlimitedVolume = 1e9;

absl::StatusOr<std::string> expand(const std::string& path, const EnvLookup& env) {
  return expand_scenario_path(path, env);
}

// A column of prices or volumes, each in [lo, hi] (the simulator's domain, core/limits.h).
absl::StatusOr<std::vector<double>> csv_column(const CsvTable& t, const std::string& name,
                                               const std::vector<double>& fallback, double lo,
                                               double hi) {
  if (name.empty()) return fallback;
  auto col = t.require_column(name);
  if (!col.ok()) return col.status();
  std::vector<double> out(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, *col);
    if (!v.ok()) return v.status();
    if (!(*v >= lo && *v <= hi)) {
      return t.field_error(r, *col, fmt::format("expected a value in [{}, {}]", lo, hi));
    }
    out[r] = *v;
  }
  return out;
}

// high >= max(open, close) and low <= min(open, close) on every row.
absl::Status check_ohlc(const CsvTable& t, const sim::CsvMarket& m,
                        const std::vector<strategy::Bar>& bars) {
  for (std::size_t r = 0; r < bars.size(); ++r) {
    const strategy::Bar& b = bars[r];
    if (b.high < std::max(b.open, b.close) && !m.high_column.empty()) {
      return t.field_error(r, *t.find_column(m.high_column),
                           fmt::format("high below max(open, close) = {}", std::max(b.open, b.close)));
    }
    if (b.low > std::min(b.open, b.close) && !m.low_column.empty()) {
      return t.field_error(r, *t.find_column(m.low_column),
                           fmt::format("low above min(open, close) = {}", std::min(b.open, b.close)));
    }
    if (b.high < b.low || b.high < std::max(b.open, b.close) || b.low > std::min(b.open, b.close)) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:{}: open {}, high {}, low {}, close {}: need low <= open, close <= high", t.path(),
          t.line(r), b.open, b.high, b.low, b.close));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<strategy::Bar>> load_csv_market(const sim::CsvMarket& m,
                                                         const EnvLookup& env) {
  auto path = expand(m.path, env);
  if (!path.ok()) return path.status();
  auto table = CsvTable::read(*path);
  if (!table.ok()) return table.status();
  auto ts_col = table->require_column(m.ts_column);
  if (!ts_col.ok()) return ts_col.status();
  auto ts = table->increasing_timestamps(*ts_col);
  if (!ts.ok()) return ts.status();
  auto close = csv_column(*table, m.close_column, {}, limits::kMinPrice, limits::kMaxPrice);
  if (!close.ok()) return close.status();
  auto open = csv_column(*table, m.open_column, *close, limits::kMinPrice, limits::kMaxPrice);
  if (!open.ok()) return open.status();
  // Without high/low columns the bar's range is its open and close.
  std::vector<double> top(close->size());
  std::vector<double> bottom(close->size());
  for (std::size_t i = 0; i < close->size(); ++i) {
    top[i] = std::max((*open)[i], (*close)[i]);
    bottom[i] = std::min((*open)[i], (*close)[i]);
  }
  auto high = csv_column(*table, m.high_column, top, limits::kMinPrice, limits::kMaxPrice);
  if (!high.ok()) return high.status();
  auto low = csv_column(*table, m.low_column, bottom, limits::kMinPrice, limits::kMaxPrice);
  if (!low.ok()) return low.status();
  const std::vector<double> unlimited(table->rows(), kUnlimitedVolume);
  auto volume = csv_column(*table, m.volume_column, unlimited, 0.0, limits::kMaxVolume);
  if (!volume.ok()) return volume.status();
  std::vector<strategy::Bar> bars(table->rows());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    bars[i] = {(*ts)[i], (*open)[i], (*high)[i], (*low)[i], (*close)[i], (*volume)[i]};
  }
  if (auto st = check_ohlc(*table, m, bars); !st.ok()) return st;
  return bars;
}

// One qlib field on the calendar; a field the provider lacks gives nullopt (CRYPTODATA_
// VALIDATED_2 has no volume).
absl::StatusOr<std::optional<std::vector<float>>> qlib_field(const sim::QlibMarket& m,
                                                             const std::string& dir,
                                                             const std::string& field) {
  const std::filesystem::path bin = std::filesystem::path(dir) / "features" / m.instrument /
                                    fmt::format("{}.{}.bin", field, m.freq);
  std::error_code ec;
  if (!std::filesystem::exists(bin, ec)) return std::optional<std::vector<float>>{};
  auto s = load_qlib_field({dir, m.instrument, field, m.freq});
  if (!s.ok()) return s.status();
  return std::optional<std::vector<float>>(std::move(s->series));
}

// Why a bar read from qlib bins leaves the simulator's domain, or nullopt.
std::optional<std::string> qlib_bar_problem(const strategy::Bar& b) {
  const std::pair<const char*, double> prices[] = {
      {"open", b.open}, {"high", b.high}, {"low", b.low}, {"close", b.close}};
  for (const auto& [name, v] : prices) {
    if (!(v >= limits::kMinPrice && v <= limits::kMaxPrice)) {
      return fmt::format("{} {} is outside [{}, {}]", name, v, limits::kMinPrice, limits::kMaxPrice);
    }
  }
  if (!(b.volume >= 0 && b.volume <= limits::kMaxVolume)) {
    return fmt::format("volume {} is outside [0, {}]", b.volume, limits::kMaxVolume);
  }
  if (b.high < std::max(b.open, b.close) || b.low > std::min(b.open, b.close)) {
    return fmt::format("open {}, high {}, low {}, close {}: need low <= open, close <= high",
                       b.open, b.high, b.low, b.close);
  }
  return std::nullopt;
}

// The instrument's calendar rows (qlib's D.features restriction) with a finite close.
absl::StatusOr<std::vector<strategy::Bar>> load_qlib_market(const sim::QlibMarket& m,
                                                          const EnvLookup& env) {
  auto dir = expand(m.dir, env);
  if (!dir.ok()) return dir.status();
  auto calendar = read_qlib_calendar(fmt::format("{}/calendars/{}.txt", *dir, m.freq));
  if (!calendar.ok()) return calendar.status();
  auto inst = read_qlib_instrument(*dir + "/instruments/all.txt", m.instrument);
  if (!inst.ok()) return inst.status();
  std::vector<std::optional<std::vector<float>>> fields;
  for (const char* f : {"open", "high", "low", "close", "volume"}) {
    auto v = qlib_field(m, *dir, f);
    if (!v.ok()) return v.status();
    fields.push_back(std::move(*v));
  }
  if (!fields[3]) {
    return absl::NotFoundError(fmt::format("{}/features/{}: no close.{}.bin", *dir,
                                           m.instrument, m.freq));
  }
  const auto value = [&](std::size_t field, std::size_t row, double fallback) {
    const auto& f = fields[field];
    return f && row < f->size() && std::isfinite((*f)[row]) ? static_cast<double>((*f)[row])
                                                            : fallback;
  };
  std::vector<strategy::Bar> bars;
  for (const std::size_t row : instrument_rows(*calendar, *inst)) {
    const double close = value(3, row, std::nan(""));
    if (!std::isfinite(close)) continue;
    bars.push_back({(*calendar)[row], value(0, row, close), value(1, row, close),
                    value(2, row, close), close, value(4, row, kUnlimitedVolume)});
    if (auto why = qlib_bar_problem(bars.back())) {
      return absl::InvalidArgumentError(fmt::format(
          "{}/features/{}: the bar of {} (calendar line {}): {}", *dir, m.instrument,
          format_timestamp(bars.back().ts_ns), row + 1, *why));
    }
  }
  return bars;
}

absl::Status load_signal_file(const sim::Scenario& sc, const EnvLookup& env, sim::ScenarioInputs& d) {
  auto path = expand(sc.signals.file->path, env);
  if (!path.ok()) return path.status();
  auto file = read_signal_file(*path);
  if (!file.ok()) return file.status();
  d.signal_ts_ns = std::move(file->ts_ns);
  d.q10 = std::move(file->q10);
  d.q50 = std::move(file->q50);
  d.q90 = std::move(file->q90);
  d.has_signal_rows = true;
  return absl::OkStatus();
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> missing_reference_data(const sim::Scenario& sc, const EnvLookup& env) {
  std::vector<std::string> paths;
  if (sc.market.source == sim::MarketSourceKind::kCsv) paths.push_back(sc.market.csv->path);
  if (sc.market.source == sim::MarketSourceKind::kQlib) paths.push_back(sc.market.qlib->dir);
  if (sc.signals.source == sim::SignalSourceKind::kFile) paths.push_back(sc.signals.file->path);
  for (const std::string& p : paths) {
    if (p.rfind("${", 0) != 0) continue;
    const std::string name = p.substr(2, p.find('}') - 2);
    if (!env(name)) return fmt::format("{} is not set (needed for {})", name, p);
    auto expanded = expand_scenario_path(p, env);
    std::error_code ec;
    if (!expanded.ok() || !std::filesystem::exists(*expanded, ec)) {
      return fmt::format("reference data {} not found",
                         expanded.ok() ? *expanded : std::string(p));
    }
  }
  return std::nullopt;
}

std::vector<std::string> scenario_input_paths(const sim::Scenario& sc, const EnvLookup& env) {
  std::vector<std::string> out{sc.path};
  const auto add = [&](const std::string& path) {
    auto expanded = expand(path, env);
    out.push_back(expanded.ok() ? *expanded : path);
  };
  if (sc.market.source == sim::MarketSourceKind::kCsv) add(sc.market.csv->path);
  if (sc.signals.source == sim::SignalSourceKind::kFile) add(sc.signals.file->path);
  if (sc.market.source == sim::MarketSourceKind::kQlib) {
    const sim::QlibMarket& q = *sc.market.qlib;
    auto dir = expand(q.dir, env);
    const std::string d = dir.ok() ? *dir : q.dir;
    out.push_back(fmt::format("{}/calendars/{}.txt", d, q.freq));
    out.push_back(d + "/instruments/all.txt");
    for (const char* f : {"open", "high", "low", "close", "volume"}) {
      out.push_back(fmt::format("{}/features/{}/{}.{}.bin", d, q.instrument, f, q.freq));
    }
  }
  return out;
}

absl::StatusOr<ScenarioSources> read_scenario_sources(const sim::Scenario& sc,
                                                      const EnvLookup& env) {
  ScenarioSources sources;
  const sim::MarketConfig& m = sc.market;
  if (m.source == sim::MarketSourceKind::kCsv || m.source == sim::MarketSourceKind::kQlib) {
    auto bars = m.source == sim::MarketSourceKind::kCsv ? load_csv_market(*m.csv, env)
                                                        : load_qlib_market(*m.qlib, env);
    if (!bars.ok()) return bars.status();
    sources.market = std::move(*bars);
  }
  if (sc.signals.source == sim::SignalSourceKind::kFile) {
    if (auto st = load_signal_file(sc, env, sources.signal_rows); !st.ok()) return st;
  }
  return sources;
}

absl::StatusOr<sim::ScenarioInputs> scenario_inputs_from(const sim::Scenario& sc,
                                                         const ScenarioSources& sources) {
  sim::ScenarioInputs d;
  const sim::MarketConfig& m = sc.market;
  if (m.source == sim::MarketSourceKind::kCsv || m.source == sim::MarketSourceKind::kQlib) {
    d.bars = sources.market;
    sim::cut_to_run(sc, d.bars);
    if (d.bars.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: the market source has no bar inside the run's range", sc.path));
    }
  }
  if (sc.signals.source == sim::SignalSourceKind::kFile) {
    d.signal_ts_ns = sources.signal_rows.signal_ts_ns;
    d.q10 = sources.signal_rows.q10;
    d.q50 = sources.signal_rows.q50;
    d.q90 = sources.signal_rows.q90;
    d.has_signal_rows = true;
  } else if (m.source != sim::MarketSourceKind::kSynthetic) {
    sim::forecast_real_market(sc, d);
  }
  return d;
}

absl::StatusOr<sim::ScenarioInputs> load_scenario_inputs(const sim::Scenario& sc,
                                                         const EnvLookup& env) {
  auto sources = read_scenario_sources(sc, env);
  if (!sources.ok()) return sources.status();
  return scenario_inputs_from(sc, *sources);
}

}  // namespace q50::io
