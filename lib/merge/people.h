// The people of a store run in memory, as compact as the merge can decide with: each key
// packed into 64 bits (an identity number by packIdNumber()) and looked up in one
// open-addressing table (core/packed_table.h). About 70 bytes a person
// instead of the ~400 that a map of strings takes; names and places stay in the store and are
// read back only for the few people candidate detection reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/packed_table.h"

namespace vetkit {

/// Keys as 64-bit numbers: an 18-character identity number packed (below 2^61), any other
/// key (a composite --key, a malformed number) interned with the top bit set.
class KeyPacker {
 public:
  /// True with `*packed` when `key` is 17 digits and a digit or X (packIdNumber()).
  static bool packId(std::string_view key, uint64_t* packed);
  /// The packed form of `key`, interning it when it is not an identity number.
  uint64_t pack(std::string_view key);
  /// The packed form of `key` without interning it: false when it is no identity number and
  /// was never interned (no person of this run has it).
  bool find(std::string_view key, uint64_t* packed) const;
  /// The key `packed` stands for.
  std::string unpack(uint64_t packed) const;

 private:
  std::unordered_map<std::string, uint64_t> interned_;
  std::vector<std::string> names_;
};

/// A packed key -> index table.
using KeyIndex = PackedMap<uint32_t>;

/// One person of the store as the merge needs them between batches.
struct Person {
  uint64_t key = 0;
  uint64_t name_birth = 0;  // nameBirthBlock(): name and birth month; 0 when either is empty
  int64_t version = 0;      // the latest live version
  int64_t absent_from = 0;  // 0: not flagged
  int64_t seen = 0;         // the last batch that brought them
  uint32_t units = 0;       // index of the comma-separated units of the live versions
  uint32_t sources = 0;     // the number of live versions
  uint32_t arrival = 0;     // their place in batch `seen`
  int32_t first_row = 0;    // their first row in batch `seen`
  bool live = false;
  bool fresh = false;     // brought or changed by this run
  bool suspect = false;   // an identity number that fails its check, or upgraded from 15 digits
  bool upgraded = false;  // the number had 15 digits
  bool pending = false;   // to be recomputed from its live versions
};

}  // namespace vetkit
