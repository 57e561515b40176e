// vetsign encrypt --to RECIPIENT.pub FILE [-o OUT]; vetsign decrypt -k KEY FILE.enc [-o OUT].
#include "crypt_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "core/text_catalogue.h"
#include "sign/envelope.h"
#include "sign/keys.h"
#include "sign/small_file.h"

namespace vetkit {

namespace {

const std::string kTool = "vetsign";
constexpr size_t kMaxKeyFile = 64 * 1024;

int fail(CryptStatus status, const std::string& message) {
  printError(kTool, message);
  return int(status);
}

// A .pub file of exactly one key (its fields, then the PEM public key).
std::unique_ptr<Key> loadRecipient(const std::string& path, std::string* err) {
  std::string text;
  std::vector<KeyFileEntry> entries;
  if (!readSmallFile(path, kMaxKeyFile, &text, err)) return nullptr;
  if (!parseKeyFile(text, &entries, err) || entries.size() != 1) {
    *err = path + ": " + (entries.size() > 1 ? tr("more than one key") : *err);
    return nullptr;
  }
  auto key = publicKeyFromPem(entries[0].pem, err);
  if (!key) *err = path + ": " + *err;
  if (key) key->signer = entries[0].field("signer");
  return key;
}

// The output named by -o, or the default beside the input, which is never replaced.
bool outputPath(const CryptCommands& c, bool encrypting, std::string* out, std::string* err) {
  if (!c.output.empty()) {
    *out = c.output;
    return true;
  }
  if (c.file == "-") {
    *out = "-";
    return true;
  }
  if (encrypting) {
    *out = c.file + ".enc";
  } else if (c.file.size() > 4 && c.file.ends_with(".enc")) {
    *out = c.file.substr(0, c.file.size() - 4);
  } else {
    *err = c.file + ": " + tr("does not end in .enc; name the output with -o");
    return false;
  }
  if (access(out->c_str(), F_OK) == 0) {
    *err = *out + ": " + tr("already exists; name the output with -o to replace it");
    return false;
  }
  return true;
}

}  // namespace

void addCryptCommands(CLI::App& app, CryptCommands* c, const std::string& footer) {
  c->encrypt = app.add_subcommand("encrypt",
                                  "Encrypt FILE so only the holder of RECIPIENT's key "
                                  "can read it (writes FILE.enc)");
  c->encrypt->add_option("--to", c->recipient, "The recipient's public key (NAME.pub)")
      ->required()
      ->type_name("RECIPIENT.pub");
  c->encrypt->add_option("file", c->file, "The file to encrypt (- for stdin)")
      ->required()
      ->type_name("FILE");
  c->encrypt->add_option("-o,--output", c->output, "Encrypted file (default FILE.enc; - stdout)")
      ->type_name("OUT");

  c->decrypt = app.add_subcommand("decrypt", "Decrypt FILE.enc with your private key");
  c->decrypt->add_option("-k,--key", c->key_path, "Your private key file")
      ->required()
      ->type_name("KEY");
  c->decrypt->add_option("file", c->file, "The encrypted file (- for stdin)")
      ->required()
      ->type_name("FILE.enc");
  c->decrypt
      ->add_option("-o,--output", c->output, "Decrypted file (default FILE without .enc; - stdout)")
      ->type_name("OUT");
  c->decrypt
      ->add_option("--passphrase-file", c->passphrase_file, "Passphrase of the key, first line")
      ->type_name("FILE");
  for (CLI::App* cmd : {c->encrypt, c->decrypt}) {
    addCommonOptions(*cmd, &c->common, kOptQuiet | kOptLang);
    cmd->footer(footer);
  }
}

int CryptCommands::run() {
  const bool encrypting = encrypt->parsed();
  std::string err, out_path;
  if (!outputPath(*this, encrypting, &out_path, &err)) return fail(CryptStatus::Trouble, err);
  std::unique_ptr<Key> key;
  if (encrypting) {
    key = loadRecipient(recipient, &err);
  } else {
    std::string passphrase;
    if (!passphrase_file.empty() && readSmallFile(passphrase_file, 4096, &passphrase, &err))
      passphrase.resize(std::min(passphrase.size(), passphrase.find('\n')));
    if (err.empty()) key = loadPrivateKey(key_path, passphrase, &err);
    wipeSecret(&passphrase);
  }
  if (!key) return fail(CryptStatus::Trouble, err);
  CryptStatus status = encrypting ? encryptFile(*key, file, out_path, &err)
                                  : decryptFile(*key, file, out_path, &err);
  if (status != CryptStatus::Ok) return fail(status, err);
  if (common.quiet || out_path == "-") return 0;
  const TextArgs args = {{"out", out_path},
                         {"signer", key->signer},
                         {"algorithm", keyAlgorithmName(key->algorithm())},
                         {"key_id", key->keyId()}};
  const bool named = !key->signer.empty();
  std::string line =
      encrypting ? (named ? tr("{out}: encrypted to {signer}'s {algorithm} key {key_id}", args)
                          : tr("{out}: encrypted to the {algorithm} key {key_id}", args))
                 : (named ? tr("{out}: decrypted with {signer}'s {algorithm} key {key_id}", args)
                          : tr("{out}: decrypted with the {algorithm} key {key_id}", args));
  std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace vetkit
