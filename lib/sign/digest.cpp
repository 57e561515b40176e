#include "sign/digest.h"

#include "core/text_catalogue.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "sign/ossl_ptr.h"

namespace vetkit {

namespace {

using ossl::MdCtxPtr;
using ossl::MdPtr;

// Large reads keep system-call overhead far below the digest's own cost; 1 MiB measured as
// fast as `openssl dgst` while staying small.
constexpr size_t kReadSize = 1 << 20;

// An explicitly fetched EVP_MD skips the implicit fetch on every init.
MdPtr fetchDigest(DigestAlgorithm algorithm, std::string* err) {
  const char* name = algorithm == DigestAlgorithm::Sm3      ? "SM3"
                     : algorithm == DigestAlgorithm::Sha256 ? "SHA256"
                                                            : "SHA512";
  MdPtr md(EVP_MD_fetch(nullptr, name, nullptr));
  if (!md) *err = tr("OpenSSL does not provide {digest}", {{"digest", digestName(algorithm)}});
  return md;
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

const char* digestName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::Sm3:
      return "sm3";
    case DigestAlgorithm::Sha512:
      return "sha512";
    case DigestAlgorithm::Sha256:
      return "sha256";
  }
  return "?";
}

std::string toHex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool digestBytes(DigestAlgorithm algorithm, std::string_view data, std::string* raw,
                 std::string* err) {
  MdPtr md = fetchDigest(algorithm, err);
  if (!md) return false;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md.get(), nullptr) != 1) {
    *err = tr("{digest}: digest failed", {{"digest", digestName(algorithm)}});
    return false;
  }
  raw->assign(reinterpret_cast<char*>(out), len);
  return true;
}

struct Digester::Impl {
  DigestAlgorithm algorithm;
  MdCtxPtr ctx;
  std::string err;  // the first failure; empty while the digest goes on
};

Digester::Digester(DigestAlgorithm algorithm) : impl_(std::make_unique<Impl>()) {
  impl_->algorithm = algorithm;
  MdPtr md = fetchDigest(algorithm, &impl_->err);
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (md && (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), md.get(), nullptr) != 1))
    impl_->err = tr("cannot start the digest");
}

Digester::~Digester() = default;

bool Digester::ok() const {
  return impl_->err.empty();
}

void Digester::update(std::string_view data) {
  if (impl_->err.empty() && EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1)
    impl_->err = tr("{digest}: digest failed", {{"digest", digestName(impl_->algorithm)}});
}

bool Digester::finish(std::string* hex, std::string* err) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (impl_->err.empty() && EVP_DigestFinal_ex(impl_->ctx.get(), digest, &len) != 1)
    impl_->err = tr("{digest}: digest failed", {{"digest", digestName(impl_->algorithm)}});
  if (!impl_->err.empty()) return *err = impl_->err, false;
  *hex = toHex(std::string_view(reinterpret_cast<char*>(digest), len));
  impl_->err = tr("the digest is spent");
  return true;
}

bool digestFile(DigestAlgorithm algorithm, const std::string& path, FileDigest* out,
                std::string* err) {
  Digester digester(algorithm);
  if (!digester.ok()) return digester.finish(&out->hex, err);
  FdCloser file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    *err = path + ": " + errnoText(errno);
    return false;
  }
  posix_fadvise(file.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buffer(kReadSize);
  uint64_t size = 0;
  for (;;) {
    ssize_t n = ::read(file.fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = path + ": " + errnoText(errno);
      return false;
    }
    if (n == 0) break;
    digester.update(std::string_view(buffer.data(), size_t(n)));
    size += uint64_t(n);
  }
  if (!digester.finish(&out->hex, err)) return *err = path + ": " + *err, false;
  out->size = size;
  return true;
}

static const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return uint32_t(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64[(v >> shift) & 63]);
  }
  if (size_t rest = bytes.size() - i) {
    uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool base64Decode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  bytes->clear();
  bytes->reserve(text.size() / 4 * 3);
  auto value = [](char c) -> int {
    const char* p = c ? std::strchr(kBase64, c) : nullptr;
    return p ? int(p - kBase64) : -1;
  };
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      if (k >= 4 - pad) {
        v <<= 6;
        continue;
      }
      int d = value(text[i + k]);
      if (d < 0) return false;
      v = v << 6 | uint32_t(d);
    }
    // Non-zero pad bits would give two spellings of the same bytes.
    if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff))) return false;
    bytes->push_back(char(v >> 16));
    if (pad < 2) bytes->push_back(char(v >> 8 & 0xff));
    if (pad < 1) bytes->push_back(char(v & 0xff));
  }
  return true;
}

}  // namespace vetkit
