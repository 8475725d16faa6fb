#include "io/scenario_template.h"

#include <charconv>
#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "core/number_format.h"
#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/scenario_toml.h"

namespace q50::io {

struct ScenarioTemplate::Document {
  toml::table table;
};

namespace {

// One step of a key: a table key, then an optional array index.
struct Step {
  std::string_view name;
  std::optional<std::size_t> index;
};

absl::StatusOr<std::vector<Step>> split_key(std::string_view key) {
  std::vector<Step> steps;
  std::size_t pos = 0;
  while (pos <= key.size()) {
    const std::size_t dot = key.find('.', pos);
    std::string_view part = key.substr(pos, dot == std::string_view::npos ? key.npos : dot - pos);
    Step step;
    if (const std::size_t open = part.find('['); open != std::string_view::npos) {
      const std::string_view digits = part.substr(open + 1, part.size() - open - 2);
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (!part.ends_with(']') || ec != std::errc() || end != digits.data() + digits.size()) {
        return absl::InvalidArgumentError(fmt::format("key '{}': bad index in '{}'", key, part));
      }
      step.index = index;
      part = part.substr(0, open);
    }
    if (part.empty()) return absl::InvalidArgumentError(fmt::format("key '{}': empty step", key));
    step.name = part;
    steps.push_back(step);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return steps;
}

template <typename T>
void assign(toml::table& t, std::string_view name, T&& v) {
  t.insert_or_assign(name, std::forward<T>(v));
}

// Sets key to value in doc, creating missing tables on the way.
absl::Status set_key(toml::table& doc, std::string_view key,
                     const std::variant<bool, std::int64_t, double, std::string>& value) {
  auto steps = split_key(key);
  if (!steps.ok()) return steps.status();
  toml::table* t = &doc;
  for (std::size_t i = 0; i + 1 < steps->size(); ++i) {
    const Step& s = (*steps)[i];
    toml::node* n = t->get(s.name);
    if (n == nullptr && !s.index) n = &t->insert_or_assign(s.name, toml::table{}).first->second;
    if (n == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("key '{}': the scenario has no array '{}'", key, s.name));
    }
    if (s.index) {
      toml::array* a = n->as_array();
      if (a == nullptr || *s.index >= a->size()) {
        return absl::InvalidArgumentError(fmt::format(
            "key '{}': the scenario's '{}' has {} entries", key, s.name, a ? a->size() : 0));
      }
      n = a->get(*s.index);
    }
    t = n->as_table();
    if (t == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("key '{}': '{}' is a value in the scenario, not a table", key, s.name));
    }
  }
  const Step& last = steps->back();
  if (last.index) {
    return absl::InvalidArgumentError(fmt::format("key '{}': cannot set an array element", key));
  }
  std::visit([&](const auto& v) { assign(*t, last.name, v); }, value);
  return absl::OkStatus();
}

std::string value_text(const std::variant<bool, std::int64_t, double, std::string>& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return py_repr(*d);
  return fmt::format("\"{}\"", std::get<std::string>(value));
}

// Makes a relative path value absolute against dir (a "${NAME}" path is left as it is).
void absolute_path(toml::table& doc, std::string_view table, std::string_view key,
                   const std::string& dir) {
  toml::node* t = doc.at_path(table).node();
  toml::node* n = t != nullptr && t->is_table() ? t->as_table()->get(key) : nullptr;
  if (n == nullptr || !n->is_string()) return;
  const std::string& text = n->as_string()->get();
  const std::filesystem::path p(text);
  if (text.starts_with("${") || p.is_absolute()) return;
  const std::filesystem::path base =
      dir.empty() ? std::filesystem::current_path() : std::filesystem::path(dir);
  *n->as_string() = std::filesystem::absolute(base / p).lexically_normal().string();
}

}  // namespace

absl::StatusOr<ScenarioTemplate> ScenarioTemplate::read(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  return parse(path, *text);
}

absl::StatusOr<ScenarioTemplate> ScenarioTemplate::parse(const std::string& path,
                                                         std::string_view text) {
  auto doc = parse_scenario_toml(path, text);
  if (!doc.ok()) return doc.status();
  auto shared = std::make_shared<Document>();
  shared->table = std::move(*doc);
  return ScenarioTemplate(path, std::move(shared));
}

absl::StatusOr<sim::Scenario> ScenarioTemplate::build(
    std::span<const ScenarioOverride> overrides) const {
  if (overrides.empty()) return scenario_from_toml(path_, doc_->table);
  toml::table doc = doc_->table;
  for (const ScenarioOverride& o : overrides) {
    if (auto st = set_key(doc, o.key, *o.value); !st.ok()) return st;
  }
  auto scenario = scenario_from_toml(path_, doc);
  if (scenario.ok()) return scenario;
  // A node set here has no place in the file (line 0): name the override instead.
  const std::string message(scenario.status().message());
  const std::string unplaced = path_ + ":0:0: ";
  if (!message.starts_with(unplaced)) return scenario.status();
  std::string settings;
  for (const ScenarioOverride& o : overrides) {
    settings += fmt::format("{}{} = {}", settings.empty() ? "" : ", ", o.key, value_text(*o.value));
  }
  return absl::InvalidArgumentError(
      fmt::format("{} ({}): {}", path_, settings, message.substr(unplaced.size())));
}

absl::StatusOr<std::string> ScenarioTemplate::render(
    std::span<const ScenarioOverride> overrides) const {
  if (auto built = build(overrides); !built.ok()) return built.status();
  toml::table doc = doc_->table;
  for (const ScenarioOverride& o : overrides) {
    if (auto st = set_key(doc, o.key, *o.value); !st.ok()) return st;
  }
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  absolute_path(doc, "market.csv", "path", dir);
  absolute_path(doc, "market.qlib", "dir", dir);
  absolute_path(doc, "signals.file", "path", dir);
  std::ostringstream out;
  out << toml::toml_formatter(doc);
  return out.str() + "\n";
}

}  // namespace q50::io
