// The order of a unit's batches (issue 13, finding 4). A county re-submits corrections; if an
// older batch were merged after a newer one, it would replace the correction with the mistake
// it corrected. So each batch has a time, and a unit's batches go in time order:
//   - sealed and verified: the signed-at of its counted signatures (the latest, if several:
//     the last time a trusted key vouched for these bytes);
//   - otherwise: its collection time, the latest `collected_at` of its records (a date). The
//     file's own time is not used: copying or mailing a file changes it.
// A batch older than its unit's latest merged batch is refused unless --allow-older; several
// batches of one run are merged oldest first, whatever order the shell's glob gave them in.
// A batch without a time (standard input, no collection dates, a store from before times were
// recorded) can be neither judged older nor make another batch older.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/record.h"
#include "schema/schema.h"
#include "sign/verify.h"
#include "store/store.h"

namespace vetkit {

/// <0, 0 or >0 as `a` is older than, as old as or newer than `b`, compared at the precision
/// both have (a date against a time compares the dates). An empty time is as old as any.
int compareBatchTimes(std::string_view a, std::string_view b);

/// The latest signed-at among the counted (valid) signatures; empty when none counts.
std::string sealTime(const std::vector<SignerResult>& signers);

/// The latest collection date of a batch's records, seen one by one as they are read.
class CollectionTime {
 public:
  explicit CollectionTime(const Schema& schema);
  void clear() { latest_.clear(); }
  void see(const Record& r);
  const std::string& latest() const { return latest_; }

 private:
  size_t field_;
  std::string latest_;
};

/// Each unit's newest batch in the store, built from its batch rows.
class UnitLatest {
 public:
  struct Entry {
    int64_t id = 0;
    std::string source, time;
  };
  void clear() { latest_.clear(); }
  void add(int64_t id, const BatchInfo& b);
  /// The unit's newest batch when it is newer than `time`, or null (also for an empty time).
  const Entry* newerThan(const std::string& unit, std::string_view time) const;

 private:
  std::unordered_map<std::string, Entry> latest_;
};

/// The order in which to merge batches of `times`: batches without a time first, then oldest
/// first; equal times keep the order given. Indexes into `times`.
std::vector<size_t> mergeOrder(const std::vector<std::string>& times);

}  // namespace vetkit
