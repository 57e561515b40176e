// vetsign's subcommands as library calls, so that tools/vetsign/main.cpp only parses options
// and prints: each takes a request, returns a status (the exit code) with the lines meant for
// stdout and the problems meant for stderr. Nothing here prints or exits.
#pragma once

#include <string>
#include <vector>

#include "sign/sign.h"
#include "sign/verify.h"

namespace vetkit {

struct CommandOutcome {
  VerifyStatus status = VerifyStatus::Valid;
  std::vector<std::string> lines;     // for stdout (unless quiet)
  std::vector<std::string> problems;  // for stderr, one message each
};

struct KeygenRequest {
  std::string base;  // writes BASE.key and BASE.pub
  std::string signer, role, unit, algorithm = "sm2", passphrase_file;
};

struct SignRequest {
  std::string file, output, key_path, passphrase_file;
  std::vector<std::string> trusted;  // trust stores the covered batches must verify against
  SignOptions options;               // signer, role, SM2 ID, comment, covers
};

struct VerifyRequest {
  std::string file, signature, at;
  std::vector<std::string> trusted;
  VerifyPolicy policy;
};

/// Adds every trust store in `paths` (files or directories) to `trust`.
bool loadTrustStores(const std::vector<std::string>& paths, TrustStore* trust, std::string* err);

/// `vetsign keygen`: a key pair bound to a signer, role and unit (checkKeyIdentity).
CommandOutcome runKeygen(const KeygenRequest& request);
/// `vetsign sign` and `countersign`: appends a block to FILE.vsig.
CommandOutcome runSign(SignRequest request);
/// `vetsign verify`: one line per counted signature, the problems, and the status.
CommandOutcome runVerify(const VerifyRequest& request);

}  // namespace vetkit
