#include "sign/verify.h"

#include "core/text_catalogue.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sign/signature_file.h"
#include "sign/small_file.h"
#include "sign/utc_time.h"

namespace vetkit {

namespace {

// Countersignatures of countersignatures are fine; a loop of covers is not.
constexpr int kMaxChainDepth = 8;

int severity(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::Valid:
      return 0;
    case VerifyStatus::Untrusted:
      return 1;
    case VerifyStatus::MissingSigner:
      return 2;
    case VerifyStatus::BadSignature:
      return 3;
    case VerifyStatus::Malformed:
      return 4;
  }
  return 4;
}

std::string dirName(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// How a covered batch fared, kept so that each batch is verified once per run however many
// countersignatures cover it.
struct CoveredOutcome {
  bool done = false;  // false while it is being verified: meeting it again is a loop
  VerifyStatus status = VerifyStatus::Malformed;
  std::string problem;                // the first problem, or empty
  std::vector<SignerResult> signers;  // its own signature blocks
};

// One run: the file digests and covered batches it has seen, and the work it has done, are
// shared by every level of the chain.
class Verifier {
 public:
  Verifier(const TrustStore* trust, const VerifyPolicy& policy, int64_t now)
      : trust_(trust), policy_(policy), now_(now) {}

  VerifyStatus run(const std::string& path, const std::string& sig_path, int depth,
                   VerifyResult* result);

 private:
  // The file's digest by algorithm, computed at most once per file and algorithm.
  bool fileDigest(const std::string& path, DigestAlgorithm algorithm, FileDigest* out,
                  std::string* err);
  void checkBlock(const std::string& path, const SignatureBlock& block, int depth,
                  SignerResult* signer, VerifyResult* result);
  VerifyStatus checkCovers(const std::string& path, const SignatureBlock& block,
                           const TrustedKey& entry, int depth, std::string* problem,
                           VerifyResult* result);
  const CoveredOutcome& verifyCovered(const std::string& input, int depth, VerifyResult* result);

  const TrustStore* trust_;
  const VerifyPolicy& policy_;
  int64_t now_;
  std::map<std::pair<std::string, DigestAlgorithm>, FileDigest> digests_;
  std::map<std::string, CoveredOutcome> covered_;
};

std::string normalPath(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

bool Verifier::fileDigest(const std::string& path, DigestAlgorithm algorithm, FileDigest* out,
                          std::string* err) {
  auto key = std::make_pair(normalPath(path), algorithm);
  auto it = digests_.find(key);
  if (it == digests_.end()) {
    FileDigest d;
    if (!digestFile(algorithm, path, &d, err)) return false;
    it = digests_.emplace(key, d).first;
  }
  *out = it->second;
  return true;
}

VerifyStatus Verifier::run(const std::string& path, const std::string& sig_path, int depth,
                           VerifyResult* result) {
  const std::string sig = sig_path.empty() ? path + ".vsig" : sig_path;
  result->signers.clear();
  result->status = VerifyStatus::Valid;
  auto trouble = [&](const std::string& what) {
    result->problems.push_back(what);
    return result->status = VerifyStatus::Malformed;
  };
  std::string text, err;
  if (!readSmallFile(sig, kMaxSignatureFile, &text, &err)) return trouble(err);
  std::vector<SignatureBlock> blocks;
  if (!parseSignatureFile(text, &blocks, &err))
    return trouble(sig + ": " + tr("malformed: {reason}", {{"reason", err}}));
  if (::access(path.c_str(), R_OK) != 0) return trouble(path + ": " + errnoText(errno));

  for (const SignatureBlock& block : blocks) {
    SignerResult s;
    s.line = block.line;
    s.signer = block.signer;
    s.role = block.role;
    s.key_id = block.key_id;
    s.algorithm = signatureAlgorithmName(block.algorithm);
    s.signed_at = block.signed_at;
    for (const Cover& c : block.covers) s.covers.push_back(c.name);
    checkBlock(path, block, depth, &s, result);
    if (s.status != VerifyStatus::Valid)
      result->problems.push_back(path + ": " + describeSigner(s) + ": " + s.problem);
    result->status = worseStatus(result->status, s.status);
    result->signers.push_back(std::move(s));
  }
  if (depth > 0) return result->status;

  // Only good signatures by trusted keys count for a role, and each key once.
  std::map<std::string, std::set<std::string>> keys_by_role;
  for (const SignerResult& s : result->signers)
    if (s.status == VerifyStatus::Valid) keys_by_role[s.owner_role].insert(s.key_id);
  std::map<std::string, size_t> needed;
  for (const std::string& role : policy_.required_roles) ++needed[role];
  for (const auto& [role, count] : needed) {
    size_t have = keys_by_role[role].size();
    if (have >= count) continue;
    const TextArgs args = {{"role", role},
                           {"unit", policy_.unit},
                           {"count", std::to_string(count)},
                           {"have", std::to_string(have)}};
    result->problems.push_back(
        path + ": " +
        (count > 1 ? tr("{count} {role} signers required, {have} found (a key counts once)", args)
         : policy_.unit.empty()
             ? tr("no good signature by a trusted {role} key", args)
             : tr("no good signature by a trusted {role} key for unit {unit}", args)));
    result->status = worseStatus(result->status, VerifyStatus::MissingSigner);
  }
  return result->status;
}

void Verifier::checkBlock(const std::string& path, const SignatureBlock& block, int depth,
                          SignerResult* s, VerifyResult* result) {
  auto fail = [&](VerifyStatus status, const std::string& what) {
    s->status = status;
    s->problem = what;
  };
  int64_t signed_at = 0;
  if (!parseUtcTime(block.signed_at, &signed_at))
    return fail(VerifyStatus::Malformed, tr("signed-at is not a valid time"));
  std::string err;
  std::unique_ptr<Key> embedded = publicKeyFromDer(block.public_key, &err);
  if (!embedded)
    return fail(VerifyStatus::BadSignature, tr("unusable public key: {reason}", {{"reason", err}}));
  if (embedded->algorithm() != block.algorithm)
    return fail(VerifyStatus::BadSignature,
                tr("algorithm mismatch: the block says {block} but its key is {key}",
                   {{"block", signatureAlgorithmName(block.algorithm)},
                    {"key", keyAlgorithmName(embedded->algorithm())}}));
  if (embedded->keyId() != block.key_id)
    return fail(VerifyStatus::BadSignature,
                tr("key-id mismatch: the block's public key has id {key_id}",
                   {{"key_id", embedded->keyId()}}));
  const TrustedKey* entry = trust_ ? trust_->find(block.key_id) : nullptr;
  if (entry && entry->key->publicDer() != block.public_key)
    return fail(VerifyStatus::BadSignature,
                tr("the block's public key is not the trusted key {key_id} ({source})",
                   {{"key_id", block.key_id}, {"source", entry->source}}));
  if (entry) {
    s->owner = entry->signer;
    s->owner_role = entry->role;
    s->owner_unit = entry->unit;
  }
  const Key& key = entry ? *entry->key : *embedded;
  if (!verifyMessage(key, block.sm2_id, signedBytes(block), block.signature, &err))
    return fail(VerifyStatus::BadSignature,
                block.algorithm == KeyAlgorithm::Sm2
                    ? tr("bad signature: the signed header was altered, or made with another key "
                         "or SM2 ID")
                    : tr("bad signature: the signed header was altered, or made with another "
                         "key"));
  FileDigest digest;
  if (!fileDigest(path, digestFor(block.algorithm), &digest, &err))
    return fail(VerifyStatus::Malformed, err);
  if (digest.size != block.size)
    return fail(
        VerifyStatus::BadSignature,
        tr("data changed since it was signed: size {size}, signed {signed}",
           {{"size", std::to_string(digest.size)}, {"signed", std::to_string(block.size)}}));
  if (digest.hex != block.digest)
    return fail(VerifyStatus::BadSignature,
                tr("data changed since it was signed: {digest} digest differs",
                   {{"digest", digestName(digestFor(block.algorithm))}}));
  s->signature_good = true;
  // Trust first: what an unknown key claims to cover is not worth reading, let alone walking.
  std::string why;
  s->standing = judgeKey(entry, block.role, signed_at, now_, &why);
  if (s->standing == KeyStanding::Trusted && entry->signer != block.signer) {
    s->standing = KeyStanding::WrongRole;
    why = tr("the trust store names the key's owner '{owner}'", {{"owner", entry->signer}});
  }
  if (s->standing == KeyStanding::Trusted && depth == 0 && !policy_.unit.empty() &&
      !mayVouchFor(*entry, policy_.unit)) {
    s->standing = KeyStanding::WrongUnit;
    why = tr("the key may vouch for unit {unit} ({role}) only, not {wanted}",
             {{"unit", entry->unit}, {"role", entry->role}, {"wanted", policy_.unit}});
  }
  if (s->standing != KeyStanding::Trusted)
    return fail(VerifyStatus::Untrusted,
                block.covers.empty() || !policy_.check_chain
                    ? tr("good signature, but {why}", {{"why", why}})
                    : tr("good signature, but {why}; the batches it covers were not checked",
                         {{"why", why}}));
  if (!block.covers.empty() && policy_.check_chain) {
    std::string problem;
    VerifyStatus chain = checkCovers(path, block, *entry, depth, &problem, result);
    if (chain != VerifyStatus::Valid) return fail(chain, problem);
  }
  s->status = VerifyStatus::Valid;
}

const CoveredOutcome& Verifier::verifyCovered(const std::string& input, int depth,
                                              VerifyResult* result) {
  const std::string key = normalPath(input);
  auto it = covered_.find(key);
  if (it != covered_.end()) {
    if (!it->second.done) it->second.problem = tr("covers itself through its own chain (a loop)");
    return it->second;
  }
  CoveredOutcome& outcome = covered_[key];
  // Each batch is verified once, so work grows with the number of files, not of paths through
  // the chain; a cap still stops a chain built to exhaust the verifier, with one message.
  if (covered_.size() > policy_.max_covered) {
    outcome.done = true;
    outcome.problem = tr("more than {max} covered batches in one chain; verification stopped",
                         {{"max", std::to_string(policy_.max_covered)}});
    return outcome;
  }
  VerifyResult inner;
  run(input, "", depth + 1, &inner);
  for (const std::string& p : inner.problems)
    result->problems.push_back(tr("covered: {problem}", {{"problem", p}}));
  outcome.done = true;
  outcome.status = inner.status;
  outcome.problem = inner.problems.empty() ? "" : inner.problems[0];
  outcome.signers = std::move(inner.signers);
  return outcome;
}

VerifyStatus Verifier::checkCovers(const std::string& path, const SignatureBlock& block,
                                   const TrustedKey& entry, int depth, std::string* problem,
                                   VerifyResult* result) {
  auto fail = [&](VerifyStatus status, const std::string& what) {
    *problem = what;
    return status;
  };
  if (depth >= kMaxChainDepth)
    return fail(VerifyStatus::Malformed, tr("countersignature chain too deep"));
  const std::string dir =
      depth == 0 && !policy_.inputs_dir.empty() ? policy_.inputs_dir : dirName(path);
  VerifyStatus chain = VerifyStatus::Valid;
  for (const Cover& c : block.covers) {
    const std::string input = dir + "/" + c.name;
    std::string err, text;
    FileDigest digest;
    const TextArgs name = {{"name", c.name}};
    auto because = [&](const std::string& reason) {
      return tr("covered batch {name}: {reason}", {{"name", c.name}, {"reason", reason}});
    };
    if (!fileDigest(input, digestFor(block.algorithm), &digest, &err))
      return fail(VerifyStatus::Malformed, because(err));
    if (digest.hex != c.file_digest)
      return fail(VerifyStatus::BadSignature,
                  tr("covered batch {name} is not the one countersigned (its data differs)", name));
    std::vector<SignatureBlock> blocks;
    if (!readSmallFile(input + ".vsig", kMaxSignatureFile, &text, &err))
      return fail(VerifyStatus::Malformed, because(err));
    if (!parseSignatureFile(text, &blocks, &err))
      return fail(VerifyStatus::Malformed, tr("covered batch {name}.vsig: malformed: {reason}",
                                              {{"name", c.name}, {"reason", err}}));
    std::string raw;
    if (!digestBytes(digestFor(block.algorithm), blockDigestInput(blocks), &raw, &err))
      return fail(VerifyStatus::Malformed, err);
    if (toHex(raw) != c.block_digest)
      return fail(
          VerifyStatus::BadSignature,
          tr("covered batch {name} carries other signatures than those countersigned", name));
    const CoveredOutcome& outcome = verifyCovered(input, depth, result);
    if (!outcome.done || outcome.status == VerifyStatus::Malformed)
      return fail(VerifyStatus::Malformed, because(outcome.problem));
    if (outcome.status != VerifyStatus::Valid) {
      chain = worseStatus(chain, outcome.status);
      if (problem->empty())
        *problem =
            tr("a covered batch does not verify ({problem})", {{"problem", outcome.problem}});
      continue;
    }
    // A countersigner vouches only for batches of its own city (or province).
    for (const SignerResult& inner : outcome.signers)
      if (inner.status == VerifyStatus::Valid &&
          !unitWithin(entry.role, entry.unit, inner.owner_unit)) {
        chain = worseStatus(chain, VerifyStatus::Untrusted);
        if (problem->empty())
          *problem =
              tr("covered batch {name} is signed for unit {unit}, outside this key's unit "
                 "{key_unit} ({role})",
                 {{"name", c.name},
                  {"unit", inner.owner_unit},
                  {"key_unit", entry.unit},
                  {"role", entry.role}});
      }
  }
  return chain;
}

}  // namespace

VerifyStatus worseStatus(VerifyStatus a, VerifyStatus b) {
  return severity(a) >= severity(b) ? a : b;
}

VerifyStatus verifyFile(const std::string& path, const std::string& sig_path,
                        const TrustStore* trust, const VerifyPolicy& policy, VerifyResult* result) {
  *result = VerifyResult();
  Verifier verifier(trust, policy, policy.now >= 0 ? policy.now : currentUtcTime());
  return verifier.run(path, sig_path, 0, result);
}

bool mayVouchFor(const SignerResult& s, std::string_view unit) {
  return s.status == VerifyStatus::Valid && unitWithin(s.owner_role, s.owner_unit, unit);
}

std::string describeSigner(const SignerResult& s) {
  std::string name =
      s.owner.empty() || s.owner == s.signer
          ? s.signer
          : tr("{signer} [owner {owner}]", {{"signer", s.signer}, {"owner", s.owner}});
  const TextArgs args = {{"name", name},
                         {"role", s.role},
                         {"unit", s.owner_unit},
                         {"algorithm", s.algorithm == "sm2-sm3" ? "sm2" : s.algorithm},
                         {"key_id", s.key_id}};
  return s.owner_unit.empty() ? tr("{name} ({role}, {algorithm} key {key_id})", args)
                              : tr("{name} ({role}, unit {unit}, {algorithm} key {key_id})", args);
}

}  // namespace vetkit
