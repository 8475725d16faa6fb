// io/signal_file: the macro_features.pkl export is read with both key names, optional columns
// and an instrument column; every kind of malformed file is rejected with a message naming
// file:line, the column and the offending text.
#include "io/signal_file.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "tests/support/test_env.h"

namespace q50::io {
namespace {

// Two rows as tools/export_macro_features.py writes them (float32 columns as the exact float64
// value of the float32).
const char* const kGood =
    "instrument,datetime,q10,q50,q90,vol_risk,vol_raw_momentum,side,signal_tier,"
    "signal_thresh_adaptive,prob_up,fg_index\n"
    "BTCUSDT,2018-08-02 00:00:00,-0.0125,0.0004,0.013,5.1305568195e-05,,1,3,0.0006,0.53,0.4\n"
    "BTCUSDT,2018-08-02 01:00:00,-0.011,-0.0002,0.0101,4.1e-05,-1.5e-05,-1.0,0.0,0.0005,0.48,"
    "0.4\n";

absl::StatusOr<SignalFile> parse(const std::string& text, const SignalFileOptions& opt = {}) {
  return parse_signal_file("signals.csv", text, opt);
}

// The call fails with InvalidArgument and every fragment appears in the message.
void expect_error(const absl::StatusOr<SignalFile>& r,
                  std::initializer_list<std::string> fragments) {
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.status().code() == absl::StatusCode::kInvalidArgument), r.status().ToString());
  for (const auto& f : fragments) {
    BOOST_TEST(std::string(r.status().message()).find(f) != std::string::npos,
               "'" << f << "' not in: " << r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(reads_the_pkl_export) {
  auto r = parse(kGood);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const SignalFile& f = *r;
  BOOST_TEST(f.size() == 2u);
  BOOST_TEST(f.key_column == "datetime");
  BOOST_TEST(f.instrument == "BTCUSDT");
  BOOST_TEST(f.ts_ns[1] - f.ts_ns[0] == kNsPerHour);
  BOOST_TEST(f.q10[0] == -0.0125);
  BOOST_TEST(f.q50[1] == -0.0002);
  BOOST_TEST(f.q90[1] == 0.0101);
  BOOST_TEST(f.vol_risk[0] == static_cast<float>(5.1305568195e-05));
  BOOST_TEST(std::isnan(f.vol_raw_momentum[0]));  // optional float: NaN allowed
  BOOST_TEST(f.side[0] == 1);
  BOOST_TEST(f.side[1] == -1);  // "-1.0": pandas wrote a float column
  BOOST_TEST(f.signal_tier[0] == 3);
  BOOST_TEST(f.signal_thresh_adaptive[1] == 0.0005);
  BOOST_TEST(f.prob_up[0] == 0.53);
  BOOST_TEST(f.extra.empty());  // fg_index is a model feature: ignored unless asked for
}

BOOST_AUTO_TEST_CASE(timestamp_key_and_minimal_columns) {
  auto r = parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,0.001,0.02\n");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->key_column == "timestamp");
  BOOST_TEST(r->instrument.empty());
  BOOST_TEST(r->vol_risk.empty());
  BOOST_TEST(r->side.empty());
}

BOOST_AUTO_TEST_CASE(extra_columns_and_required_optional_columns) {
  SignalFileOptions opt;
  opt.extra = {"fg_index"};
  opt.required = {"q10", "q50", "q90", "vol_risk", "vol_raw_momentum"};
  expect_error(parse(kGood, opt), {"signals.csv:2:", "vol_raw_momentum", "empty number", "got ''"});
  opt.nan_allowed = {"vol_raw_momentum"};
  auto r = parse(kGood, opt);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->extra.at("fg_index")[1] == 0.4);
  opt.required.push_back("truth");
  expect_error(parse(kGood, opt), {"signals.csv:1:", "missing column 'truth'"});
}

BOOST_AUTO_TEST_CASE(missing_required_q_column) {
  expect_error(parse("timestamp,q10,q90\n2024-01-01 00:00:00,-0.01,0.02\n"),
               {"signals.csv:1:", "missing column 'q50'"});
}

BOOST_AUTO_TEST_CASE(key_column_problems) {
  expect_error(parse("time,q10,q50,q90\n2024-01-01 00:00:00,-0.01,0.001,0.02\n"),
               {"signals.csv:1:", "no key column"});
  expect_error(parse("timestamp,datetime,q10,q50,q90\n2024-01-01 00:00:00,2024-01-01 00:00:00,"
                     "-0.01,0.001,0.02\n"),
               {"signals.csv:1:", "both 'datetime' and 'timestamp'"});
  expect_error(parse("timestamp,q10,q50,q90\n2024-01-01T00:00:00,-0.01,0.001,0.02\n"),
               {"signals.csv:2:", "bad timestamp", "2024-01-01T00:00:00"});
}

BOOST_AUTO_TEST_CASE(unsorted_and_duplicate_timestamps) {
  expect_error(parse("timestamp,q10,q50,q90\n"
                     "2024-01-01 01:00:00,-0.01,0.001,0.02\n"
                     "2024-01-01 00:00:00,-0.01,0.001,0.02\n"),
               {"signals.csv:3:", "out-of-order", "line 2"});
  expect_error(parse("timestamp,q10,q50,q90\n"
                     "2024-01-01 00:00:00,-0.01,0.001,0.02\n"
                     "2024-01-01 00:00:00,-0.01,0.001,0.02\n"),
               {"signals.csv:3:", "duplicate", "line 2"});
}

BOOST_AUTO_TEST_CASE(malformed_and_non_finite_numbers) {
  expect_error(parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,0.0o1,0.02\n"),
               {"signals.csv:2:", "column 'q50'", "bad number", "0.0o1"});
  expect_error(parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,,0.02\n"),
               {"signals.csv:2:", "column 'q50'", "empty number"});
  expect_error(parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,nan,0.02\n"),
               {"signals.csv:2:", "column 'q50'", "NaN"});
  expect_error(parse("timestamp,q10,q50,q90,vol_risk\n2024-01-01 00:00:00,-0.01,0.001,0.02,inf\n"),
               {"signals.csv:2:", "column 'vol_risk'", "infinity"});
  SignalFileOptions opt;
  opt.nan_allowed = {"q50"};
  auto r = parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,,0.02\n", opt);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(std::isnan(r->q50[0]));
}

BOOST_AUTO_TEST_CASE(side_and_tier_codes) {
  expect_error(parse("timestamp,q10,q50,q90,side\n2024-01-01 00:00:00,-0.01,0.001,0.02,2\n"),
               {"signals.csv:2:", "column 'side'", "[-1, 1]", "got '2'"});
  expect_error(parse("timestamp,q10,q50,q90,side\n2024-01-01 00:00:00,-0.01,0.001,0.02,0.5\n"),
               {"column 'side'", "got '0.5'"});
  expect_error(parse("timestamp,q10,q50,q90,signal_tier\n2024-01-01 00:00:00,-0.01,0.001,0.02,4\n"),
               {"signals.csv:2:", "column 'signal_tier'", "[0, 3]"});
  expect_error(parse("timestamp,q10,q50,q90,side\n2024-01-01 00:00:00,-0.01,0.001,0.02,\n"),
               {"column 'side'", "empty number"});
}

BOOST_AUTO_TEST_CASE(one_instrument_per_file) {
  expect_error(parse("instrument,timestamp,q10,q50,q90\n"
                     "BTCUSDT,2024-01-01 00:00:00,-0.01,0.001,0.02\n"
                     "ETHUSDT,2024-01-01 01:00:00,-0.01,0.001,0.02\n"),
               {"signals.csv:3:", "column 'instrument'", "second instrument", "ETHUSDT"});
  SignalFileOptions opt;
  opt.instrument = "btcusdt";  // case-insensitive: qlib lower-cases names
  BOOST_TEST(parse(kGood, opt).ok());
  opt.instrument = "ETHUSDT";
  expect_error(parse(kGood, opt), {"signals.csv:2:", "expected instrument 'ETHUSDT'", "BTCUSDT"});
}

BOOST_AUTO_TEST_CASE(structural_problems) {
  expect_error(parse("timestamp,q10,q50,q90\n"), {"signals.csv:2:", "no data rows"});
  expect_error(parse(""), {"signals.csv", "empty file"});
  expect_error(parse("timestamp,q10,q50,q90,q50\n2024-01-01 00:00:00,-0.01,0.001,0.02,0.1\n"),
               {"signals.csv:1:", "'q50' appears twice"});
  expect_error(parse("timestamp,q10,q50,q90\n2024-01-01 00:00:00,-0.01,0.001\n"),
               {"signals.csv:2:", "fields"});
}

BOOST_AUTO_TEST_CASE(reads_from_disk_and_reports_unreadable_files) {
  const std::string dir = testing::make_temp_dir("signal_file_test");
  testing::write_text(dir + "/s.csv", kGood);
  auto r = read_signal_file(dir + "/s.csv");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->path == dir + "/s.csv");
  auto missing = read_signal_file(dir + "/nope.csv");
  BOOST_TEST((missing.status().code() == absl::StatusCode::kNotFound));
  BOOST_TEST(std::string(missing.status().message()).find("nope.csv") != std::string::npos);
}

}  // namespace
}  // namespace q50::io
