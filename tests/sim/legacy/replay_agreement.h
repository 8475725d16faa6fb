#ifndef Q50SIM_TESTS_SIM_LEGACY_REPLAY_AGREEMENT_H_
#define Q50SIM_TESTS_SIM_LEGACY_REPLAY_AGREEMENT_H_

// Shared by the replay agreement and determinism tests: runs `q50sim replay` on a reference
// case and compares its files with the case's expected_* files, column by column, by row
// position (reference README §7): discrete columns exact; float columns within rtol 1e-12
// (plus atol 1e-9 on the dollar PnL columns); metrics.json within rtol 1e-12, integers and
// texts exact, keys in the same order.

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/csv.h"
#include "tests/support/test_env.h"

namespace q50::replay_test {

// The case folders under reference_dir()/<group>, sorted; fails when there are none.
inline std::vector<std::filesystem::path> cases(const std::string& group) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(testing::reference_dir()) / group)) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  BOOST_REQUIRE_MESSAGE(!out.empty(), "no reference cases under " << group);
  return out;
}

struct Run {
  testing::RunResult process;
  std::string out_dir;
  std::string fingerprint;  // the 16 hex digits of the last stdout line
};

// q50sim replay on one case into a fresh directory; requires exit 0 and the header/trailer.
inline Run replay(const std::filesystem::path& dir, const std::string& profile,
                  const std::string& tag, const std::string& seed = "7") {
  Run run;
  run.out_dir = testing::make_temp_dir("replay_" + tag + "_" + dir.filename().string());
  run.process = testing::run_process(
      {testing::q50sim_bin(), "replay", "--profile", profile, "--input",
       (dir / "input.csv").string(), "--config", (dir / "config.json").string(), "--out",
       run.out_dir, "--seed", seed});
  BOOST_REQUIRE_MESSAGE(run.process.exit_code == 0,
                        dir.filename().string() << ": exit " << run.process.exit_code << "\n"
                                                << run.process.err);
  const std::string& out = run.process.out;
  BOOST_REQUIRE(out.rfind("seed=" + seed + " scenario=" + (dir / "input.csv").string() +
                              " version=",
                          0) == 0);
  const std::size_t at = out.rfind("fingerprint=");
  BOOST_REQUIRE(at != std::string::npos && out.size() == at + 12 + 16 + 1 && out.back() == '\n');
  run.fingerprint = out.substr(at + 12, 16);
  return run;
}

struct ColumnStats {
  std::size_t identical = 0;  // same text: bit-identical value
  std::size_t within = 0;     // different bits, within tolerance
  std::size_t bad = 0;
  double max_rel = 0;
};

// Compares got against want field by field. discrete: exact text; dollar: atol 1e-9 too.
// Reports per-column figures with BOOST_TEST_MESSAGE and fails on any bad field.
inline void compare_csv(const std::string& label, const std::string& got_path,
                        const std::string& want_path, const std::set<std::string>& discrete,
                        const std::set<std::string>& dollar) {
  const auto got = io::CsvTable::read(got_path);
  const auto want = io::CsvTable::read(want_path);
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  BOOST_REQUIRE_MESSAGE(want.ok(), want.status().ToString());
  BOOST_REQUIRE_MESSAGE(got->header() == want->header(), label << ": headers differ");
  BOOST_REQUIRE_MESSAGE(got->rows() == want->rows(),
                        label << ": " << got->rows() << " rows, expected " << want->rows());
  std::ostringstream report;
  report << label << " (" << want->rows() << " rows):";
  for (std::size_t c = 0; c < want->cols(); ++c) {
    const std::string& name = want->header()[c];
    ColumnStats s;
    for (std::size_t r = 0; r < want->rows(); ++r) {
      if (got->field(r, c) == want->field(r, c)) {
        ++s.identical;
        continue;
      }
      const auto a = got->f64(r, c, io::FloatPolicy::kAny);
      const auto b = want->f64(r, c, io::FloatPolicy::kAny);
      bool ok = false;
      if (!discrete.count(name) && a.ok() && b.ok()) {
        const double diff = std::fabs(*a - *b);
        const double rel = diff / std::fabs(*b);
        s.max_rel = std::max(s.max_rel, rel);
        ok = diff <= 1e-12 * std::fabs(*b) || (dollar.count(name) && diff <= 1e-9);
      }
      if (ok) {
        ++s.within;
      } else if (s.bad++ == 0) {
        BOOST_ERROR(label << ": " << want_path << ":" << want->line(r) << " column '" << name
                          << "': got '" << got->field(r, c) << "', expected '"
                          << want->field(r, c) << "'");
      }
    }
    report << " " << name << "=" << s.identical << "/" << want->rows();
    if (s.within + s.bad > 0) report << "(maxrel " << std::setprecision(3) << s.max_rel << ")";
    BOOST_CHECK_MESSAGE(s.bad == 0, label << " column '" << name << "': " << s.bad
                                          << " fields out of tolerance");
  }
  BOOST_TEST_MESSAGE(report.str());
}

// Python's json.dump writes NaN and Infinity bare; quote them so nlohmann can parse.
inline nlohmann::ordered_json parse_python_json(const std::string& path) {
  std::string text = testing::read_text(path);
  for (const std::string token : {"-Infinity", "Infinity", "NaN"}) {
    std::size_t at = 0;
    while ((at = text.find(token, at)) != std::string::npos) {
      if (at > 0 && text[at - 1] == '"') {  // already a string (e.g. a quoted -Infinity)
        at += token.size();
        continue;
      }
      text.replace(at, token.size(), "\"" + token + "\"");
      at += token.size() + 2;
    }
  }
  return nlohmann::ordered_json::parse(text);
}

// Recursive comparison; counts leaves and bit-identical leaves, tracks the max rel error.
inline void compare_json(const std::string& where, const nlohmann::ordered_json& got,
                         const nlohmann::ordered_json& want, std::size_t& leaves,
                         std::size_t& identical, double& max_rel) {
  if (want.is_object()) {
    BOOST_REQUIRE_MESSAGE(got.is_object() && got.size() == want.size(),
                          where << ": expected an object of " << want.size() << " keys");
    auto g = got.begin();
    for (auto w = want.begin(); w != want.end(); ++w, ++g) {
      BOOST_REQUIRE_MESSAGE(g.key() == w.key(),
                            where << ": key '" << g.key() << "', expected '" << w.key() << "'");
      compare_json(where + "." + w.key(), g.value(), w.value(), leaves, identical, max_rel);
    }
    return;
  }
  ++leaves;
  if (want.is_number_float()) {
    BOOST_REQUIRE_MESSAGE(got.is_number_float(), where << ": expected a float, got " << got);
    const double a = got.get<double>();
    const double b = want.get<double>();
    if (a == b) {
      ++identical;
      return;
    }
    const double rel = std::fabs(a - b) / std::fabs(b);
    max_rel = std::max(max_rel, rel);
    BOOST_CHECK_MESSAGE(rel <= 1e-12, where << ": " << a << " vs " << b << " (rel " << rel
                                            << ")");
    return;
  }
  // Integers, strings ("NaN"/"Infinity" included), null: exact, same JSON type.
  BOOST_CHECK_MESSAGE(got == want && got.type() == want.type(),
                      where << ": got " << got << ", expected " << want);
  if (got == want) ++identical;
}

inline void compare_metrics(const std::string& label, const std::string& got_path,
                            const std::string& want_path) {
  std::size_t leaves = 0, identical = 0;
  double max_rel = 0;
  compare_json(label, parse_python_json(got_path), parse_python_json(want_path), leaves,
               identical, max_rel);
  BOOST_TEST_MESSAGE(label << ": " << identical << "/" << leaves
                           << " values bit-identical, max rel " << max_rel);
}

}  // namespace q50::replay_test

#endif  // Q50SIM_TESTS_SIM_LEGACY_REPLAY_AGREEMENT_H_
