// The command line: the input is argv, one argument per line; the first names the command.
// Commands that only read files and write outputs are fuzzed (compare, signals, features,
// replay, run, sweep, results); live and venue talk to the network or serve until a signal,
// suite forks a process per scenario, demo runs a simulated year. Arguments may name small
// fixture inputs by placeholder (@signals, @scenario, @input, @config, @qbconfig, @qlib,
// @sweep, @out, @db); any other argument holding '/' or ".." is dropped, and the process works
// in a private folder (emptied after every input), so a fuzzed command writes nothing outside.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kSignals =
    "timestamp,q10,q50,q90,vol_risk,vol_raw_momentum\n"
    "2022-01-01 00:00:00,-0.01,0.004,0.02,0.0001,0.1\n"
    "2022-01-01 01:00:00,-0.02,-0.006,0.01,0.0002,-0.2\n"
    "2022-01-01 02:00:00,-0.01,0.005,0.02,0.0003,0.05\n"
    "2022-01-01 03:00:00,-0.03,-0.010,0.01,0.0001,0.0\n";
constexpr const char* kScenario =
    "[scenario]\nname = \"fuzz_cli\"\nseed = 3\nbars = 48\nstart = \"2024-01-01 00:00:00\"\n"
    "[signals.synthetic]\nskill = 0.2\n";
constexpr const char* kInput =
    "timestamp,q10,q50,q90,side,signal_tier,signal_thresh_adaptive,truth,close\n"
    "2022-01-01 00:00:00,-0.01,0.004,0.02,1,3,0.001,0.002,47000\n"
    "2022-01-01 01:00:00,-0.02,-0.006,0.01,0,2,0.001,-0.003,46900\n"
    "2022-01-01 02:00:00,-0.01,0.005,0.02,1,1,0.001,0.004,47100\n"
    "2022-01-01 03:00:00,-0.03,-0.010,0.01,0,3,0.001,-0.010,46700\n";
constexpr const char* kHbConfig =
    "{\"initial_balance\": 100000.0, \"max_position_pct\": 0.3, \"fee_rate\": 0.001,"
    " \"sizing_method\": \"simple\", \"min_confidence_hold\": 1.0, \"price_mode\": \"simulated\"}";
constexpr const char* kQbConfig =
    "{\"initial_capital\": 100000.0, \"position_limit\": 0.8, \"fee_rate\": 0.001,"
    " \"slippage_rate\": 0.0005, \"long_threshold\": 0.5, \"short_threshold\": 0.5,"
    " \"max_drawdown_limit\": 0.2, \"volatility_lookback\": 20, \"base_position_size\": 0.15,"
    " \"confidence_multiplier\": 2.0, \"run_backtest\": {\"price_col\": \"truth\","
    " \"data_frequency\": \"hourly\", \"prediction_horizon_hours\": 24.0}}";
constexpr const char* kSweep =
    "[sweep]\nname = \"fuzz_sweep\"\n[base]\nscenario = \"scenario.toml\"\n"
    "[[dimension]]\nkey = \"seed\"\nvalues = [1, 2]\n";

// Fixtures under <scratch>/fixtures; the process's working folder is <scratch>/cwd.
const fs::path& fixtures() {
  static const fs::path dir = [] {
    const fs::path d = q50::fuzz::scratch_dir() / "fixtures";
    q50::fuzz::write_file(d / "signals.csv", kSignals);
    q50::fuzz::write_file(d / "scenario.toml", kScenario);
    q50::fuzz::write_file(d / "input.csv", kInput);
    q50::fuzz::write_file(d / "config.json", kHbConfig);
    q50::fuzz::write_file(d / "qbconfig.json", kQbConfig);
    q50::fuzz::write_file(d / "sweep.toml", kSweep);
    q50::fuzz::write_file(d / "qlib" / "calendars" / "60min.txt",
                          "2022-01-01 00:00:00\n2022-01-01 01:00:00\n2022-01-01 02:00:00\n");
    q50::fuzz::write_file(d / "qlib" / "instruments" / "all.txt",
                          "BTCUSDT\t2022-01-01\t2022-12-31\n");
    const float bin[] = {0.0f, 47000.0f, 46900.0f, 47100.0f};
    q50::fuzz::write_file(d / "qlib" / "features" / "btcusdt" / "close.60min.bin",
                          std::string_view(reinterpret_cast<const char*>(bin), sizeof bin));
    return d;
  }();
  return dir;
}

std::string expand(std::string_view arg) {
  const fs::path out = q50::fuzz::scratch_dir() / "cwd" / "out";
  if (arg == "@out") return out.string();
  if (arg == "@db") return (out / "results.sqlite").string();
  if (arg == "@qlib") return (fixtures() / "qlib").string();
  for (const char* name :
       {"signals.csv", "scenario.toml", "input.csv", "config.json", "qbconfig.json", "sweep.toml"}) {
    const std::string_view n(name);
    if (arg.size() > 1 && arg[0] == '@' && n.substr(0, n.find('.')) == arg.substr(1)) {
      return (fixtures() / name).string();
    }
  }
  return std::string(arg);
}

}  // namespace

// The process works in <scratch>/cwd; the corpus folders and files named on the command line
// (and -artifact_prefix) are made absolute first, so that libFuzzer still finds them.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  static std::vector<std::string> absolute;
  absolute.reserve(static_cast<std::size_t>(*argc));
  for (int i = 1; i < *argc; ++i) {
    std::string arg = (*argv)[i];
    if (arg.starts_with("-artifact_prefix=")) {
      arg = "-artifact_prefix=" + fs::absolute(arg.substr(17)).string() +
            (arg.ends_with("/") ? "/" : "");
    } else if (!arg.empty() && arg[0] != '-') {
      arg = fs::absolute(arg).string();
    } else {
      continue;
    }
    absolute.push_back(arg);
    (*argv)[i] = absolute.back().data();
  }
  (void)fixtures();
  fs::create_directories(q50::fuzz::scratch_dir() / "cwd");
  if (::chdir((q50::fuzz::scratch_dir() / "cwd").c_str()) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)fixtures();
  std::string_view text = q50::fuzz::as_text(data, size);
  std::vector<std::string> words;
  while (!text.empty() && words.size() < 24) {
    const auto [word, rest] = q50::fuzz::split_once(text, "\n");
    if (word.find('/') == std::string_view::npos && word.find("..") == std::string_view::npos) {
      words.push_back(expand(word));
    }
    text = rest;
  }
  if (words.empty()) return 0;
  const std::vector<std::string_view> args(words.begin() + 1, words.end());
  const std::string& command = words.front();
  if (command == "compare") (void)q50::app::run_compare(args);
  else if (command == "signals") (void)q50::app::run_signals(args);
  else if (command == "features") (void)q50::app::run_features(args);
  else if (command == "replay") (void)q50::app::run_replay(args);
  else if (command == "run") (void)q50::app::run_run(args);
  else if (command == "sweep") (void)q50::app::run_sweep(args);
  else if (command == "results") (void)q50::app::run_results(args);
  // Whatever the command wrote goes, so that every input starts from the same folder.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(q50::fuzz::scratch_dir() / "cwd", ec)) {
    fs::remove_all(entry.path(), ec);
  }
  return 0;
}
