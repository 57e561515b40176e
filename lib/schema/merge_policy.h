// The survivorship policy (schemas/merge-policy.yaml): for each field, the ordered rules that
// decide which source's value a merged person keeps. Read here, beside the schema, rules and
// profiles it names fields of; applied by lib/merge (survivorship.h).
#pragma once

#include <string>
#include <vector>

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
  const Schema* schema = nullptr;       // the schema the policy was read against

  /// Reads a policy file against `schema`; false with `err` for unknown fields or rules.
  static bool load(const std::string& path, const Schema& schema, MergePolicy* out,
                   std::string* err);
  /// merge-policy.yaml beside the schema file `schema_path`.
  static std::string pathBeside(const std::string& schema_path);
};

}  // namespace vetkit
