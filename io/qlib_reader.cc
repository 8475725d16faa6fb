#include "io/qlib_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/input_file.h"

namespace q50::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits text into lines without their '\n' / "\r\n"; a missing final newline is fine.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    pos = end + 1;
  }
  return out;
}

// "YYYY-MM-DD" (midnight) or "YYYY-MM-DD HH:MM:SS".
std::optional<TimestampNs> parse_date_or_datetime(std::string_view s) {
  if (s.size() == 10) return parse_timestamp(fmt::format("{} 00:00:00", s));
  return parse_timestamp(s);
}

}  // namespace

absl::StatusOr<std::vector<TimestampNs>> read_qlib_calendar(const std::string& path) {
  auto text = read_text_input(path, kMaxQlibBytes);
  if (!text.ok()) return text.status();
  std::vector<TimestampNs> labels;
  const auto lines = lines_of(*text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i]);
    if (line.empty() && i + 1 == lines.size()) break;
    const auto ts = parse_timestamp(line);
    if (!ts) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:{}: bad calendar label '{}', {}", path, i + 1, line, timestamp_problem(line)));
    }
    if (!labels.empty() && *ts <= labels.back()) {
      return absl::InvalidArgumentError(
          fmt::format("{}:{}: calendar label '{}' is {} the previous line's", path, i + 1, line,
                      *ts == labels.back() ? "a duplicate of" : "earlier than"));
    }
    labels.push_back(*ts);
  }
  if (labels.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: empty calendar", path));
  }
  return labels;
}

absl::StatusOr<QlibInstrument> read_qlib_instrument(const std::string& path,
                                                    const std::string& name) {
  auto text = read_text_input(path, kMaxQlibBytes);
  if (!text.ok()) return text.status();
  const auto lines = lines_of(*text);
  std::vector<std::string> names;
  QlibInstrument found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (true) {
      const std::size_t tab = lines[i].find('\t', pos);
      parts.push_back(trim(lines[i].substr(pos, tab - pos)));
      if (tab == std::string_view::npos) break;
      pos = tab + 1;
    }
    if (parts.size() != 3) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:{}: expected NAME<TAB>START<TAB>END, got '{}'", path, i + 1, lines[i]));
    }
    names.emplace_back(parts[0]);
    if (lower(parts[0]) != lower(name)) continue;
    const auto start = parse_date_or_datetime(parts[1]);
    const auto end = parse_date_or_datetime(parts[2]);
    if (!start || !end) {
      return absl::InvalidArgumentError(
          fmt::format("{}:{}: bad date in '{}' (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS in {})", path,
                      i + 1, lines[i], kTimestampRangeText));
    }
    if (found.spans.empty()) found.name = std::string(parts[0]);
    found.spans.push_back({*start, *end});
  }
  if (!found.spans.empty()) return found;
  return absl::NotFoundError(fmt::format("{}: no instrument '{}' (the file has: {})", path, name,
                                         fmt::join(names, ", ")));
}

absl::StatusOr<QlibBin> read_qlib_bin(const std::string& path) {
  auto bytes = read_input(path, kMaxQlibBytes);
  if (!bytes.ok()) return bytes.status();
  const std::size_t size = bytes->size();
  if (size < 4 || size % 4 != 0) {
    return absl::DataLossError(fmt::format(
        "{}: truncated .bin: {} bytes, expected a 4-byte header plus 4 bytes per value", path,
        size));
  }
  // Little-endian float32 on a little-endian host (x86-64): a plain byte copy.
  std::vector<float> all(size / 4);
  std::memcpy(all.data(), bytes->data(), size);
  const float start = all[0];
  if (!(start >= 0.0f) || start != std::floor(start) || start > 1e9f) {
    return absl::DataLossError(
        fmt::format("{}: bad start index {} in the header (expected a whole number >= 0)", path,
                    static_cast<double>(start)));
  }
  QlibBin bin{static_cast<std::size_t>(start), {}};
  bin.values.assign(all.begin() + 1, all.end());
  return bin;
}

absl::StatusOr<QlibSeries> load_qlib_field(const QlibFieldRequest& request) {
  const std::string& dir = request.provider_dir;
  auto labels = read_qlib_calendar(fmt::format("{}/calendars/{}.txt", dir, request.freq));
  if (!labels.ok()) return labels.status();
  auto inst = read_qlib_instrument(fmt::format("{}/instruments/all.txt", dir), request.instrument);
  if (!inst.ok()) return inst.status();
  const std::string bin_path = fmt::format("{}/features/{}/{}.{}.bin", dir,
                                           lower(request.instrument), request.field, request.freq);
  auto bin = read_qlib_bin(bin_path);
  if (!bin.ok()) return bin.status();
  if (bin->start_index >= labels->size()) {
    return absl::DataLossError(fmt::format("{}: start index {} is past the calendar's {} labels",
                                           bin_path, bin->start_index, labels->size()));
  }
  QlibSeries out;
  const std::size_t rows = std::max(labels->size(), bin->start_index + bin->values.size());
  out.series.assign(rows, std::numeric_limits<float>::quiet_NaN());
  std::copy(bin->values.begin(), bin->values.end(), out.series.begin() +
                                                        static_cast<std::ptrdiff_t>(bin->start_index));
  out.labels = *std::move(labels);
  return out;
}

std::vector<std::size_t> instrument_rows(const std::vector<TimestampNs>& labels,
                                         const QlibInstrument& inst) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const bool inside = std::any_of(inst.spans.begin(), inst.spans.end(), [&](const QlibSpan& s) {
      return s.start_ts_ns <= labels[r] && labels[r] <= s.end_ts_ns;
    });
    if (inside) rows.push_back(r);
  }
  return rows;
}

}  // namespace q50::io
