// The trust store: the public keys a verifier accepts, each bound to its owner, the one role it
// may sign for and the unit (GB/T 2260 code) it may vouch for, and when it is valid. A store is
// a file of entries or a directory of *.pub files; an entry is a key file's `name: value` lines
// and its PEM public key, so a NAME.pub written by `vetsign keygen` is already an entry, and an
// administrator adds not-after / revoked-at lines. It fails closed: signer, role and unit are
// mandatory, and a *.pub file holds exactly one key (a key appended to it is refused, not added).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/keys.h"

namespace vetkit {

struct TrustedKey {
  std::shared_ptr<const Key> key;
  std::string signer;  // the owner, as the administrator named it
  std::string role;    // the only role the key signs for: county, city or province
  std::string unit;    // the GB/T 2260 code of the owner's division (see mayVouchFor)
  std::optional<int64_t> not_before, not_after, revoked_at;  // Unix seconds
  std::string source;                                        // "FILE:LINE", for messages
};

// Why a key is or is not accepted, in order of increasing doubt.
enum class KeyStanding { Trusted, Unknown, NotYetValid, Expired, Revoked, WrongRole, WrongUnit };

class TrustStore {
 public:
  /// Adds the entries of a trust file, or of every *.pub file in a directory (sorted by name);
  /// false with `err` on an unreadable or malformed file, an entry without signer, role or
  /// unit, a *.pub file with more than one key, or a key listed twice.
  bool load(const std::string& path, std::string* err);
  /// The entry for `key_id`, or null.
  const TrustedKey* find(std::string_view key_id) const;
  /// The number of keys.
  size_t size() const { return keys_.size(); }

 private:
  bool loadFile(const std::string& path, std::string* err);
  std::vector<TrustedKey> keys_;
};

/// Judges `entry` (null: not in the store) for a signature claiming `role`, made at
/// `signed_at`, checked at `now`; `why` says what is wrong in words, naming dates.
KeyStanding judgeKey(const TrustedKey* entry, std::string_view role, int64_t signed_at, int64_t now,
                     std::string* why);

/// True when a key of `role` for unit `key_unit` may vouch for records of unit `unit` (a
/// 6-digit GB/T 2260 code): a county key for its own code only, a city key for the codes of its
/// city (same first four digits), a province key for those of its province (first two). A
/// local unit without a code of its own (a zone) is judged by the division it lies in.
bool unitWithin(std::string_view role, std::string_view key_unit, std::string_view unit);

/// unitWithin for a trust entry's role and unit: may this entry vouch for records of `unit`?
bool mayVouchFor(const TrustedKey& entry, std::string_view unit);

}  // namespace vetkit
