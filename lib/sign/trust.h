// The trust store: the public keys a verifier accepts, each with its owner, the role it may
// sign for, and when it is valid. A store is a file of entries or a directory of *.pub files;
// an entry is a key file's `name: value` lines and its PEM public key, so a NAME.pub written by
// `vetsign keygen` is already an entry, and an administrator adds not-after / revoked-at lines.
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
  std::string role;    // empty: any role
  std::optional<int64_t> not_before, not_after, revoked_at;  // Unix seconds
  std::string source;                                        // "FILE:LINE", for messages
};

// Why a key is or is not accepted, in order of increasing doubt.
enum class KeyStanding { Trusted, Unknown, NotYetValid, Expired, Revoked, WrongRole };

class TrustStore {
 public:
  /// Adds the entries of a trust file, or of every *.pub file in a directory (sorted by name);
  /// false with `err` on an unreadable or malformed file or a key listed twice.
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

}  // namespace vetkit
