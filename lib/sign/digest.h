// Message digests of whole files, streamed in large reads so any size fits in bounded memory
// and the speed is that of the digest itself (`openssl dgst`), plus the hex and base64 forms
// the signature file uses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vetkit {

// SM3 goes with SM2 signatures, SHA-512 with Ed25519: each signature algorithm has one digest.
// SHA-256 identifies a batch's bytes in the city store (`sha256sum FILE` gives the same hex).
enum class DigestAlgorithm { Sm3, Sha512, Sha256 };

/// "sm3", "sha512" or "sha256".
const char* digestName(DigestAlgorithm algorithm);

/// Lower-case hex of `bytes`.
std::string toHex(std::string_view bytes);

/// Raw digest of bytes in memory; false (with `err`) only when OpenSSL lacks the algorithm.
bool digestBytes(DigestAlgorithm algorithm, std::string_view data, std::string* raw,
                 std::string* err);

struct FileDigest {
  uint64_t size = 0;
  std::string hex;  // lower-case hex of the digest
};

/// Digests the file at `path` in 1 MiB reads; false with `err` ("FILE: reason") on I/O trouble.
bool digestFile(DigestAlgorithm algorithm, const std::string& path, FileDigest* out,
                std::string* err);

/// An incremental digest, for input read once (standard input) or in pieces; digestFile()
/// streams a file through one. Every OpenSSL call is checked: after a failure ok() is false
/// and finish() fails.
class Digester {
 public:
  explicit Digester(DigestAlgorithm algorithm);
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  /// False once the digest cannot go on (the algorithm is missing, or OpenSSL failed).
  bool ok() const;
  void update(std::string_view data);
  /// The lower-case hex digest into `hex`; false with `err` when a step failed. Spent after.
  bool finish(std::string* hex, std::string* err);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Standard base64 with padding, no line breaks.
std::string base64Encode(std::string_view bytes);

/// Strict base64: the canonical encoding only (no whitespace, correct padding, zero pad bits).
bool base64Decode(std::string_view text, std::string* bytes);

}  // namespace vetkit
