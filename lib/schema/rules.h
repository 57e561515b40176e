// The validation rules of schemas/rules.yaml, resolved against the schema: severities by
// stable code, and the parameters of each rule family. Plain data; lib/validate applies it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diag.h"
#include "schema/schema.h"
#include "text/date.h"

namespace vetkit {

struct Condition {
  const Field* field = nullptr;
  enum class Op { In, Is, Has } op = Op::In;
  std::vector<std::string> values;  // In: one of these codes; Has: the set holds this code
  bool boolean = false;             // Is
};

struct Requirement {
  const Field* field = nullptr;
  Condition when;
};

struct Range {
  const Field* field = nullptr;
  std::optional<double> min, max, above;  // above: strictly greater than
};

struct DateOrder {
  const Field* earlier = nullptr;
  const Field* later = nullptr;
  bool strict = false;
};

struct PlacementRule {
  std::vector<std::string> identities;
  std::optional<PartialDate> discharged_from, discharged_before;
};

struct EraRule {
  std::optional<PartialDate> born_by, enlist_from, enlist_by;
};

struct RuleSet {
  /// nullopt: the rule is off.
  std::optional<Severity> severity(const std::string& code) const;

  std::map<std::string, std::optional<Severity>> severities;

  const Field *id = nullptr, *birth = nullptr, *gender = nullptr;
  std::string male_code, female_code;
  std::vector<Requirement> requirements;
  std::vector<Range> ranges;
  std::vector<DateOrder> date_order;
  std::vector<const Field*> not_future;
  const Field *enlist_birth = nullptr, *enlist = nullptr;
  int enlist_min_age = 16;
  std::vector<std::string> enlist_age_categories;
  const Field* service_identity = nullptr;
  std::map<std::string, std::vector<std::string>> category_identity;
  const Field *placement = nullptr, *placement_identity = nullptr, *placement_discharge = nullptr;
  std::map<std::string, PlacementRule> placement_rules;
  const Field *era_birth = nullptr, *era_enlist = nullptr;
  std::map<std::string, EraRule> era_rules;
  const Field* insurance = nullptr;
  std::vector<std::pair<std::string, std::string>> insurance_exclusive;
  std::vector<const Field*> phone_fields;
  std::vector<std::string> phone_separators;
  std::vector<const Field*> name_fields;
  size_t name_min = 2, name_max = 30;
  const Field* photo = nullptr;

  /// Reads rules.yaml for `schema`. Unknown fields or codes are errors, with their line.
  static bool load(const std::string& path, const Schema& schema, RuleSet* out, std::string* err);
  /// Applies a site's overrides (a `rules:` map of code: error|warning|off).
  bool overlay(const std::string& path, std::string* err);
  /// The rules beside `schema` (its rulesPath()), with a site's overrides from `site_config`
  /// when it is not empty: what vetvalidate and vetreport apply.
  static bool loadForSite(const Schema& schema, const std::string& site_config, RuleSet* out,
                          std::string* err);
};

}  // namespace vetkit
