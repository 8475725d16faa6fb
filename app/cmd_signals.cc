// q50sim signals: the HEAD signal pipeline over a CSV of q10/q50/q90 + vol features, written
// in the reference's encoding (shared/reference/signals/NAME.expected.csv).
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "core/regime.h"
#include "core/signal.h"
#include "fmt/format.h"
#include "io/signal_output.h"
#include "core/number_format.h"
#include "io/output_set.h"
#include "io/signal_input.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim signals --input IN.csv --out OUT.csv [--percentiles sample|P30,P70,P90]\n"
    "\n"
    "Runs the existing system's HEAD signal pipeline (prob_up, EV, tradeable, side, regimes,\n"
    "adaptive threshold, tier, strength, size, Kelly, signal_rel/tanh) on every row.\n"
    "\n"
    "  --input IN.csv     columns timestamp,q10,q50,q90,vol_risk,vol_raw_momentum (others are\n"
    "                     ignored); vol_risk/vol_raw_momentum are held as float32\n"
    "  --out OUT.csv      timestamp + the 23 columns of the reference's expected files, same\n"
    "                     names, order and encoding; written atomically, nothing on error\n"
    "  --percentiles      'sample' (default): P30/P70/P90 = pandas quantiles of this input's\n"
    "                     vol_risk (the original's whole-sample look-ahead); or three frozen\n"
    "                     constants 'P30,P70,P90' (finite, non-decreasing)\n"
    "\n"
    "exit codes: 0 ok, 2 bad command line, 3 bad input data, 4 I/O error\n";

struct PercentileChoice {
  bool sample = true;
  VariancePercentiles frozen{};
};

absl::StatusOr<PercentileChoice> parse_percentiles(const std::string& text) {
  if (text == "sample") return PercentileChoice{};
  std::array<double, 3> v{};
  std::size_t pos = 0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::size_t comma = k + 1 < v.size() ? text.find(',', pos) : text.size();
    const std::string_view part =
        comma == std::string::npos ? std::string_view() : std::string_view(text).substr(pos, comma - pos);
    const auto res = std::from_chars(part.data(), part.data() + part.size(), v[k]);
    if (part.empty() || res.ec != std::errc() || res.ptr != part.data() + part.size() ||
        !std::isfinite(v[k])) {
      return absl::InvalidArgumentError(fmt::format(
          "--percentiles: expected 'sample' or three finite numbers P30,P70,P90 (got '{}')",
          text));
    }
    pos = comma + 1;
  }
  if (!(v[0] <= v[1] && v[1] <= v[2])) {
    return absl::InvalidArgumentError(
        fmt::format("--percentiles: P30 <= P70 <= P90 required (got '{}')", text));
  }
  return PercentileChoice{false, {v[0], v[1], v[2]}};
}

std::string summary(const std::vector<SignalRow>& rows, const PercentileChoice& choice,
                    const VariancePercentiles& p, const std::string& out_path) {
  std::array<std::size_t, 3> sides{};  // hold, short, long
  for (const auto& r : rows) ++sides[static_cast<std::size_t>(r.side + 1)];
  return fmt::format(
      "signals: rows={} long={} short={} hold={} percentiles={} p30={} p70={} p90={} -> {}\n",
      rows.size(), sides[2], sides[1], sides[0], choice.sample ? "sample" : "frozen",
      q50::py_repr(p.p30), q50::py_repr(p.p70), q50::py_repr(p.p90), out_path);
}

}  // namespace

int run_signals(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"input", "out", "percentiles"}, {}, 0};
  const CommandOutput cli("signals", kHelp);
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return cli.usage_error(args.status());
  if (args->help()) return cli.help();
  auto input_path = args->require("input");
  if (!input_path.ok()) return cli.usage_error(input_path.status());
  auto out_path = args->require("out");
  if (!out_path.ok()) return cli.usage_error(out_path.status());
  auto choice = parse_percentiles(args->get("percentiles").value_or("sample"));
  if (!choice.ok()) return cli.usage_error(choice.status());

  if (auto st = io::check_outputs_not_inputs({*out_path}, {*input_path}); !st.ok()) {
    return cli.usage_error(st);
  }
  auto input = io::read_signal_input(*input_path);
  if (!input.ok()) return cli.fail(input.status());
  const VariancePercentiles p =
      choice->sample ? sample_variance_percentiles(input->vol_risk) : choice->frozen;
  std::vector<SignalRow> rows(input->size());
  compute_signals(input->columns(), p, rows);

  if (auto st = io::write_signal_rows(*out_path, input->timestamp, rows); !st.ok()) {
    return cli.fail(st);
  }
  const std::string line = summary(rows, *choice, p, *out_path);
  std::fwrite(line.data(), 1, line.size(), stderr);
  return kExitOk;
}

}  // namespace q50::app
