// Possible duplicates with different keys: people who may be one person entered twice with a
// mistyped identity number, or two people sharing a name and birthday. Never merged
// automatically: reported as pairs for people to adjudicate (decisions.h).
//
// ID mistakes are found from the suspect side. GB 11643's check character (ISO 7064 MOD 11-2)
// catches every single substitution and every adjacent transposition, so of two 18-digit
// numbers one such mistake apart at least one fails its check (or its birth date). Only those
// suspects — and 15-digit numbers, whose check character was computed after the mistake — are
// expanded into their ~180 one-mistake variants and looked up: cost grows with the few
// suspects, not with the square of the batch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "schema/schema.h"
#include "store/store.h"  // PersonRef: what candidate detection needs of one person

namespace vetkit {

struct Candidate {
  // same-name-birth, same-name-birth-precision (one birth date more exact than the other: 1966-10
  // and 1966-10-01), id-typo, id-transposition, id-checksum-repair
  const char* reason = "";
  double score = 0;
  // What else speaks for or against one person, for people to read (messages.yaml:
  // candidate-evidence-CODE): same-name, similar-name, same-birth, birth-within-precision,
  // same-gender, other-gender, same-phone, other-phone.
  std::vector<const char*> evidence;
  const PersonRef* a = nullptr;  // the person whose identity number is suspect, when one is
  const PersonRef* b = nullptr;
};

/// The block two people must share to be compared on name and birth date: a hash of the name
/// and the birth year and month (never the day, so that 1966-10 meets 1966-10-01; a date of
/// the year alone meets only others of that year alone); 0 when either is missing.
size_t nameBirthBlock(std::string_view name, std::string_view birth_date);

/// The evidence codes of a pair (see Candidate::evidence), from what both sides hold.
std::vector<const char*> candidateEvidence(const PersonRef& a, const PersonRef& b);

/// True when two names are one edit (substitution, insertion, deletion of a character) or
/// less apart, ignoring the middle dot of transliterated names.
bool similarName(std::string_view a, std::string_view b);

/// Calls `fn(key, transposed)` with the identity key of every number one substitution or one
/// adjacent transposition away from `p`'s number as it was typed (its 15 digits when it was
/// upgraded).
void forEachIdVariant(const PersonRef& p,
                      const std::function<void(const std::string& key, bool transposed)>& fn);

/// True when `p`'s identity number is worth expanding into its variants: it fails its check,
/// or it was upgraded from 15 digits (whose check character came after any mistake).
bool suspectId(const PersonRef& p);

class CandidateFinder {
 public:
  /// Adds a person (its address must stay valid). `fresh`: part of this run, so pairs
  /// involving it are reported.
  void add(const PersonRef* p, bool fresh);
  /// Pairs marked "different" are never reported.
  void suppress(const std::string& a, const std::string& b);
  /// Every pair with at least one fresh person, in a stable order.
  std::vector<Candidate> find() const;

  /// The unordered pair as one string, for look-ups.
  static std::string pairKey(std::string_view a, std::string_view b);

 private:
  struct Entry {
    const PersonRef* person;
    bool fresh;
  };
  using Sorted = std::vector<std::pair<std::string_view, const Entry*>>;
  void probe(const Entry& e, const Sorted& keys, std::vector<Candidate>* out,
             std::unordered_set<std::string>* seen) const;
  void report(const char* reason, double score, const Entry& a, const Entry& b,
              std::vector<Candidate>* out, std::unordered_set<std::string>* seen) const;

  std::vector<Entry> people_;
  std::unordered_set<std::string> suppressed_;
};

}  // namespace vetkit
