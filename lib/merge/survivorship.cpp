#include "merge/survivorship.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace vetkit {

const char* mergeRuleName(MergeRule r) {
  switch (r) {
    case MergeRule::NonEmpty:
      return "non-empty";
    case MergeRule::MostRecent:
      return "most-recent";
    case MergeRule::ModePriority:
      return "mode-priority";
    case MergeRule::UnitPriority:
      return "unit-priority";
    case MergeRule::Flag:
      return "flag";
    case MergeRule::First:
      return "first";
    case MergeRule::Decision:
      return "decision";
  }
  return "?";
}

static bool parseRule(const std::string& name, MergeRule* r) {
  for (MergeRule c : {MergeRule::NonEmpty, MergeRule::MostRecent, MergeRule::ModePriority,
                      MergeRule::UnitPriority, MergeRule::Flag})
    if (name == mergeRuleName(c)) return *r = c, true;
  return false;
}

static bool parseRules(const YAML::Node& node, const std::string& where,
                       std::vector<MergeRule>* out, std::string* err) {
  if (!node.IsSequence()) return *err = where + ": expected a list of rules", false;
  out->clear();
  for (const auto& item : node) {
    MergeRule r;
    if (!parseRule(item.as<std::string>(), &r))
      return *err = where + ": unknown rule '" + item.as<std::string>() + "'", false;
    out->push_back(r);
  }
  return true;
}

bool MergePolicy::load(const std::string& path, const Schema& schema, MergePolicy* out,
                       std::string* err) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    *err = path + ": " + e.what();
    return false;
  }
  auto fieldIndex = [&](const char* key, size_t* index) {
    if (!root[key]) return true;
    const Field* f = schema.field(root[key].as<std::string>());
    if (!f) return *err = path + ": " + key + ": unknown field", false;
    *index = f->index;
    return true;
  };
  try {
    if (!fieldIndex("recency_field", &out->recency_field) ||
        !fieldIndex("mode_field", &out->mode_field))
      return false;
    for (const auto& kv : root["mode_priority"])
      out->mode_rank[kv.first.as<std::string>()] = kv.second.as<int>();
    int rank = 0;
    for (const auto& unit : root["unit_priority"]) out->unit_rank[unit.as<std::string>()] = rank++;
    std::vector<MergeRule> fallback = {MergeRule::NonEmpty, MergeRule::Flag};
    if (root["default"] && !parseRules(root["default"], path + ": default", &fallback, err))
      return false;
    out->by_field.assign(schema.fields().size(), fallback);
    for (const auto& kv : root["fields"]) {
      std::string id = kv.first.as<std::string>();
      const Field* f = schema.field(id);
      if (!f) return *err = path + ": fields: unknown field '" + id + "'", false;
      if (!parseRules(kv.second, path + ": " + id, &out->by_field[f->index], err)) return false;
    }
  } catch (const YAML::Exception& e) {
    *err = path + ": " + e.what();
    return false;
  }
  return true;
}

std::string MergePolicy::pathBeside(const std::string& schema_path) {
  size_t slash = schema_path.rfind('/');
  return (slash == std::string::npos ? std::string() : schema_path.substr(0, slash + 1)) +
         "merge-policy.yaml";
}

bool sameValue(const FieldValue& a, const FieldValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case FieldValue::Kind::Absent:
      return true;
    case FieldValue::Kind::Bool:
      return a.boolean == b.boolean;
    case FieldValue::Kind::Array:
      return a.items == b.items;
    default:
      return a.text == b.text;
  }
}

namespace {

// The sources still in the running for one field, narrowed rule by rule.
struct Running {
  const std::vector<MergeSource>& sources;
  size_t field;
  std::vector<int> in;

  const FieldValue& value(int i) const { return sources[i].record->fields[field]; }
  bool agree() const {
    for (size_t k = 1; k < in.size(); ++k)
      if (!sameValue(value(in[0]), value(in[k]))) return false;
    return true;
  }
  // Keeps the sources of the best (lowest) rank; a rule that ranks nobody changes nothing.
  template <typename RankFn>
  void keepBest(RankFn rank) {
    int best = INT32_MAX;
    for (int i : in) best = std::min(best, rank(i));
    if (best == INT32_MAX) return;
    std::erase_if(in, [&](int i) { return rank(i) != best; });
  }
};

}  // namespace

void resolveFields(const MergePolicy& policy, const std::vector<MergeSource>& sources,
                   std::vector<FieldResolution>* out) {
  size_t nfields = policy.by_field.size();
  out->assign(nfields, {});
  // Dates are ISO strings, so the latest sorts last; rank them by position among all.
  std::vector<std::string_view> dates;
  if (policy.recency_field != size_t(-1))
    for (const MergeSource& s : sources) {
      const FieldValue& v = s.record->fields[policy.recency_field];
      if (v.kind == FieldValue::Kind::String) dates.push_back(v.text);
    }
  std::sort(dates.begin(), dates.end(), std::greater<>());

  for (size_t f = 0; f < nfields; ++f) {
    FieldResolution& r = (*out)[f];
    r.field = f;
    Running run{sources, f, {}};
    for (int i = 0; i < int(sources.size()); ++i) run.in.push_back(i);
    if (run.agree()) {
      r.chosen = run.value(0).present() ? 0 : -1;
      continue;
    }
    r.conflict = true;
    r.rule = MergeRule::First;
    for (MergeRule rule : policy.by_field[f]) {
      switch (rule) {
        case MergeRule::NonEmpty:
          run.keepBest([&](int i) { return run.value(i).present() ? 0 : 1; });
          break;
        case MergeRule::MostRecent:
          if (policy.recency_field == size_t(-1)) break;
          run.keepBest([&](int i) {
            const FieldValue& v = sources[i].record->fields[policy.recency_field];
            if (v.kind != FieldValue::Kind::String) return INT32_MAX;
            return int(std::find(dates.begin(), dates.end(), std::string_view(v.text)) -
                       dates.begin());
          });
          break;
        case MergeRule::ModePriority:
          if (policy.mode_field == size_t(-1)) break;
          run.keepBest([&](int i) {
            const FieldValue& v = sources[i].record->fields[policy.mode_field];
            auto it = policy.mode_rank.find(v.text);
            return v.present() && it != policy.mode_rank.end() ? it->second : INT32_MAX - 1;
          });
          break;
        case MergeRule::UnitPriority:
          run.keepBest([&](int i) {
            auto it = policy.unit_rank.find(sources[i].unit);
            return it != policy.unit_rank.end() ? it->second : INT32_MAX - 1;
          });
          break;
        default:
          break;
      }
      if (rule == MergeRule::Flag || run.agree()) {
        r.rule = rule;
        break;
      }
    }
    r.chosen = run.value(run.in[0]).present() ? run.in[0] : -1;
  }
}

}  // namespace vetkit
