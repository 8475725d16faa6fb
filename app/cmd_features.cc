// q50sim features: qlib bins -> the per-bar features of the existing system.
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "core/qlib_features.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "io/output_set.h"
#include "io/qlib_reader.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim features --qlib DIR --instrument NAME --freq FREQ --out OUT.csv\n"
    "                       [--instrument-range]\n"
    "\n"
    "Reads qlib's binary layout (DIR/calendars/FREQ.txt, DIR/instruments/all.txt,\n"
    "DIR/features/NAME/close.FREQ.bin), maps values onto calendar labels as qlib does, and\n"
    "writes timestamp,close,log_return,vol_raw,vol_risk,vol_raw_momentum,truth with qlib's\n"
    "float32 semantics (numpy's float32 log; bit-exact with the existing system).\n"
    "\n"
    "OUT.csv '-' writes standard output.\n"
    "\n"
    "Every calendar label is written. --instrument-range keeps only the labels inside the\n"
    "instrument's spans in all.txt (their union), as qlib's D.features would.\n"
    "\n"
    "exit codes: 0 ok, 2 bad command line, 3 malformed qlib data, 4 unreadable/unwritable file\n";

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int run_features(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"qlib", "instrument", "freq", "out"}, {"instrument-range"}, 0};
  const CommandOutput cli("features", kHelp);
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return cli.usage_error(args.status());
  if (args->help()) return cli.help();
  io::QlibFieldRequest request;
  std::string out_path;
  for (auto [name, dest] : {std::pair{"qlib", &request.provider_dir},
                            std::pair{"instrument", &request.instrument},
                            std::pair{"freq", &request.freq}, std::pair{"out", &out_path}}) {
    auto v = args->require(name);
    if (!v.ok()) return cli.usage_error(v.status());
    *dest = *v;
  }
  request.field = "close";
  for (const std::string& part : {request.instrument, request.freq}) {
    if (part.find('/') != std::string::npos || part == "." || part == "..") {
      return cli.usage_error(absl::InvalidArgumentError(
          fmt::format("--instrument and --freq name files, not paths (got '{}')", part)));
    }
  }
  const std::vector<std::string> inputs = {
      fmt::format("{}/calendars/{}.txt", request.provider_dir, request.freq),
      fmt::format("{}/instruments/all.txt", request.provider_dir),
      fmt::format("{}/features/{}/close.{}.bin", request.provider_dir,
                  lowercase(request.instrument), request.freq)};
  if (auto st = io::check_outputs_not_inputs({out_path}, inputs); !st.ok()) {
    return cli.usage_error(st);
  }

  auto closes = io::load_qlib_field(request);
  if (!closes.ok()) return cli.fail(closes.status());
  const std::vector<FeatureRow> rows = compute_features(closes->series, closes->labels.size());

  std::vector<std::size_t> selected;
  if (args->has("instrument-range")) {
    auto inst = io::read_qlib_instrument(
        fmt::format("{}/instruments/all.txt", request.provider_dir), request.instrument);
    if (!inst.ok()) return cli.fail(inst.status());
    selected = io::instrument_rows(closes->labels, *inst);
  } else {
    selected.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) selected.push_back(i);
  }

  io::CsvWriter out(
      {"timestamp", "close", "log_return", "vol_raw", "vol_risk", "vol_raw_momentum", "truth"});
  for (const std::size_t i : selected) {
    const FeatureRow& r = rows[i];
    out.timestamp(closes->labels[i])
        .f32(r.close)
        .f32(r.log_return)
        .f32(r.vol_raw)
        .f32(r.vol_risk)
        .f32(r.vol_raw_momentum)
        .f32(r.truth)
        .end_row();
  }
  if (auto st = out.commit(out_path); !st.ok()) return cli.fail(st);
  std::fprintf(stderr, "q50sim features: %zu rows -> %s\n", selected.size(),
               out_path.c_str());
  return kExitOk;
}

}  // namespace q50::app
