#ifndef Q50SIM_TESTS_APP_SWEEP_TEST_SUPPORT_H_
#define Q50SIM_TESTS_APP_SWEEP_TEST_SUPPORT_H_

// What the sweep tests share: running q50sim, reading an exported CSV back by column, the small
// scenario and replay sweeps they run, and the fingerprint a run or replay prints last.

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "tests/support/test_env.h"

namespace q50::testing {

inline RunResult q50sim(const std::vector<std::string>& args) {
  std::vector<std::string> argv{q50sim_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

// q50sim with the environment extended by `env` ("NAME=value" each), through /usr/bin/env.
inline RunResult q50sim_env(const std::vector<std::string>& env,
                            const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(q50sim_bin());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

// The value of the last "fingerprint=<16 hex>" line of a run's stdout ("" when none).
inline std::string printed_fingerprint(const std::string& out) {
  static const std::regex kLine("fingerprint=([0-9a-f]{16})");
  std::string last;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kLine); it != std::sregex_iterator();
       ++it) {
    last = (*it)[1];
  }
  return last;
}

// A CSV as the store exports it: the header's columns and the rows, fields unquoted (the
// exporter quotes fields holding commas, quotes or line breaks, RFC 4180).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    BOOST_FAIL("no column " << name);
    return 0;
  }
  const std::string& at(std::size_t row, const std::string& name) const {
    return rows.at(row).at(column(name));
  }
};

inline Csv parse_csv(const std::string& text) {
  Csv csv;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      if (csv.header.empty()) {
        csv.header = std::move(row);
      } else {
        csv.rows.push_back(std::move(row));
      }
      row.clear();
    } else {
      field += c;
    }
  }
  return csv;
}

// Runs `q50sim sweep` (failing the test unless it exits 0) and returns its stdout.
inline std::string run_sweep(const std::vector<std::string>& args) {
  std::vector<std::string> all{"sweep"};
  all.insert(all.end(), args.begin(), args.end());
  const RunResult r = q50sim(all);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "q50sim sweep exited " << r.exit_code << "\n"
                                                                 << r.out << r.err);
  return r.out;
}

// The sweep's CSV export from a store (the store's only sweep unless name is given).
inline std::string export_csv(const std::string& db, const std::string& path,
                              const std::string& name = "") {
  std::vector<std::string> args{"results", db, "--csv", path};
  if (!name.empty()) args.insert(args.end(), {"--sweep", name});
  const RunResult r = q50sim(args);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  return read_text(path);
}

// A small synthetic scenario with faults over two market regimes: `bars` bars, a few ms a run.
inline std::string small_fault_scenario(int bars, const std::string& extra = "") {
  return fmt::format(
      "[scenario]\nname = \"small_faults\"\nseed = 11\nbars = {0}\nstart = \"2024-01-01 "
      "00:00:00\"\n"
      "[market.synthetic]\nregimes = [ {{ regime = \"normal\", bars = {1} }}, {{ regime = "
      "\"volatile\", bars = {2} }} ]\n"
      "[signals.synthetic]\nskill = 0.1\nnoise = 0.2\n"
      "[exchange.latency]\nconstant = \"50ms\"\njitter = \"20ms\"\n"
      "[[faults]]\nkind = \"venue_outage\"\nat = 20\nduration = \"3h\"\n"
      "[[faults]]\nkind = \"order_reject\"\nat = 40\nuntil = 80\nprobability = 0.5\n"
      "[assertions]\nfaults_recovered = true\n{3}",
      bars, bars / 2, bars - bars / 2, extra);
}

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_APP_SWEEP_TEST_SUPPORT_H_
