// vetsign: a county's, city's or province's seal on a batch, in digital form.
static const char kUsage[] =
    R"(Sign batches and verify who made them and that nothing changed since (SM2 with SM3 by
default, or Ed25519). An integrity and origin control, not a legal electronic seal.
Subcommands: keygen, sign, countersign, verify; `vetsign SUBCOMMAND --help` for each.

Of the options common to the tools, each subcommand has -q, --lang and --version, and -o
names the key pair (keygen) or the signature file (sign, countersign). vetsign signs and
checks bytes, whatever they hold, and prints no values of records, so --schema, --format and
--no-mask have no meaning for it.

Examples:
  vetsign keygen --signer 娄星区民政局 --role county --unit 431302 -o 娄星区  # .key and .pub
  vetsign sign -k 娄星区.key 娄星区.jsonl                              # writes 娄星区.jsonl.vsig
  vetsign verify --trusted trusted/ --require county --unit 431302 娄星区.jsonl
  vetsign countersign -k 娄底市.key --covers 娄星区.jsonl --covers 双峰县.jsonl 娄底市.jsonl
  vetsign verify --trusted trusted/ --require city 娄底市.jsonl  # and the batches it covers
)";

// vetsign's codes before the footer every tool ends its --help with.
static const char kSignExitHelp[] =
    "In vetsign a finding (1) is a bad signature or changed data, and trouble (2) includes a "
    "malformed signature or key file; verify adds 3, valid but the key unknown, expired, "
    "revoked or used beyond its role or unit, and 4, a required role without a good signature "
    "by a trusted key.\n";

#include <cstdio>

#include "cli/common.h"
#include "crypt_commands.h"
#include "sign/commands.h"
#include "sign/selftest.h"

using namespace vetkit;

namespace {

const std::string kTool = "vetsign";
const std::vector<std::string> kRoles = {"county", "city", "province"};

struct Options {
  CommonOptions common;
  KeygenRequest keygen;
  SignRequest sign;
  VerifyRequest verify;
};

int report(const Options& o, const CommandOutcome& out) {
  if (!o.common.quiet)
    for (const std::string& line : out.lines) std::printf("%s\n", line.c_str());
  for (const std::string& problem : out.problems) printError(kTool, problem);
  return int(out.status);
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
  keygen_cmd->add_option("--signer", o.keygen.signer, "Who signs with it, e.g. 娄星区民政局")
      ->required();
  keygen_cmd->add_option("--role", o.keygen.role, "county, city or province")
      ->check(CLI::IsMember(kRoles))
      ->required();
  keygen_cmd->add_option("--unit", o.keygen.unit, "GB/T 2260 code it vouches for, e.g. 431302")
      ->required()
      ->type_name("CODE");
  keygen_cmd->add_option("--algorithm", o.keygen.algorithm, "sm2 (with SM3) or ed25519")
      ->check(CLI::IsMember({"sm2", "ed25519"}))
      ->capture_default_str();
  keygen_cmd
      ->add_option("-o,--output", o.keygen.base, "Base NAME of the two files (never overwritten)")
      ->required()
      ->type_name("NAME");
  keygen_cmd->add_option("--passphrase-file", o.keygen.passphrase_file, "Passphrase, first line")
      ->type_name("FILE");

  CLI::App* sign_cmd = app.add_subcommand("sign", "Append a signature block to FILE.vsig");
  CLI::App* counter_cmd =
      app.add_subcommand("countersign", "Sign a merged batch together with the batches it covers");
  SignOptions& so = o.sign.options;
  for (CLI::App* cmd : {sign_cmd, counter_cmd}) {
    cmd->add_option("-k,--key", o.sign.key_path, "Private key file (mode 0600)")
        ->required()
        ->type_name("KEY");
    cmd->add_option("file", o.sign.file, "The batch to sign")->required()->type_name("FILE");
    cmd->add_option("-o,--output", o.sign.output, "Signature file (default FILE.vsig)")
        ->type_name("SIG");
    cmd->add_option("--signer", so.signer, "Signer's name (default: from the key file)");
    cmd->add_option("--role", so.role, "county, city or province (default: from the key file)")
        ->check(CLI::IsMember(kRoles));
    cmd->add_option("--sm2-id", so.sm2_id, "SM2 distinguishing ID")->capture_default_str();
    cmd->add_option("--comment", so.comment, "Untrusted comment beside the block");
    cmd->add_option("--passphrase-file", o.sign.passphrase_file, "Passphrase, first line")
        ->type_name("FILE");
  }
  counter_cmd->add_option("--covers", so.covers, "An input batch (with its .vsig); repeat")
      ->required()
      ->type_name("BATCH")
      ->allow_extra_args(false);
  counter_cmd->add_option("--trusted", o.sign.trusted, "Covered batches must verify against it")
      ->type_name("DIR|FILE")
      ->allow_extra_args(false);

  CLI::App* verify_cmd = app.add_subcommand("verify", "Check FILE against FILE.vsig");
  VerifyPolicy& policy = o.verify.policy;
  verify_cmd->add_option("file", o.verify.file, "The signed batch")->required()->type_name("FILE");
  verify_cmd->add_option("signature", o.verify.signature, "Signature file (default FILE.vsig)")
      ->type_name("SIG");
  verify_cmd->add_option("--trusted", o.verify.trusted, "Trust store: a file or a DIR of *.pub")
      ->type_name("DIR|FILE")
      ->allow_extra_args(false);
  verify_cmd->add_option("--require", policy.required_roles, "Roles that must have signed")
      ->delimiter(',')
      ->check(CLI::IsMember(kRoles))
      ->type_name("ROLE[,ROLE]")
      ->allow_extra_args(false);
  verify_cmd->add_option("--unit", policy.unit, "Count only keys that may vouch for unit CODE")
      ->type_name("CODE");
  verify_cmd->add_option("--at", o.verify.at, "Judge key validity at TIME (default now)")
      ->type_name("TIME");
  verify_cmd->add_option("--inputs", policy.inputs_dir, "Where covered batches are")
      ->type_name("DIR");
  verify_cmd->add_flag("--no-chain{false}", policy.check_chain,
                       "Do not verify the batches a countersignature covers");
  for (CLI::App* cmd : {keygen_cmd, sign_cmd, counter_cmd, verify_cmd}) {
    addCommonOptions(*cmd, &o.common, kOptQuiet | kOptLang);
    cmd->footer(kExitHelp);
  }
  CryptCommands crypt;
  addCryptCommands(app, &crypt, kExitHelp);

  return runTool(app, argc, argv, [&]() -> int {
    (crypt.parsed() ? crypt.common : o.common).speak();  // before any message
    std::string err;
    if (!runSelfTest(&err)) return report(o, {VerifyStatus::Malformed, {}, {err}});
    if (keygen_cmd->parsed()) return report(o, runKeygen(o.keygen));
    if (crypt.parsed()) return crypt.run();
    if (verify_cmd->parsed()) return report(o, runVerify(o.verify));
    return report(o, runSign(o.sign));
  });
}
