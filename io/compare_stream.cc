// compare_sorted_files: the report of compare_tables (io/compare.cc) from two files read row by
// row. Rows are merged by key (both files sorted) or paired by position; each column keeps the
// statistics of both ways it may end up compared -- exact text and floats with a tolerance --
// because its kind is only known once every cell has been seen.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "io/compare.h"
#include "io/compare_cells.h"
#include "io/csv_reader.h"

namespace q50::io {
namespace {

using compare_cells::CellResult;
using compare_cells::compare_float;
using compare_cells::is_plain_integer;
using compare_cells::parse_number;

// One column's figures under one way of comparing it.
struct Tally {
  std::size_t equal = 0;
  double max_abs_err = 0;
  double max_rel_err = 0;
  std::string worst_key;
  std::vector<CellMismatch> examples;

  // where() makes the cell's description, only when the cell must be described.
  template <class Where>
  void add(const CellResult& r, const Where& where, std::size_t max_examples) {
    if (r.rel_err > max_rel_err || (r.rel_err == max_rel_err && r.abs_err > max_abs_err)) {
      max_rel_err = r.rel_err;
      worst_key = where().key;
    }
    max_abs_err = std::max(max_abs_err, r.abs_err);
    if (r.equal) {
      ++equal;
    } else if (examples.size() < max_examples) {
      CellMismatch m = where();
      m.abs_err = r.abs_err;
      m.rel_err = r.rel_err;
      examples.push_back(std::move(m));
    }
  }
};

struct ColumnState {
  std::size_t expected_col = 0;
  std::size_t actual_col = 0;
  std::string name;
  double atol = 0;
  std::size_t compared = 0;
  bool any = false;  // a non-empty cell was seen
  bool all_integers = true;
  bool all_numbers = true;
  Tally text;
  Tally number;

  void visit_kind(std::string_view cell) {
    if (cell.empty()) return;
    any = true;
    if (all_integers && is_plain_integer(cell)) return;
    all_integers = false;
    if (all_numbers && !parse_number(cell)) all_numbers = false;
  }
  ColumnKind kind() const {
    if (!any || !all_numbers) return ColumnKind::kText;
    return all_integers ? ColumnKind::kInteger : ColumnKind::kFloat;
  }
};

class Merger {
 public:
  Merger(CsvReader& e, CsvReader& a, const CompareOptions& o) : e_(e), a_(a), o_(o) {}

  absl::StatusOr<std::optional<CompareReport>> run();

 private:
  absl::Status columns();
  // Advances a file: false at its end; sorted_ turns false when its key does not increase.
  absl::StatusOr<bool> advance(CsvReader& r, const std::optional<std::size_t>& key,
                               std::string& last_key, std::size_t& rows);
  std::string key_of(const CsvReader& r, const std::optional<std::size_t>& key,
                     std::size_t row) const;
  void matched(std::size_t row);
  void only(bool expected, std::size_t row);
  absl::StatusOr<bool> merge();
  CompareReport finish();

  CsvReader& e_;
  CsvReader& a_;
  const CompareOptions& o_;
  std::optional<std::size_t> e_key_;
  std::optional<std::size_t> a_key_;
  std::vector<ColumnState> columns_;
  CompareReport rep_;
  std::string e_last_;
  std::string a_last_;
  std::size_t e_rows_ = 0;
  std::size_t a_rows_ = 0;
  bool sorted_ = true;
};

absl::Status Merger::columns() {
  if (o_.key != kRowPositionKey) {
    for (auto [reader, out] : {std::pair{&e_, &e_key_}, std::pair{&a_, &a_key_}}) {
      *out = reader->find_column(o_.key);
      if (!*out) {
        std::string have;
        for (const auto& h : reader->header()) have += (have.empty() ? "" : ",") + h;
        return absl::InvalidArgumentError(fmt::format(
            "{}:1: key column '{}' not found (header: {}); use --key COLUMN or --key @row",
            reader->path(), o_.key, have));
      }
    }
  }
  for (std::size_t c = 0; c < e_.cols(); ++c) {
    if (e_key_ == c) continue;
    const auto ac = a_.find_column(e_.header()[c]);
    if (!ac) {
      rep_.columns_only_in_expected.push_back(e_.header()[c]);
      continue;
    }
    ColumnState col;
    col.expected_col = c;
    col.actual_col = *ac;
    col.name = e_.header()[c];
    const auto it = o_.column_atol.find(col.name);
    col.atol = it != o_.column_atol.end() ? it->second : o_.atol;
    columns_.push_back(std::move(col));
  }
  for (std::size_t c = 0; c < a_.cols(); ++c) {
    if (a_key_ == c) continue;
    if (!e_.find_column(a_.header()[c])) rep_.columns_only_in_actual.push_back(a_.header()[c]);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Merger::advance(CsvReader& r, const std::optional<std::size_t>& key,
                                     std::string& last_key, std::size_t& rows) {
  auto more = r.next();
  if (!more.ok()) return more.status();
  if (!*more) return false;
  if (key) {
    const std::string_view k = r.field(*key);
    if (rows > 0 && !(k > std::string_view(last_key))) sorted_ = false;
    last_key.assign(k);
  }
  ++rows;
  return true;
}

std::string Merger::key_of(const CsvReader& r, const std::optional<std::size_t>& key,
                           std::size_t row) const {
  if (key) return std::string(r.field(*key));
  if (r.cols() == 0) return fmt::format("row {}", row + 1);
  return fmt::format("row {} ({})", row + 1, r.field(0));
}

void Merger::matched(std::size_t row) {
  ++rep_.matched_rows;
  std::optional<std::string> key;  // made on first need: most rows never need it
  for (ColumnState& c : columns_) {
    const std::string_view et = e_.field(c.expected_col);
    const std::string_view at = a_.field(c.actual_col);
    c.visit_kind(et);
    c.visit_kind(at);
    ++c.compared;
    const auto where = [&] {
      if (!key) key = key_of(e_, e_key_, row);
      return CellMismatch{*key, e_.line(), a_.line(), std::string(et), std::string(at), 0, 0};
    };
    const bool same = et == at;
    c.text.add(CellResult{same, 0.0, 0.0}, where, o_.max_examples);
    if (!c.all_numbers) continue;  // never a float column: its number tally is moot
    CellResult r{same, 0.0, 0.0};
    if (!same) r = compare_float(*parse_number(et), *parse_number(at), o_.rtol, c.atol);
    c.number.add(r, where, o_.max_examples);
  }
}

void Merger::only(bool expected, std::size_t row) {
  if (expected) {
    if (rep_.missing_row_examples.size() < o_.max_examples) {
      rep_.missing_row_examples.push_back(key_of(e_, e_key_, row));
    }
    ++rep_.rows_only_in_expected;
  } else {
    if (rep_.extra_row_examples.size() < o_.max_examples) {
      rep_.extra_row_examples.push_back(key_of(a_, a_key_, row));
    }
    ++rep_.rows_only_in_actual;
  }
}

// The merge: true when both files were read to their ends with keys in order.
absl::StatusOr<bool> Merger::merge() {
  auto e_more = advance(e_, e_key_, e_last_, e_rows_);
  if (!e_more.ok()) return e_more.status();
  auto a_more = advance(a_, a_key_, a_last_, a_rows_);
  if (!a_more.ok()) return a_more.status();
  while ((*e_more || *a_more) && sorted_) {
    bool step_e = *e_more;
    bool step_a = *a_more;
    if (*e_more && *a_more) {
      const int order = e_key_ ? std::string_view(e_.field(*e_key_)).compare(a_.field(*a_key_)) : 0;
      if (order == 0) matched(e_rows_ - 1);
      if (order < 0) only(true, e_rows_ - 1);
      if (order > 0) only(false, a_rows_ - 1);
      step_e = order <= 0;
      step_a = order >= 0;
    } else if (*e_more) {
      only(true, e_rows_ - 1);
    } else {
      only(false, a_rows_ - 1);
    }
    if (step_e) {
      e_more = advance(e_, e_key_, e_last_, e_rows_);
      if (!e_more.ok()) return e_more.status();
    }
    if (step_a) {
      a_more = advance(a_, a_key_, a_last_, a_rows_);
      if (!a_more.ok()) return a_more.status();
    }
  }
  return sorted_;
}

CompareReport Merger::finish() {
  rep_.expected_rows = e_rows_;
  rep_.actual_rows = a_rows_;
  for (ColumnState& c : columns_) {
    ColumnReport r;
    r.name = c.name;
    r.kind = c.kind();
    r.atol = c.atol;
    r.compared = c.compared;
    Tally& t = r.kind == ColumnKind::kFloat ? c.number : c.text;
    r.equal = t.equal;
    r.max_abs_err = t.max_abs_err;
    r.max_rel_err = t.max_rel_err;
    r.worst_key = std::move(t.worst_key);
    r.examples = std::move(t.examples);
    rep_.columns.push_back(std::move(r));
  }
  return std::move(rep_);
}

absl::StatusOr<std::optional<CompareReport>> Merger::run() {
  rep_.expected_path = e_.path();
  rep_.actual_path = a_.path();
  rep_.options = o_;
  if (auto st = columns(); !st.ok()) return st;
  auto ok = merge();
  if (!ok.ok()) return ok.status();
  if (!*ok) return std::optional<CompareReport>();
  return std::optional<CompareReport>(finish());
}

}  // namespace

absl::StatusOr<std::optional<CompareReport>> compare_sorted_files(
    const std::string& expected_path, const std::string& actual_path,
    const CompareOptions& options) {
  auto e = CsvReader::open(expected_path);
  if (!e.ok()) return e.status();
  auto a = CsvReader::open(actual_path);
  if (!a.ok()) return a.status();
  return Merger(*e, *a, options).run();
}

}  // namespace q50::io
