#include "io/compare.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "fmt/format.h"
#include "core/number_format.h"
#include "io/compare_cells.h"

namespace q50::io {
namespace {

using compare_cells::CellResult;
using compare_cells::compare_float;
using compare_cells::is_plain_integer;
using compare_cells::parse_number;

struct RowPair {
  std::size_t expected;
  std::size_t actual;
};

struct Alignment {
  std::vector<RowPair> matched;
  std::vector<std::size_t> missing;  // expected rows without a partner
  std::vector<std::size_t> extra;    // actual rows without a partner
  std::optional<std::size_t> expected_key_col;
  std::optional<std::size_t> actual_key_col;
};

absl::StatusOr<std::size_t> key_column(const CsvTable& t, std::string_view key) {
  if (auto c = t.find_column(key)) return *c;
  std::string have;
  for (const auto& h : t.header()) have += (have.empty() ? "" : ",") + h;
  return absl::InvalidArgumentError(
      fmt::format("{}:1: key column '{}' not found (header: {}); use --key COLUMN or --key @row",
                  t.path(), key, have));
}

absl::StatusOr<std::unordered_map<std::string_view, std::size_t>> index_keys(const CsvTable& t,
                                                                             std::size_t col) {
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto [it, inserted] = index.emplace(t.field(r, col), r);
    if (!inserted) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:{}: column '{}': duplicate key '{}' (first at line {}); keys must be unique to "
          "align by key, use --key @row to align by row position",
          t.path(), t.line(r), t.header()[col], t.field(r, col), t.line(it->second)));
    }
  }
  return index;
}

absl::StatusOr<Alignment> align(const CsvTable& e, const CsvTable& a, std::string_view key) {
  Alignment al;
  if (key == kRowPositionKey) {
    const std::size_t n = std::min(e.rows(), a.rows());
    for (std::size_t r = 0; r < n; ++r) al.matched.push_back({r, r});
    for (std::size_t r = n; r < e.rows(); ++r) al.missing.push_back(r);
    for (std::size_t r = n; r < a.rows(); ++r) al.extra.push_back(r);
    return al;
  }
  auto ek = key_column(e, key);
  if (!ek.ok()) return ek.status();
  auto ak = key_column(a, key);
  if (!ak.ok()) return ak.status();
  al.expected_key_col = *ek;
  al.actual_key_col = *ak;
  auto e_index = index_keys(e, *ek);
  if (!e_index.ok()) return e_index.status();
  auto a_index = index_keys(a, *ak);
  if (!a_index.ok()) return a_index.status();
  for (std::size_t r = 0; r < e.rows(); ++r) {
    const auto it = a_index->find(e.field(r, *ek));
    if (it == a_index->end()) {
      al.missing.push_back(r);
    } else {
      al.matched.push_back({r, it->second});
    }
  }
  for (std::size_t r = 0; r < a.rows(); ++r) {
    if (!e_index->contains(a.field(r, *ak))) al.extra.push_back(r);
  }
  return al;
}

std::string row_key(const CsvTable& t, std::size_t row, const std::optional<std::size_t>& col) {
  if (col) return std::string(t.field(row, *col));
  if (t.cols() == 0) return fmt::format("row {}", row + 1);
  return fmt::format("row {} ({})", row + 1, t.field(row, 0));
}

ColumnKind column_kind(const CsvTable& e, std::size_t ec, const CsvTable& a, std::size_t ac,
                       const std::vector<RowPair>& rows) {
  bool all_numbers = true;
  bool all_integers = true;
  bool any = false;
  auto visit = [&](std::string_view text) {
    if (text.empty()) return;
    any = true;
    if (all_integers && is_plain_integer(text)) return;
    all_integers = false;
    if (all_numbers && !parse_number(text)) all_numbers = false;
  };
  for (const auto& p : rows) {
    visit(e.field(p.expected, ec));
    visit(a.field(p.actual, ac));
    if (!all_numbers) break;
  }
  if (!any || !all_numbers) return ColumnKind::kText;
  return all_integers ? ColumnKind::kInteger : ColumnKind::kFloat;
}

struct ColumnRef {
  std::size_t expected_col;
  std::size_t actual_col;
};

ColumnReport compare_column(const CsvTable& e, const CsvTable& a, const ColumnRef& ref,
                            const Alignment& al, const CompareOptions& opt) {
  ColumnReport c;
  c.name = e.header()[ref.expected_col];
  c.kind = column_kind(e, ref.expected_col, a, ref.actual_col, al.matched);
  const auto atol_it = opt.column_atol.find(c.name);
  c.atol = atol_it != opt.column_atol.end() ? atol_it->second : opt.atol;
  for (const auto& p : al.matched) {
    const std::string_view et = e.field(p.expected, ref.expected_col);
    const std::string_view at = a.field(p.actual, ref.actual_col);
    ++c.compared;
    CellResult r{et == at, 0.0, 0.0};
    if (c.kind == ColumnKind::kFloat && !r.equal) {
      r = compare_float(*parse_number(et), *parse_number(at), opt.rtol, c.atol);
    }
    if (r.rel_err > c.max_rel_err || (r.rel_err == c.max_rel_err && r.abs_err > c.max_abs_err)) {
      c.max_rel_err = r.rel_err;
      c.worst_key = row_key(e, p.expected, al.expected_key_col);
    }
    c.max_abs_err = std::max(c.max_abs_err, r.abs_err);
    if (r.equal) {
      ++c.equal;
    } else if (c.examples.size() < opt.max_examples) {
      c.examples.push_back({row_key(e, p.expected, al.expected_key_col), e.line(p.expected),
                            a.line(p.actual), std::string(et), std::string(at), r.abs_err,
                            r.rel_err});
    }
  }
  return c;
}

}  // namespace

std::string_view to_string(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kFloat:
      return "float";
    case ColumnKind::kInteger:
      return "integer";
    case ColumnKind::kText:
      return "text";
  }
  return "text";
}

double ColumnReport::agreement_pct() const {
  if (compared == 0) return 100.0;
  return 100.0 * static_cast<double>(equal) / static_cast<double>(compared);
}

bool CompareReport::column_passes(const ColumnReport& c) const {
  // Integer arithmetic for the default 100%: 99.9999% must never round up to a pass.
  if (c.equal == c.compared) return true;
  return c.agreement_pct() >= options.min_agreement_pct;
}

bool CompareReport::passed() const {
  if (rows_only_in_expected != 0 || rows_only_in_actual != 0) return false;
  if (!columns_only_in_expected.empty()) return false;
  if (!columns_only_in_actual.empty() && !options.allow_extra_columns) return false;
  return std::all_of(columns.begin(), columns.end(),
                     [&](const ColumnReport& c) { return column_passes(c); });
}

absl::StatusOr<CompareReport> compare_tables(const CsvTable& expected, const CsvTable& actual,
                                             const CompareOptions& options) {
  auto al = align(expected, actual, options.key);
  if (!al.ok()) return al.status();
  CompareReport rep;
  rep.expected_path = expected.path();
  rep.actual_path = actual.path();
  rep.options = options;
  rep.expected_rows = expected.rows();
  rep.actual_rows = actual.rows();
  rep.matched_rows = al->matched.size();
  rep.rows_only_in_expected = al->missing.size();
  rep.rows_only_in_actual = al->extra.size();
  for (std::size_t i = 0; i < std::min(options.max_examples, al->missing.size()); ++i) {
    rep.missing_row_examples.push_back(row_key(expected, al->missing[i], al->expected_key_col));
  }
  for (std::size_t i = 0; i < std::min(options.max_examples, al->extra.size()); ++i) {
    rep.extra_row_examples.push_back(row_key(actual, al->extra[i], al->actual_key_col));
  }
  for (std::size_t c = 0; c < expected.cols(); ++c) {
    if (al->expected_key_col == c) continue;
    const auto ac = actual.find_column(expected.header()[c]);
    if (!ac) {
      rep.columns_only_in_expected.push_back(expected.header()[c]);
      continue;
    }
    rep.columns.push_back(compare_column(expected, actual, {c, *ac}, *al, options));
  }
  for (std::size_t c = 0; c < actual.cols(); ++c) {
    if (al->actual_key_col == c) continue;
    if (!expected.find_column(actual.header()[c])) {
      rep.columns_only_in_actual.push_back(actual.header()[c]);
    }
  }
  return rep;
}

namespace {

bool regular_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

absl::StatusOr<CompareReport> compare_files(const std::string& expected_path,
                                            const std::string& actual_path,
                                            const CompareOptions& options) {
  // A pipe can be read once: the in-memory comparison, which needs no second reading, takes it.
  if (regular_file(expected_path) && regular_file(actual_path)) {
    auto streamed = compare_sorted_files(expected_path, actual_path, options);
    if (!streamed.ok()) return streamed.status();
    if (*streamed) return **streamed;
  }
  auto expected = CsvTable::read(expected_path);
  if (!expected.ok()) return expected.status();
  auto actual = CsvTable::read(actual_path);
  if (!actual.ok()) return actual.status();
  return compare_tables(*expected, *actual, options);
}

namespace {

// Three significant digits are enough to judge an error; "0" for an exact zero so identical
// columns read cleanly.
std::string err_text(double v) {
  if (v == 0) return "0";
  if (std::isinf(v)) return "inf";
  return fmt::format("{:.3g}", v);
}

// Percent truncated (not rounded) to 3 decimals, so a failing column never reads "100.000".
std::string pct_text(const ColumnReport& c) {
  if (c.equal == c.compared) return "100.000";
  return fmt::format("{:.3f}", std::floor(c.agreement_pct() * 1000.0) / 1000.0);
}

std::string pct_value(double pct) { return fmt::format("{:g}", pct); }

std::string list_or_none(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string count_and_examples(std::size_t count, const std::vector<std::string>& keys) {
  if (count == 0) return "0";
  return fmt::format("{} ({}{})", count, list_or_none(keys), keys.size() < count ? ", ..." : "");
}

void append_table(std::string& out, const CompareReport& rep) {
  struct Line {
    std::vector<std::string> cells;
  };
  std::vector<Line> lines;
  lines.push_back({{"column", "kind", "rows", "equal", "agree %", "max rel err", "max abs err",
                    "worst at", "status"}});
  for (const auto& c : rep.columns) {
    const bool numeric = c.kind == ColumnKind::kFloat;  // errors mean nothing for text
    lines.push_back(
        {{c.name, std::string(to_string(c.kind)), std::to_string(c.compared),
          std::to_string(c.equal), pct_text(c), numeric ? err_text(c.max_rel_err) : "-",
          numeric ? err_text(c.max_abs_err) : "-", numeric && c.max_rel_err > 0 ? c.worst_key : "-",
          rep.column_passes(c) ? "ok" : "FAIL"}});
  }
  std::vector<std::size_t> width(lines.front().cells.size(), 0);
  for (const auto& l : lines) {
    for (std::size_t i = 0; i < l.cells.size(); ++i)
      width[i] = std::max(width[i], l.cells[i].size());
  }
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string row;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const bool right = i >= 2 && i <= 6;  // numbers right-aligned
      row += i == 0 ? "" : "  ";
      row += right ? fmt::format("{:>{}}", lines[n].cells[i], width[i])
                   : fmt::format("{:<{}}", lines[n].cells[i], width[i]);
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += "  " + row + "\n";
    if (n == 0) {
      std::string rule;
      for (std::size_t i = 0; i < width.size(); ++i)
        rule += (i == 0 ? "" : "  ") + std::string(width[i], '-');
      out += "  " + rule + "\n";
    }
  }
}

void append_mismatches(std::string& out, const CompareReport& rep) {
  bool header = false;
  for (const auto& c : rep.columns) {
    for (const auto& m : c.examples) {
      if (!header) {
        out += fmt::format("\nmismatching rows (first {} per column; expected vs actual line):\n",
                           rep.options.max_examples);
        header = true;
      }
      std::string err;
      if (c.kind == ColumnKind::kFloat) {
        err = fmt::format("  abs err {}  rel err {}", err_text(m.abs_err), err_text(m.rel_err));
      }
      out += fmt::format("  {}  key {}  (lines {}/{}): expected '{}'  actual '{}'{}\n", c.name,
                         m.key, m.expected_line, m.actual_line, m.expected, m.actual, err);
    }
  }
}

}  // namespace

std::string format_report(const CompareReport& rep) {
  const CompareOptions& o = rep.options;
  std::string out;
  out += fmt::format("expected: {} ({} rows)\n", rep.expected_path, rep.expected_rows);
  out += fmt::format("actual:   {} ({} rows)\n", rep.actual_path, rep.actual_rows);
  out += fmt::format("key: {}   rtol: {}   atol: {}   min agreement: {}%   rows compared: {}\n",
                     o.key, py_repr(o.rtol), py_repr(o.atol), pct_value(o.min_agreement_pct),
                     rep.matched_rows);
  for (const auto& [col, atol] : o.column_atol) {
    out += fmt::format("atol for column {}: {}\n", col, py_repr(atol));
  }
  out += "\n";
  append_table(out, rep);
  append_mismatches(out, rep);
  out += "\nrows only in expected: " +
         count_and_examples(rep.rows_only_in_expected, rep.missing_row_examples);
  out += "\nrows only in actual:   " +
         count_and_examples(rep.rows_only_in_actual, rep.extra_row_examples);
  out += "\ncolumns only in expected: " + list_or_none(rep.columns_only_in_expected);
  out += "\ncolumns only in actual:   " + list_or_none(rep.columns_only_in_actual);
  if (!rep.columns_only_in_actual.empty() && o.allow_extra_columns) out += " (allowed)";
  const auto failing = static_cast<std::size_t>(
      std::count_if(rep.columns.begin(), rep.columns.end(),
                    [&](const ColumnReport& c) { return !rep.column_passes(c); }));
  out += fmt::format("\n\nresult: {} ({} of {} columns meet {}% agreement",
                     rep.passed() ? "PASS" : "FAIL", rep.columns.size() - failing,
                     rep.columns.size(), pct_value(o.min_agreement_pct));
  if (rep.rows_only_in_expected + rep.rows_only_in_actual > 0) out += "; rows missing on one side";
  if (!rep.columns_only_in_expected.empty()) out += "; expected columns missing";
  if (!rep.columns_only_in_actual.empty() && !o.allow_extra_columns) out += "; extra columns";
  out += ")\n";
  return out;
}

}  // namespace q50::io
