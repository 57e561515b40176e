// Verification of a file against its .vsig: every block's signature, the data's size and
// digest, each key against the trust store, the chain of batches a countersignature covers,
// and the required roles. This is the API other tools (vetmerge, vetreport) call.
//
// vetsign reads bytes, not records, so it cannot see which unit a batch's records belong to.
// It binds each good signature to its trust entry (SignerResult::owner, owner_role,
// owner_unit, key_id); a caller that reads the records asks mayVouchFor(signer, unit) for
// each record's unit, and refuses the batch when no counted signature may vouch for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sign/trust.h"

namespace vetkit {

// vetsign's exit statuses, in one place. Numbers are the exit codes.
enum class VerifyStatus : int {
  Valid = 0,          // every block good, every key trusted, every required role present
  BadSignature = 1,   // a signature does not verify or the data changed
  Malformed = 2,      // usage, I/O, or a malformed signature or trust file
  Untrusted = 3,      // signatures good, but a key is unknown, expired, revoked or misused
  MissingSigner = 4,  // a required role has no (or too few) good signatures
};

/// The more serious of two statuses: Malformed > BadSignature > MissingSigner > Untrusted.
VerifyStatus worseStatus(VerifyStatus a, VerifyStatus b);

struct VerifyPolicy {
  // Roles that must have a good signature; a role listed twice needs two distinct keys.
  std::vector<std::string> required_roles;
  int64_t now = -1;         // judge key validity at this time (Unix seconds); -1: now
  bool check_chain = true;  // verify the batches a countersignature covers
  std::string inputs_dir;   // where those batches are; empty: beside the signed file
  std::string unit;         // if set, a signature counts only when its key may vouch for this unit
  size_t max_covered = 20000;  // covered batches verified per run at most (each counts once)
};

// What one signature block says and how it fared.
struct SignerResult {
  int line = 0;                        // the block's BEGIN line in the .vsig
  std::string signer;                  // as the block claims it
  std::string owner;                   // as the trust store names the key's owner; empty if unknown
  std::string owner_role, owner_unit;  // the trust entry's role and unit; empty if unknown
  std::string role, key_id, algorithm, signed_at;  // as the block claims them
  std::vector<std::string> covers;                 // names of the batches a countersignature covers
  bool signature_good = false;                     // signature and data both check out
  KeyStanding standing = KeyStanding::Unknown;
  VerifyStatus status = VerifyStatus::Malformed;  // Valid: good and trusted; only these count
  std::string problem;                            // empty when status is Valid
};

struct VerifyResult {
  VerifyStatus status = VerifyStatus::Malformed;
  std::vector<SignerResult> signers;  // one per block, in file order (empty if unreadable)
  std::vector<std::string> problems;  // sentences for people, each naming file, signer, key id
};

/// Verifies `path` against `sig_path` (empty: path + ".vsig") with `trust` (null: no key is
/// trusted) under `policy`; fills `result` and returns its status.
VerifyStatus verifyFile(const std::string& path, const std::string& sig_path,
                        const TrustStore* trust, const VerifyPolicy& policy, VerifyResult* result);

/// True when `signer` counts (good signature, trusted key) and its trust entry may vouch for
/// records of `unit` (see unitWithin): the check a merge makes for each record's unit.
bool mayVouchFor(const SignerResult& signer, std::string_view unit);

/// "娄星区民政局 (county, unit 431302, sm2 key 0123456789abcdef)": how messages name a signer.
std::string describeSigner(const SignerResult& signer);

}  // namespace vetkit
