// A bound on the versions of one key a merge holds in memory. Filling a row down a whole sheet
// repeats one person a million times; a merge that kept every repeat to compare would need
// 15 times the input in memory. So a key seen more than a limit of times in one batch is
// reported once and its further repeats are only counted: memory grows with the distinct
// keys, never with the repeats of one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vetkit {

/// Versions of one key in one batch kept to compare; real duplicates come in twos and threes.
inline constexpr uint32_t kMaxKeyRepeats = 16;

class KeyRepeats {
 public:
  enum class Verdict {
    Keep,    // within the limit: hold and compare this version as usual
    Report,  // the first repeat past the limit: report it once ("repeated-key"), do not hold
    Count,   // a later repeat: counted only, neither held nor reported
  };

  explicit KeyRepeats(uint32_t limit = kMaxKeyRepeats) : limit_(limit) {}

  /// Tells what to do with one more version of `key` in the current batch.
  Verdict add(std::string_view key);
  /// Repeats of `key` past the limit (neither held nor reported one by one).
  uint64_t dropped(std::string_view key) const;
  /// Repeats past the limit, all keys together.
  uint64_t totalDropped() const { return total_dropped_; }
  /// Forgets the counts: a new batch begins.
  void clear();

 private:
  uint32_t limit_;
  std::unordered_map<std::string, uint64_t> seen_;  // key -> versions seen in this batch
  uint64_t total_dropped_ = 0;
};

}  // namespace vetkit
