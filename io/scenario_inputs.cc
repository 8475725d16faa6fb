#include "io/scenario_inputs.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

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

absl::StatusOr<std::vector<double>> csv_column(const CsvTable& t, const std::string& name,
                                               const std::vector<double>& fallback) {
  if (name.empty()) return fallback;
  auto col = t.require_column(name);
  if (!col.ok()) return col.status();
  std::vector<double> out(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, *col);
    if (!v.ok()) return v.status();
    out[r] = *v;
  }
  return out;
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
  auto close = csv_column(*table, m.close_column, {});
  if (!close.ok()) return close.status();
  std::vector<std::vector<double>> ohlv;
  const std::vector<double> unlimited(table->rows(), kUnlimitedVolume);
  using Column = std::pair<const std::string*, const std::vector<double>*>;
  for (const auto& [name, fallback] :
       {Column{&m.open_column, &*close}, Column{&m.high_column, &*close},
        Column{&m.low_column, &*close}, Column{&m.volume_column, &unlimited}}) {
    auto col = csv_column(*table, *name, *fallback);
    if (!col.ok()) return col.status();
    ohlv.push_back(std::move(*col));
  }
  std::vector<strategy::Bar> bars(table->rows());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    bars[i] = {(*ts)[i], ohlv[0][i], ohlv[1][i], ohlv[2][i], (*close)[i], ohlv[3][i]};
  }
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
