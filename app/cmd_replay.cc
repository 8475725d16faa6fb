// q50sim replay: the existing system's two backtesters replayed bar for bar through the
// simulator, writing the reference's files (io/legacy_replay.h does the work).
#include <cinttypes>
#include <cstdint>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/parallel_for.h"
#include "app/process_memory.h"
#include "fmt/format.h"
#include "io/legacy_replay.h"
#include "io/output_set.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim replay --profile hummingbot|quantile --input INPUT.csv --config CONFIG.json\n"
    "                     --out DIR [--seed N]\n"
    "       q50sim replay --profile P --input INPUT.csv --config CONFIG.json [--seed N]\n"
    "                     --checkpoint-at K --checkpoint FILE\n"
    "       q50sim replay --resume FILE --input INPUT.csv --config CONFIG.json --out DIR\n"
    "                     [--profile P] [--seed N]\n"
    "\n"
    "Replays one of the existing system's backtesters bar for bar through the simulator\n"
    "(event queue, strategy step, legacy float64 margin venue, journal, invariant checks).\n"
    "\n"
    "  --profile      hummingbot: HummingbotQuantileBacktester; quantile: QuantileBacktester\n"
    "  --input        the input frame (layout of shared/reference/backtest_*/*/input.csv)\n"
    "  --config       the config (layout of the reference's config.json)\n"
    "  --out DIR      writes bars.csv, trades.csv, holds.csv and metrics.json (hummingbot) or\n"
    "                 trades.csv and metrics.json (quantile), the reference's columns and keys;\n"
    "                 all files or none\n"
    "  --seed N       the run's seed (default 0); the legacy profiles draw no random numbers\n"
    "  --checkpoint-at K\n"
    "                 stop after the K-th simulator event (K >= 1), write the checkpoint to\n"
    "                 --checkpoint FILE (atomically) and exit 0 without writing any output:\n"
    "                 the run 'crashes' there on purpose; --out is not needed\n"
    "  --checkpoint FILE\n"
    "                 where --checkpoint-at writes (a portable binary file, fsync'ed; '-' for\n"
    "                 standard output)\n"
    "  --resume FILE  continue the run saved in FILE and write DIR as the uninterrupted run\n"
    "                 would have, byte for byte, with the same fingerprint. The input and\n"
    "                 config files must be the ones the checkpoint was made from (checked by\n"
    "                 hash); profile and seed default to the checkpoint's and must match it\n"
    "\n"
    "Prints 'seed= scenario= version=' first and 'fingerprint=' (FNV-1a of the journal) last;\n"
    "with --checkpoint-at the last line is 'checkpoint: events=K -> FILE' instead.\n"
    "exit codes: 0 ok, 2 bad command line (also: K beyond the run's events), 3 bad input data\n"
    "(also: a truncated or corrupt checkpoint, or one made from other inputs), 4 I/O error\n";

constexpr CommandOutput kCli("replay", kHelp);

absl::Status parse_profile(const Args& args, io::LegacyReplayRequest& r) {
  const auto profile = args.get("profile");
  if (!profile.has_value()) return absl::OkStatus();
  if (*profile != "hummingbot" && *profile != "quantile") {
    return absl::InvalidArgumentError(
        fmt::format("--profile: expected 'hummingbot' or 'quantile' (got '{}')", *profile));
  }
  r.profile = *profile == "hummingbot" ? legacy::StrategyProfile::kLegacyHummingbot
                                       : legacy::StrategyProfile::kLegacyQuantile;
  return absl::OkStatus();
}

absl::Status parse_mode(const Args& args, io::LegacyReplayRequest& r) {
  if (args.has("resume")) {
    if (args.has("checkpoint-at") || args.has("checkpoint")) {
      return absl::InvalidArgumentError("--resume excludes --checkpoint-at and --checkpoint");
    }
    r.resume = *args.get("resume");
    return absl::OkStatus();
  }
  if (args.has("checkpoint-at") != args.has("checkpoint")) {
    return absl::InvalidArgumentError("--checkpoint-at K and --checkpoint FILE go together");
  }
  if (!args.has("checkpoint")) return absl::OkStatus();
  auto k = args.get_int("checkpoint-at", 0);
  if (!k.ok()) return k.status();
  if (*k < 1) {
    return absl::InvalidArgumentError(fmt::format("--checkpoint-at: expected K >= 1 (got {})", *k));
  }
  r.checkpoint_at = static_cast<std::uint64_t>(*k);
  r.checkpoint = *args.get("checkpoint");
  return absl::OkStatus();
}

absl::StatusOr<io::LegacyReplayRequest> parse_request(const Args& args) {
  io::LegacyReplayRequest r;
  if (auto st = parse_mode(args, r); !st.ok()) return st;
  if (auto st = parse_profile(args, r); !st.ok()) return st;
  if (!r.profile && r.resume.empty()) return absl::InvalidArgumentError("missing --profile");
  for (auto [name, out] : {std::pair{"input", &r.input}, std::pair{"config", &r.config}}) {
    auto v = args.require(name);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  if (r.checkpoint_at == 0) {
    auto v = args.require("out");
    if (!v.ok()) return v.status();
    r.out_dir = *v;
  }
  if (args.has("seed")) {
    auto seed = args.get_int("seed", 0);
    if (!seed.ok()) return seed.status();
    if (*seed < 0) {
      return absl::InvalidArgumentError(fmt::format("--seed: expected N >= 0 (got {})", *seed));
    }
    r.seed = static_cast<std::uint64_t>(*seed);
  }
  return r;
}

void print_outcome(const io::LegacyReplayRequest& r, const io::LegacyReplayOutcome& o) {
  if (o.checkpoint_written) {
    std::printf("checkpoint: events=%" PRIu64 " -> %s\n", o.events, r.checkpoint.c_str());
    return;
  }
  const bool hb = o.profile == legacy::StrategyProfile::kLegacyHummingbot;
  std::printf("replay: profile=%s bars=%zu trades=%zu holds=%zu events=%" PRIu64 " -> %s\n",
              hb ? "hummingbot" : "quantile", o.bars, o.trades, o.holds, o.events,
              r.out_dir.c_str());
  std::printf("fingerprint=%016" PRIx64 "\n", o.fingerprint);
}

}  // namespace

int run_replay(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{
      {"profile", "input", "config", "out", "seed", "checkpoint-at", "checkpoint", "resume"},
      {},
      0};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto request = parse_request(*args);
  if (!request.ok()) return kCli.usage_error(request.status());
  // Nothing is read twice or overwritten: an output that is an input is refused up front.
  const std::vector<std::string> outputs = {request->out_dir, request->checkpoint};
  if (auto st = io::check_outputs_not_inputs(outputs, io::legacy_replay_inputs(*request),
                                             io::kLegacyReplayOutputs);
      !st.ok()) {
    return kCli.usage_error(st);
  }
  auto resolved = io::resolve_legacy_replay(*std::move(request));
  if (!resolved.ok()) return kCli.fail(resolved.status());
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", resolved->seed.value_or(0),
              resolved->input.c_str(), Q50SIM_VERSION);
  std::fflush(stdout);
  // The output files are rendered in pieces on the machine's cores (at most 4), in memory
  // from the main heap.
  share_one_malloc_arena();
  resolved->for_each = [](std::size_t n, const std::function<void(std::size_t)>& body) {
    parallel_for(n, command_threads(), body);
  };
  auto outcome = io::run_legacy_replay(*resolved);
  if (!outcome.ok()) {
    if (absl::IsOutOfRange(outcome.status())) {
      std::fprintf(stderr, "q50sim replay: %s\n", std::string(outcome.status().message()).c_str());
      return kExitUsage;
    }
    return kCli.fail(outcome.status());
  }
  print_outcome(*resolved, *outcome);
  return kExitOk;
}

}  // namespace q50::app
