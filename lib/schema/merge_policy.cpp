#include "schema/merge_policy.h"

#include "core/text_catalogue.h"

#include <yaml-cpp/yaml.h>

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
  if (!node.IsSequence()) return *err = where + ": " + tr("expected a list of rules"), false;
  out->clear();
  for (const auto& item : node) {
    MergeRule r;
    if (!parseRule(item.as<std::string>(), &r))
      return *err = where + ": " + tr("unknown rule '{rule}'", {{"rule", item.as<std::string>()}}),
             false;
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
    if (!f) return *err = path + ": " + key + ": " + tr("unknown field"), false;
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
      if (!f)
        return *err = path + ": fields: " + tr("unknown field '{field}'", {{"field", id}}), false;
      if (!parseRules(kv.second, path + ": " + id, &out->by_field[f->index], err)) return false;
    }
  } catch (const YAML::Exception& e) {
    *err = path + ": " + e.what();
    return false;
  }
  out->schema = &schema;
  return true;
}

std::string MergePolicy::pathBeside(const std::string& schema_path) {
  size_t slash = schema_path.rfind('/');
  return (slash == std::string::npos ? std::string() : schema_path.substr(0, slash + 1)) +
         "merge-policy.yaml";
}

}  // namespace vetkit
