// tools/export_macro_features.py end to end: a macro_features.pkl shaped like the existing
// system's (a (instrument, datetime) MultiIndex, float32 and float64 columns, NaN, a bool,
// rows out of order) is pickled by pandas, exported, and read back by io/signal_file with every
// value bit-identical; bad pickles exit 3 and leave nothing behind.
//
// Needs Debian's python3 with python3-pandas (1.5.3 on Debian 12, the version the existing
// system ran); ci/install_deps.sh installs it. /usr/bin/python3 is used on purpose: a pyenv or
// venv python on PATH may lack pandas.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/timestamp.h"
#include "io/signal_file.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string tool_path() {
  return q50::testing::source_dir() + "/tools/export_macro_features.py";
}

// Writes the pickle with pandas. Rows are deliberately out of time order; the tool sorts.
// vol_risk is float32 (as qlib computes it): 1e-5f is not 1e-5, the export must carry the exact
// float32 value.
void make_pickle(const std::string& path, bool two_instruments) {
  const std::string script =
      "import sys, numpy as np, pandas as pd\n"
      "ts = pd.to_datetime(['2018-08-02 02:00:00', '2018-08-02 00:00:00',"
      " '2018-08-02 01:00:00'])\n"
      "inst = ['BTCUSDT'] * 3\n" +
      std::string(two_instruments ? "inst[0] = 'ETHUSDT'\n" : "") +
      "idx = pd.MultiIndex.from_arrays([inst, ts], names=['instrument', 'datetime'])\n"
      "df = pd.DataFrame({'q10': [-0.03, -0.0125, -0.011],\n"
      "  'q50': [0.1 + 0.2, 0.0004, -0.0002],\n"
      "  'q90': [0.02, 0.013, 0.0101],\n"
      "  'vol_risk': np.array([1e-5, 5.1305568195e-05, 4.1e-05], dtype=np.float32),\n"
      "  'vol_raw_momentum': np.array([np.nan, -1.5e-05, 2.5e-06], dtype=np.float32),\n"
      "  'side': [1.0, -1.0, 0.0],\n"
      "  'signal_tier': [3.0, 0.0, 2.0],\n"
      "  'economically_significant': [True, False, True]}, index=idx)\n"
      "df.to_pickle(sys.argv[1])\n";
  const auto r = testing::run_process({kPython, "-c", script, path});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "pandas could not write the pickle (is python3-pandas "
                                          "installed? ci/install_deps.sh installs it): "
                                              << r.err);
}

BOOST_AUTO_TEST_CASE(export_round_trips_every_value) {
  const std::string dir = testing::make_temp_dir("export_macro_features");
  const std::string pkl = dir + "/macro_features.pkl";
  const std::string csv = dir + "/signals.csv";
  make_pickle(pkl, false);
  const auto r = testing::run_process({kPython, tool_path(), pkl, csv});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  const std::string text = testing::read_text(csv);
  BOOST_TEST(text.rfind("datetime,instrument,q10,q50,q90,vol_risk,vol_raw_momentum,side,"
                        "signal_tier,economically_significant\n",
                        0) == 0,
             text);
  // Python repr of 0.1 + 0.2, the exact float64 value of float32 1e-5, NaN as empty, bool 0/1.
  BOOST_TEST(text.find("2018-08-02 02:00:00,BTCUSDT,-0.03,0.30000000000000004,0.02,"
                       "9.999999747378752e-06,,1.0,3.0,1\n") != std::string::npos,
             text);

  io::SignalFileOptions opt;
  opt.required = {"q10", "q50", "q90", "vol_risk", "vol_raw_momentum", "side", "signal_tier"};
  opt.nan_allowed = {"vol_raw_momentum"};
  opt.instrument = "btcusdt";
  auto file = io::read_signal_file(csv, opt);
  BOOST_REQUIRE_MESSAGE(file.ok(), file.status().ToString());
  BOOST_REQUIRE_EQUAL(file->size(), 3u);
  BOOST_TEST(file->key_column == "datetime");
  BOOST_TEST(file->instrument == "BTCUSDT");
  BOOST_TEST(file->ts_ns[0] == *parse_timestamp("2018-08-02 00:00:00"));
  BOOST_TEST(file->ts_ns[2] == *parse_timestamp("2018-08-02 02:00:00"));
  BOOST_TEST(file->q50[2] == 0.1 + 0.2);  // bit-exact through the CSV
  BOOST_TEST(file->q10[0] == -0.0125);
  BOOST_TEST(file->vol_risk[2] == 1e-5f);  // exact float32 after narrowing
  BOOST_TEST(file->vol_risk[0] == 5.1305568195e-05f);
  BOOST_TEST(std::isnan(file->vol_raw_momentum[2]));
  BOOST_TEST(file->vol_raw_momentum[1] == 2.5e-06f);
  BOOST_TEST(file->side[0] == -1);
  BOOST_TEST(file->side[2] == 1);
  BOOST_TEST(file->signal_tier[2] == 3);
}

BOOST_AUTO_TEST_CASE(several_instruments_need_a_choice) {
  const std::string dir = testing::make_temp_dir("export_macro_features_two");
  const std::string pkl = dir + "/macro_features.pkl";
  make_pickle(pkl, true);

  const std::string csv = dir + "/all.csv";
  auto r = testing::run_process({kPython, tool_path(), pkl, csv});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("pass --instrument") != std::string::npos, r.err);
  BOOST_TEST(!testing::file_exists(csv));

  const std::string eth = dir + "/eth.csv";
  r = testing::run_process({kPython, tool_path(), pkl, eth, "--instrument", "ethusdt",
                            "--columns", "q10,q50,q90"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(testing::read_text(eth) ==
             "datetime,instrument,q10,q50,q90\n"
             "2018-08-02 02:00:00,ETHUSDT,-0.03,0.30000000000000004,0.02\n");
}

BOOST_AUTO_TEST_CASE(bad_pickles_exit_3_and_write_nothing) {
  const std::string dir = testing::make_temp_dir("export_macro_features_bad");
  const std::string pkl = dir + "/garbage.pkl";
  testing::write_text(pkl, "this is not a pickle\n");
  const std::string csv = dir + "/out.csv";
  auto r = testing::run_process({kPython, tool_path(), pkl, csv});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("garbage.pkl") != std::string::npos, r.err);
  BOOST_TEST(!testing::file_exists(csv));

  r = testing::run_process({kPython, tool_path(), dir + "/missing.pkl", csv});
  BOOST_TEST(r.exit_code == 4);
  BOOST_TEST(!testing::file_exists(csv));

  // No temporary file is left beside the target either.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    BOOST_TEST(entry.path().filename().string().rfind(".export_", 0) != 0, entry.path());
  }
}

}  // namespace
}  // namespace q50
