// Survivorship: the one value each field keeps when a person comes from several sources,
// decided by the ordered rules of a policy file (schemas/merge-policy.yaml), with every
// disagreement reported.
#pragma once

#include <string>
#include <vector>

#include "record/record.h"
#include "schema/merge_policy.h"
#include "schema/schema.h"

namespace vetkit {

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
  // The sources agreed, and the value kept is more exact than another's (1978-03-05 kept,
  // 1978-03 refined): recorded in the merged record's `_refined`.
  bool refined = false;
};

/// Decides every field of one person from `sources` (at least one).
void resolveFields(const MergePolicy& policy, const std::vector<MergeSource>& sources,
                   std::vector<FieldResolution>* out);

}  // namespace vetkit
