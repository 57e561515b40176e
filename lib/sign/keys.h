// Signing keys: SM2 (with SM3, the default) and Ed25519; their files; the raw sign and verify
// operations. A key file is a few `name: value` lines (signer, role, unit, algorithm, key-id)
// before one PEM block — PKCS#8 for NAME.key, SubjectPublicKeyInfo for NAME.pub — so the stock
// `openssl` command reads the same files (it skips text before the PEM block).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sign/digest.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace vetkit {

enum class KeyAlgorithm { Sm2, Ed25519 };

/// "sm2" or "ed25519", as on the command line and in key files.
const char* keyAlgorithmName(KeyAlgorithm algorithm);
/// Parses "sm2" or "ed25519".
bool parseKeyAlgorithm(std::string_view name, KeyAlgorithm* algorithm);
/// "sm2-sm3" or "ed25519", as in the `algorithm:` field of a signature block.
const char* signatureAlgorithmName(KeyAlgorithm algorithm);
/// Parses "sm2-sm3" or "ed25519".
bool parseSignatureAlgorithm(std::string_view name, KeyAlgorithm* algorithm);
/// The digest that goes with the algorithm: SM3 for SM2, SHA-512 for Ed25519.
DigestAlgorithm digestFor(KeyAlgorithm algorithm);

/// The default SM2 distinguishing ID (GB/T 32918, GM/T 0009): never OpenSSL's empty default.
inline constexpr std::string_view kDefaultSm2Id = "1234567812345678";

struct PkeyFree {
  void operator()(evp_pkey_st* p) const;
};

// A public key, or a key pair when loaded from a private key file.
class Key {
 public:
  Key(std::unique_ptr<evp_pkey_st, PkeyFree> pkey, KeyAlgorithm algorithm, bool is_private);
  KeyAlgorithm algorithm() const { return algorithm_; }
  bool isPrivate() const { return is_private_; }
  /// 16 hex digits: the first 8 bytes of the digest (SM3 or SHA-512) of the public key's DER.
  const std::string& keyId() const { return key_id_; }
  /// The DER SubjectPublicKeyInfo of the public part.
  const std::string& publicDer() const { return public_der_; }
  evp_pkey_st* get() const { return pkey_.get(); }

  std::string signer;  // from the key file's `signer:` line; empty when not known
  std::string role;    // from its `role:` line
  std::string unit;    // from its `unit:` line: the GB/T 2260 code the key vouches for

 private:
  std::unique_ptr<evp_pkey_st, PkeyFree> pkey_;
  KeyAlgorithm algorithm_;
  bool is_private_;
  std::string key_id_, public_der_;
};

/// A fresh key pair; SM2 keys are made as SM2 keys, never as EC keys on the SM2 curve.
std::unique_ptr<Key> generateKey(KeyAlgorithm algorithm, std::string* err);

/// Checks what a key file binds the key to: a signer's name of 1–256 bytes without control
/// characters, a role (county, city or province) and a unit, the 6-digit GB/T 2260 code of that
/// level (431302 for a county, 431300 for a city, 430000 for a province). Only the code's shape
/// is checked here; whether the division exists is the caller's to check (lib/schema).
bool checkKeyIdentity(std::string_view signer, std::string_view role, std::string_view unit,
                      std::string* err);

/// Writes BASE.key (mode 0600, PKCS#8, encrypted with SM4-CBC when `passphrase` is not empty)
/// and BASE.pub; refuses when either exists, when checkKeyIdentity fails, and never leaves one
/// without the other.
bool writeKeyPair(const Key& key, const std::string& base, std::string_view passphrase,
                  std::string* err);

/// Loads a private key file written by writeKeyPair (or a bare PKCS#8 PEM file); refuses one
/// that its group or others may read (the message says `chmod 600`).
std::unique_ptr<Key> loadPrivateKey(const std::string& path, std::string_view passphrase,
                                    std::string* err);

/// A public key from DER SubjectPublicKeyInfo.
std::unique_ptr<Key> publicKeyFromDer(std::string_view der, std::string* err);

/// A public key from a PEM block.
std::unique_ptr<Key> publicKeyFromPem(std::string_view pem, std::string* err);

// One `name: value` header plus PEM block of a key or trust file.
struct KeyFileEntry {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string pem;
  int line = 0;  // line of the first field or of the BEGIN line
  /// The value of field `name`, or empty.
  std::string field(std::string_view name) const;
};

/// Splits key-file text into entries; `#` lines and blank lines are ignored. False with `err`
/// ("line N: ...") for a line that is neither a field nor part of a PEM block, and for a field
/// given twice in one entry.
bool parseKeyFile(std::string_view text, std::vector<KeyFileEntry>* entries, std::string* err);

/// Signs `message` (SM2 with SM3 and `sm2_id`, or Ed25519 one-shot).
bool signMessage(const Key& key, std::string_view sm2_id, std::string_view message,
                 std::string* signature, std::string* err);

/// True when `signature` is `key`'s signature of `message`.
bool verifyMessage(const Key& key, std::string_view sm2_id, std::string_view message,
                   std::string_view signature, std::string* err);

/// Overwrites a secret (a passphrase) in memory before it is dropped.
void wipeSecret(std::string* secret);

}  // namespace vetkit
