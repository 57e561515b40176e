#include "sign/commands.h"

#include <algorithm>

#include "core/text_catalogue.h"
#include "sign/small_file.h"
#include "sign/utc_time.h"

namespace vetkit {

namespace {

CommandOutcome failed(VerifyStatus status, const std::string& problem) {
  CommandOutcome out;
  out.status = status;
  out.problems.push_back(problem);
  return out;
}

// The first line of the passphrase file; the caller wipes the copy.
bool readPassphrase(const std::string& path, std::string* passphrase, std::string* err) {
  if (path.empty()) return true;
  if (!readSmallFile(path, 4096, passphrase, err)) return false;
  passphrase->resize(std::min(passphrase->size(), passphrase->find('\n')));
  if (passphrase->empty()) *err = path + ": " + tr("empty passphrase");
  return !passphrase->empty();
}

}  // namespace

bool loadTrustStores(const std::vector<std::string>& paths, TrustStore* trust, std::string* err) {
  for (const std::string& path : paths)
    if (!trust->load(path, err)) return false;
  return true;
}

CommandOutcome runKeygen(const KeygenRequest& r) {
  const VerifyStatus trouble = VerifyStatus::Malformed;
  KeyAlgorithm algorithm;
  std::string err, passphrase;
  if (!parseKeyAlgorithm(r.algorithm, &algorithm))
    return failed(trouble, tr("unknown algorithm '{algorithm}' (sm2 or ed25519)",
                              {{"algorithm", r.algorithm}}));
  // Checked before anything is generated, so a bad --signer never reaches a file.
  if (!checkKeyIdentity(r.signer, r.role, r.unit, &err)) return failed(trouble, err);
  if (!readPassphrase(r.passphrase_file, &passphrase, &err)) return failed(trouble, err);
  std::unique_ptr<Key> key = generateKey(algorithm, &err);
  if (key) {
    key->signer = r.signer;
    key->role = r.role;
    key->unit = r.unit;
  }
  bool ok = key && writeKeyPair(*key, r.base, passphrase, &err);
  wipeSecret(&passphrase);
  if (!ok) return failed(trouble, err);
  CommandOutcome out;
  out.lines.push_back(tr("{key}, {pub}: {algorithm} key {key_id} for {signer} ({role} {unit})",
                         {{"key", r.base + ".key"},
                          {"pub", r.base + ".pub"},
                          {"algorithm", r.algorithm},
                          {"key_id", key->keyId()},
                          {"signer", r.signer},
                          {"role", r.role},
                          {"unit", r.unit}}));
  return out;
}

CommandOutcome runSign(SignRequest r) {
  std::string err, passphrase;
  if (!readPassphrase(r.passphrase_file, &passphrase, &err))
    return failed(VerifyStatus::Malformed, err);
  std::unique_ptr<Key> key = loadPrivateKey(r.key_path, passphrase, &err);
  wipeSecret(&passphrase);
  if (!key) return failed(VerifyStatus::Malformed, err);
  TrustStore trust;
  if (!loadTrustStores(r.trusted, &trust, &err)) return failed(VerifyStatus::Malformed, err);
  r.options.trust = r.trusted.empty() ? nullptr : &trust;
  SignatureBlock block;
  VerifyStatus status = signFile(r.file, r.output, *key, r.options, &block, &err);
  if (status != VerifyStatus::Valid) return failed(status, err);
  CommandOutcome out;
  const TextArgs args = {{"sig", r.output.empty() ? r.file + ".vsig" : r.output},
                         {"signer", block.signer},
                         {"role", block.role},
                         {"algorithm", keyAlgorithmName(block.algorithm)},
                         {"key_id", block.key_id},
                         {"count", std::to_string(block.covers.size())}};
  out.lines.push_back(
      block.covers.empty()
          ? tr("{sig}: signed by {signer} ({role}, {algorithm} key {key_id})", args)
          : tr("{sig}: signed by {signer} ({role}, {algorithm} key {key_id}), covering {count} "
               "batches",
               args));
  return out;
}

CommandOutcome runVerify(const VerifyRequest& r) {
  std::string err;
  TrustStore trust;
  if (!loadTrustStores(r.trusted, &trust, &err)) return failed(VerifyStatus::Malformed, err);
  VerifyPolicy policy = r.policy;
  if (!r.at.empty() && !parseUtcTime(r.at, &policy.now))
    return failed(VerifyStatus::Malformed, tr("--at: not a date or time: {at}", {{"at", r.at}}));
  // A unit vouched for is a 6-digit code; a county key's check of its own code tests that.
  if (!policy.unit.empty() && !unitWithin("county", policy.unit, policy.unit))
    return failed(VerifyStatus::Malformed,
                  tr("--unit: not a 6-digit GB/T 2260 code: {unit}", {{"unit", policy.unit}}));
  VerifyResult result;
  CommandOutcome out;
  out.status =
      verifyFile(r.file, r.signature, r.trusted.empty() ? nullptr : &trust, policy, &result);
  for (const SignerResult& s : result.signers)
    if (s.status == VerifyStatus::Valid)
      out.lines.push_back(
          tr("{file}: good signature by {signer}, signed {time}",
             {{"file", r.file}, {"signer", describeSigner(s)}, {"time", s.signed_at}}));
  out.problems = std::move(result.problems);
  return out;
}

}  // namespace vetkit
