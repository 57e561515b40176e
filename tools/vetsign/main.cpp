// vetsign: a county's, city's or province's seal on a batch, in digital form.
static const char kUsage[] =
    R"(Sign batches and verify who made them and that nothing changed since (SM2 with SM3 by
default, or Ed25519). An integrity and origin control, not a legal electronic seal.
Subcommands: keygen, sign, countersign, verify; `vetsign SUBCOMMAND --help` for each.

Of the options common to the tools, each subcommand has -q and --version, and -o names the
key pair (keygen) or the signature file (sign, countersign). vetsign signs and checks bytes,
whatever they hold, and prints no values of records, so --schema, --format, --lang and
--no-mask have no meaning for it; its messages are in English.

Examples:
  vetsign keygen --signer 娄星区民政局 --role county -o 娄星区          # 娄星区.key, 娄星区.pub
  vetsign sign -k 娄星区.key 娄星区.jsonl                              # writes 娄星区.jsonl.vsig
  vetsign verify --trusted trusted/ --require county 娄星区.jsonl
  vetsign countersign -k 娄底市.key --covers 娄星区.jsonl --covers 双峰县.jsonl 娄底市.jsonl
  vetsign verify --trusted trusted/ --require city 娄底市.jsonl  # and the batches it covers
)";

// vetsign's codes before the footer every tool ends its --help with.
static const char kSignExitHelp[] =
    "In vetsign a finding (1) is a bad signature or changed data, and trouble (2) includes a "
    "malformed signature file; verify adds 3, valid but the key unknown, expired or revoked, "
    "and 4, a required signer missing.\n";

#include <cstdio>

#include "cli/common.h"
#include "crypt_commands.h"
#include "sign/keys.h"
#include "sign/selftest.h"
#include "sign/sign.h"
#include "sign/small_file.h"
#include "sign/utc_time.h"
#include "sign/verify.h"

using namespace vetkit;

namespace {

const std::string kTool = "vetsign";

struct Options {
  CommonOptions common;
  std::string output, key_path, passphrase_file, algorithm = "sm2", at, inputs_dir, signature;
  std::string file, keygen_role = "county";
  std::vector<std::string> trusted, required, covers;
  SignOptions sign;
  bool no_chain = false;
};

int fail(VerifyStatus status, const std::string& message) {
  printError(kTool, message);
  return int(status);
}

// The first line of the passphrase file; the copy is wiped by the caller.
bool readPassphrase(const std::string& path, std::string* passphrase, std::string* err) {
  if (path.empty()) return true;
  if (!readSmallFile(path, 4096, passphrase, err)) return false;
  passphrase->resize(std::min(passphrase->size(), passphrase->find('\n')));
  if (passphrase->empty()) *err = path + ": empty passphrase";
  return !passphrase->empty();
}

bool loadTrust(const Options& o, TrustStore* trust, std::string* err) {
  for (const std::string& path : o.trusted)
    if (!trust->load(path, err)) return false;
  return true;
}

int keygen(Options& o) {
  KeyAlgorithm algorithm;
  parseKeyAlgorithm(o.algorithm, &algorithm);
  std::string err, passphrase;
  if (!readPassphrase(o.passphrase_file, &passphrase, &err))
    return fail(VerifyStatus::Malformed, err);
  std::unique_ptr<Key> key = generateKey(algorithm, &err);
  if (key) {
    key->signer = o.sign.signer;
    key->role = o.keygen_role;
  }
  bool ok = key && writeKeyPair(*key, o.output, passphrase, &err);
  wipeSecret(&passphrase);
  if (!ok) return fail(VerifyStatus::Malformed, err);
  if (!o.common.quiet)
    std::printf("%s.key, %s.pub: %s key %s for %s (%s)\n", o.output.c_str(), o.output.c_str(),
                o.algorithm.c_str(), key->keyId().c_str(), key->signer.c_str(), key->role.c_str());
  return 0;
}

int sign(Options& o) {
  std::string err, passphrase;
  if (!readPassphrase(o.passphrase_file, &passphrase, &err))
    return fail(VerifyStatus::Malformed, err);
  std::unique_ptr<Key> key = loadPrivateKey(o.key_path, passphrase, &err);
  wipeSecret(&passphrase);
  if (!key) return fail(VerifyStatus::Malformed, err);
  TrustStore trust;
  if (!loadTrust(o, &trust, &err)) return fail(VerifyStatus::Malformed, err);
  o.sign.covers = o.covers;
  o.sign.trust = o.trusted.empty() ? nullptr : &trust;
  SignatureBlock block;
  VerifyStatus status = signFile(o.file, o.output, *key, o.sign, &block, &err);
  if (status != VerifyStatus::Valid) return fail(status, err);
  if (!o.common.quiet)
    std::printf("%s: signed by %s (%s, %s key %s)%s\n",
                (o.output.empty() ? o.file + ".vsig" : o.output).c_str(), block.signer.c_str(),
                block.role.c_str(), keyAlgorithmName(block.algorithm), block.key_id.c_str(),
                block.covers.empty()
                    ? ""
                    : (", covering " + std::to_string(block.covers.size()) + " batches").c_str());
  return 0;
}

int verify(Options& o) {
  std::string err;
  TrustStore trust;
  if (!loadTrust(o, &trust, &err)) return fail(VerifyStatus::Malformed, err);
  VerifyPolicy policy;
  policy.required_roles = o.required;
  policy.check_chain = !o.no_chain;
  policy.inputs_dir = o.inputs_dir;
  if (!o.at.empty() && !parseUtcTime(o.at, &policy.now))
    return fail(VerifyStatus::Malformed, "--at: not a date or time: " + o.at);
  VerifyResult result;
  VerifyStatus status =
      verifyFile(o.file, o.signature, o.trusted.empty() ? nullptr : &trust, policy, &result);
  for (const SignerResult& s : result.signers)
    if (s.status == VerifyStatus::Valid && !o.common.quiet)
      std::printf("%s: good signature by %s, signed %s\n", o.file.c_str(),
                  describeSigner(s).c_str(), s.signed_at.c_str());
  for (const std::string& problem : result.problems) printError(kTool, problem);
  return int(status);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetsign");
  const std::string kExitHelp = std::string(kSignExitHelp) + kExitStatusHelp;
  Options o;
  addCommonOptions(app, &o.common, 0);
  app.footer(kExitHelp);
  app.require_subcommand(1);

  CLI::App* keygen_cmd =
      app.add_subcommand("keygen", "Make a key pair: NAME.key (0600) and NAME.pub");
  keygen_cmd->add_option("--signer", o.sign.signer, "Who signs with it, e.g. 娄星区民政局")
      ->required();
  keygen_cmd->add_option("--role", o.keygen_role, "county, city or province")
      ->check(CLI::IsMember({"county", "city", "province"}))
      ->capture_default_str();
  keygen_cmd->add_option("--algorithm", o.algorithm, "sm2 (with SM3) or ed25519")
      ->check(CLI::IsMember({"sm2", "ed25519"}))
      ->capture_default_str();
  keygen_cmd->add_option("-o,--output", o.output, "Base NAME of the two files (never overwritten)")
      ->required()
      ->type_name("NAME");

  CLI::App* sign_cmd = app.add_subcommand("sign", "Append a signature block to FILE.vsig");
  CLI::App* counter_cmd =
      app.add_subcommand("countersign", "Sign a merged batch together with the batches it covers");
  for (CLI::App* cmd : {sign_cmd, counter_cmd}) {
    cmd->add_option("-k,--key", o.key_path, "Private key file")->required()->type_name("KEY");
    cmd->add_option("file", o.file, "The batch to sign")->required()->type_name("FILE");
    cmd->add_option("-o,--output", o.output, "Signature file (default FILE.vsig)")
        ->type_name("SIG");
    cmd->add_option("--signer", o.sign.signer, "Signer's name (default: from the key file)");
    cmd->add_option("--role", o.sign.role, "county, city or province (default: from the key file)")
        ->check(CLI::IsMember({"county", "city", "province"}));
    cmd->add_option("--sm2-id", o.sign.sm2_id, "SM2 distinguishing ID")->capture_default_str();
    cmd->add_option("--comment", o.sign.comment, "Untrusted comment beside the block");
  }
  counter_cmd->add_option("--covers", o.covers, "An input batch (with its .vsig); repeat")
      ->required()
      ->type_name("BATCH")
      ->allow_extra_args(false);
  counter_cmd->add_option("--trusted", o.trusted, "Covered batches must verify against DIR|FILE")
      ->type_name("DIR|FILE")
      ->allow_extra_args(false);
  for (CLI::App* cmd : {keygen_cmd, sign_cmd, counter_cmd}) {
    cmd->add_option("--passphrase-file", o.passphrase_file, "Passphrase of the key, first line")
        ->type_name("FILE");
    addCommonOptions(*cmd, &o.common, kOptQuiet);
    cmd->footer(kExitHelp);
  }

  CLI::App* verify_cmd = app.add_subcommand("verify", "Check FILE against FILE.vsig");
  verify_cmd->add_option("file", o.file, "The signed batch")->required()->type_name("FILE");
  verify_cmd->add_option("signature", o.signature, "Signature file (default FILE.vsig)")
      ->type_name("SIG");
  verify_cmd->add_option("--trusted", o.trusted, "Trust store: a file of keys or a DIR of *.pub")
      ->type_name("DIR|FILE")
      ->allow_extra_args(false);
  verify_cmd->add_option("--require", o.required, "Roles that must have signed (twice: two keys)")
      ->delimiter(',')
      ->check(CLI::IsMember({"county", "city", "province"}))
      ->type_name("ROLE[,ROLE]")
      ->allow_extra_args(false);
  verify_cmd->add_option("--at", o.at, "Judge key validity at TIME (default now)")
      ->type_name("TIME");
  verify_cmd
      ->add_option("--inputs", o.inputs_dir, "Where covered batches are (default: beside FILE)")
      ->type_name("DIR");
  verify_cmd->add_flag("--no-chain", o.no_chain,
                       "Do not verify the batches a countersignature covers");
  addCommonOptions(*verify_cmd, &o.common, kOptQuiet);
  verify_cmd->footer(kExitHelp);

  CryptCommands crypt;
  addCryptCommands(app, &crypt, kExitHelp);

  return runTool(app, argc, argv, [&]() -> int {
    std::string err;
    if (!runSelfTest(&err)) return fail(VerifyStatus::Malformed, "self test: " + err);
    if (keygen_cmd->parsed()) return keygen(o);
    if (crypt.parsed()) return crypt.run();
    if (verify_cmd->parsed()) return verify(o);
    return sign(o);
  });
}
