// vetsign encrypt/decrypt (lib/sign/envelope): round trips for SM2 and Ed25519 recipients
// across chunk boundaries, and every way a file can be damaged on the road — a byte changed in
// the header, a body or a tag, a cut at a chunk boundary or inside one, chunks swapped, bytes
// appended, the wrong key — each refused with nothing written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "sign/envelope.h"
#include "sign/keys.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::string randomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = char(gen());
  return s;
}

constexpr size_t kChunk = 65536;
constexpr size_t kFixedHeader = 32;  // magic 20, suite, chunk size, key id 8, length 2

class EnvelopeTest : public ::testing::TestWithParam<KeyAlgorithm> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetsign-crypt.XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
    key_ = newKey(GetParam());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::unique_ptr<Key> newKey(KeyAlgorithm algorithm) {
    std::string err;
    auto key = generateKey(algorithm, &err);
    EXPECT_TRUE(key) << err;
    return key;
  }
  // Encrypts `data` to the test key; returns the encrypted bytes.
  std::string encrypt(const std::string& data) {
    writeAll(path("plain"), data);
    std::string err;
    EXPECT_EQ(encryptFile(*key_, path("plain"), path("plain.enc"), &err), CryptStatus::Ok) << err;
    return readAll(path("plain.enc"));
  }
  // Decrypts `sealed` with `key` (default the test key) into "out"; the output must exist
  // exactly when decryption succeeds.
  CryptStatus decrypt(const std::string& sealed, const Key* key = nullptr) {
    writeAll(path("in.enc"), sealed);
    fs::remove(path("out"));
    err_.clear();
    CryptStatus status = decryptFile(key ? *key : *key_, path("in.enc"), path("out"), &err_);
    EXPECT_EQ(fs::exists(path("out")), status == CryptStatus::Ok) << err_;
    return status;
  }
  size_t headerSize(const std::string& sealed) const {
    return kFixedHeader + (size_t(uint8_t(sealed[30])) << 8 | uint8_t(sealed[31])) + 32;
  }
  size_t tagSize() const { return GetParam() == KeyAlgorithm::Sm2 ? 32 : 16; }

  std::string dir_, err_;
  std::unique_ptr<Key> key_;
};

TEST_P(EnvelopeTest, RoundTripAcrossChunkBoundaries) {
  for (size_t n :
       {size_t(0), size_t(1), kChunk - 1, kChunk, kChunk + 1, 3 * kChunk, 3 * kChunk + 12345}) {
    std::string data = randomBytes(n, unsigned(n));
    std::string sealed = encrypt(data);
    size_t chunks = n == 0 ? 1 : (n + kChunk - 1) / kChunk;
    EXPECT_EQ(sealed.size(), headerSize(sealed) + n + chunks * tagSize()) << n;
    ASSERT_EQ(decrypt(sealed), CryptStatus::Ok) << n << ": " << err_;
    EXPECT_EQ(readAll(path("out")), data) << n;
  }
}

TEST_P(EnvelopeTest, EachEncryptionIsFresh) {
  EXPECT_NE(encrypt("same"), encrypt("same"));
}

TEST_P(EnvelopeTest, EveryChangedByteIsRefused) {
  std::string sealed = encrypt(randomBytes(2 * kChunk + 100, 7));
  const size_t header = headerSize(sealed);
  // Key material, header MAC, first body byte, a later chunk's body, a tag, the last byte.
  for (size_t at : {size_t(kFixedHeader + 3), header - 1, header, header + kChunk + tagSize() + 5,
                    header + kChunk + 1, sealed.size() - 1}) {
    std::string bad = sealed;
    bad[at] = char(bad[at] ^ 0x01);
    EXPECT_EQ(decrypt(bad), CryptStatus::NotAuthentic) << "byte " << at << ": " << err_;
  }
}

TEST_P(EnvelopeTest, FixedHeaderChangesAreRefused) {
  std::string sealed = encrypt("data");
  for (size_t at : {size_t(0), size_t(20), size_t(21), size_t(22)}) {  // magic, suite, size, id
    std::string bad = sealed;
    bad[at] = char(bad[at] ^ 0x01);
    EXPECT_EQ(decrypt(bad), CryptStatus::Trouble) << "byte " << at;
  }
  EXPECT_EQ(decrypt(sealed.substr(0, 10)), CryptStatus::Trouble);
  EXPECT_EQ(decrypt(sealed.substr(0, headerSize(sealed) - 1)), CryptStatus::NotAuthentic);
}

TEST_P(EnvelopeTest, TruncationIsRefused) {
  std::string sealed = encrypt(randomBytes(3 * kChunk, 3));
  const size_t header = headerSize(sealed), stride = kChunk + tagSize();
  EXPECT_EQ(decrypt(sealed.substr(0, header + 2 * stride)), CryptStatus::NotAuthentic);
  EXPECT_NE(err_.find("chunk 2"), std::string::npos) << err_;
  EXPECT_EQ(decrypt(sealed.substr(0, header + stride)), CryptStatus::NotAuthentic);
  EXPECT_EQ(decrypt(sealed.substr(0, header + stride + 100)), CryptStatus::NotAuthentic);
  EXPECT_EQ(decrypt(sealed.substr(0, header)), CryptStatus::NotAuthentic);
  EXPECT_EQ(decrypt(sealed.substr(0, sealed.size() - 1)), CryptStatus::NotAuthentic);
  EXPECT_EQ(decrypt(sealed + "x"), CryptStatus::NotAuthentic);  // and nothing may follow
  // A file of exactly one chunk: cutting its tag leaves nothing that authenticates.
  std::string one = encrypt(randomBytes(kChunk, 4));
  EXPECT_EQ(decrypt(one.substr(0, one.size() - tagSize())), CryptStatus::NotAuthentic);
}

TEST_P(EnvelopeTest, SwappedOrRepeatedChunksAreRefused) {
  std::string sealed = encrypt(randomBytes(3 * kChunk + 10, 5));
  const size_t header = headerSize(sealed), stride = kChunk + tagSize();
  std::string c0 = sealed.substr(header, stride), c1 = sealed.substr(header + stride, stride);
  std::string swapped = sealed;
  swapped.replace(header, stride, c1).replace(header + stride, stride, c0);
  EXPECT_EQ(decrypt(swapped), CryptStatus::NotAuthentic);
  std::string repeated = sealed;
  repeated.replace(header + stride, stride, c0);
  EXPECT_EQ(decrypt(repeated), CryptStatus::NotAuthentic);
  // A chunk of another encryption of the same data under another file key.
  std::string other = encrypt(readAll(path("plain")));
  std::string mixed = sealed;
  mixed.replace(header + stride, stride, other.substr(headerSize(other) + stride, stride));
  EXPECT_EQ(decrypt(mixed), CryptStatus::NotAuthentic);
}

TEST_P(EnvelopeTest, WrongKeyIsRefused) {
  std::string sealed = encrypt("for the city only");
  auto other = newKey(GetParam());
  EXPECT_EQ(decrypt(sealed, other.get()), CryptStatus::Trouble);
  EXPECT_NE(err_.find("not to this key"), std::string::npos) << err_;
  auto other_kind =
      newKey(GetParam() == KeyAlgorithm::Sm2 ? KeyAlgorithm::Ed25519 : KeyAlgorithm::Sm2);
  EXPECT_EQ(decrypt(sealed, other_kind.get()), CryptStatus::Trouble);
  // The header made to name the other key: its id is not enough to open the file.
  std::string raw_id;
  std::string hex = other->keyId();
  for (size_t i = 0; i < 16; i += 2) raw_id += char(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string forged = sealed;
  forged.replace(22, 8, raw_id);
  EXPECT_EQ(decrypt(forged, other.get()), CryptStatus::NotAuthentic) << err_;
  // A public key cannot decrypt.
  std::string err;
  auto pub = publicKeyFromDer(key_->publicDer(), &err);
  ASSERT_TRUE(pub) << err;
  EXPECT_EQ(decrypt(sealed, pub.get()), CryptStatus::Trouble);
}

TEST_P(EnvelopeTest, MissingInputLeavesNoOutput) {
  std::string err;
  EXPECT_EQ(encryptFile(*key_, path("none"), path("none.enc"), &err), CryptStatus::Trouble);
  EXPECT_FALSE(fs::exists(path("none.enc")));
}

INSTANTIATE_TEST_SUITE_P(BothKeys, EnvelopeTest,
                         ::testing::Values(KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519),
                         [](const auto& info) {
                           return std::string(keyAlgorithmName(info.param));
                         });

// RFC 8032's first test key: its Montgomery form, which is also the X25519 public key of the
// clamped first half of SHA-512 of that key's seed (9d61b1...7f60), as `openssl pkey` gives it.
TEST(EnvelopeMap, Ed25519PublicToX25519) {
  std::string err;
  // SubjectPublicKeyInfo prefix for Ed25519, then the raw key of RFC 8032 test 1.
  std::string der = std::string("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
  const char* hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  for (int i = 0; i < 64; i += 2) der += char(std::stoi(std::string(hex + i, 2), nullptr, 16));
  auto key = publicKeyFromDer(der, &err);
  ASSERT_TRUE(key) << err;
  std::string u;
  ASSERT_TRUE(ed25519ToX25519Public(*key, &u, &err)) << err;
  std::string u_hex;
  static const char* kDigits = "0123456789abcdef";
  for (unsigned char c : u) u_hex += {kDigits[c >> 4], kDigits[c & 15]};
  EXPECT_EQ(u_hex, "d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e");
}

}  // namespace
