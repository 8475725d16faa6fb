// q50sim signals: the HEAD signal pipeline over a CSV of q10/q50/q90 + vol features, written
// in the reference's encoding (shared/reference/signals/NAME.expected.csv).
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
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
    "                     names, order and encoding; written atomically, nothing on error;\n"
    "                     '-' writes standard output\n"
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

// Rows computed a block at a time (compute_signals interleaves rows for speed) and written
// as they are done, so memory holds one block, never the file.
class BlockedSignals {
 public:
  BlockedSignals(const VariancePercentiles& p, io::SignalRowWriter& out) : p_(p), out_(out) {}
  void add(TimestampNs ts_ns, const SignalInputs& in) {
    block_.add(ts_ns, in);
    if (block_.size() == kBlock) flush();
  }
  void flush() {
    rows_.resize(block_.size());
    compute_signals(block_.columns(), p_, rows_);
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      out_.add(block_.timestamp[i], rows_[i]);
      ++sides_[static_cast<std::size_t>(rows_[i].side + 1)];
      ++count_;
    }
    block_.clear();
  }
  std::size_t count() const { return count_; }
  const std::array<std::size_t, 3>& sides() const { return sides_; }  // hold, short, long

 private:
  static constexpr std::size_t kBlock = 8192;
  VariancePercentiles p_;
  io::SignalRowWriter& out_;
  io::SignalInputTable block_;  // the rows read and not yet computed
  std::vector<SignalRow> rows_;
  std::array<std::size_t, 3> sides_{};
  std::size_t count_ = 0;
};

std::string summary(const BlockedSignals& rows, const PercentileChoice& choice,
                    const VariancePercentiles& p, const std::string& out_path) {
  const auto& sides = rows.sides();
  return fmt::format(
      "signals: rows={} long={} short={} hold={} percentiles={} p30={} p70={} p90={} -> {}\n",
      rows.count(), sides[2], sides[1], sides[0], choice.sample ? "sample" : "frozen",
      q50::py_repr(p.p30), q50::py_repr(p.p70), q50::py_repr(p.p90), out_path);
}

// The percentiles the rows run with: frozen, or the sample's (a first pass over the input
// keeps only its vol_risk column, 4 bytes a row; a pipe cannot be read twice, so its rows are
// kept whole in `kept`).
absl::StatusOr<VariancePercentiles> percentiles_for(const PercentileChoice& choice,
                                                    io::SignalInputReader& reader,
                                                    std::optional<io::SignalInputTable>& kept) {
  if (!choice.sample) return choice.frozen;
  if (!reader.seekable()) {
    kept.emplace();
    auto keep = [&kept](TimestampNs ts_ns, const SignalInputs& row) { kept->add(ts_ns, row); };
    if (auto st = reader.for_each_row(keep); !st.ok()) return st;
    return sample_variance_percentiles(kept->vol_risk);
  }
  std::vector<float> vol_risk;
  auto keep_vol = [&vol_risk](TimestampNs, const SignalInputs& row) {
    vol_risk.push_back(row.vol_risk);
  };
  if (auto st = reader.for_each_row(keep_vol); !st.ok()) return st;
  if (auto st = reader.rewind(); !st.ok()) return st;
  return sample_variance_percentiles(vol_risk);
}

// Computes and writes every row; the summary line, or the first error.
absl::StatusOr<std::string> write_signals(const std::string& input_path,
                                          const std::string& out_path,
                                          const PercentileChoice& choice) {
  auto reader = io::SignalInputReader::open(input_path);
  if (!reader.ok()) return reader.status();
  std::optional<io::SignalInputTable> kept;
  auto p = percentiles_for(choice, *reader, kept);
  if (!p.ok()) return p.status();
  io::OutputOptions options;
  options.inputs = {input_path};
  auto set = io::OutputSet::open_file(out_path, options);
  if (!set.ok()) return set.status();
  auto file = set->stage_file();
  if (!file.ok()) return file.status();
  io::SignalRowWriter writer(**file);
  BlockedSignals rows(*p, writer);
  if (kept) {
    for (std::size_t i = 0; i < kept->size(); ++i) {
      rows.add(kept->timestamp[i], {kept->q10[i], kept->q50[i], kept->q90[i], kept->vol_risk[i],
                                    kept->vol_raw_momentum[i]});
    }
  } else {
    auto add = [&rows](TimestampNs ts_ns, const SignalInputs& row) { rows.add(ts_ns, row); };
    if (auto st = reader->for_each_row(add); !st.ok()) return st;
  }
  rows.flush();
  writer.flush();
  if (auto st = set->commit(); !st.ok()) return st;
  return summary(rows, choice, *p, out_path);
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
  auto line = write_signals(*input_path, *out_path, *choice);
  if (!line.ok()) return cli.fail(line.status());
  std::fwrite(line->data(), 1, line->size(), stderr);
  return kExitOk;
}

}  // namespace q50::app
