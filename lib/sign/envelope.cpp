#include "sign/envelope.h"

#include "core/text_catalogue.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/atomic_file.h"

namespace vetkit {

namespace {

// The layout, in docs/signature-format.md: magic, suite, log2 of the chunk size, the
// recipient's key id (8 bytes), the key material's length (2 bytes, big-endian) and the key
// material; then an HMAC of all that; then the chunks.
constexpr std::string_view kMagic = "vetkit encrypted v1\n";
constexpr unsigned char kSuiteSm2 = 1, kSuiteX25519 = 2;
constexpr unsigned char kChunkLog2 = 16;
constexpr size_t kChunk = size_t(1) << kChunkLog2;
constexpr size_t kFixedHeader = kMagic.size() + 1 + 1 + 8 + 2;
constexpr size_t kMaxKeyMaterial = 1024;
constexpr size_t kSecretSize = 32, kHeaderMacSize = 32, kMacKeySize = 32;
constexpr std::string_view kInfo = "vetkit encrypt v1";

struct CipherFree {
  void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct MacFree {
  void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
struct KdfFree {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BnCtxFree {
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// Key bytes, wiped when dropped.
struct Secret {
  std::string bytes;
  ~Secret() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

// A descriptor closed when dropped (not standard input).
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd > 0) ::close(fd);
  }
};

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

CryptStatus fail(CryptStatus status, std::string* err, std::string message) {
  ERR_clear_error();
  *err = std::move(message);
  return status;
}

bool openInput(const std::string& path, Fd* in, std::string* err) {
  in->fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in->fd < 0) *err = path + ": " + errnoText(errno);
  return in->fd >= 0;
}

// Reads until `n` bytes or end of file; the count read, or -1 on an error.
ssize_t readFull(int fd, unsigned char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::read(fd, buf + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    done += size_t(got);
  }
  return ssize_t(done);
}

// The recipient's key id as 8 raw bytes (the key id is their hex).
std::string rawKeyId(const Key& key) {
  std::string raw, err;
  digestBytes(digestFor(key.algorithm()), key.publicDer(), &raw, &err);
  return raw.substr(0, 8);
}

// HKDF (RFC 5869) with SM3 or SHA-256.
bool hkdf(const char* digest, std::string_view ikm, std::string_view salt, size_t len,
          Secret* out) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()),
                                        ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(kInfo.data()),
                                        kInfo.size()),
      OSSL_PARAM_construct_end()};
  out->bytes.assign(len, '\0');
  return ctx && EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out->bytes.data()), len,
                               params) == 1;
}

bool hmac(const char* digest, std::string_view key, std::string_view data, std::string* tag) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(), u8(data),
                 data.size(), out, sizeof out, &len))
    return false;
  tag->assign(reinterpret_cast<char*>(out), len);
  return true;
}

// Seals and opens chunks: chunk i's nonce is i as 11 big-endian bytes and a last-chunk flag.
class ChunkCipher {
 public:
  // `keys` is the HKDF output: the payload key, then (SM2) the chunk MAC key.
  ChunkCipher(bool sm2, std::string_view keys)
      : sm2_(sm2),
        cipher_(EVP_CIPHER_fetch(nullptr, sm2 ? "SM4-CTR" : "ChaCha20-Poly1305", nullptr)),
        ctx_(EVP_CIPHER_CTX_new()),
        mac_(sm2 ? EVP_MAC_fetch(nullptr, "HMAC", nullptr) : nullptr),
        mac_ctx_(mac_ ? EVP_MAC_CTX_new(mac_.get()) : nullptr) {
    key_.bytes = keys.substr(0, sm2 ? 16 : 32);
    if (sm2) mac_key_.bytes = keys.substr(16, kMacKeySize);
  }
  bool ok() const { return cipher_ && ctx_ && (!sm2_ || mac_ctx_); }
  size_t tagSize() const { return sm2_ ? 32 : 16; }

  /// Writes the ciphertext and tag of in[0..n) to out[0..n + tagSize()).
  bool seal(uint64_t counter, bool last, const unsigned char* in, size_t n, unsigned char* out) {
    setNonce(counter, last);
    if (sm2_) return ctr(in, n, out) && mac(out, n, out + n);
    int len = 0;
    return EVP_EncryptInit_ex2(ctx_.get(), cipher_.get(), key(), nonce_, nullptr) == 1 &&
           (n == 0 || EVP_EncryptUpdate(ctx_.get(), out, &len, in, int(n)) == 1) &&
           EVP_EncryptFinal_ex(ctx_.get(), out + n, &len) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, 16, out + n) == 1;
  }

  /// Checks the tag of in[0..n + tagSize()) and writes the plaintext to out[0..n); false when
  /// it does not authenticate.
  bool open(uint64_t counter, bool last, const unsigned char* in, size_t n, unsigned char* out) {
    setNonce(counter, last);
    if (sm2_) {
      unsigned char tag[32];
      return mac(in, n, tag) && CRYPTO_memcmp(tag, in + n, 32) == 0 && ctr(in, n, out);
    }
    int len = 0;
    return EVP_DecryptInit_ex2(ctx_.get(), cipher_.get(), key(), nonce_, nullptr) == 1 &&
           (n == 0 || EVP_DecryptUpdate(ctx_.get(), out, &len, in, int(n)) == 1) &&
           EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, 16,
                               const_cast<unsigned char*>(in + n)) == 1 &&
           EVP_DecryptFinal_ex(ctx_.get(), out + n, &len) == 1;
  }

 private:
  const unsigned char* key() const { return u8(key_.bytes); }
  void setNonce(uint64_t counter, bool last) {
    std::memset(nonce_, 0, sizeof nonce_);
    for (int i = 0; i < 8; ++i) nonce_[10 - i] = static_cast<unsigned char>(counter >> (8 * i));
    nonce_[11] = last ? 1 : 0;
  }
  // SM4-CTR from the counter block nonce || 00000000: a chunk takes 4096 blocks at most, so
  // the blocks of two chunks never meet.
  bool ctr(const unsigned char* in, size_t n, unsigned char* out) {
    unsigned char iv[16] = {};
    std::memcpy(iv, nonce_, 12);
    int len = 0;
    return EVP_EncryptInit_ex2(ctx_.get(), cipher_.get(), key(), iv, nullptr) == 1 &&
           (n == 0 || EVP_EncryptUpdate(ctx_.get(), out, &len, in, int(n)) == 1);
  }
  // HMAC-SM3 over nonce || ciphertext: encrypt-then-MAC.
  bool mac(const unsigned char* ct, size_t n, unsigned char* tag) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SM3"), 0),
        OSSL_PARAM_construct_end()};
    size_t len = 0;
    return EVP_MAC_init(mac_ctx_.get(), u8(mac_key_.bytes), mac_key_.bytes.size(), params) == 1 &&
           EVP_MAC_update(mac_ctx_.get(), nonce_, sizeof nonce_) == 1 &&
           EVP_MAC_update(mac_ctx_.get(), ct, n) == 1 &&
           EVP_MAC_final(mac_ctx_.get(), tag, &len, 32) == 1 && len == 32;
  }

  bool sm2_;
  std::unique_ptr<EVP_CIPHER, CipherFree> cipher_;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx_;
  std::unique_ptr<EVP_MAC, MacFree> mac_;
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> mac_ctx_;
  Secret key_, mac_key_;
  unsigned char nonce_[12];
};

// The file's keys: HKDF of the file secret with the header (up to its MAC) as salt, giving
// the payload key (16 bytes SM4, or 32 ChaCha20), for SM2 a 32-byte chunk MAC key, and last
// the 32-byte header MAC key.
bool deriveKeys(bool sm2, std::string_view secret, std::string_view header, Secret* keys) {
  const size_t len = (sm2 ? 16 + kMacKeySize : 32) + kHeaderMacSize;
  return hkdf(sm2 ? "SM3" : "SHA256", secret, header, len, keys);
}

std::string headerMac(bool sm2, const Secret& keys, std::string_view header) {
  std::string tag;
  std::string_view key = std::string_view(keys.bytes).substr(keys.bytes.size() - kHeaderMacSize);
  if (!hmac(sm2 ? "SM3" : "SHA256", key, header, &tag)) tag.clear();
  return tag;
}

// The X25519 private key of an Ed25519 key: the first half of SHA-512(seed), clamped, which is
// the scalar Ed25519 itself multiplies by.
PkeyPtr x25519Private(const Key& key) {
  Secret seed, h;
  seed.bytes.assign(32, '\0');
  size_t len = 32;
  if (EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(seed.bytes.data()),
                                   &len) != 1 ||
      len != 32) {
    return nullptr;
  }
  std::string err;
  if (!digestBytes(DigestAlgorithm::Sha512, seed.bytes, &h.bytes, &err)) return nullptr;
  h.bytes[0] = char(h.bytes[0] & 248);
  h.bytes[31] = char((h.bytes[31] & 127) | 64);
  return PkeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, u8(h.bytes), 32));
}

// X25519(mine, their_u), refusing the all-zero result of a low-order point.
bool x25519(EVP_PKEY* mine, std::string_view their_u, Secret* shared) {
  PkeyPtr peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, u8(their_u), 32));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t len = 32;
  shared->bytes.assign(32, '\0');
  auto* out = reinterpret_cast<unsigned char*>(shared->bytes.data());
  static const unsigned char kZero[32] = {};
  return peer && ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
         EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) == 1 &&
         EVP_PKEY_derive(ctx.get(), out, &len) == 1 && len == 32 &&
         CRYPTO_memcmp(out, kZero, 32) != 0;
}

bool sm2Transform(const Key& key, bool encrypt, std::string_view in, std::string* out) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  size_t len = 0;
  auto run = [&](unsigned char* o) {
    return encrypt ? EVP_PKEY_encrypt(ctx.get(), o, &len, u8(in), in.size())
                   : EVP_PKEY_decrypt(ctx.get(), o, &len, u8(in), in.size());
  };
  if (!ctx ||
      (encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1 ||
      run(nullptr) != 1)
    return false;
  out->assign(len, '\0');
  if (run(reinterpret_cast<unsigned char*>(out->data())) != 1) return false;
  out->resize(len);
  return true;
}

std::string bigEndian16(size_t n) {
  return {char(n >> 8), char(n & 0xff)};
}

}  // namespace

bool ed25519ToX25519Public(const Key& key, std::string* u, std::string* err) {
  unsigned char raw[32];
  size_t len = sizeof raw;
  if (key.algorithm() != KeyAlgorithm::Ed25519 ||
      EVP_PKEY_get_raw_public_key(key.get(), raw, &len) != 1 || len != 32) {
    *err = tr("not an Ed25519 key");
    return false;
  }
  raw[31] &= 0x7f;  // the sign of x: the map needs only y
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  if (!ctx) {
    *err = tr("out of memory");
    return false;
  }
  BN_CTX_start(ctx.get());
  BIGNUM* p = BN_CTX_get(ctx.get());
  BIGNUM* y = BN_CTX_get(ctx.get());
  BIGNUM* num = BN_CTX_get(ctx.get());
  BIGNUM* den = BN_CTX_get(ctx.get());
  bool ok = p && BN_set_bit(p, 255) && BN_sub_word(p, 19) && BN_lebin2bn(raw, 32, y) &&
            BN_cmp(y, p) < 0 && BN_copy(num, y) && BN_add_word(num, 1) &&  // 1 + y
            BN_mod_sub(den, BN_value_one(), y, p, ctx.get()) && !BN_is_zero(den) &&
            BN_mod_inverse(den, den, p, ctx.get()) && BN_mod_mul(num, num, den, p, ctx.get()) &&
            !BN_is_zero(num);
  unsigned char out[32];
  ok = ok && BN_bn2lebinpad(num, out, 32) == 32;
  BN_CTX_end(ctx.get());
  ERR_clear_error();
  if (!ok) {
    *err = tr("the Ed25519 key has no X25519 form");
    return false;
  }
  u->assign(reinterpret_cast<char*>(out), 32);
  return true;
}

CryptStatus encryptFile(const Key& recipient, const std::string& in_path,
                        const std::string& out_path, std::string* err) {
  const bool sm2 = recipient.algorithm() == KeyAlgorithm::Sm2;
  Secret secret;
  std::string material;
  if (sm2) {
    secret.bytes.assign(kSecretSize, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.bytes.data()), int(kSecretSize)) != 1 ||
        !sm2Transform(recipient, true, secret.bytes, &material))
      return fail(CryptStatus::Trouble, err, tr("cannot encrypt the file key to the SM2 key"));
  } else {
    std::string u;
    if (!ed25519ToX25519Public(recipient, &u, err)) return CryptStatus::Trouble;
    PkeyPtr ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    unsigned char eph_pub[32];
    size_t len = 32;
    if (!ephemeral || EVP_PKEY_get_raw_public_key(ephemeral.get(), eph_pub, &len) != 1 ||
        !x25519(ephemeral.get(), u, &secret))
      return fail(CryptStatus::Trouble, err, tr("X25519 key agreement failed"));
    material = std::string(reinterpret_cast<char*>(eph_pub), 32) + u;
  }
  std::string header(kMagic);
  header += char(sm2 ? kSuiteSm2 : kSuiteX25519);
  header += char(kChunkLog2);
  header += rawKeyId(recipient) + bigEndian16(material.size()) + material;
  Secret keys;
  std::string tag;
  if (!deriveKeys(sm2, secret.bytes, header, &keys) || (tag = headerMac(sm2, keys, header)).empty())
    return fail(CryptStatus::Trouble, err, tr("cannot derive the file keys"));
  ChunkCipher chunks(sm2, keys.bytes);
  if (!chunks.ok()) return fail(CryptStatus::Trouble, err, tr("OpenSSL lacks SM4-CTR or HMAC-SM3"));

  Fd in;
  if (!openInput(in_path, &in, err)) return CryptStatus::Trouble;
  AtomicFile out;
  if (!out.open(out_path, err)) return CryptStatus::Trouble;
  out.write(header + tag);
  // One byte read past the chunk tells whether it is the last one.
  std::vector<unsigned char> plain(kChunk + 1), sealed(kChunk + chunks.tagSize());
  size_t have = 0;
  for (uint64_t counter = 0;; ++counter) {
    ssize_t got = readFull(in.fd, plain.data() + have, plain.size() - have);
    if (got < 0) return fail(CryptStatus::Trouble, err, in_path + ": " + errnoText(errno));
    have += size_t(got);
    const bool last = have <= kChunk;
    const size_t n = last ? have : kChunk;
    if (!chunks.seal(counter, last, plain.data(), n, sealed.data()))
      return fail(CryptStatus::Trouble, err, tr("encryption failed"));
    out.write(std::string_view(reinterpret_cast<char*>(sealed.data()), n + chunks.tagSize()));
    if (last) break;
    plain[0] = plain[kChunk];
    have = 1;
  }
  OPENSSL_cleanse(plain.data(), plain.size());
  return out.commit(err) ? CryptStatus::Ok : CryptStatus::Trouble;
}

CryptStatus decryptFile(const Key& key, const std::string& in_path, const std::string& out_path,
                        std::string* err) {
  if (!key.isPrivate())
    return fail(CryptStatus::Trouble, err, tr("decryption needs a private key"));
  const bool sm2 = key.algorithm() == KeyAlgorithm::Sm2;
  Fd in;
  if (!openInput(in_path, &in, err)) return CryptStatus::Trouble;
  const std::string name = in_path == "-" ? tr("standard input") : in_path;
  std::string header(kFixedHeader, '\0');
  auto* h = reinterpret_cast<unsigned char*>(header.data());
  ssize_t got = readFull(in.fd, h, kFixedHeader);
  if (got < 0) return fail(CryptStatus::Trouble, err, name + ": " + errnoText(errno));
  if (size_t(got) < kFixedHeader || !header.starts_with(kMagic))
    return fail(CryptStatus::Trouble, err, name + ": " + tr("not a file encrypted by vetsign"));
  const unsigned char suite = h[kMagic.size()], log2 = h[kMagic.size() + 1];
  if ((suite != kSuiteSm2 && suite != kSuiteX25519) || log2 != kChunkLog2)
    return fail(CryptStatus::Trouble, err,
                name + ": " + tr("unsupported encryption suite or chunk size"));
  if ((suite == kSuiteSm2) != sm2)
    return fail(
        CryptStatus::Trouble, err,
        name + ": " +
            tr("encrypted to an {other} key, not to this {mine} key",
               {{"other", sm2 ? "ed25519" : "sm2"}, {"mine", keyAlgorithmName(key.algorithm())}}));
  const std::string key_id = header.substr(kMagic.size() + 2, 8);
  if (key_id != rawKeyId(key))
    return fail(CryptStatus::Trouble, err,
                name + ": " +
                    tr("encrypted to key {key_id}, not to this key ({mine})",
                       {{"key_id", toHex(key_id)}, {"mine", key.keyId()}}));
  const size_t material_size = size_t(h[kFixedHeader - 2]) << 8 | h[kFixedHeader - 1];
  if (material_size > kMaxKeyMaterial)
    return fail(CryptStatus::NotAuthentic, err, name + ": " + tr("the header is damaged"));
  std::string rest(material_size + kHeaderMacSize, '\0');
  got = readFull(in.fd, reinterpret_cast<unsigned char*>(rest.data()), rest.size());
  if (got < 0) return fail(CryptStatus::Trouble, err, name + ": " + errnoText(errno));
  if (size_t(got) < rest.size())
    return fail(CryptStatus::NotAuthentic, err, name + ": " + tr("the header is truncated"));
  const std::string material = rest.substr(0, material_size);
  header += material;

  Secret secret;
  if (sm2) {
    if (!sm2Transform(key, false, material, &secret.bytes) || secret.bytes.size() != kSecretSize)
      return fail(CryptStatus::NotAuthentic, err,
                  name + ": " + tr("the file key does not decrypt: the header was changed"));
  } else {
    std::string u;
    PkeyPtr mine = x25519Private(key);
    if (!mine || !ed25519ToX25519Public(key, &u, err))
      return fail(CryptStatus::Trouble, err, tr("cannot convert the Ed25519 key to X25519"));
    if (material.size() != 64 || material.substr(32) != u)
      return fail(
          CryptStatus::NotAuthentic, err,
          name + ": " + tr("the header does not name this key's X25519 form: it was changed"));
    if (!x25519(mine.get(), material.substr(0, 32), &secret))
      return fail(CryptStatus::NotAuthentic, err,
                  name + ": " + tr("bad ephemeral key in the header"));
  }
  Secret keys;
  std::string tag;
  if (!deriveKeys(sm2, secret.bytes, header, &keys) || (tag = headerMac(sm2, keys, header)).empty())
    return fail(CryptStatus::Trouble, err, tr("cannot derive the file keys"));
  if (CRYPTO_memcmp(tag.data(), rest.data() + material_size, kHeaderMacSize) != 0)
    return fail(CryptStatus::NotAuthentic, err,
                name + ": " +
                    tr("the header fails authentication: it was changed, or the file was not "
                       "made for this key"));
  ChunkCipher chunks(sm2, keys.bytes);
  if (!chunks.ok()) return fail(CryptStatus::Trouble, err, tr("OpenSSL lacks SM4-CTR or HMAC-SM3"));

  AtomicFile out;
  if (!out.open(out_path, err)) return CryptStatus::Trouble;
  const size_t tag_size = chunks.tagSize(), full = kChunk + tag_size;
  std::vector<unsigned char> sealed(full + 1), plain(kChunk);
  size_t have = 0;
  for (uint64_t counter = 0;; ++counter) {
    got = readFull(in.fd, sealed.data() + have, sealed.size() - have);
    if (got < 0) return fail(CryptStatus::Trouble, err, name + ": " + errnoText(errno));
    have += size_t(got);
    const bool last = have <= full;
    const size_t n = last ? have : full;
    // An empty last chunk is made only for an empty file; anything else is a cut file.
    if (n < tag_size || (last && counter > 0 && n == tag_size))
      return fail(CryptStatus::NotAuthentic, err, name + ": " + tr("truncated"));
    if (!chunks.open(counter, last, sealed.data(), n - tag_size, plain.data()))
      return fail(CryptStatus::NotAuthentic, err,
                  name + ": " +
                      tr("chunk {n} fails authentication: the file was changed, truncated or "
                         "reordered",
                         {{"n", std::to_string(counter + 1)}}));
    out.write(std::string_view(reinterpret_cast<char*>(plain.data()), n - tag_size));
    if (last) break;
    sealed[0] = sealed[full];
    have = 1;
  }
  OPENSSL_cleanse(plain.data(), plain.size());
  return out.commit(err) ? CryptStatus::Ok : CryptStatus::Trouble;
}

}  // namespace vetkit
