// vetsign's library: known answers, keys and their files, the signature format, tampering,
// forgeries, malformed files, trust, multi-signer policy, countersignature chains, and
// interoperability with the stock openssl command both ways.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sign/digest.h"
#include "sign/keys.h"
#include "sign/selftest.h"
#include "sign/sign.h"
#include "sign/signature_file.h"
#include "sign/trust.h"
#include "sign/utc_time.h"
#include "sign/verify.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = VETKIT_FIXTURES "/sign";

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// A fresh scratch directory per test, removed afterwards.
class SignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetsign-test.XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // A key of 娄星区 (county), 娄底市 (city) or 湖南省 (province) unless `unit` says otherwise.
  std::unique_ptr<Key> newKey(KeyAlgorithm algorithm, const std::string& signer,
                              const std::string& role = "county", const std::string& unit = "") {
    std::string err;
    auto key = generateKey(algorithm, &err);
    EXPECT_TRUE(key) << err;
    key->signer = signer;
    key->role = role;
    key->unit = !unit.empty()      ? unit
                : role == "county" ? "431302"
                : role == "city"   ? "431300"
                                   : "430000";
    return key;
  }
  // A private key file copied to a 0600 file in the scratch directory (git keeps no modes).
  std::string privateCopy(const std::string& key_file) {
    std::string copy = path(fs::path(key_file).filename().string());
    writeAll(copy, readAll(key_file));
    chmod(copy.c_str(), 0600);
    return copy;
  }
  VerifyStatus sign(const std::string& file, const Key& key, SignOptions options = {}) {
    std::string err;
    VerifyStatus s = signFile(file, "", key, options, nullptr, &err);
    last_error_ = err;
    return s;
  }
  VerifyStatus verify(const std::string& file, const TrustStore* trust = nullptr,
                      VerifyPolicy policy = {}, const std::string& sig = "") {
    VerifyStatus s = verifyFile(file, sig, trust, policy, &result_);
    last_error_ = result_.problems.empty() ? "" : result_.problems[0];
    return s;
  }
  // A trust store holding exactly `keys` (as their .pub files would).
  TrustStore trustOf(std::initializer_list<const Key*> keys, const std::string& extra = "") {
    std::string text;
    int i = 0;
    for (const Key* k : keys) {
      std::string base = path("trust" + std::to_string(i++));
      std::string err;
      EXPECT_TRUE(writeKeyPair(*k, base, "", &err)) << err;
      std::string pub = readAll(base + ".pub");
      // `extra` fields go first; a role or unit given there replaces the key file's own.
      for (const char* field : {"role: ", "unit: "})
        if (extra.find(field) != std::string::npos)
          pub.erase(pub.find(field), pub.find('\n', pub.find(field)) + 1 - pub.find(field));
      text += extra + pub;
      fs::remove(base + ".key");
      fs::remove(base + ".pub");
    }
    writeAll(path("trust.txt"), text);
    TrustStore trust;
    std::string err;
    EXPECT_TRUE(trust.load(path("trust.txt"), &err)) << err;
    return trust;
  }

  std::string dir_, last_error_;
  VerifyResult result_;
};

bool haveOpenssl() {
  return std::system("openssl version >/dev/null 2>&1") == 0;
}

}  // namespace

TEST(SignKnownAnswers, Sm3Abc) {
  std::string raw, err;
  ASSERT_TRUE(digestBytes(DigestAlgorithm::Sm3, "abc", &raw, &err)) << err;
  EXPECT_EQ(toHex(raw), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(SignKnownAnswers, Sm4GbT32907Example) {
  const unsigned char key[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  unsigned char out[16];
  std::string err;
  ASSERT_TRUE(sm4EncryptBlock(key, key, out, &err)) << err;
  EXPECT_EQ(toHex(std::string_view(reinterpret_cast<char*>(out), 16)),
            "681edf34d206965e86b3e94f536e4246");
  EXPECT_TRUE(runSelfTest(&err)) << err;
}

TEST(SignKnownAnswers, Sha512OfEmpty) {
  std::string raw, err;
  ASSERT_TRUE(digestBytes(DigestAlgorithm::Sha512, "", &raw, &err));
  EXPECT_EQ(toHex(raw).substr(0, 16), "cf83e1357eefb8bd");
}

TEST(SignBase64, StrictRoundTrip) {
  std::string out;
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    ASSERT_TRUE(base64Decode(base64Encode(s), &out));
    EXPECT_EQ(out, s);
  }
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64Decode("Zm9vYmF", &out));   // length
  EXPECT_FALSE(base64Decode("Zm9v YmF", &out));  // whitespace
  EXPECT_FALSE(base64Decode("Zm9=", &out));      // non-zero pad bits
  EXPECT_FALSE(base64Decode("Zm=v", &out));      // padding in the middle
  EXPECT_FALSE(base64Decode("*m9v", &out));
}

TEST(SignTime, ParseAndFormat) {
  int64_t t = 0;
  ASSERT_TRUE(parseUtcTime("2026-11-29T08:30:00Z", &t));
  EXPECT_EQ(formatUtcTime(t), "2026-11-29T08:30:00Z");
  ASSERT_TRUE(parseUtcTime("1970-01-02", &t));
  EXPECT_EQ(t, 86400);
  EXPECT_FALSE(parseUtcTime("2026-02-29", &t));
  EXPECT_FALSE(parseUtcTime("2026-11-29 08:30:00", &t));
}

TEST_F(SignTest, RoundTripEachAlgorithm) {
  for (KeyAlgorithm a : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    auto key = newKey(a, "娄星区民政局");
    std::string file = path(std::string("batch-") + keyAlgorithmName(a) + ".jsonl");
    writeAll(file, "{\"name\":\"张三\"}\n");
    ASSERT_EQ(sign(file, *key), VerifyStatus::Valid) << last_error_;
    TrustStore trust = trustOf({key.get()});
    EXPECT_EQ(verify(file, &trust), VerifyStatus::Valid) << last_error_;
    ASSERT_EQ(result_.signers.size(), 1u);
    EXPECT_EQ(result_.signers[0].signer, "娄星区民政局");
    EXPECT_EQ(result_.signers[0].key_id, key->keyId());
    EXPECT_EQ(result_.signers[0].role, "county");
    EXPECT_EQ(verify(file), VerifyStatus::Untrusted);  // no trust store: key unknown
    EXPECT_NE(last_error_.find("not in the trust store"), std::string::npos);
    EXPECT_NE(last_error_.find(key->keyId()), std::string::npos);
  }
}

TEST_F(SignTest, Sm2KeysAreSm2AfterPemRoundTrip) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*key, path("k"), "", &err)) << err;
  auto loaded = loadPrivateKey(path("k.key"), "", &err);
  ASSERT_TRUE(loaded) << err;
  EXPECT_EQ(loaded->algorithm(), KeyAlgorithm::Sm2);
  EXPECT_EQ(loaded->keyId(), key->keyId());
  EXPECT_EQ(loaded->signer, "a");
  std::string sig;
  ASSERT_TRUE(signMessage(*loaded, kDefaultSm2Id, "m", &sig, &err)) << err;
  EXPECT_TRUE(verifyMessage(*key, kDefaultSm2Id, "m", sig, &err));
  EXPECT_FALSE(verifyMessage(*key, "1234567812345679", "m", sig, &err));  // another SM2 ID
  EXPECT_FALSE(verifyMessage(*key, kDefaultSm2Id, "n", sig, &err));
}

TEST_F(SignTest, KeyFilesAre0600AndNeverOverwritten) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*key, path("k"), "", &err)) << err;
  struct stat st;
  ASSERT_EQ(stat(path("k.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string before = readAll(path("k.key"));
  auto other = newKey(KeyAlgorithm::Sm2, "b");
  EXPECT_FALSE(writeKeyPair(*other, path("k"), "", &err));
  EXPECT_NE(err.find("already exists"), std::string::npos);
  EXPECT_EQ(readAll(path("k.key")), before);
  // A lone .pub blocks too, and no .key is left behind.
  writeAll(path("p.pub"), "x");
  EXPECT_FALSE(writeKeyPair(*other, path("p"), "", &err));
  EXPECT_FALSE(fs::exists(path("p.key")));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(SignTest, PassphraseEncryptedKey) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*key, path("k"), "秘密 passphrase", &err)) << err;
  EXPECT_NE(readAll(path("k.key")).find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_FALSE(loadPrivateKey(path("k.key"), "", &err));
  EXPECT_NE(err.find("encrypted"), std::string::npos);
  EXPECT_FALSE(loadPrivateKey(path("k.key"), "wrong", &err));
  auto loaded = loadPrivateKey(path("k.key"), "秘密 passphrase", &err);
  ASSERT_TRUE(loaded) << err;
  EXPECT_EQ(loaded->keyId(), key->keyId());
}

TEST_F(SignTest, CommittedGoldenKeepsVerifying) {
  TrustStore trust;
  std::string err;
  ASSERT_TRUE(trust.load(kFixtures + "/trusted", &err)) << err;
  VerifyPolicy policy;
  policy.now = 1800000000;  // 2027-01-15: the goldens must verify whatever today is
  EXPECT_EQ(verify(kFixtures + "/data/娄星区.jsonl", &trust, policy), VerifyStatus::Valid)
      << last_error_;
  EXPECT_EQ(result_.signers[0].signer, "娄星区民政局");
  policy.required_roles = {"city"};
  EXPECT_EQ(verify(kFixtures + "/data/娄底市.jsonl", &trust, policy), VerifyStatus::Valid)
      << last_error_;
  ASSERT_EQ(result_.signers.size(), 1u);
  EXPECT_EQ(result_.signers[0].covers, (std::vector<std::string>{"娄星区.jsonl", "双峰县.jsonl"}));
  // The committed private key still signs, and its id is what the .pub says.
  auto key = loadPrivateKey(privateCopy(kFixtures + "/keys/娄星区.key"), "", &err);
  ASSERT_TRUE(key) << err;
  EXPECT_EQ(key->keyId(), trust.find(key->keyId())->key->keyId());
}

TEST_F(SignTest, CommittedForgeriesFail) {
  TrustStore trust;
  std::string err;
  ASSERT_TRUE(trust.load(kFixtures + "/trusted", &err)) << err;
  const std::string data = kFixtures + "/data/娄星区.jsonl";
  struct Case {
    const char* file;
    VerifyStatus status;
    const char* says;
  } cases[] = {
      {"signer-changed", VerifyStatus::BadSignature, "bad signature"},
      {"role-changed", VerifyStatus::BadSignature, "bad signature"},
      {"sm2-id-changed", VerifyStatus::BadSignature, "SM2 ID"},
      {"algorithm-ed25519", VerifyStatus::BadSignature, "algorithm mismatch"},
      {"key-id-other", VerifyStatus::BadSignature, "key-id mismatch"},
      {"other-data", VerifyStatus::BadSignature, "data changed"},
      {"comment-changed", VerifyStatus::Valid, ""},  // the comment is not signed
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    EXPECT_EQ(verify(data, &trust, {}, kFixtures + "/forged/" + c.file + ".vsig"), c.status);
    EXPECT_NE(last_error_.find(c.says), std::string::npos) << last_error_;
  }
  // A validly signed county batch with other data, swapped in under the city's signature.
  EXPECT_EQ(verify(kFixtures + "/forged/swap/娄底市.jsonl", &trust), VerifyStatus::BadSignature);
  EXPECT_NE(last_error_.find("not the one countersigned"), std::string::npos) << last_error_;
  EXPECT_EQ(verify(kFixtures + "/forged/swap/娄星区.jsonl", &trust), VerifyStatus::Valid);
}

TEST_F(SignTest, CommittedMalformedFilesExit2) {
  const std::string data = kFixtures + "/data/娄星区.jsonl";
  for (const auto& e : fs::directory_iterator(kFixtures + "/malformed")) {
    SCOPED_TRACE(e.path().filename().string());
    EXPECT_EQ(verify(data, nullptr, {}, e.path().string()), VerifyStatus::Malformed);
    EXPECT_NE(last_error_.find("malformed"), std::string::npos) << last_error_;
  }
}

TEST_F(SignTest, DataTamperingFails) {
  auto key = newKey(KeyAlgorithm::Sm2, "娄星区民政局");
  TrustStore trust = trustOf({key.get()});
  std::string original;
  for (int i = 0; i < 2000; ++i) original += "{\"row\":" + std::to_string(i) + ",\"x\":\"y\"}\r\n";
  const std::string file = path("b.csv");
  writeAll(file, original);
  ASSERT_EQ(sign(file, *key), VerifyStatus::Valid) << last_error_;
  auto flip = [&](size_t at) {
    std::string s = original;
    s[at] ^= 1;
    return s;
  };
  std::string lf = original;
  for (size_t p; (p = lf.find("\r\n")) != std::string::npos;) lf.erase(p, 1);
  const std::vector<std::pair<std::string, std::string>> tampered = {
      {"bit flipped at start", flip(0)},
      {"bit flipped in the middle", flip(original.size() / 2)},
      {"bit flipped at end", flip(original.size() - 1)},
      {"truncated", original.substr(0, original.size() - 1)},
      {"byte appended", original + "x"},
      {"CRLF to LF", lf},
      {"BOM added", "\xEF\xBB\xBF" + original},
  };
  for (const auto& [what, data] : tampered) {
    SCOPED_TRACE(what);
    writeAll(file, data);
    EXPECT_EQ(verify(file, &trust), VerifyStatus::BadSignature);
    EXPECT_NE(last_error_.find("data changed"), std::string::npos) << last_error_;
    EXPECT_NE(last_error_.find("娄星区民政局"), std::string::npos);
    EXPECT_NE(last_error_.find(key->keyId()), std::string::npos);
  }
  writeAll(file, original);
  EXPECT_EQ(verify(file, &trust), VerifyStatus::Valid);
  // LF to CRLF the other way round.
  auto key2 = newKey(KeyAlgorithm::Ed25519, "x");
  writeAll(path("lf.txt"), "a\nb\n");
  ASSERT_EQ(sign(path("lf.txt"), *key2), VerifyStatus::Valid);
  writeAll(path("lf.txt"), "a\r\nb\r\n");
  EXPECT_EQ(verify(path("lf.txt")), VerifyStatus::BadSignature);
}

TEST_F(SignTest, EverySignedHeaderFieldIsProtected) {
  auto key = newKey(KeyAlgorithm::Sm2, "娄星区民政局");
  const std::string file = path("b.txt");
  writeAll(file, "data\n");
  SignOptions options;
  options.comment = "first upload";
  ASSERT_EQ(sign(file, *key, options), VerifyStatus::Valid);
  const std::string sig = readAll(file + ".vsig");
  TrustStore trust = trustOf({key.get()});
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"signer: 娄星区民政局", "signer: 双峰县民政局"},
      {"role: county", "role: city"},
      {"file: b.txt", "file: c.txt"},
      {"signed-at: 2", "signed-at: 1"},
      {"sm2-id: 1234567812345678", "sm2-id: 1234567812345670"},
      {"version: 1", "version: 1"},  // unchanged: control
  };
  for (const auto& [from, to] : edits) {
    SCOPED_TRACE(to);
    std::string s = sig;
    size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos);
    s.replace(at, from.size(), to);
    writeAll(path("edited.vsig"), s);
    EXPECT_EQ(verify(file, &trust, {}, path("edited.vsig")),
              from == to ? VerifyStatus::Valid : VerifyStatus::BadSignature)
        << last_error_;
  }
  std::string s = sig;
  s.replace(s.find("first upload"), 12, "anything at all");
  writeAll(path("edited.vsig"), s);
  EXPECT_EQ(verify(file, &trust, {}, path("edited.vsig")), VerifyStatus::Valid) << last_error_;
}

TEST_F(SignTest, WrongKeyAndTrustStanding) {
  auto key = newKey(KeyAlgorithm::Sm2, "娄星区民政局");
  auto other = newKey(KeyAlgorithm::Sm2, "娄星区民政局");
  const std::string file = path("b.txt");
  writeAll(file, "data\n");
  ASSERT_EQ(sign(file, *key), VerifyStatus::Valid);
  // The trust store knows another key under the signer's name: unknown key, exit 3.
  TrustStore wrong = trustOf({other.get()});
  EXPECT_EQ(verify(file, &wrong), VerifyStatus::Untrusted);
  // A block whose embedded key is replaced by a trusted one fails outright.
  std::string sig = readAll(file + ".vsig");
  std::string der_b64 = base64Encode(other->publicDer());
  size_t at = sig.find("public-key: ") + 12;
  sig.replace(at, sig.find('\n', at) - at, der_b64);
  size_t kid = sig.find("key-id: ") + 8;
  sig.replace(kid, 16, other->keyId());
  writeAll(path("swapped.vsig"), sig);
  EXPECT_EQ(verify(file, &wrong, {}, path("swapped.vsig")), VerifyStatus::BadSignature);
  EXPECT_NE(last_error_.find("bad signature"), std::string::npos) << last_error_;

  VerifyPolicy at2026;
  parseUtcTime("2026-06-01", &at2026.now);
  TrustStore expired = trustOf({key.get()}, "not-after: 2026-01-01\n");
  EXPECT_EQ(verify(file, &expired, at2026), VerifyStatus::Untrusted);
  EXPECT_NE(last_error_.find("expired on 2026-01-01"), std::string::npos) << last_error_;
  TrustStore revoked = trustOf({key.get()}, "revoked-at: 2026-03-01\n");
  EXPECT_EQ(verify(file, &revoked, at2026), VerifyStatus::Untrusted);
  EXPECT_NE(last_error_.find("revoked"), std::string::npos) << last_error_;
  // Revocation withdraws every signature of the key, also those made before it.
  SignOptions in2025;
  parseUtcTime("2025-06-01", &in2025.now);
  writeAll(path("old.txt"), "signed long ago\n");
  ASSERT_EQ(sign(path("old.txt"), *key, in2025), VerifyStatus::Valid) << last_error_;
  EXPECT_EQ(verify(path("old.txt"), &revoked, at2026), VerifyStatus::Untrusted);
  EXPECT_NE(last_error_.find("revoked"), std::string::npos) << last_error_;
  VerifyPolicy in2026_01;  // before the revocation: still trusted
  parseUtcTime("2026-01-01", &in2026_01.now);
  EXPECT_EQ(verify(path("old.txt"), &revoked, in2026_01), VerifyStatus::Valid) << last_error_;
  TrustStore future = trustOf({key.get()}, "not-before: 2099-01-01\n");
  EXPECT_EQ(verify(file, &future), VerifyStatus::Untrusted);
  TrustStore city_only = trustOf({key.get()}, "role: city\nunit: 431300\n");
  EXPECT_EQ(verify(file, &city_only), VerifyStatus::Untrusted);
  EXPECT_NE(last_error_.find("trusted for role city"), std::string::npos) << last_error_;
}

// One unit signing in another unit's name with its own trusted key: the signature is good,
// but the trust store names the key's owner, so the batch is not trusted as the other's.
TEST_F(SignTest, TrustedKeySigningInAnotherUnitsName) {
  for (KeyAlgorithm alg : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    SCOPED_TRACE(keyAlgorithmName(alg));
    auto shuangfeng = newKey(alg, "双峰县民政局");
    auto louxing = newKey(alg, "娄星区民政局");
    TrustStore trust = trustOf({shuangfeng.get(), louxing.get()});
    const std::string file = path("b.jsonl");
    writeAll(file, "{\"name\":\"张三\"}\n");
    fs::remove(file + ".vsig");
    SignOptions as_other;
    as_other.signer = "娄星区民政局";
    ASSERT_EQ(sign(file, *shuangfeng, as_other), VerifyStatus::Valid) << last_error_;
    EXPECT_EQ(verify(file, &trust), VerifyStatus::Untrusted) << last_error_;
    ASSERT_EQ(result_.signers.size(), 1u);
    EXPECT_TRUE(result_.signers[0].signature_good);
    EXPECT_EQ(result_.signers[0].owner, "双峰县民政局");
    EXPECT_NE(last_error_.find("the trust store names the key's owner '双峰县民政局'"),
              std::string::npos)
        << last_error_;
    // The same key under its own name verifies: the owner check is what failed above.
    fs::remove(file + ".vsig");
    ASSERT_EQ(sign(file, *shuangfeng), VerifyStatus::Valid) << last_error_;
    EXPECT_EQ(verify(file, &trust), VerifyStatus::Valid) << last_error_;
  }
}

// The data digest is compared in full: a block signed (validly) over a digest that differs
// from the data's only in its last byte, or only past its first 16 bytes, is refused.
TEST_F(SignTest, DigestComparedToItsLastByte) {
  for (KeyAlgorithm alg : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    SCOPED_TRACE(keyAlgorithmName(alg));
    auto key = newKey(alg, "娄星区民政局");
    TrustStore trust = trustOf({key.get()});
    const std::string file = path("b.jsonl");
    writeAll(file, "{\"name\":\"张三\"}\n");
    SignatureBlock block;
    std::string err;
    ASSERT_EQ(signFile(file, path("made.vsig"), *key, {}, &block, &err), VerifyStatus::Valid)
        << err;
    const std::string good_digest = block.digest;
    for (size_t at : {good_digest.size() - 1, size_t(32), size_t(33), size_t(0)}) {
      SCOPED_TRACE("hex digit " + std::to_string(at));
      block.digest = good_digest;
      block.digest[at] = block.digest[at] == '0' ? '1' : '0';
      block.header = formatHeader(block);
      ASSERT_TRUE(signMessage(*key, block.sm2_id, signedBytes(block), &block.signature, &err))
          << err;
      writeAll(path("forged.vsig"), formatBlock(block));
      EXPECT_EQ(verify(file, &trust, {}, path("forged.vsig")), VerifyStatus::BadSignature);
      EXPECT_NE(last_error_.find("digest differs"), std::string::npos) << last_error_;
    }
    // The same re-signing over the true digest verifies: only the digest was wrong above.
    block.digest = good_digest;
    block.header = formatHeader(block);
    ASSERT_TRUE(signMessage(*key, block.sm2_id, signedBytes(block), &block.signature, &err));
    writeAll(path("resigned.vsig"), formatBlock(block));
    EXPECT_EQ(verify(file, &trust, {}, path("resigned.vsig")), VerifyStatus::Valid) << last_error_;
  }
}

TEST_F(SignTest, TrustStoreRejectsBadEntries) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*key, path("k"), "", &err));
  std::string pub = readAll(path("k.pub"));
  TrustStore t;
  writeAll(path("t1"), "colour: blue\n" + pub);
  EXPECT_FALSE(t.load(path("t1"), &err));
  EXPECT_NE(err.find("unknown field"), std::string::npos) << err;
  writeAll(path("t2"), pub + pub);
  EXPECT_FALSE(TrustStore().load(path("t2"), &err));
  EXPECT_NE(err.find("already listed"), std::string::npos) << err;
  writeAll(path("t3"), "algorithm: ed25519\n" + pub);
  EXPECT_FALSE(TrustStore().load(path("t3"), &err));
  writeAll(path("t4"), "not-after: someday\n" + pub);
  EXPECT_FALSE(TrustStore().load(path("t4"), &err));
}

TEST_F(SignTest, MultiSignerPolicy) {
  auto county = newKey(KeyAlgorithm::Sm2, "娄星区民政局", "county");
  auto county2 = newKey(KeyAlgorithm::Ed25519, "娄星区退役军人事务局", "county");
  auto city = newKey(KeyAlgorithm::Ed25519, "娄底市民政局", "city");
  TrustStore trust = trustOf({county.get(), county2.get(), city.get()});
  const std::string file = path("b.txt");
  writeAll(file, "data\n");
  ASSERT_EQ(sign(file, *city), VerifyStatus::Valid);
  VerifyPolicy policy;
  policy.required_roles = {"county", "city"};
  EXPECT_EQ(verify(file, &trust, policy), VerifyStatus::MissingSigner);
  EXPECT_NE(last_error_.find("county"), std::string::npos) << last_error_;
  ASSERT_EQ(sign(file, *county), VerifyStatus::Valid) << last_error_;
  EXPECT_EQ(verify(file, &trust, policy), VerifyStatus::Valid) << last_error_;
  EXPECT_EQ(result_.signers.size(), 2u);
  // The same key may not sign twice...
  EXPECT_EQ(sign(file, *county), VerifyStatus::Malformed);
  EXPECT_NE(last_error_.find("already signed"), std::string::npos);
  // ...and a block duplicated by hand counts once.
  std::string sig = readAll(file + ".vsig");
  size_t second = sig.find("-----BEGIN", 1);
  std::string county_block = sig.substr(second);
  writeAll(file + ".vsig", sig + "\n" + county_block);
  policy.required_roles = {"county", "county"};
  EXPECT_EQ(verify(file, &trust, policy), VerifyStatus::MissingSigner);
  EXPECT_NE(last_error_.find("2 county signers required, 1 found"), std::string::npos)
      << last_error_;
  // Reordered blocks pass.
  writeAll(file + ".vsig", county_block + "\n" + sig.substr(0, second));
  policy.required_roles = {"city", "county"};
  EXPECT_EQ(verify(file, &trust, policy), VerifyStatus::Valid) << last_error_;
  // A second, distinct county key satisfies two county signatures.
  ASSERT_EQ(sign(file, *county2), VerifyStatus::Valid) << last_error_;
  policy.required_roles = {"county", "county", "city"};
  EXPECT_EQ(verify(file, &trust, policy), VerifyStatus::Valid) << last_error_;
}

TEST_F(SignTest, CountersignatureChain) {
  auto a = newKey(KeyAlgorithm::Sm2, "娄星区民政局");
  auto b = newKey(KeyAlgorithm::Sm2, "双峰县民政局");
  auto city = newKey(KeyAlgorithm::Ed25519, "娄底市民政局", "city");
  auto intruder = newKey(KeyAlgorithm::Sm2, "冒名者");
  TrustStore trust = trustOf({a.get(), b.get(), city.get()});
  writeAll(path("娄星区.jsonl"), "a\n");
  writeAll(path("双峰县.jsonl"), "b\n");
  writeAll(path("娄底市.jsonl"), "a\nb\n");
  ASSERT_EQ(sign(path("娄星区.jsonl"), *a), VerifyStatus::Valid);
  ASSERT_EQ(sign(path("双峰县.jsonl"), *b), VerifyStatus::Valid);
  SignOptions options;
  options.covers = {path("娄星区.jsonl"), path("双峰县.jsonl")};
  options.trust = &trust;
  ASSERT_EQ(sign(path("娄底市.jsonl"), *city, options), VerifyStatus::Valid) << last_error_;
  VerifyPolicy policy;
  policy.required_roles = {"city"};
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::Valid) << last_error_;

  // A comment edited on a county batch breaks nothing.
  std::string county_sig = readAll(path("双峰县.jsonl.vsig"));
  writeAll(path("双峰县.jsonl.vsig"),
           county_sig.substr(0, 34) + "comment: hello\n" + county_sig.substr(34));
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::Valid) << last_error_;
  // A county batch re-signed by someone else (valid, but not what the city covered) fails.
  writeAll(path("双峰县.jsonl.vsig"), county_sig);
  ASSERT_EQ(sign(path("双峰县.jsonl"), *intruder), VerifyStatus::Valid);
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::BadSignature);
  EXPECT_NE(last_error_.find("other signatures"), std::string::npos) << last_error_;
  writeAll(path("双峰县.jsonl.vsig"), county_sig);
  // A validly signed county batch with other data swapped in fails.
  writeAll(path("娄星区.jsonl"), "other\n");
  fs::remove(path("娄星区.jsonl.vsig"));
  ASSERT_EQ(sign(path("娄星区.jsonl"), *a), VerifyStatus::Valid);
  EXPECT_EQ(verify(path("娄星区.jsonl"), &trust), VerifyStatus::Valid);
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::BadSignature);
  EXPECT_NE(last_error_.find("not the one countersigned"), std::string::npos) << last_error_;
  // A missing covered batch is trouble, unless the chain is not checked.
  fs::remove(path("娄星区.jsonl"));
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::Malformed);
  policy.check_chain = false;
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::Valid) << last_error_;
  // The city refuses to countersign a batch that does not verify.
  writeAll(path("娄星区.jsonl"), "changed\n");
  writeAll(path("new.jsonl"), "x\n");
  options.covers = {path("娄星区.jsonl")};
  EXPECT_EQ(sign(path("new.jsonl"), *city, options), VerifyStatus::BadSignature);
  EXPECT_FALSE(fs::exists(path("new.jsonl.vsig")));
}

TEST_F(SignTest, FailedSignLeavesNoSignatureFile) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  std::string err;
  EXPECT_EQ(sign(path("missing.txt"), *key), VerifyStatus::Malformed);
  EXPECT_FALSE(fs::exists(path("missing.txt.vsig")));
  writeAll(path("x.txt"), "x");
  SignOptions bad;
  bad.role = "village";
  EXPECT_EQ(sign(path("x.txt"), *key, bad), VerifyStatus::Malformed);
  EXPECT_FALSE(fs::exists(path("x.txt.vsig")));
  // A malformed existing signature file is left exactly as it was.
  writeAll(path("x.txt.vsig"), "junk\n");
  EXPECT_EQ(sign(path("x.txt"), *key), VerifyStatus::Malformed);
  EXPECT_EQ(readAll(path("x.txt.vsig")), "junk\n");
  // Data changed since the first signer: the second refuses to append.
  fs::remove(path("x.txt.vsig"));
  ASSERT_EQ(sign(path("x.txt"), *key), VerifyStatus::Valid);
  writeAll(path("x.txt"), "y");
  auto second = newKey(KeyAlgorithm::Sm2, "b");
  EXPECT_EQ(sign(path("x.txt"), *second), VerifyStatus::BadSignature);
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(SignTest, EmptyFileAndChineseNames) {
  for (KeyAlgorithm alg : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    auto key = newKey(alg, "双峰县民政局");
    std::string file =
        path(std::string("双峰县退役军人信息采集表(最终版)(2)-") + keyAlgorithmName(alg) + ".xlsx");
    writeAll(file, "");
    ASSERT_EQ(sign(file, *key), VerifyStatus::Valid) << last_error_;
    EXPECT_NE(readAll(file + ".vsig").find("size: 0\n"), std::string::npos);
    EXPECT_EQ(verify(file), VerifyStatus::Untrusted) << last_error_;
    EXPECT_TRUE(result_.signers[0].signature_good);
    writeAll(file, "\n");
    EXPECT_EQ(verify(file), VerifyStatus::BadSignature);
  }
}

TEST_F(SignTest, MalformedInputsNeverCrash) {
  auto key = newKey(KeyAlgorithm::Sm2, "a");
  writeAll(path("x"), "x");
  ASSERT_EQ(sign(path("x"), *key), VerifyStatus::Valid);
  const std::string good = readAll(path("x.vsig"));
  // Every prefix, and every single-byte corruption of the header region, is either still a
  // good signature (never) or rejected cleanly.
  for (size_t n = 0; n < good.size(); n += 7) {
    writeAll(path("t.vsig"), good.substr(0, n));
    EXPECT_NE(verify(path("x"), nullptr, {}, path("t.vsig")), VerifyStatus::Untrusted) << n;
  }
  for (size_t i = 0; i < good.size(); i += 5) {
    for (char c : {'\0', '\r', 'A', '\xff', ' ', ':'}) {
      std::string s = good;
      if (s[i] == c || s[i] == '\n') continue;
      s[i] = c;
      writeAll(path("t.vsig"), s);
      VerifyStatus st = verify(path("x"), nullptr, {}, path("t.vsig"));
      EXPECT_TRUE(st == VerifyStatus::Malformed || st == VerifyStatus::BadSignature)
          << "byte " << i << " -> " << int(c) << ": " << int(st);
    }
  }
  std::vector<SignatureBlock> blocks;
  std::string err;
  EXPECT_FALSE(parseSignatureFile(std::string(kMaxSignatureFile + 1, '\n'), &blocks, &err));
  EXPECT_FALSE(parseSignatureFile(std::string(kBeginLine) + "\n", &blocks, &err));
}

TEST_F(SignTest, OpensslVerifiesOurSignatures) {
  if (!haveOpenssl()) GTEST_SKIP() << "no openssl command";
  for (KeyAlgorithm alg : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    SCOPED_TRACE(keyAlgorithmName(alg));
    auto key = newKey(alg, "a");
    std::string err, base = path(std::string("k-") + keyAlgorithmName(alg));
    ASSERT_TRUE(writeKeyPair(*key, base, "", &err)) << err;
    writeAll(path("d"), "data\n");
    fs::remove(path("d.vsig"));
    SignatureBlock block;
    ASSERT_EQ(signFile(path("d"), "", *key, {}, &block, &err), VerifyStatus::Valid) << err;
    writeAll(path("msg"), signedBytes(block));
    writeAll(path("sig"), block.signature);
    std::string opts =
        alg == KeyAlgorithm::Sm2 ? " -digest sm3 -pkeyopt distid:1234567812345678" : "";
    std::string cmd = "openssl pkeyutl -verify -rawin" + opts + " -pubin -inkey '" + base +
                      ".pub' -in '" + path("msg") + "' -sigfile '" + path("sig") +
                      "' >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    if (alg == KeyAlgorithm::Sm2) {  // OpenSSL's empty default ID must not verify it
      std::string no_id = "openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey '" + base +
                          ".pub' -in '" + path("msg") + "' -sigfile '" + path("sig") +
                          "' >/dev/null 2>&1";
      EXPECT_NE(std::system(no_id.c_str()), 0);
    }
  }
}

TEST_F(SignTest, WeVerifyOpensslSignatures) {
  if (!haveOpenssl()) GTEST_SKIP() << "no openssl command";
  for (KeyAlgorithm alg : {KeyAlgorithm::Sm2, KeyAlgorithm::Ed25519}) {
    SCOPED_TRACE(keyAlgorithmName(alg));
    std::string err, name = keyAlgorithmName(alg);
    // A key made by openssl alone, signing a header we only assemble.
    std::string key_pem = path(name + "-ossl.pem");
    std::string gen = "openssl genpkey -algorithm " +
                      std::string(alg == KeyAlgorithm::Sm2 ? "SM2" : "ED25519") + " -out '" +
                      key_pem + "' 2>/dev/null";
    ASSERT_EQ(std::system(gen.c_str()), 0);
    chmod(key_pem.c_str(), 0600);
    auto key = loadPrivateKey(key_pem, "", &err);
    ASSERT_TRUE(key) << err;
    EXPECT_EQ(key->algorithm(), alg);
    writeAll(path("d"), "openssl-signed data\n");
    FileDigest digest;
    ASSERT_TRUE(digestFile(digestFor(alg), path("d"), &digest, &err));
    SignatureBlock block;
    block.algorithm = alg;
    block.key_id = key->keyId();
    block.sm2_id = alg == KeyAlgorithm::Sm2 ? std::string(kDefaultSm2Id) : "";
    block.public_key = key->publicDer();
    block.signer = "openssl";
    block.role = "county";
    block.file = "d";
    block.size = digest.size;
    block.digest = digest.hex;
    block.signed_at = "2026-11-29T08:30:00Z";
    block.header = formatHeader(block);
    writeAll(path("msg"), signedBytes(block));
    std::string opts =
        alg == KeyAlgorithm::Sm2 ? " -digest sm3 -pkeyopt distid:1234567812345678" : "";
    std::string cmd = "openssl pkeyutl -sign -rawin" + opts + " -inkey '" + key_pem + "' -in '" +
                      path("msg") + "' -out '" + path("sig") + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    block.signature = readAll(path("sig"));
    writeAll(path("d.vsig"), formatBlock(block));
    EXPECT_EQ(verify(path("d")), VerifyStatus::Untrusted) << last_error_;
    EXPECT_TRUE(result_.signers.at(0).signature_good) << last_error_;
    if (alg == KeyAlgorithm::Sm2) {  // signed by openssl without the ID: must fail
      std::string no_id = "openssl pkeyutl -sign -rawin -digest sm3 -inkey '" + key_pem +
                          "' -in '" + path("msg") + "' -out '" + path("sig") + "' 2>/dev/null";
      ASSERT_EQ(std::system(no_id.c_str()), 0);
      block.signature = readAll(path("sig"));
      writeAll(path("d.vsig"), formatBlock(block));
      EXPECT_EQ(verify(path("d")), VerifyStatus::BadSignature);
    }
  }
}
