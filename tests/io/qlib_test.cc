// io/qlib_reader: qlib's calendar / instruments / .bin layout, the value-to-label mapping, and
// errors that name the file, the line and the offending text. Inputs are generated per test;
// the last cases read the reference qlib directories in place to pin the README §2 facts.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "io/qlib_reader.h"
#include "tests/support/test_env.h"

namespace q50::io {
namespace {
namespace fs = std::filesystem;
using q50::testing::make_temp_dir;
using q50::testing::write_text;

TimestampNs ts(const char* text) {
  const auto t = parse_timestamp(text);
  BOOST_REQUIRE(t.has_value());
  return *t;
}

// The raw bytes of a .bin: header `start`, then the values, little-endian float32.
std::string bin_bytes(float start, const std::vector<float>& values) {
  std::string bytes(4 * (values.size() + 1), '\0');
  std::memcpy(bytes.data(), &start, 4);
  if (!values.empty()) std::memcpy(bytes.data() + 4, values.data(), 4 * values.size());
  return bytes;
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  write_text(path, text);
  return path;
}

// Requires `status` to be an error with `code` whose message contains `needle`.
void expect_error(const absl::Status& status, absl::StatusCode code, const std::string& needle) {
  BOOST_TEST(!status.ok());
  BOOST_TEST(static_cast<int>(status.code()) == static_cast<int>(code), status.ToString());
  BOOST_TEST(std::string(status.message()).find(needle) != std::string::npos,
             "message: " << status.message() << "\nexpected to contain: " << needle);
}

BOOST_AUTO_TEST_CASE(calendar_accepts_crlf_and_a_missing_final_newline) {
  const std::string dir = make_temp_dir("qlib_cal_ok");
  const auto labels = read_qlib_calendar(write_file(
      dir, "60min.txt", "2020-01-01 00:00:00\r\n2020-01-01 01:00:00\n2020-01-01 03:28:00"));
  BOOST_REQUIRE_MESSAGE(labels.ok(), labels.status().ToString());
  BOOST_TEST(*labels ==
             (std::vector<TimestampNs>{ts("2020-01-01 00:00:00"), ts("2020-01-01 01:00:00"),
                                       ts("2020-01-01 03:28:00")}));
}

BOOST_AUTO_TEST_CASE(calendar_errors_name_file_line_and_text) {
  const std::string dir = make_temp_dir("qlib_cal_bad");
  const std::string a = "2020-01-01 00:00:00\n";
  const std::string b = "2020-01-01 01:00:00\n";
  const auto check = [&](const std::string& text, const std::string& needle) {
    const std::string path = write_file(dir, "60min.txt", text);
    expect_error(read_qlib_calendar(path).status(), absl::StatusCode::kInvalidArgument,
                 path + needle);
  };
  check(a + b + a, ":3: calendar label '2020-01-01 00:00:00' is earlier than the previous line's");
  check(a + a, ":2: calendar label '2020-01-01 00:00:00' is a duplicate of the previous line's");
  check(a + "2020-01-01T01:00:00\n", ":2: bad calendar label '2020-01-01T01:00:00'");
  check(a + "\n" + b, ":2: bad calendar label ''");
  check(a + "2020-02-30 00:00:00\n", ":2: bad calendar label '2020-02-30 00:00:00'");
  check("", ": empty calendar");
  expect_error(read_qlib_calendar(dir + "/absent.txt").status(), absl::StatusCode::kNotFound,
               dir + "/absent.txt");
}

BOOST_AUTO_TEST_CASE(instrument_names_match_case_insensitively) {
  const std::string dir = make_temp_dir("qlib_inst");
  // CRYPTO's real all.txt has a space before the tab: names are trimmed.
  const std::string path =
      write_file(dir, "all.txt",
                 "BTCUSDT \t2017-08-17\t2025-04-27\nethusdt\t2020-01-01 04:00:00\t2021-01-01\n");
  const auto btc = read_qlib_instrument(path, "btcusdt");
  BOOST_REQUIRE_MESSAGE(btc.ok(), btc.status().ToString());
  BOOST_TEST(btc->name == "BTCUSDT");
  BOOST_REQUIRE(btc->spans.size() == 1u);
  BOOST_TEST(btc->spans[0].start_ts_ns == ts("2017-08-17 00:00:00"));
  BOOST_TEST(btc->spans[0].end_ts_ns == ts("2025-04-27 00:00:00"));  // a date means its midnight
  const auto eth = read_qlib_instrument(path, "ETHUSDT");
  BOOST_REQUIRE_MESSAGE(eth.ok(), eth.status().ToString());
  BOOST_TEST(eth->spans.at(0).start_ts_ns == ts("2020-01-01 04:00:00"));
  expect_error(read_qlib_instrument(path, "solusdt").status(), absl::StatusCode::kNotFound,
               path + ": no instrument 'solusdt' (the file has: BTCUSDT, ethusdt)");
}

BOOST_AUTO_TEST_CASE(instrument_file_errors_name_the_line) {
  const std::string dir = make_temp_dir("qlib_inst_bad");
  const std::string two_fields = write_file(dir, "a.txt", "BTCUSDT\t2017-08-17\n");
  expect_error(read_qlib_instrument(two_fields, "btcusdt").status(),
               absl::StatusCode::kInvalidArgument,
               two_fields + ":1: expected NAME<TAB>START<TAB>END, got 'BTCUSDT\t2017-08-17'");
  const std::string bad_date = write_file(
      dir, "b.txt", "ETHUSDT\t2020-01-01\t2021-01-01\nBTCUSDT\t2017-13-17\t2025-04-27\n");
  expect_error(read_qlib_instrument(bad_date, "btcusdt").status(),
               absl::StatusCode::kInvalidArgument,
               bad_date + ":2: bad date in 'BTCUSDT\t2017-13-17");
}

BOOST_AUTO_TEST_CASE(bin_header_and_values) {
  const std::string dir = make_temp_dir("qlib_bin");
  const auto bin = read_qlib_bin(write_file(dir, "a.bin", bin_bytes(3.0f, {1.5f, -2.0f, NAN})));
  BOOST_REQUIRE_MESSAGE(bin.ok(), bin.status().ToString());
  BOOST_TEST(bin->start_index == 3u);
  BOOST_REQUIRE(bin->values.size() == 3u);
  BOOST_TEST(bin->values[0] == 1.5f);
  BOOST_TEST(bin->values[1] == -2.0f);
  BOOST_TEST(std::isnan(bin->values[2]));
  // Bytes as on disk, little-endian: 0x40000000 is 2.0f.
  const auto raw = read_qlib_bin(write_file(dir, "b.bin", std::string("\0\0\0\0\0\0\0\x40", 8)));
  BOOST_REQUIRE(raw.ok());
  BOOST_TEST(raw->values == std::vector<float>{2.0f});
  const auto header_only = read_qlib_bin(write_file(dir, "c.bin", bin_bytes(0.0f, {})));
  BOOST_REQUIRE(header_only.ok());
  BOOST_TEST(header_only->values.empty());
}

BOOST_AUTO_TEST_CASE(bin_errors_state_the_byte_count) {
  const std::string dir = make_temp_dir("qlib_bin_bad");
  const auto check = [&](const std::string& name, const std::string& bytes,
                         const std::string& needle) {
    const std::string path = write_file(dir, name, bytes);
    expect_error(read_qlib_bin(path).status(), absl::StatusCode::kDataLoss, path + needle);
  };
  const std::string two_values = bin_bytes(0.0f, {1.0f, 2.0f});
  check("empty.bin", "", ": truncated .bin: 0 bytes, expected a 4-byte header plus 4 bytes");
  check("short.bin", "ab", ": truncated .bin: 2 bytes");
  check("odd.bin", two_values.substr(0, 10), ": truncated .bin: 10 bytes");
  check("negative.bin", bin_bytes(-1.0f, {1.0f}), ": bad start index -1 in the header");
  check("fraction.bin", bin_bytes(1.5f, {1.0f}), ": bad start index 1.5 in the header");
  check("nan.bin", bin_bytes(NAN, {1.0f}), ": bad start index nan in the header");
  expect_error(read_qlib_bin(dir + "/absent.bin").status(), absl::StatusCode::kNotFound,
               dir + "/absent.bin");
}

// DIR with a calendar of `labels` hourly labels from 2020-01-01 00:00, an all.txt listing
// BTCUSDT, and features/btcusdt/close.60min.bin = (start, values).
std::string make_provider(const std::string& name, int labels, float start,
                          const std::vector<float>& values) {
  const std::string dir = make_temp_dir(name);
  for (const char* sub : {"calendars", "instruments", "features/btcusdt"}) {
    fs::create_directories(dir + "/" + sub);
  }
  std::string calendar;
  for (int h = 0; h < labels; ++h) calendar += fmt::format("2020-01-01 {:02}:00:00\n", h);
  write_text(dir + "/calendars/60min.txt", calendar);
  write_text(dir + "/instruments/all.txt", "BTCUSDT\t2020-01-01\t2020-01-02\n");
  write_text(dir + "/features/btcusdt/close.60min.bin", bin_bytes(start, values));
  return dir;
}

QlibFieldRequest close_of(const std::string& dir, const std::string& instrument = "btcusdt") {
  return {dir, instrument, "close", "60min"};
}

BOOST_AUTO_TEST_CASE(value_i_sits_on_label_start_plus_i) {
  // start 2, three values, six labels: rows 0-1 and 5 have no value.
  const auto s = load_qlib_field(close_of(make_provider("qlib_map", 6, 2.0f, {10, 11, 12})));
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  BOOST_TEST(s->labels.size() == 6u);
  BOOST_REQUIRE(s->series.size() == 6u);
  BOOST_TEST(std::isnan(s->series[0]));
  BOOST_TEST(std::isnan(s->series[1]));
  BOOST_TEST(s->series[2] == 10.0f);
  BOOST_TEST(s->series[4] == 12.0f);
  BOOST_TEST(std::isnan(s->series[5]));
}

BOOST_AUTO_TEST_CASE(values_past_the_calendar_are_kept_without_labels) {
  // The VALIDATED_2 shape: more values than labels. They get no label but stay readable by
  // LABEL0's look-ahead.
  const auto s =
      load_qlib_field(close_of(make_provider("qlib_extra", 3, 0.0f, {10, 11, 12, 13, 14})));
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  BOOST_TEST(s->labels.size() == 3u);
  BOOST_TEST(s->series == (std::vector<float>{10, 11, 12, 13, 14}));
}

BOOST_AUTO_TEST_CASE(instrument_directory_is_lower_case) {
  // all.txt says BTCUSDT, the directory is btcusdt, the request may use either.
  const auto s = load_qlib_field(close_of(make_provider("qlib_case", 2, 0.0f, {1, 2}), "BTCUSDT"));
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  BOOST_TEST(s->series.size() == 2u);
}

BOOST_AUTO_TEST_CASE(load_errors_name_the_file) {
  const std::string beyond = make_provider("qlib_beyond", 3, 3.0f, {1, 2});
  expect_error(load_qlib_field(close_of(beyond)).status(), absl::StatusCode::kDataLoss,
               beyond +
                   "/features/btcusdt/close.60min.bin: start index 3 is past the "
                   "calendar's 3 labels");
  const std::string dir = make_provider("qlib_missing_field", 3, 0.0f, {1, 2, 3});
  expect_error(load_qlib_field({dir, "btcusdt", "open", "60min"}).status(),
               absl::StatusCode::kNotFound, dir + "/features/btcusdt/open.60min.bin");
  expect_error(load_qlib_field({dir, "btcusdt", "close", "day"}).status(),
               absl::StatusCode::kNotFound, dir + "/calendars/day.txt");
  expect_error(load_qlib_field(close_of(dir, "ethusdt")).status(), absl::StatusCode::kNotFound,
               dir + "/instruments/all.txt: no instrument 'ethusdt'");
}

BOOST_AUTO_TEST_CASE(instrument_rows_is_inclusive_on_both_ends) {
  std::vector<TimestampNs> labels;
  for (int h = 0; h < 48; ++h) labels.push_back(ts("2020-01-01 00:00:00") + h * kNsPerHour);
  const QlibInstrument inst{"BTCUSDT", {{ts("2020-01-01 05:00:00"), ts("2020-01-02 00:00:00")}}};
  const auto rows = instrument_rows(labels, inst);
  BOOST_TEST(rows.size() == 20u);
  BOOST_TEST(rows.front() == 5u);
  BOOST_TEST(rows.back() == 24u);  // 2020-01-02 00:00 is row 24 and is kept
}

BOOST_AUTO_TEST_CASE(instrument_rows_take_the_union_of_every_line) {
  std::vector<TimestampNs> labels;
  for (int h = 0; h < 48; ++h) labels.push_back(ts("2020-01-01 00:00:00") + h * kNsPerHour);
  const QlibInstrument inst{"BTCUSDT",
                            {{ts("2020-01-01 02:00:00"), ts("2020-01-01 03:00:00")},
                             {ts("2020-01-01 10:00:00"), ts("2020-01-01 10:00:00")},
                             {ts("2020-01-01 03:00:00"), ts("2020-01-01 04:00:00")}}};
  const std::vector<std::size_t> expected = {2, 3, 4, 10};
  BOOST_TEST(instrument_rows(labels, inst) == expected, boost::test_tools::per_element());
}

// README §2: the reference layouts, read in place.
BOOST_AUTO_TEST_CASE(reference_crypto_layout) {
  const std::string dir = q50::testing::reference_dir() + "/qlib/CRYPTO";
  const auto s = load_qlib_field(close_of(dir));
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  BOOST_TEST(s->labels.size() == 67312u);
  BOOST_TEST(s->series.size() == 67312u);
  BOOST_TEST(s->labels.front() == ts("2017-08-17 04:00:00"));
  BOOST_TEST(s->labels.back() == ts("2025-04-27 03:00:00"));
  BOOST_TEST(s->series.front() == 4308.83f);
  // all.txt ends BTCUSDT at 2025-04-27 (00:00): D.features would drop the last three labels.
  const auto inst = read_qlib_instrument(dir + "/instruments/all.txt", "btcusdt");
  BOOST_REQUIRE(inst.ok());
  const auto rows = instrument_rows(s->labels, *inst);
  BOOST_TEST(rows.size() == 67312u - 3u);
  BOOST_TEST(rows.front() == 0u);
}

BOOST_AUTO_TEST_CASE(reference_validated2_layout_is_shifted) {
  const std::string ref = q50::testing::reference_dir() + "/qlib";
  const auto v2 = load_qlib_field(close_of(ref + "/CRYPTODATA_VALIDATED_2"));
  const auto crypto = load_qlib_field(close_of(ref + "/CRYPTO"));
  BOOST_REQUIRE_MESSAGE(v2.ok(), v2.status().ToString());
  BOOST_REQUIRE(crypto.ok());
  BOOST_TEST(v2->labels.size() == 66577u);
  BOOST_TEST(v2->series.size() == 70597u);  // the last 4,020 values never get a label
  BOOST_TEST(v2->labels.front() == ts("2018-02-01 00:00:00"));
  BOOST_TEST(v2->series.front() == 4308.83f);  // the 2017-08-17 04:00 bar, labelled 2018-02-01
  std::size_t hh28 = 0;
  for (const TimestampNs t : v2->labels) hh28 += (t / kNsPerMinute) % 60 == 28 ? 1 : 0;
  BOOST_TEST(hh28 == 43u);
  // "the label 2023-08-11 08:00 holds the 2023-02-24 19:00 close"
  const auto row_of = [](const QlibSeries& s, const char* label) {
    const auto it = std::lower_bound(s.labels.begin(), s.labels.end(), ts(label));
    BOOST_REQUIRE(it != s.labels.end());
    BOOST_REQUIRE(*it == ts(label));
    return static_cast<std::size_t>(it - s.labels.begin());
  };
  BOOST_TEST(v2->series[row_of(*v2, "2023-08-11 08:00:00")] ==
             crypto->series[row_of(*crypto, "2023-02-24 19:00:00")]);
}

}  // namespace
}  // namespace q50::io
