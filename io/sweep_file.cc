#include "io/sweep_file.h"

// toml++ with the package's defaults, like every io/ file that includes it (see
// io/scenario_file.cc); toml::parse_error is caught below.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include "core/number_format.h"
#include "core/timestamp.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
#include "io/scenario_file.h"
#include "core/prng.h"

namespace q50::io {
namespace {

#define Q50_SWEEP_TRY(expr)                                           \
  do {                                                                \
    if (absl::Status status_ = (expr); !status_.ok()) return status_; \
  } while (false)

// Sweeps beyond this many points are refused: the point index must stay far inside int64 and
// a sweep of more points is a mistake in the file, not a plan.
constexpr std::int64_t kMaxPoints = std::int64_t{1} << 40;
// Rows one dimension may generate (a range or a random sample).
constexpr std::int64_t kMaxRows = 10'000'000;

// A table of the sweep file, with its name for messages.
struct Node {
  const std::string* path;
  const toml::table* table;  // nullptr: absent
  std::string label;         // "[sweep]", "[dimension 2]"
  toml::source_region region;

  std::string where(const toml::source_region& r) const {
    return fmt::format("{}:{}:{}", *path, r.begin.line, r.begin.column);
  }
  std::string where() const { return where(region); }
  const toml::node* find(std::string_view key) const {
    return table == nullptr ? nullptr : table->get(key);
  }
  absl::Status error(std::string_view message) const {
    return absl::InvalidArgumentError(fmt::format("{}: {}: {}", where(), label, message));
  }
  absl::Status bad(std::string_view key, std::string_view expected) const;
  absl::Status check_keys(std::initializer_list<std::string_view> known) const;
};

std::string describe(const toml::node& n) {
  if (const auto* s = n.as_string()) return fmt::format("\"{}\"", s->get());
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return py_repr(f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a date or time";
}

absl::Status Node::bad(std::string_view key, std::string_view expected) const {
  const toml::node* found = find(key);
  if (found == nullptr) return error(fmt::format("{}: expected {}", key, expected));
  const toml::node& n = *found;
  return absl::InvalidArgumentError(fmt::format("{}: {}.{}: expected {}, got {}", where(n.source()),
                                                label, key, expected, describe(n)));
}

absl::Status Node::check_keys(std::initializer_list<std::string_view> known) const {
  if (table == nullptr) return absl::OkStatus();
  const toml::key* first = nullptr;
  for (auto&& [k, v] : *table) {
    if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
    const auto& a = k.source().begin;
    if (first == nullptr || a.line < first->source().begin.line ||
        (a.line == first->source().begin.line && a.column < first->source().begin.column)) {
      first = &k;
    }
  }
  if (first == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format("{}: unknown key '{}' in {} (known: {})",
                                                where(first->source()), first->str(), label,
                                                fmt::join(known, ", ")));
}

absl::StatusOr<Node> sub(const Node& parent, std::string_view key, std::string label) {
  const toml::node* n = parent.find(key);
  if (n == nullptr) return Node{parent.path, nullptr, std::move(label), parent.region};
  const auto* t = n->as_table();
  if (t == nullptr) return parent.bad(key, "a table");
  return Node{parent.path, t, std::move(label), t->source()};
}

absl::Status get_string(const Node& t, std::string_view key, std::string& out) {
  const toml::node* n = t.find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* s = n->as_string();
  if (s == nullptr) return t.bad(key, "a string");
  out = s->get();
  return absl::OkStatus();
}

absl::Status get_bool(const Node& t, std::string_view key, bool& out) {
  const toml::node* n = t.find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* b = n->as_boolean();
  if (b == nullptr) return t.bad(key, "true or false");
  out = b->get();
  return absl::OkStatus();
}

absl::Status get_int(const Node& t, std::string_view key, std::int64_t& out, std::int64_t lo,
                     std::int64_t hi) {
  const toml::node* n = t.find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* i = n->as_integer();
  if (i == nullptr || i->get() < lo || i->get() > hi) {
    return t.bad(key, fmt::format("an integer in [{}, {}]", lo, hi));
  }
  out = i->get();
  return absl::OkStatus();
}

// A number (integer or float), as a double.
std::optional<double> number_of(const toml::node& n) {
  if (const auto* f = n.as_floating_point()) return f->get();
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  return std::nullopt;
}

// A path of the file, resolved against its directory unless absolute or a ${NAME} path.
absl::Status get_path(const Node& t, std::string_view key, const std::string& dir, std::string& out,
                      std::string& as_written) {
  std::string& text = as_written;
  Q50_SWEEP_TRY(get_string(t, key, text));
  if (t.find(key) == nullptr) return t.error(fmt::format("missing required key '{}'", key));
  if (text.empty()) return t.bad(key, "a non-empty path");
  const std::filesystem::path p(text);
  out = text.starts_with("${") || p.is_absolute() || dir.empty()
            ? text
            : (std::filesystem::path(dir) / p).lexically_normal().string();
  return absl::OkStatus();
}

// A TOML scalar as a sweep value; nullopt for tables, arrays and dates.
std::optional<SweepValue> scalar_value(const Node& t, const toml::node& n) {
  SweepValue v;
  v.origin = t.where(n.source());
  if (const auto* s = n.as_string()) {
    v.value = s->get();
    v.text = s->get();
  } else if (const auto* i = n.as_integer()) {
    v.value = i->get();
    v.text = std::to_string(i->get());
  } else if (const auto* f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) return std::nullopt;
    v.value = f->get();
    v.text = py_repr(f->get());
  } else if (const auto* b = n.as_boolean()) {
    v.value = b->get();
    v.text = b->get() ? "true" : "false";
  } else {
    return std::nullopt;
  }
  return v;
}

SweepValue integer_value(std::int64_t i, const std::string& origin) {
  return SweepValue{i, std::to_string(i), origin};
}

// A float rounded to `digits` significant digits: its text is the shortest that reads back to
// the rounded value, and the value is what that text parses to.
SweepValue float_value(double x, int digits, const std::string& origin) {
  const std::string rounded = fmt::format("{:.{}g}", x, digits);
  const double v = std::strtod(rounded.c_str(), nullptr);
  return SweepValue{v, py_repr(v), origin};
}

absl::Status read_base(const Node& root, const std::string& dir, SweepBase& base) {
  auto b = sub(root, "base", "[base]");
  if (!b.ok()) return b.status();
  if (b->table == nullptr) return root.error("missing required table [base]");
  Q50_SWEEP_TRY(b->check_keys({"scenario", "replay", "input", "config"}));
  if ((b->find("scenario") != nullptr) == (b->find("replay") != nullptr)) {
    return b->error(
        "expected exactly one of 'scenario' (a scenario file) or 'replay' "
        "(hummingbot or quantile, with input and config)");
  }
  if (b->find("scenario") != nullptr) {
    if (b->find("input") != nullptr || b->find("config") != nullptr) {
      return b->error("'input' and 'config' belong to a replay base, not a scenario");
    }
    base.kind = SweepBaseKind::kScenario;
    return get_path(*b, "scenario", dir, base.scenario, base.scenario_as_written);
  }
  std::string profile;
  Q50_SWEEP_TRY(get_string(*b, "replay", profile));
  if (profile != "hummingbot" && profile != "quantile") {
    return b->bad("replay", "\"hummingbot\" or \"quantile\"");
  }
  base.kind = SweepBaseKind::kReplay;
  base.profile = profile == "hummingbot" ? legacy::StrategyProfile::kLegacyHummingbot
                                         : legacy::StrategyProfile::kLegacyQuantile;
  Q50_SWEEP_TRY(get_path(*b, "input", dir, base.input, base.input_as_written));
  return get_path(*b, "config", dir, base.config, base.config_as_written);
}

// The keys of a dimension, from `key` or `keys`.
absl::StatusOr<std::vector<std::string>> dimension_keys(const Node& d) {
  const toml::node* key = d.find("key");
  const toml::node* keys = d.find("keys");
  const bool both = key != nullptr && keys != nullptr;
  if (both || (key == nullptr && keys == nullptr && d.find("seeds") == nullptr)) {
    return d.error("expected exactly one of 'key' (one key) or 'keys' (several, swept jointly)");
  }
  std::vector<std::string> out;
  if (key != nullptr) {
    const auto* s = key->as_string();
    if (s == nullptr || s->get().empty()) return d.bad("key", "a key name");
    out.push_back(s->get());
  } else if (keys != nullptr) {
    const auto* a = keys->as_array();
    if (a == nullptr || a->empty()) return d.bad("keys", "a non-empty array of key names");
    for (const toml::node& k : *a) {
      const auto* s = k.as_string();
      if (s == nullptr || s->get().empty()) return d.bad("keys", "a non-empty array of key names");
      out.push_back(s->get());
    }
  } else {
    out.emplace_back(kSeedKey);
  }
  return out;
}

absl::Status read_values(const Node& d, std::size_t nkeys, SweepDimension& dim) {
  const auto* a = d.find("values")->as_array();
  if (a == nullptr || a->empty()) return d.bad("values", "a non-empty array");
  for (const toml::node& item : *a) {
    std::vector<SweepValue> row;
    if (nkeys == 1) {
      auto v = scalar_value(d, item);
      if (!v) return d.bad("values", "an array of strings, integers, finite floats or booleans");
      row.push_back(std::move(*v));
    } else {
      const auto* tuple = item.as_array();
      if (tuple == nullptr || tuple->size() != nkeys) {
        return d.bad("values", fmt::format("an array of arrays of {} values (one per key)", nkeys));
      }
      for (const toml::node& e : *tuple) {
        auto v = scalar_value(d, e);
        if (!v) return d.bad("values", "scalars (strings, integers, finite floats, booleans)");
        row.push_back(std::move(*v));
      }
    }
    dim.rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

// Decimal places of the shortest text of x (0 for integers): a range's values are rounded to
// as many places as its from and step have, so 0.0005 + 2 * 0.0005 is "0.0015", exactly.
int decimals_of(double x) {
  const std::string t = py_repr(x);
  if (t.find('e') != std::string::npos) return 17;
  const std::size_t dot = t.find('.');
  if (dot == std::string::npos) return 0;
  int n = static_cast<int>(t.size() - dot - 1);
  if (t.ends_with(".0")) n = 0;
  return n;
}

absl::Status read_range(const Node& d, SweepDimension& dim) {
  auto r = sub(d, "range", fmt::format("{}.range", d.label));
  if (!r.ok()) return r.status();
  Q50_SWEEP_TRY(r->check_keys({"from", "to", "step"}));
  const toml::node* from = r->find("from");
  const toml::node* to = r->find("to");
  const toml::node* step = r->find("step");
  if (from == nullptr || to == nullptr || step == nullptr) {
    return r->error("expected from, to and step (inclusive: from, from + step, ... <= to)");
  }
  const auto lo = number_of(*from), hi = number_of(*to), by = number_of(*step);
  if (!lo || !std::isfinite(*lo)) return r->bad("from", "a finite number");
  if (!hi || !std::isfinite(*hi) || *hi < *lo) return r->bad("to", "a finite number >= from");
  if (!by || !std::isfinite(*by) || !(*by > 0)) return r->bad("step", "a number > 0");
  const double span = (*hi - *lo) / *by;
  if (span >= static_cast<double>(kMaxRows)) {
    return r->error(fmt::format("more than {} values", kMaxRows));
  }
  // The last value may miss `to` by rounding: 1e-9 of a step is tolerance, not another value.
  const auto count = static_cast<std::int64_t>(std::floor(span + 1e-9)) + 1;
  const std::string origin = d.where();
  const bool integers = from->is_integer() && to->is_integer() && step->is_integer();
  const int places = std::max(decimals_of(*lo), decimals_of(*by));
  for (std::int64_t i = 0; i < count; ++i) {
    if (integers) {
      dim.rows.push_back(
          {integer_value(from->as_integer()->get() + i * step->as_integer()->get(), origin)});
      continue;
    }
    const double x = *lo + static_cast<double>(i) * *by;
    const std::string text = fmt::format("{:.{}f}", x, std::min(places, 17));
    const double v = std::strtod(text.c_str(), nullptr);
    dim.rows.push_back({SweepValue{v, py_repr(v), origin}});
  }
  return absl::OkStatus();
}

absl::Status read_seeds(const Node& d, SweepDimension& dim) {
  if (dim.keys.size() != 1 || dim.keys[0] != kSeedKey) {
    return d.error("'seeds' sweeps the key \"seed\" (omit key, or write key = \"seed\")");
  }
  auto s = sub(d, "seeds", fmt::format("{}.seeds", d.label));
  if (!s.ok()) return s.status();
  Q50_SWEEP_TRY(s->check_keys({"from", "count", "to"}));
  std::int64_t from = 1, count = 0, to = -1;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Q50_SWEEP_TRY(get_int(*s, "from", from, 0, kMax));
  Q50_SWEEP_TRY(get_int(*s, "count", count, 1, kMaxRows));
  Q50_SWEEP_TRY(get_int(*s, "to", to, from, kMax));
  if ((s->find("count") != nullptr) == (s->find("to") != nullptr)) {
    return s->error("expected exactly one of 'count' or 'to' (inclusive)");
  }
  if (s->find("to") != nullptr) {
    if (to - from >= kMaxRows) return s->error(fmt::format("more than {} seeds", kMaxRows));
    count = to - from + 1;
  }
  if (from > kMax - count) return s->error("seeds beyond the largest integer");
  for (std::int64_t i = 0; i < count; ++i) dim.rows.push_back({integer_value(from + i, d.where())});
  return absl::OkStatus();
}

// One random draw rule: { uniform = [lo, hi] } and its kin.
struct DrawRule {
  enum class Kind : std::uint8_t { kUniform, kLogUniform, kIntegers, kChoice };
  Kind kind = Kind::kUniform;
  double lo = 0, hi = 0;
  std::int64_t ilo = 0, ihi = 0;
  std::vector<SweepValue> choices;
};

absl::StatusOr<DrawRule> read_draw_rule(const Node& r) {
  Q50_SWEEP_TRY(r.check_keys({"uniform", "log_uniform", "integers", "choice"}));
  if (r.table == nullptr || r.table->size() != 1) {
    return r.error(
        "expected exactly one of uniform = [lo, hi], log_uniform = [lo, hi], "
        "integers = [lo, hi] or choice = [values...]");
  }
  DrawRule rule;
  const std::string_view name = r.table->begin()->first.str();
  const auto* a = r.table->begin()->second.as_array();
  if (name == "choice") {
    if (a == nullptr || a->empty()) return r.bad(name, "a non-empty array of values");
    rule.kind = DrawRule::Kind::kChoice;
    for (const toml::node& e : *a) {
      auto v = scalar_value(r, e);
      if (!v) return r.bad(name, "an array of scalars");
      rule.choices.push_back(std::move(*v));
    }
    return rule;
  }
  if (name == "integers") {
    rule.kind = DrawRule::Kind::kIntegers;
    if (a == nullptr || a->size() != 2 || !(*a)[0].is_integer() || !(*a)[1].is_integer() ||
        (*a)[1].as_integer()->get() < (*a)[0].as_integer()->get()) {
      return r.bad(name, "[lo, hi], integers with lo <= hi (inclusive)");
    }
    rule.ilo = (*a)[0].as_integer()->get();
    rule.ihi = (*a)[1].as_integer()->get();
    return rule;
  }
  rule.kind = name == "uniform" ? DrawRule::Kind::kUniform : DrawRule::Kind::kLogUniform;
  const std::optional<double> lo =
      a != nullptr && a->size() == 2 ? number_of((*a)[0]) : std::nullopt;
  const std::optional<double> hi =
      a != nullptr && a->size() == 2 ? number_of((*a)[1]) : std::nullopt;
  const bool log = rule.kind == DrawRule::Kind::kLogUniform;
  if (!lo || !hi || !std::isfinite(*lo) || !std::isfinite(*hi) || !(*lo < *hi) ||
      (log && !(*lo > 0))) {
    return r.bad(name, log ? "[lo, hi] with 0 < lo < hi" : "[lo, hi], finite, lo < hi");
  }
  rule.lo = *lo;
  rule.hi = *hi;
  return rule;
}

SweepValue draw(const DrawRule& rule, Prng& prng, int digits, const std::string& origin) {
  switch (rule.kind) {
    case DrawRule::Kind::kChoice:
      return rule.choices[prng.below(rule.choices.size())];
    case DrawRule::Kind::kIntegers: {
      const auto width =
          static_cast<std::uint64_t>(rule.ihi) - static_cast<std::uint64_t>(rule.ilo);
      const std::uint64_t offset = width == UINT64_MAX ? prng.next_u64() : prng.below(width + 1);
      return integer_value(static_cast<std::int64_t>(static_cast<std::uint64_t>(rule.ilo) + offset),
                           origin);
    }
    case DrawRule::Kind::kUniform:
      return float_value(rule.lo + (rule.hi - rule.lo) * prng.uniform01(), digits, origin);
    case DrawRule::Kind::kLogUniform: {
      const double a = std::log(rule.lo), b = std::log(rule.hi);
      return float_value(std::exp(a + (b - a) * prng.uniform01()), digits, origin);
    }
  }
  return {};
}

absl::Status read_random(const Node& d, std::uint64_t sample_seed, SweepDimension& dim) {
  auto r = sub(d, "random", fmt::format("{}.random", d.label));
  if (!r.ok()) return r.status();
  const bool joint = dim.keys.size() > 1;
  if (joint) {
    Q50_SWEEP_TRY(r->check_keys({"count", "digits", "draws"}));
  } else {
    Q50_SWEEP_TRY(
        r->check_keys({"count", "digits", "uniform", "log_uniform", "integers", "choice"}));
  }
  std::int64_t count = 0, digits = 6;
  Q50_SWEEP_TRY(get_int(*r, "count", count, 1, kMaxRows));
  if (r->find("count") == nullptr) return r->error("missing required key 'count'");
  Q50_SWEEP_TRY(get_int(*r, "digits", digits, 1, 17));
  std::vector<DrawRule> rules;
  if (!joint) {
    toml::table single;
    for (auto&& [k, v] : *r->table) {
      if (k.str() != "count" && k.str() != "digits") single.insert(k, v);
    }
    auto rule = read_draw_rule(Node{r->path, &single, r->label, r->region});
    if (!rule.ok()) return rule.status();
    rules.push_back(std::move(*rule));
  } else {
    const toml::node* draws = r->find("draws");
    const auto* a = draws != nullptr ? draws->as_array() : nullptr;
    if (a == nullptr || a->size() != dim.keys.size()) {
      return r->error(
          fmt::format("expected draws = [...], one rule per key ({})", dim.keys.size()));
    }
    for (std::size_t k = 0; k < a->size(); ++k) {
      const auto* t = (*a)[k].as_table();
      if (t == nullptr) return r->bad("draws", "an array of tables such as { uniform = [0, 1] }");
      auto rule =
          read_draw_rule(Node{r->path, t, fmt::format("{}.draws[{}]", r->label, k), t->source()});
      if (!rule.ok()) return rule.status();
      rules.push_back(std::move(*rule));
    }
  }
  // One stream per dimension, named by its keys: independent of the other dimensions.
  Prng prng = Prng(sample_seed).fork(fmt::format("random {}", fmt::join(dim.keys, ",")));
  const std::string origin = d.where();
  for (std::int64_t i = 0; i < count; ++i) {
    std::vector<SweepValue> row;
    for (const DrawRule& rule : rules)
      row.push_back(draw(rule, prng, static_cast<int>(digits), origin));
    dim.rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

absl::Status read_dimension(const Node& d, std::uint64_t sample_seed, SweepDimension& dim) {
  Q50_SWEEP_TRY(d.check_keys({"key", "keys", "values", "range", "seeds", "random"}));
  auto keys = dimension_keys(d);
  if (!keys.ok()) return keys.status();
  dim.keys = std::move(*keys);
  dim.origin = d.where();
  int forms = 0;
  for (const char* f : {"values", "range", "seeds", "random"}) forms += d.find(f) != nullptr;
  if (forms != 1) {
    return d.error(
        "expected exactly one of values = [...], range = { from, to, step }, "
        "seeds = { from, count }, random = { count, ... }");
  }
  if (d.find("values") != nullptr) return read_values(d, dim.keys.size(), dim);
  if (d.find("seeds") != nullptr) return read_seeds(d, dim);
  if (d.find("range") != nullptr) {
    if (dim.keys.size() != 1) return d.error("a range sweeps one key");
    return read_range(d, dim);
  }
  return read_random(d, sample_seed, dim);
}

// A scenario key "a.b[2].c" is known when "a.b.c" is one of the parser's keys.
bool known_scenario_key(std::string_view key) {
  std::string plain;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '[') {
      const std::size_t close = key.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return false;
      for (std::size_t j = i + 1; j < close; ++j) {
        if (key[j] < '0' || key[j] > '9') return false;
      }
      i = close;
      continue;
    }
    plain += key[i];
  }
  const auto known = scenario_known_keys();
  return std::find(known.begin(), known.end(), plain) != known.end();
}

absl::Status check_key(const SweepSpec& spec, const SweepDimension& dim, const std::string& key) {
  if (key == kSeedKey) return absl::OkStatus();
  if (spec.base.kind == SweepBaseKind::kScenario) {
    if (known_scenario_key(key)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        fmt::format("{}: key '{}': not a scenario key (scenarios/example.toml lists them, e.g. "
                    "\"strategy.min_confidence\", \"faults[0].probability\"), nor \"seed\"",
                    dim.origin, key));
  }
  if (key == kWindowKey) return absl::OkStatus();
  const auto keys = replay_config_keys(spec.base.profile);
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("{}: key '{}': not a key of the {} config (known: {}), nor \"seed\" or "
                  "\"window\"",
                  dim.origin, key, legacy::profile_name(spec.base.profile), fmt::join(keys, ", ")));
}

// Every key once, each a key the base takes, window values parse, and the product fits.
absl::Status check_dimensions(const SweepSpec& spec) {
  std::set<std::string> seen;
  std::int64_t points = 1;
  for (const SweepDimension& dim : spec.dimensions) {
    for (std::size_t k = 0; k < dim.keys.size(); ++k) {
      const std::string& key = dim.keys[k];
      if (!seen.insert(key).second) {
        return absl::InvalidArgumentError(
            fmt::format("{}: key '{}' is swept by an earlier dimension too", dim.origin, key));
      }
      Q50_SWEEP_TRY(check_key(spec, dim, key));
      for (const auto& row : dim.rows) {
        if (key == kSeedKey && (!std::holds_alternative<std::int64_t>(row[k].value) ||
                                std::get<std::int64_t>(row[k].value) < 0)) {
          return absl::InvalidArgumentError(fmt::format(
              "{}: seed: expected an integer >= 0, got {}", row[k].origin, row[k].text));
        }
        if (key == kWindowKey && spec.base.kind == SweepBaseKind::kReplay) {
          if (auto w = parse_frame_window(row[k].text); !w.ok()) {
            return absl::InvalidArgumentError(
                fmt::format("{}: window: {}", row[k].origin, std::string(w.status().message())));
          }
        }
      }
    }
    const auto rows = static_cast<std::int64_t>(dim.rows.size());
    if (points > kMaxPoints / rows) {
      return absl::InvalidArgumentError(
          fmt::format("{}: the sweep would have more than {} points", dim.origin, kMaxPoints));
    }
    points *= rows;
  }
  return absl::OkStatus();
}

absl::Status read_sweep_table(const Node& root, SweepSpec& spec) {
  auto s = sub(root, "sweep", "[sweep]");
  if (!s.ok()) return s.status();
  Q50_SWEEP_TRY(
      s->check_keys({"name", "description", "seed", "check_determinism", "batch_points"}));
  Q50_SWEEP_TRY(get_string(*s, "name", spec.name));
  Q50_SWEEP_TRY(get_string(*s, "description", spec.description));
  std::int64_t seed = 1;
  Q50_SWEEP_TRY(get_int(*s, "seed", seed, 0, std::numeric_limits<std::int64_t>::max()));
  spec.sample_seed = static_cast<std::uint64_t>(seed);
  Q50_SWEEP_TRY(get_bool(*s, "check_determinism", spec.check_determinism));
  Q50_SWEEP_TRY(get_int(*s, "batch_points", spec.batch_points, 1, 100'000));
  if (spec.name.empty()) spec.name = std::filesystem::path(spec.path).stem().string();
  const bool valid_name =
      !spec.name.empty() && std::all_of(spec.name.begin(), spec.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
      });
  if (!valid_name) {
    return s->error(
        fmt::format("name '{}': expected letters, digits, '_', '-' or '.' (it names "
                    "files and Slurm jobs)",
                    spec.name));
  }
  return absl::OkStatus();
}

absl::Status read_report_table(const Node& root, SweepReportSpec& r) {
  auto t = sub(root, "report", "[report]");
  if (!t.ok()) return t.status();
  Q50_SWEEP_TRY(
      t->check_keys({"metric", "higher_is_better", "x", "y", "breakdown_metric", "best"}));
  Q50_SWEEP_TRY(get_string(*t, "metric", r.metric));
  Q50_SWEEP_TRY(get_bool(*t, "higher_is_better", r.higher_is_better));
  Q50_SWEEP_TRY(get_string(*t, "x", r.x));
  Q50_SWEEP_TRY(get_string(*t, "y", r.y));
  Q50_SWEEP_TRY(get_string(*t, "breakdown_metric", r.breakdown_metric));
  return get_int(*t, "best", r.best, 1, 1000);
}

// The heatmap's axes must be swept keys.
absl::Status check_report_keys(const Node& root, const SweepSpec& spec) {
  auto t = sub(root, "report", "[report]");
  if (!t.ok()) return t.status();
  const std::vector<std::string> keys = sweep_parameter_names(spec);
  for (const char* axis : {"x", "y"}) {
    const std::string& key = std::string_view(axis) == "x" ? spec.report.x : spec.report.y;
    if (key.empty() || std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    return t->bad(axis, fmt::format("a swept key ({})", fmt::join(keys, ", ")));
  }
  if (!spec.report.x.empty() && spec.report.x == spec.report.y) {
    return t->bad("y", "a key other than x");
  }
  return absl::OkStatus();
}

absl::Status read_slurm_table(const Node& root, SlurmSpec& s) {
  auto t = sub(root, "slurm", "[slurm]");
  if (!t.ok()) return t.status();
  Q50_SWEEP_TRY(t->check_keys(
      {"shards", "cpus_per_task", "mem", "time", "partition", "max_parallel", "retries"}));
  Q50_SWEEP_TRY(get_int(*t, "shards", s.shards, 1, 100'000));
  Q50_SWEEP_TRY(get_int(*t, "cpus_per_task", s.cpus_per_task, 1, 1024));
  Q50_SWEEP_TRY(get_string(*t, "mem", s.mem));
  Q50_SWEEP_TRY(get_string(*t, "time", s.time));
  Q50_SWEEP_TRY(get_string(*t, "partition", s.partition));
  Q50_SWEEP_TRY(get_int(*t, "max_parallel", s.max_parallel, 0, 100'000));
  Q50_SWEEP_TRY(get_int(*t, "retries", s.retries, 0, 100));
  // They are written into a shell script: keep them to the characters sbatch takes.
  for (const auto& [key, value] : {std::pair{"mem", &s.mem}, std::pair{"time", &s.time},
                                   std::pair{"partition", &s.partition}}) {
    const bool safe = std::all_of(value->begin(), value->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == ':' || c == '_' || c == '.' || c == ',';
    });
    if (!safe || (value->empty() && std::string_view(key) != "partition")) {
      return t->bad(key, "letters, digits and - : _ . , (as sbatch takes them)");
    }
  }
  return absl::OkStatus();
}

absl::Status read_dimensions(const Node& root, SweepSpec& spec) {
  const toml::node* n = root.find("dimension");
  if (n == nullptr) return absl::OkStatus();
  const auto* a = n->as_array();
  if (a == nullptr) return root.bad("dimension", "an array of tables ([[dimension]])");
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* t = (*a)[i].as_table();
    if (t == nullptr) return root.bad("dimension", "an array of tables ([[dimension]])");
    SweepDimension dim;
    Q50_SWEEP_TRY(
        read_dimension(Node{root.path, t, fmt::format("[dimension {}]", i + 1), t->source()},
                       spec.sample_seed, dim));
    spec.dimensions.push_back(std::move(dim));
  }
  return absl::OkStatus();
}

absl::StatusOr<SweepSpec> build(const std::string& path, std::string_view text,
                                const toml::table& doc) {
  SweepSpec spec;
  spec.path = path;
  spec.dir = std::filesystem::path(path).parent_path().string();
  spec.text = std::string(text);
  const Node root{&path, &doc, "the document", doc.source()};
  Q50_SWEEP_TRY(root.check_keys({"sweep", "base", "dimension", "report", "slurm"}));
  Q50_SWEEP_TRY(read_sweep_table(root, spec));
  Q50_SWEEP_TRY(read_base(root, spec.dir, spec.base));
  Q50_SWEEP_TRY(read_dimensions(root, spec));
  Q50_SWEEP_TRY(check_dimensions(spec));
  Q50_SWEEP_TRY(read_report_table(root, spec.report));
  Q50_SWEEP_TRY(check_report_keys(root, spec));
  Q50_SWEEP_TRY(read_slurm_table(root, spec.slurm));
  return spec;
}

#undef Q50_SWEEP_TRY

// "YYYY-MM-DD" (midnight) or "YYYY-MM-DD HH:MM:SS".
std::optional<TimestampNs> window_bound(std::string_view text) {
  if (text.size() == 10) return parse_timestamp(std::string(text) + " 00:00:00");
  return parse_timestamp(text);
}

}  // namespace

absl::StatusOr<SweepSpec> parse_sweep(const std::string& path, std::string_view text) {
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                                  e.source().begin.column, e.description()));
  }
  return build(path, text, doc);
}

absl::StatusOr<SweepSpec> read_sweep(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  return parse_sweep(path, *text);
}

std::vector<std::string> sweep_parameter_names(const SweepSpec& spec) {
  std::vector<std::string> names;
  for (const SweepDimension& d : spec.dimensions)
    names.insert(names.end(), d.keys.begin(), d.keys.end());
  return names;
}

absl::StatusOr<FrameWindow> parse_frame_window(std::string_view text) {
  const std::size_t dots = text.find("..");
  const auto expected = [&] {
    return absl::InvalidArgumentError(fmt::format(
        "expected \"FROM..UNTIL\" with FROM and UNTIL as YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\" "
        "(either may be empty), got \"{}\"",
        text));
  };
  if (dots == std::string_view::npos) return expected();
  FrameWindow w;
  const std::string_view from = text.substr(0, dots);
  const std::string_view until = text.substr(dots + 2);
  if (!from.empty() && !(w.from_ns = window_bound(from))) return expected();
  if (!until.empty() && !(w.until_ns = window_bound(until))) return expected();
  if (w.from_ns && w.until_ns && !(*w.until_ns > *w.from_ns)) {
    return absl::InvalidArgumentError(
        fmt::format("\"{}\": UNTIL must be after FROM (the window is FROM <= t < UNTIL)", text));
  }
  return w;
}

std::vector<std::string_view> replay_config_keys(legacy::StrategyProfile profile) {
  if (profile == legacy::StrategyProfile::kLegacyHummingbot) {
    return {"initial_balance",     "max_position_pct", "fee_rate",  "sizing_method",
            "min_confidence_hold", "price_mode",       "price_col", "return_col"};
  }
  return {"initial_capital",
          "position_limit",
          "fee_rate",
          "slippage_rate",
          "long_threshold",
          "short_threshold",
          "max_drawdown_limit",
          "base_position_size",
          "confidence_multiplier",
          "run_backtest.price_col",
          "run_backtest.data_frequency",
          "run_backtest.prediction_horizon_hours"};
}

}  // namespace q50::io
