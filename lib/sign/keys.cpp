#include "sign/keys.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "core/text_catalogue.h"
#include "sign/ossl_ptr.h"
#include "sign/small_file.h"

namespace vetkit {

namespace {

using ossl::BioPtr;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

constexpr size_t kMaxKeyFile = 64 * 1024;

// OpenSSL's reason for the last failure, so messages say more than "failed".
std::string opensslReason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (!code) return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return tr(" ({reason})", {{"reason", text}});
}

// Identifies the algorithm by what the key is, not by its curve: an EC key on the SM2 curve
// would sign as ECDSA, so it is refused.
bool keyAlgorithmOf(EVP_PKEY* pkey, KeyAlgorithm* algorithm, std::string* err) {
  if (EVP_PKEY_is_a(pkey, "SM2")) {
    *algorithm = KeyAlgorithm::Sm2;
  } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
    *algorithm = KeyAlgorithm::Ed25519;
  } else {
    *err = tr("unsupported key type {type} (vetsign uses SM2 or Ed25519 keys)",
              {{"type", EVP_PKEY_get0_type_name(pkey)}});
    return false;
  }
  return true;
}

std::unique_ptr<Key> wrap(PkeyPtr pkey, bool is_private, std::string* err) {
  KeyAlgorithm algorithm;
  if (!keyAlgorithmOf(pkey.get(), &algorithm, err)) return nullptr;
  return std::make_unique<Key>(std::move(pkey), algorithm, is_private);
}

// Returns the passphrase given through `u`, and never prompts on a terminal: a key that needs
// a passphrase nobody gave simply fails to load.
int passphraseCallback(char* buf, int size, int /*rwflag*/, void* u) {
  auto* pass = static_cast<std::string_view*>(u);
  if (!pass || pass->empty() || pass->size() > size_t(size)) return -1;
  std::memcpy(buf, pass->data(), pass->size());
  return int(pass->size());
}

// Fields written before the PEM block of both key files.
std::string keyFields(const Key& key) {
  std::string out;
  if (!key.signer.empty()) out += "signer: " + key.signer + "\n";
  if (!key.role.empty()) out += "role: " + key.role + "\n";
  if (!key.unit.empty()) out += "unit: " + key.unit + "\n";
  out += std::string("algorithm: ") + keyAlgorithmName(key.algorithm()) + "\n";
  out += "key-id: " + key.keyId() + "\n";
  return out;
}

bool isDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool checkKeyIdentity(std::string_view signer, std::string_view role, std::string_view unit,
                      std::string* err) {
  auto fail = [err](const std::string& what) {
    *err = what;
    return false;
  };
  if (signer.empty() || signer.size() > 256)
    return fail(tr("the signer's name must be 1 to 256 bytes"));
  for (unsigned char c : signer)
    if (c < 0x20 || c == 0x7f)
      return fail(tr("the signer's name may not hold control characters or line breaks"));
  const int level = role == "county" ? 0 : role == "city" ? 1 : role == "province" ? 2 : -1;
  if (level < 0)
    return fail(
        tr("role must be county, city or province, not '{role}'", {{"role", std::string(role)}}));
  if (unit.size() != 6 || !isDigits(unit) || unit.starts_with("00"))
    return fail(
        tr("unit must be a 6-digit GB/T 2260 code, not '{unit}'", {{"unit", std::string(unit)}}));
  // A county's code names a county (431302), a city's ends in 00 (431300), a province's in 0000.
  const bool fits = level == 0   ? unit.substr(4) != "00"
                    : level == 1 ? unit.substr(4) == "00" && unit.substr(2, 2) != "00"
                                 : unit.substr(2) == "0000";
  const TextArgs args = {{"unit", std::string(unit)}};
  if (!fits)
    return fail(level == 0   ? tr("unit {unit} is not the code of a county", args)
                : level == 1 ? tr("unit {unit} is not the code of a city", args)
                             : tr("unit {unit} is not the code of a province", args));
  return true;
}

void wipeSecret(std::string* secret) {
  OPENSSL_cleanse(secret->data(), secret->size());
  secret->clear();
}

void PkeyFree::operator()(evp_pkey_st* p) const {
  EVP_PKEY_free(p);
}

const char* keyAlgorithmName(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::Sm2 ? "sm2" : "ed25519";
}

bool parseKeyAlgorithm(std::string_view name, KeyAlgorithm* algorithm) {
  if (name == "sm2")
    *algorithm = KeyAlgorithm::Sm2;
  else if (name == "ed25519")
    *algorithm = KeyAlgorithm::Ed25519;
  else
    return false;
  return true;
}

const char* signatureAlgorithmName(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::Sm2 ? "sm2-sm3" : "ed25519";
}

bool parseSignatureAlgorithm(std::string_view name, KeyAlgorithm* algorithm) {
  if (name == "sm2-sm3")
    *algorithm = KeyAlgorithm::Sm2;
  else if (name == "ed25519")
    *algorithm = KeyAlgorithm::Ed25519;
  else
    return false;
  return true;
}

DigestAlgorithm digestFor(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::Sm2 ? DigestAlgorithm::Sm3 : DigestAlgorithm::Sha512;
}

Key::Key(std::unique_ptr<evp_pkey_st, PkeyFree> pkey, KeyAlgorithm algorithm, bool is_private)
    : pkey_(std::move(pkey)), algorithm_(algorithm), is_private_(is_private) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &der);
  if (len > 0) {
    public_der_.assign(reinterpret_cast<char*>(der), size_t(len));
    OPENSSL_free(der);
  }
  std::string raw, err;
  if (digestBytes(digestFor(algorithm_), public_der_, &raw, &err))
    key_id_ = toHex(raw.substr(0, 8));
}

std::unique_ptr<Key> generateKey(KeyAlgorithm algorithm, std::string* err) {
  PkeyPtr pkey(
      EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm == KeyAlgorithm::Sm2 ? "SM2" : "ED25519"));
  if (!pkey) {
    *err = tr("cannot generate an {algorithm} key", {{"algorithm", keyAlgorithmName(algorithm)}}) +
           opensslReason();
    return nullptr;
  }
  auto key = wrap(std::move(pkey), true, err);
  if (key && key->keyId().empty()) *err = tr("cannot compute the key id"), key.reset();
  return key;
}

bool writeKeyPair(const Key& key, const std::string& base, std::string_view passphrase,
                  std::string* err) {
  const std::string key_path = base + ".key", pub_path = base + ".pub";
  if (!checkKeyIdentity(key.signer, key.role, key.unit, err)) return false;
  if (access(key_path.c_str(), F_OK) == 0 || access(pub_path.c_str(), F_OK) == 0) {
    *err = (access(key_path.c_str(), F_OK) == 0 ? key_path : pub_path) + ": " +
           tr("already exists, not overwritten");
    return false;
  }
  // The secret PEM lives only in OpenSSL's secure heap, which is wiped when freed.
  BioPtr secret(BIO_new(BIO_s_secmem()));
  std::string fields = keyFields(key);
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_sm4_cbc();
  if (!secret || BIO_write(secret.get(), fields.data(), int(fields.size())) != int(fields.size()) ||
      PEM_write_bio_PKCS8PrivateKey(secret.get(), key.get(), cipher, passphrase.data(),
                                    int(passphrase.size()), nullptr, nullptr) != 1) {
    *err = tr("cannot encode the private key") + opensslReason();
    return false;
  }
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (!pub || BIO_write(pub.get(), fields.data(), int(fields.size())) != int(fields.size()) ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    *err = tr("cannot encode the public key") + opensslReason();
    return false;
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(secret.get(), &data);
  if (!createNewFile(key_path, std::string_view(data, size_t(len)), 0600, err)) return false;
  len = BIO_get_mem_data(pub.get(), &data);
  if (!createNewFile(pub_path, std::string_view(data, size_t(len)), 0644, err)) {
    unlink(key_path.c_str());  // a private key whose public half is lost is of no use
    return false;
  }
  return true;
}

std::unique_ptr<Key> loadPrivateKey(const std::string& path, std::string_view passphrase,
                                    std::string* err) {
  // A key others can read may already be someone else's: refuse it rather than sign with it.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    *err = path + ": " +
           tr("private key is readable by group or others (mode {mode}); chmod 600 {path} (and "
              "consider it exposed)",
              {{"mode", mode}, {"path", path}});
    return nullptr;
  }
  std::string text;
  if (!readSmallFile(path, kMaxKeyFile, &text, err)) return nullptr;
  std::vector<KeyFileEntry> entries;
  bool parsed = parseKeyFile(text, &entries, err);
  OPENSSL_cleanse(text.data(), text.size());
  if (!parsed || entries.size() != 1) {
    if (parsed) *err = tr("expected exactly one PEM private key");
    *err = path + ": " + *err;
    for (auto& e : entries) OPENSSL_cleanse(e.pem.data(), e.pem.size());
    return nullptr;
  }
  KeyFileEntry& entry = entries[0];
  const bool encrypted = entry.pem.find("ENCRYPTED") != std::string::npos;
  BioPtr bio(BIO_new_mem_buf(entry.pem.data(), int(entry.pem.size())));
  PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, passphraseCallback, &passphrase)
                   : nullptr);
  OPENSSL_cleanse(entry.pem.data(), entry.pem.size());
  if (!pkey) {
    *err = path + ": " +
           (encrypted && passphrase.empty() ? tr("the key is encrypted; give its passphrase")
            : encrypted                     ? tr("wrong passphrase or damaged key")
                                            : tr("not a readable private key")) +
           opensslReason();
    return nullptr;
  }
  auto key = wrap(std::move(pkey), true, err);
  if (!key) {
    *err = path + ": " + *err;
    return nullptr;
  }
  key->signer = entry.field("signer");
  key->role = entry.field("role");
  key->unit = entry.field("unit");
  std::string declared = entry.field("key-id");
  if (!declared.empty() && declared != key->keyId()) {
    *err = path + ": " +
           tr("key-id {declared} does not match the key ({actual})",
              {{"declared", declared}, {"actual", key->keyId()}});
    return nullptr;
  }
  return key;
}

std::unique_ptr<Key> publicKeyFromDer(std::string_view der, std::string* err) {
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, long(der.size())));
  if (!pkey || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    *err = tr("not a public key") + opensslReason();
    return nullptr;
  }
  return wrap(std::move(pkey), false, err);
}

std::unique_ptr<Key> publicKeyFromPem(std::string_view pem, std::string* err) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  PkeyPtr pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pkey) {
    *err = tr("not a PEM public key") + opensslReason();
    return nullptr;
  }
  return wrap(std::move(pkey), false, err);
}

std::string KeyFileEntry::field(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return "";
}

bool parseKeyFile(std::string_view text, std::vector<KeyFileEntry>* entries, std::string* err) {
  entries->clear();
  KeyFileEntry current;
  bool in_pem = false;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    std::string_view raw = text.substr(pos, std::min(end + 1, text.size()) - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (in_pem) {
      current.pem.append(raw);
      if (line.starts_with("-----END ")) {
        in_pem = false;
        entries->push_back(std::move(current));
        current = KeyFileEntry();
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("-----BEGIN ")) {
      in_pem = true;
      if (current.fields.empty()) current.line = number;
      current.pem.append(raw);
      continue;
    }
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos || colon == 0) {
      *err = tr("line {line}: expected 'name: value' or a PEM block",
                {{"line", std::to_string(number)}});
      return false;
    }
    if (current.fields.empty()) current.line = number;
    std::string_view name = line.substr(0, colon);
    for (const auto& field : current.fields)
      if (field.first == name) {
        *err = tr("line {line}: duplicated field '{field}'",
                  {{"line", std::to_string(number)}, {"field", std::string(name)}});
        return false;
      }
    current.fields.emplace_back(std::string(name), std::string(line.substr(colon + 2)));
  }
  if (in_pem || !current.fields.empty()) {
    *err = in_pem ? tr("unterminated PEM block") : tr("fields without a PEM block at the end");
    OPENSSL_cleanse(current.pem.data(), current.pem.size());
    return false;
  }
  return true;
}

namespace {

// One signing or verification context. SM2 takes its distinguishing ID after init: passing it
// in the init parameters fails on OpenSSL 3.0.19, and leaving it out would sign with OpenSSL's
// empty default ID, which no other SM2 implementation uses.
ossl::MdCtxPtr startContext(const Key& key, std::string_view sm2_id, bool signing,
                            std::string* err) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = key.algorithm() == KeyAlgorithm::Sm2 ? EVP_sm3() : nullptr;
  int ok = !ctx      ? 0
           : signing ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key.get())
                     : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.get());
  if (ok == 1 && key.algorithm() == KeyAlgorithm::Sm2) {
    if (sm2_id.empty()) {
      *err = tr("an SM2 distinguishing ID is required");
      return nullptr;
    }
    ok = EVP_PKEY_CTX_set1_id(pctx, sm2_id.data(), sm2_id.size());
  }
  if (ok != 1) {
    const TextArgs args = {{"algorithm", signatureAlgorithmName(key.algorithm())}};
    *err = (signing ? tr("cannot start {algorithm} signing", args)
                    : tr("cannot start {algorithm} verification", args)) +
           opensslReason();
    return nullptr;
  }
  return ctx;
}

}  // namespace

bool signMessage(const Key& key, std::string_view sm2_id, std::string_view message,
                 std::string* signature, std::string* err) {
  if (!key.isPrivate()) {
    *err = tr("a public key cannot sign");
    return false;
  }
  auto ctx = startContext(key, sm2_id, true, err);
  if (!ctx) return false;
  // Ed25519 signs only in one shot, so the message is the small header, never the file.
  size_t len = 0;
  auto msg = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
    *err = tr("signing failed") + opensslReason();
    return false;
  }
  signature->resize(len);
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature->data()), &len, msg,
                     message.size()) != 1) {
    *err = tr("signing failed") + opensslReason();
    return false;
  }
  signature->resize(len);
  return true;
}

bool verifyMessage(const Key& key, std::string_view sm2_id, std::string_view message,
                   std::string_view signature, std::string* err) {
  auto ctx = startContext(key, sm2_id, false, err);
  if (!ctx) return false;
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();  // a bad signature is an answer, not an error to carry along
  if (ok != 1) *err = tr("signature does not match");
  return ok == 1;
}

}  // namespace vetkit
