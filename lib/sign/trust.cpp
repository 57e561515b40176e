#include "sign/trust.h"

#include <algorithm>
#include <filesystem>

#include "core/text_catalogue.h"
#include "sign/small_file.h"
#include "sign/utc_time.h"

namespace vetkit {

namespace {

constexpr size_t kMaxTrustFile = 4 << 20;

}  // namespace

bool TrustStore::load(const std::string& path, std::string* err) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return loadFile(path, err);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec))
    if (entry.path().extension() == ".pub") files.push_back(entry.path().string());
  if (ec) {
    *err = path + ": " + errnoText(ec.value());
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files)
    if (!loadFile(f, err)) return false;
  return true;
}

bool TrustStore::loadFile(const std::string& path, std::string* err) {
  std::string text;
  if (!readSmallFile(path, kMaxTrustFile, &text, err)) return false;
  std::vector<KeyFileEntry> entries;
  if (!parseKeyFile(text, &entries, err)) {
    *err = path + ": " + *err;
    return false;
  }
  if (entries.empty()) {
    *err = path + ": " + tr("no public key");
    return false;
  }
  // A .pub is one key pair's public half: a second key in it was appended by someone else.
  if (std::filesystem::path(path).extension() == ".pub" && entries.size() != 1) {
    *err = path + ": " +
           tr("holds {count} keys; a .pub file holds exactly one (was a key appended?)",
              {{"count", std::to_string(entries.size())}});
    return false;
  }
  for (const KeyFileEntry& e : entries) {
    std::string where = path + ":" + std::to_string(e.line);
    auto fail = [&](const std::string& what) {
      *err = where + ": " + what;
      return false;
    };
    std::unique_ptr<Key> key = publicKeyFromPem(e.pem, err);
    if (!key) return fail(*err);
    TrustedKey t;
    t.source = where;
    for (const auto& [name, value] : e.fields) {
      int64_t when = 0;
      if (name == "signer") {
        t.signer = value;
      } else if (name == "role") {
        t.role = value;
      } else if (name == "unit") {
        t.unit = value;
      } else if (name == "algorithm") {
        KeyAlgorithm a;
        if (!parseKeyAlgorithm(value, &a) || a != key->algorithm())
          return fail(tr("algorithm '{algorithm}' but the key is {key}",
                         {{"algorithm", value}, {"key", keyAlgorithmName(key->algorithm())}}));
      } else if (name == "key-id") {
        if (value != key->keyId())
          return fail(tr("key-id {declared} does not match the key ({actual})",
                         {{"declared", value}, {"actual", key->keyId()}}));
      } else if (name == "not-before" || name == "not-after" || name == "revoked-at") {
        if (!parseUtcTime(value, &when))
          return fail(tr("{field}: not a date or time (2026-11-29 or 2026-11-29T08:30:00Z)",
                         {{"field", name}}));
        (name == "not-before"  ? t.not_before
         : name == "not-after" ? t.not_after
                               : t.revoked_at) = when;
      } else {
        return fail(tr("unknown field '{field}'", {{"field", name}}));
      }
    }
    for (const char* name : {"signer", "role", "unit"})
      if (e.field(name).empty())
        return fail(tr("no '{field}:' line; every trusted key names its signer, role and unit",
                       {{"field", name}}));
    std::string why;
    if (!checkKeyIdentity(t.signer, t.role, t.unit, &why)) return fail(why);
    if (const TrustedKey* other = find(key->keyId()))
      return fail(tr("key {key_id} is already listed at {source}",
                     {{"key_id", key->keyId()}, {"source", other->source}}));
    t.key = std::move(key);
    keys_.push_back(std::move(t));
  }
  return true;
}

const TrustedKey* TrustStore::find(std::string_view key_id) const {
  for (const TrustedKey& t : keys_)
    if (t.key->keyId() == key_id) return &t;
  return nullptr;
}

KeyStanding judgeKey(const TrustedKey* entry, std::string_view role, int64_t signed_at, int64_t now,
                     std::string* why) {
  if (!entry) {
    *why = tr("key is not in the trust store");
    return KeyStanding::Unknown;
  }
  // A revoked key's signatures are all doubtful: whoever stole it can put any signed-at time.
  if (entry->revoked_at && *entry->revoked_at <= now) {
    *why = tr("key was revoked on {time}", {{"time", formatUtcTime(*entry->revoked_at)}});
    return KeyStanding::Revoked;
  }
  if (entry->not_after && (now > *entry->not_after || signed_at > *entry->not_after)) {
    *why = tr("key expired on {time}", {{"time", formatUtcTime(*entry->not_after)}});
    return KeyStanding::Expired;
  }
  if (entry->not_before && (now < *entry->not_before || signed_at < *entry->not_before)) {
    *why = tr("key is not valid before {time}", {{"time", formatUtcTime(*entry->not_before)}});
    return KeyStanding::NotYetValid;
  }
  if (entry->role != role) {
    *why = tr("key is trusted for role {trusted}, not {role}",
              {{"trusted", entry->role}, {"role", std::string(role)}});
    return KeyStanding::WrongRole;
  }
  why->clear();
  return KeyStanding::Trusted;
}

bool unitWithin(std::string_view role, std::string_view key_unit, std::string_view unit) {
  if (unit.size() != 6 || key_unit.size() != 6) return false;
  for (char c : unit)
    if (c < '0' || c > '9') return false;
  const size_t prefix = role == "county" ? 6 : role == "city" ? 4 : role == "province" ? 2 : 0;
  return prefix > 0 && unit.substr(0, prefix) == key_unit.substr(0, prefix);
}

bool mayVouchFor(const TrustedKey& entry, std::string_view unit) {
  return unitWithin(entry.role, entry.unit, unit);
}

}  // namespace vetkit
