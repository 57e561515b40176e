#include "sign/selftest.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "core/text_catalogue.h"
#include "sign/digest.h"
#include "sign/ossl_ptr.h"

namespace vetkit {

bool sm4EncryptBlock(const unsigned char key[16], const unsigned char in[16], unsigned char out[16],
                     std::string* err) {
  ossl::CipherPtr cipher(EVP_CIPHER_fetch(nullptr, "SM4-ECB", nullptr));
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!cipher || !ctx || EVP_EncryptInit_ex2(ctx.get(), cipher.get(), key, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, in, 16) != 1 || len != 16) {
    *err = tr("OpenSSL cannot encrypt with SM4");
    return false;
  }
  return true;
}

namespace {

bool knownAnswers(std::string* err) {
  std::string raw;
  if (!digestBytes(DigestAlgorithm::Sm3, "abc", &raw, err)) return false;
  if (toHex(raw) != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0") {
    *err = tr("SM3 known-answer test failed");
    return false;
  }
  static const unsigned char kKey[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                         0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  static const unsigned char kCipher[16] = {0x68, 0x1e, 0xdf, 0x34, 0xd2, 0x06, 0x96, 0x5e,
                                            0x86, 0xb3, 0xe9, 0x4f, 0x53, 0x6e, 0x42, 0x46};
  unsigned char out[16];
  if (!sm4EncryptBlock(kKey, kKey, out, err)) return false;
  if (std::memcmp(out, kCipher, 16) != 0) {
    *err = tr("SM4 known-answer test failed");
    return false;
  }
  return true;
}

}  // namespace

bool runSelfTest(std::string* err) {
  if (knownAnswers(err)) return true;
  *err = tr("self test: {reason}", {{"reason", *err}});
  return false;
}

}  // namespace vetkit
