// The .vsig text format (docs/signature-format.md): one or more signature blocks, each a
// fixed sequence of `name: value` header lines between BEGIN and END lines, an optional
// untrusted comment, and the signature over kDomainPrefix plus the exact header bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sign/keys.h"

namespace vetkit {

// Keeps a vetsign signature from ever being valid as a signature of anything else made with
// the same key (and the other way round).
inline constexpr std::string_view kDomainPrefix = "vetkit vetsign signature v1\n";
inline constexpr std::string_view kBeginLine = "-----BEGIN VETSIGN SIGNATURE-----";
inline constexpr std::string_view kEndLine = "-----END VETSIGN SIGNATURE-----";
inline constexpr size_t kMaxSignatureFile = 1 << 20;
inline constexpr size_t kMaxLine = 4096;

// One input batch a countersignature vouches for.
struct Cover {
  std::string file_digest;   // hex digest of the batch file
  std::string block_digest;  // hex digest of its signature blocks (see blockDigestInput)
  std::string name;          // the batch's file name, no directory
};

struct SignatureBlock {
  std::string comment;  // untrusted: not signed, may be changed by anyone
  KeyAlgorithm algorithm = KeyAlgorithm::Sm2;
  std::string key_id;      // 16 hex digits
  std::string sm2_id;      // SM2 only
  std::string public_key;  // DER SubjectPublicKeyInfo
  std::string signer;
  std::string role;  // county, city or province
  std::string file;  // the signed file's name, no directory
  uint64_t size = 0;
  std::string digest;     // hex digest of the file
  std::string signed_at;  // YYYY-MM-DDTHH:MM:SSZ
  std::vector<Cover> covers;
  std::string signature;  // raw signature bytes

  std::string header;  // the exact header bytes, as read or as made by formatHeader
  int line = 0;        // line of the BEGIN line in the file, 0 for a new block
};

/// True for county, city and province.
bool isKnownRole(std::string_view role);

/// The canonical header lines of `block` (the `header` member is not used).
std::string formatHeader(const SignatureBlock& block);

/// The bytes the signature covers: kDomainPrefix followed by the header bytes.
std::string signedBytes(const SignatureBlock& block);

/// The complete block text, from BEGIN to END, with its comment and signature.
std::string formatBlock(const SignatureBlock& block);

/// What a countersignature's block digest covers: each block's header and signature line in
/// file order, comments left out so that editing a comment breaks nothing.
std::string blockDigestInput(const std::vector<SignatureBlock>& blocks);

/// Parses a whole .vsig file strictly; false with `err` ("line N: what is wrong") on anything
/// malformed. Header fields are checked for form here, signatures elsewhere.
bool parseSignatureFile(std::string_view text, std::vector<SignatureBlock>* blocks,
                        std::string* err);

}  // namespace vetkit
