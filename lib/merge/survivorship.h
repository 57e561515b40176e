// Survivorship: the one value each field keeps when a person comes from several sources,
// decided by the ordered rules of a policy file (schemas/merge-policy.yaml), with every
// disagreement reported.
#pragma once

#include <string>
#include <vector>

#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

enum class MergeRule : unsigned char {
  NonEmpty,
  MostRecent,
  ModePriority,
  UnitPriority,
  Flag,
  First,     // the rules ran out: the first source still in the running
  Decision,  // a key field of people adjudicated "same": the surviving key's value
};

/// "non-empty", "most-recent", ... as written in the policy and the conflict report.
const char* mergeRuleName(MergeRule r);

struct MergePolicy {
  std::vector<std::vector<MergeRule>> by_field;  // by Field::index
  size_t recency_field = size_t(-1);
  size_t mode_field = size_t(-1);
  StringMap<int> mode_rank, unit_rank;  // lower wins

  /// Reads a policy file against `schema`; false with `err` for unknown fields or rules.
  static bool load(const std::string& path, const Schema& schema, MergePolicy* out,
                   std::string* err);
  /// merge-policy.yaml beside the schema file `schema_path`.
  static std::string pathBeside(const std::string& schema_path);
};

/// One source of a person as survivorship sees it.
struct MergeSource {
  const Record* record = nullptr;
  std::string unit;  // the unit the source came from (its `unit`, else its batch's)
};

struct FieldResolution {
  size_t field = 0;
  int chosen = -1;  // index into the sources; -1: every source is empty
  MergeRule rule = MergeRule::First;
  bool conflict = false;  // the sources disagreed
};

/// True when two values are the same value.
bool sameValue(const FieldValue& a, const FieldValue& b);

/// Decides every field of one person from `sources` (at least one).
void resolveFields(const MergePolicy& policy, const std::vector<MergeSource>& sources,
                   std::vector<FieldResolution>* out);

}  // namespace vetkit
