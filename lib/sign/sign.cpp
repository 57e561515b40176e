#include "sign/sign.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/atomic_file.h"
#include "core/path.h"
#include "core/text_catalogue.h"
#include "sign/small_file.h"
#include "sign/utc_time.h"

namespace vetkit {

namespace {

// Fills `cover` for one input batch after checking that it verifies: a countersignature must
// never vouch for a batch that is already broken.
VerifyStatus coverInput(const std::string& input, const SignOptions& options,
                        DigestAlgorithm algorithm, Cover* cover, std::string* err) {
  VerifyResult checked;
  VerifyStatus status = verifyFile(input, "", options.trust, VerifyPolicy(), &checked);
  // Without a trust store every key is unknown; that is the caller's choice, not a fault.
  if (status == VerifyStatus::Untrusted && !options.trust) status = VerifyStatus::Valid;
  if (status != VerifyStatus::Valid) {
    *err = tr("will not countersign: {problem}",
              {{"problem", checked.problems.empty() ? input + ": " + tr("does not verify")
                                                    : checked.problems[0]}});
    return status;
  }
  FileDigest digest;
  std::string text, raw;
  std::vector<SignatureBlock> blocks;
  if (!digestFile(algorithm, input, &digest, err) ||
      !readSmallFile(input + ".vsig", kMaxSignatureFile, &text, err) ||
      !parseSignatureFile(text, &blocks, err) ||
      !digestBytes(algorithm, blockDigestInput(blocks), &raw, err))
    return VerifyStatus::Malformed;
  cover->file_digest = digest.hex;
  cover->block_digest = toHex(raw);
  cover->name = baseName(input);
  return VerifyStatus::Valid;
}

bool isPlainText(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

VerifyStatus signFile(const std::string& path, const std::string& sig_path, const Key& key,
                      const SignOptions& options, SignatureBlock* made, std::string* err) {
  const std::string sig = sig_path.empty() ? path + ".vsig" : sig_path;
  const VerifyStatus trouble = VerifyStatus::Malformed;
  SignatureBlock block;
  block.algorithm = key.algorithm();
  block.key_id = key.keyId();
  block.sm2_id = key.algorithm() == KeyAlgorithm::Sm2 ? options.sm2_id : "";
  block.public_key = key.publicDer();
  block.signer = options.signer.empty() ? key.signer : options.signer;
  block.role = options.role.empty() ? key.role : options.role;
  block.file = baseName(path);
  block.comment = options.comment;
  if (!key.isPrivate()) return *err = tr("signing needs a private key"), trouble;
  if (block.signer.empty() || block.signer.size() > 256 || !isPlainText(block.signer))
    return *err = tr("the signer's name is missing or too long (give --signer)"), trouble;
  if (!isKnownRole(block.role))
    return *err = tr("unknown role '{role}' (county, city or province)", {{"role", block.role}}),
           trouble;
  if (block.algorithm == KeyAlgorithm::Sm2 &&
      (block.sm2_id.empty() || block.sm2_id.size() > 64 || !isPlainText(block.sm2_id)))
    return *err = tr("the SM2 ID must be 1 to 64 characters"), trouble;
  if (!isPlainText(block.comment) || block.comment.size() > 1024)
    return *err = tr("the comment must be one line of at most 1024 bytes"), trouble;

  // An existing signature file gets the new block appended, so it must be sound and about
  // this very data. A target that is not a regular file (/dev/null, a FIFO) holds none.
  std::string existing;
  std::vector<SignatureBlock> blocks;
  struct stat st;
  if (::stat(sig.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    if (!readSmallFile(sig, kMaxSignatureFile, &existing, err)) return trouble;
    if (!parseSignatureFile(existing, &blocks, err))
      return *err = sig + ": " + tr("malformed, not appending to it: {reason}", {{"reason", *err}}),
             trouble;
  }
  for (const SignatureBlock& b : blocks)
    if (b.key_id == key.keyId())
      return *err = sig + ": " +
                    tr("already signed with key {key_id} by {signer}",
                       {{"key_id", key.keyId()}, {"signer", b.signer}}),
             trouble;

  FileDigest digest;
  if (!digestFile(digestFor(block.algorithm), path, &digest, err)) return trouble;
  for (const SignatureBlock& b : blocks)
    if (b.size != digest.size || (b.algorithm == block.algorithm && b.digest != digest.hex))
      return *err = path + ": " +
                    tr("changed since {signer} signed it; {sig} no longer matches",
                       {{"signer", b.signer}, {"sig", sig}}),
             VerifyStatus::BadSignature;
  block.size = digest.size;
  block.digest = digest.hex;
  block.signed_at = formatUtcTime(options.now >= 0 ? options.now : currentUtcTime());

  std::set<std::string> names, digests;
  for (const std::string& input : options.covers) {
    Cover cover;
    VerifyStatus status = coverInput(input, options, digestFor(block.algorithm), &cover, err);
    if (status != VerifyStatus::Valid) return status;
    if (!names.insert(cover.name).second)
      return *err = tr("two covered batches are named {name}", {{"name", cover.name}}), trouble;
    if (!digests.insert(cover.file_digest).second)
      return *err = tr("covered batch {name} is covered twice (same data)", {{"name", cover.name}}),
             trouble;
    block.covers.push_back(cover);
  }

  block.header = formatHeader(block);
  if (!signMessage(key, block.sm2_id, signedBytes(block), &block.signature, err)) return trouble;
  // Checked the way a verifier will: from the block's own bytes, with the public key alone.
  std::string text = formatBlock(block);
  std::vector<SignatureBlock> reread;
  std::unique_ptr<Key> pub;
  if (!parseSignatureFile(text, &reread, err) || reread.size() != 1 ||
      !(pub = publicKeyFromDer(reread[0].public_key, err)) ||
      !verifyMessage(*pub, reread[0].sm2_id, signedBytes(reread[0]), reread[0].signature, err))
    return *err = tr("the new signature does not verify; nothing written ({reason})",
                     {{"reason", *err}}),
           trouble;

  AtomicFile out;
  if (!out.open(sig, err)) return trouble;
  out.write(existing);
  if (!existing.empty()) out.write("\n");
  out.write(text);
  if (!out.commit(err)) return trouble;
  if (made) *made = std::move(block);
  return VerifyStatus::Valid;
}

}  // namespace vetkit
