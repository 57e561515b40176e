#include "schema/rules.h"

#include <yaml-cpp/yaml.h>

#include "core/text_catalogue.h"

namespace vetkit {

namespace {

// Errors found while resolving names, carried out as one exception to the single catch.
struct RuleError {
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& n, const std::string& what) {
  throw RuleError{std::to_string(n.Mark().line + 1) + ": " + what};
}

const Field* fieldAt(const Schema& schema, const YAML::Node& n) {
  if (!n) return nullptr;
  const Field* f = schema.field(n.as<std::string>());
  if (!f) fail(n, tr("no field '{field}' in the schema", {{"field", n.as<std::string>()}}));
  return f;
}

std::vector<const Field*> fieldsAt(const Schema& schema, const YAML::Node& n) {
  std::vector<const Field*> out;
  for (const auto& item : n) out.push_back(fieldAt(schema, item));
  return out;
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) return {n.as<std::string>()};
  for (const auto& item : n) out.push_back(item.as<std::string>());
  return out;
}

std::optional<PartialDate> dateAt(const YAML::Node& n) {
  if (!n) return std::nullopt;
  PartialDate d;
  if (!parseDate(n.as<std::string>(), &d))
    fail(n, tr("not a date: {value}", {{"value", n.as<std::string>()}}));
  return d;
}

std::optional<double> numberAt(const YAML::Node& n) {
  if (!n) return std::nullopt;
  return n.as<double>();
}

std::optional<Severity> severityAt(const YAML::Node& n) {
  std::string s = n.as<std::string>();
  if (s == "error") return Severity::Error;
  if (s == "warning") return Severity::Warning;
  if (s == "off") return std::nullopt;
  fail(n, tr("severity must be error, warning or off, not '{value}'", {{"value", s}}));
}

// Category codes, with group names expanded through the category table.
std::vector<std::string> categoriesAt(const Schema& schema, const YAML::Node& n) {
  std::vector<std::string> out;
  const Field* cat = schema.categoryField();
  for (const std::string& c : strings(n)) {
    bool group = false;
    if (cat && cat->table)
      for (const CodeEntry& e : cat->table->entries)
        if (e.group == c) out.push_back(e.code), group = true;
    if (!group) out.push_back(c);
  }
  return out;
}

void readSeverities(const YAML::Node& rules, RuleSet* out, bool must_exist) {
  for (const auto& r : rules) {
    std::string code = r.first.as<std::string>();
    if (must_exist && !out->severities.count(code))
      fail(r.first, tr("no rule '{code}'", {{"code", code}}));
    out->severities[code] = severityAt(r.second);
  }
}

void resolve(const YAML::Node& root, const Schema& s, RuleSet* out) {
  readSeverities(root["rules"], out, false);

  const YAML::Node id = root["identity"];
  out->id = fieldAt(s, id["id"]);
  out->birth = fieldAt(s, id["birth"]);
  out->gender = fieldAt(s, id["gender"]);
  out->male_code = id["male"] ? id["male"].as<std::string>() : "1";
  out->female_code = id["female"] ? id["female"].as<std::string>() : "2";

  for (const auto& r : root["requires"]) {
    Requirement req;
    req.field = fieldAt(s, r["field"]);
    const YAML::Node w = r["when"];
    req.when.field = fieldAt(s, w["field"]);
    if (w["in"]) {
      req.when.op = Condition::Op::In;
      req.when.values = strings(w["in"]);
    } else if (w["is"]) {
      req.when.op = Condition::Op::Is;
      req.when.boolean = w["is"].as<bool>();
    } else if (w["has"]) {
      req.when.op = Condition::Op::Has;
      req.when.values = strings(w["has"]);
    } else {
      fail(w, tr("a condition needs in, is or has"));
    }
    out->requirements.push_back(std::move(req));
  }
  for (const auto& r : root["ranges"]) {
    Range range;
    range.field = fieldAt(s, r.first);
    range.min = numberAt(r.second["min"]);
    range.max = numberAt(r.second["max"]);
    range.above = numberAt(r.second["above"]);
    out->ranges.push_back(range);
  }
  for (const auto& o : root["date_order"]) {
    if (!o.IsSequence() || o.size() < 2) fail(o, tr("date_order entries are [earlier, later]"));
    out->date_order.push_back(
        {fieldAt(s, o[0]), fieldAt(s, o[1]), o.size() > 2 && o[2].as<std::string>() == "strict"});
  }
  out->not_future = fieldsAt(s, root["not_future"]);

  const YAML::Node ea = root["enlist_age"];
  out->enlist_birth = fieldAt(s, ea["birth"]);
  out->enlist = fieldAt(s, ea["enlist"]);
  if (ea["min"]) out->enlist_min_age = ea["min"].as<int>();
  out->enlist_age_categories = categoriesAt(s, ea["categories"]);

  const YAML::Node ci = root["category_identity"];
  out->service_identity = fieldAt(s, ci["field"]);
  for (const auto& a : ci["allowed"])
    out->category_identity[a.first.as<std::string>()] = strings(a.second);

  const YAML::Node pl = root["placement"];
  out->placement = fieldAt(s, pl["field"]);
  out->placement_identity = fieldAt(s, pl["identity"]);
  out->placement_discharge = fieldAt(s, pl["discharge"]);
  for (const auto& r : pl["rules"]) {
    PlacementRule rule;
    rule.identities = strings(r.second["identities"]);
    rule.discharged_from = dateAt(r.second["discharged_from"]);
    rule.discharged_before = dateAt(r.second["discharged_before"]);
    out->placement_rules[r.first.as<std::string>()] = rule;
  }

  const YAML::Node era = root["category_era"];
  out->era_birth = fieldAt(s, era["birth"]);
  out->era_enlist = fieldAt(s, era["enlist"]);
  for (const auto& r : era["rules"]) {
    EraRule rule;
    rule.born_by = dateAt(r.second["born_by"]);
    rule.enlist_from = dateAt(r.second["enlist_from"]);
    rule.enlist_by = dateAt(r.second["enlist_by"]);
    out->era_rules[r.first.as<std::string>()] = rule;
  }

  const YAML::Node ins = root["insurance_conflict"];
  out->insurance = fieldAt(s, ins["field"]);
  for (const auto& pair : ins["exclusive"]) {
    if (!pair.IsSequence() || pair.size() != 2)
      fail(pair, tr("exclusive entries are [code, code]"));
    out->insurance_exclusive.emplace_back(pair[0].as<std::string>(), pair[1].as<std::string>());
  }

  out->phone_fields = fieldsAt(s, root["phone"]["fields"]);
  out->phone_separators = strings(root["phone"]["separators"]);
  out->name_fields = fieldsAt(s, root["name"]["fields"]);
  if (root["name"]["min_length"]) out->name_min = root["name"]["min_length"].as<size_t>();
  if (root["name"]["max_length"]) out->name_max = root["name"]["max_length"].as<size_t>();
  out->photo = fieldAt(s, root["photo"]["field"]);
}

}  // namespace

std::optional<Severity> RuleSet::severity(const std::string& code) const {
  auto it = severities.find(code);
  return it == severities.end() ? std::optional<Severity>(Severity::Error) : it->second;
}

bool RuleSet::load(const std::string& path, const Schema& schema, RuleSet* out, std::string* err) {
  try {
    resolve(YAML::LoadFile(path), schema, out);
  } catch (const RuleError& e) {
    *err = path + ":" + e.message;
    return false;
  } catch (const YAML::BadFile&) {
    *err = path + ": " + tr("cannot open rules");
    return false;
  } catch (const YAML::Exception& e) {
    *err = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  return true;
}

bool RuleSet::loadForSite(const Schema& schema, const std::string& site_config, RuleSet* out,
                          std::string* err) {
  return load(schema.rulesPath(), schema, out, err) &&
         (site_config.empty() || out->overlay(site_config, err));
}

bool RuleSet::overlay(const std::string& path, std::string* err) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root["rules"]) throw RuleError{"1: " + tr("a site config holds a `rules:` map")};
    readSeverities(root["rules"], this, true);
  } catch (const RuleError& e) {
    *err = path + ":" + e.message;
    return false;
  } catch (const YAML::BadFile&) {
    *err = path + ": " + tr("cannot open config");
    return false;
  } catch (const YAML::Exception& e) {
    *err = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  return true;
}

}  // namespace vetkit
