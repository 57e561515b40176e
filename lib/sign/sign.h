// Making a signature block: digest the file, build the header, sign it, check the new signature
// with the public key before anything is written, and append the block to FILE.vsig
// atomically. A countersignature also vouches for the batches it merged (`covers`).
#pragma once

#include <string>
#include <vector>

#include "sign/signature_file.h"
#include "sign/verify.h"

namespace vetkit {

struct SignOptions {
  std::string signer;  // empty: the key file's signer
  std::string role;    // empty: the key file's role
  std::string sm2_id = std::string(kDefaultSm2Id);
  std::string comment;                // untrusted comment put beside the block
  std::vector<std::string> covers;    // countersign: the input batches (paths) this one merges
  const TrustStore* trust = nullptr;  // covered batches must verify against it (null: no trust)
  int64_t now = -1;                   // signed-at in Unix seconds; -1: now
};

/// Signs `path` with `key`, appending the block to `sig_path` (empty: path + ".vsig"); returns
/// Valid, or why not with `err`: BadSignature/Untrusted/MissingSigner for a covered batch that
/// fails verification, Malformed for usage and I/O trouble. Nothing is written on failure.
VerifyStatus signFile(const std::string& path, const std::string& sig_path, const Key& key,
                      const SignOptions& options, SignatureBlock* made, std::string* err);

}  // namespace vetkit
