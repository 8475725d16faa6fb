// q50sim compare: the user-facing agreement report between an expected and an actual CSV
// (io/compare.h holds the engine; the agreement and golden tests reuse it).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "io/compare.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim compare --expected E.csv --actual A.csv [--key timestamp|@row]\n"
    "                      [--rtol X] [--atol X] [--column-atol COL=X,...]\n"
    "                      [--min-agreement PCT] [--max-examples N] [--allow-extra-columns]\n"
    "\n"
    "Aligns the rows of two CSV files and reports, per shared column: rows compared, % rows\n"
    "equal, the worst relative and absolute error and the row where it happened, and the first\n"
    "mismatching rows (key, both line numbers, expected and actual text). Also lists rows and\n"
    "columns present in one file only.\n"
    "\n"
    "  --expected E.csv     the reference (first column usually the key)\n"
    "  --actual A.csv       the file under test\n"
    "  --key NAME           column to align rows by (default timestamp; keys must be unique);\n"
    "                       @row aligns by row position (trade files repeat timestamps)\n"
    "  --rtol X             float cells agree when |a - e| <= atol + rtol*|e| (default 1e-12)\n"
    "  --atol X             (default 0)\n"
    "  --column-atol C=X    per-column atol, comma-separated (e.g. pnl=1e-9,fee_cost=1e-9)\n"
    "  --min-agreement PCT  every column needs at least PCT % of its rows equal (default 100)\n"
    "  --max-examples N     mismatching rows listed per column (default 5)\n"
    "  --allow-extra-columns  columns only in the actual file do not fail the check\n"
    "\n"
    "A column whose cells are all integers is compared as exact text, one of numbers as floats\n"
    "(empty = NaN, NaN equals NaN), anything else as exact text. The check fails when a column\n"
    "is below the threshold, a row or an expected column is missing on one side, or the actual\n"
    "file has extra columns (unless allowed).\n"
    "\n"
    "exit codes: 0 every column agrees, 1 the check failed, 2 bad command line,\n"
    "            3 bad input (malformed CSV, missing key column, duplicate key), 4 I/O error\n";

absl::StatusOr<double> non_negative(const Args& args, std::string_view name, double fallback,
                                    double max) {
  auto v = args.get_double(name, fallback);
  if (!v.ok()) return v.status();
  if (!std::isfinite(*v) || *v < 0 || *v > max) {
    return absl::InvalidArgumentError(fmt::format("--{}: expected a number in [0, {}] (got '{}')",
                                                  name, max, args.get(name).value_or("")));
  }
  return *v;
}

// "col=x,col2=y" -> column_atol.
absl::Status parse_column_atol(const std::string& text, io::CompareOptions& opt) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string_view item = std::string_view(text).substr(pos, comma - pos);
    const std::size_t eq = item.find('=');
    double v = 0;
    const std::string_view num = eq == std::string_view::npos ? item : item.substr(eq + 1);
    const auto res = std::from_chars(num.data(), num.data() + num.size(), v);
    if (eq == std::string_view::npos || eq == 0 || res.ec != std::errc() ||
        res.ptr != num.data() + num.size() || !std::isfinite(v) || v < 0) {
      return absl::InvalidArgumentError(fmt::format(
          "--column-atol: expected COLUMN=X with X >= 0, comma-separated (got '{}')", item));
    }
    opt.column_atol[std::string(item.substr(0, eq))] = v;
    pos = comma + 1;
  }
  return absl::OkStatus();
}

absl::StatusOr<io::CompareOptions> options_from(const Args& args) {
  io::CompareOptions opt;
  opt.key = args.get("key").value_or("timestamp");
  if (opt.key.empty()) return absl::InvalidArgumentError("--key: empty column name");
  auto rtol = non_negative(args, "rtol", opt.rtol, 1e300);
  if (!rtol.ok()) return rtol.status();
  auto atol = non_negative(args, "atol", opt.atol, 1e300);
  if (!atol.ok()) return atol.status();
  auto pct = non_negative(args, "min-agreement", opt.min_agreement_pct, 100.0);
  if (!pct.ok()) return pct.status();
  auto examples = args.get_int("max-examples", static_cast<long long>(opt.max_examples));
  if (!examples.ok()) return examples.status();
  if (*examples < 0) return absl::InvalidArgumentError("--max-examples: must be >= 0");
  opt.rtol = *rtol;
  opt.atol = *atol;
  opt.min_agreement_pct = *pct;
  opt.max_examples = static_cast<std::size_t>(*examples);
  opt.allow_extra_columns = args.has("allow-extra-columns");
  if (auto col = args.get("column-atol")) {
    if (auto st = parse_column_atol(*col, opt); !st.ok()) return st;
  }
  return opt;
}

}  // namespace

int run_compare(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{
      {"expected", "actual", "key", "rtol", "atol", "column-atol", "min-agreement", "max-examples"},
      {"allow-extra-columns"},
      0};
  const CommandOutput cli("compare", kHelp);
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return cli.usage_error(args.status());
  if (args->help()) return cli.help();
  auto expected = args->require("expected");
  if (!expected.ok()) return cli.usage_error(expected.status());
  auto actual = args->require("actual");
  if (!actual.ok()) return cli.usage_error(actual.status());
  auto opt = options_from(*args);
  if (!opt.ok()) return cli.usage_error(opt.status());

  auto report = io::compare_files(*expected, *actual, *opt);
  if (!report.ok()) return cli.fail(report.status());
  const std::string text = io::format_report(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return report->passed() ? kExitOk : kExitCheckFailed;
}

}  // namespace q50::app
