// Trust in the chain (issue 13, findings 1, 6 and 7): a trust entry binds a key to a signer, a
// role and a unit; the store fails closed; only trusted signatures count; a county key vouches
// for its own unit only; countersignature chains are judged before they are walked, each batch
// once, and a chain blown up with a self-made key is refused at once.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sign/keys.h"
#include "sign/sign.h"
#include "sign/signature_file.h"
#include "sign/trust.h"
#include "sign/utc_time.h"
#include "sign/verify.h"

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

class TrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetsign-trust.XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::unique_ptr<Key> newKey(const std::string& signer, const std::string& role,
                              const std::string& unit,
                              KeyAlgorithm algorithm = KeyAlgorithm::Ed25519) {
    std::string err;
    auto key = generateKey(algorithm, &err);
    EXPECT_TRUE(key) << err;
    key->signer = signer;
    key->role = role;
    key->unit = unit;
    return key;
  }
  // Writes the key pair under trusted/ and returns the .pub's path; the .key goes to keys/.
  std::string trustKey(const Key& key, const std::string& name) {
    fs::create_directories(path("trusted"));
    fs::create_directories(path("keys"));
    std::string err;
    EXPECT_TRUE(writeKeyPair(key, path("keys/" + name), "", &err)) << err;
    fs::copy_file(path("keys/" + name + ".pub"), path("trusted/" + name + ".pub"));
    return path("trusted/" + name + ".pub");
  }
  TrustStore loadTrusted() {
    TrustStore trust;
    std::string err;
    EXPECT_TRUE(trust.load(path("trusted"), &err)) << err;
    return trust;
  }
  VerifyStatus sign(const std::string& file, const Key& key, SignOptions options = {}) {
    std::string err;
    VerifyStatus s = signFile(file, "", key, options, nullptr, &err);
    EXPECT_EQ(s, VerifyStatus::Valid) << err;
    return s;
  }
  VerifyStatus verify(const std::string& file, const TrustStore* trust, VerifyPolicy policy = {}) {
    VerifyStatus s = verifyFile(file, "", trust, policy, &result_);
    problems_.clear();
    for (const std::string& p : result_.problems) problems_ += p + "\n";
    return s;
  }
  // A countersignature block made by hand (signFile checks what it covers; an attacker's
  // tool does not): `key` signs `file` covering each of `covered`, all in this directory.
  void countersignRaw(const std::string& file, const Key& key,
                      const std::vector<std::string>& covered) {
    std::string err;
    SignatureBlock block;
    block.algorithm = key.algorithm();
    block.key_id = key.keyId();
    block.public_key = key.publicDer();
    block.signer = key.signer;
    block.role = key.role;
    block.file = fs::path(file).filename().string();
    FileDigest digest;
    ASSERT_TRUE(digestFile(digestFor(key.algorithm()), file, &digest, &err)) << err;
    block.size = digest.size;
    block.digest = digest.hex;
    block.signed_at = "2026-11-29T08:00:00Z";
    for (const std::string& c : covered) {
      Cover cover;
      FileDigest d;
      std::vector<SignatureBlock> blocks;
      std::string raw;
      ASSERT_TRUE(digestFile(digestFor(key.algorithm()), c, &d, &err)) << err;
      ASSERT_TRUE(parseSignatureFile(readAll(c + ".vsig"), &blocks, &err)) << err;
      ASSERT_TRUE(digestBytes(digestFor(key.algorithm()), blockDigestInput(blocks), &raw, &err));
      cover.file_digest = d.hex;
      cover.block_digest = toHex(raw);
      cover.name = fs::path(c).filename().string();
      block.covers.push_back(cover);
    }
    block.header = formatHeader(block);
    ASSERT_TRUE(signMessage(key, "", signedBytes(block), &block.signature, &err)) << err;
    writeAll(file + ".vsig", formatBlock(block));
  }

  std::string dir_, problems_;
  VerifyResult result_;
};

// --- Finding 7: the trust store fails closed ---

TEST_F(TrustTest, PubWithoutRoleOrUnitIsRefused) {
  auto county = newKey("娄星区民政局", "county", "431302");
  std::string pub = readAll(trustKey(*county, "娄星区"));
  for (const char* field : {"role: county\n", "unit: 431302\n", "signer: 娄星区民政局\n"}) {
    SCOPED_TRACE(field);
    std::string text = pub;
    ASSERT_NE(text.find(field), std::string::npos);
    text.erase(text.find(field), std::string(field).size());
    writeAll(path("trusted/娄星区.pub"), text);
    TrustStore trust;
    std::string err;
    EXPECT_FALSE(trust.load(path("trusted"), &err));
    EXPECT_NE(err.find("every trusted key names its signer, role and unit"), std::string::npos)
        << err;
  }
}

TEST_F(TrustTest, PubWithAnAppendedKeyIsRefused) {
  auto county = newKey("娄星区民政局", "county", "431302");
  auto intruder = newKey("娄底市民政局", "city", "431300");
  std::string pub = trustKey(*county, "娄星区");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*intruder, path("intruder"), "", &err)) << err;
  writeAll(pub, readAll(pub) + readAll(path("intruder.pub")));
  TrustStore trust;
  EXPECT_FALSE(trust.load(path("trusted"), &err));
  EXPECT_NE(err.find("holds 2 keys; a .pub file holds exactly one"), std::string::npos) << err;
  EXPECT_FALSE(trust.find(intruder->keyId()));
}

TEST_F(TrustTest, KeyFieldsWithLineBreaksAreRefusedAtKeygen) {
  auto key = newKey("娄星区民政局\nrole: city", "county", "431302");
  std::string err;
  EXPECT_FALSE(writeKeyPair(*key, path("k"), "", &err));
  EXPECT_NE(err.find("control characters"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(path("k.key")));
  EXPECT_FALSE(fs::exists(path("k.pub")));
  // And the unit must be a code of the role's level.
  EXPECT_FALSE(checkKeyIdentity("a", "county", "431300", &err));
  EXPECT_FALSE(checkKeyIdentity("a", "city", "431302", &err));
  EXPECT_FALSE(checkKeyIdentity("a", "province", "431300", &err));
  EXPECT_FALSE(checkKeyIdentity("a", "county", "43130x", &err));
  EXPECT_FALSE(checkKeyIdentity("a", "county", "", &err));
  EXPECT_FALSE(checkKeyIdentity("a", "mayor", "431302", &err));
  EXPECT_TRUE(checkKeyIdentity("a", "county", "431302", &err)) << err;
  EXPECT_TRUE(checkKeyIdentity("a", "city", "431300", &err)) << err;
  EXPECT_TRUE(checkKeyIdentity("a", "province", "430000", &err)) << err;
  // A key file with a field given twice (the old injection's result) is refused on load.
  std::vector<KeyFileEntry> entries;
  EXPECT_FALSE(parseKeyFile("signer: x\nrole: city\nrole: county\n", &entries, &err));
  EXPECT_NE(err.find("duplicated field 'role'"), std::string::npos) << err;
}

TEST_F(TrustTest, GroupReadablePrivateKeyIsRefused) {
  auto key = newKey("娄星区民政局", "county", "431302");
  std::string err;
  ASSERT_TRUE(writeKeyPair(*key, path("k"), "", &err)) << err;
  ASSERT_TRUE(loadPrivateKey(path("k.key"), "", &err)) << err;
  for (mode_t mode : {0644, 0640, 0604}) {
    chmod(path("k.key").c_str(), mode);
    EXPECT_FALSE(loadPrivateKey(path("k.key"), "", &err));
    EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
  }
}

TEST_F(TrustTest, UntrustedSignatureDoesNotCountTowardsRequire) {
  auto county = newKey("娄星区民政局", "county", "431302");
  auto stranger = newKey("娄星区民政局", "county", "431302");
  trustKey(*county, "娄星区");
  TrustStore trust = loadTrusted();
  writeAll(path("b.jsonl"), "x\n");
  sign(path("b.jsonl"), *stranger);
  VerifyPolicy policy;
  policy.required_roles = {"county"};
  EXPECT_EQ(verify(path("b.jsonl"), &trust, policy), VerifyStatus::MissingSigner) << problems_;
  EXPECT_NE(problems_.find("no good signature by a trusted county key"), std::string::npos)
      << problems_;
  // Without --require, the same file is "good but untrusted".
  EXPECT_EQ(verify(path("b.jsonl"), &trust), VerifyStatus::Untrusted);
}

// --- Finding 1: a key vouches only for its own unit and role ---

TEST_F(TrustTest, UnitWithinFollowsTheDivisionTree) {
  EXPECT_TRUE(unitWithin("county", "431302", "431302"));
  EXPECT_FALSE(unitWithin("county", "431302", "431322"));
  EXPECT_FALSE(unitWithin("county", "431302", "431300"));
  EXPECT_TRUE(unitWithin("city", "431300", "431322"));
  EXPECT_TRUE(unitWithin("city", "431300", "431300"));
  EXPECT_FALSE(unitWithin("city", "431300", "430521"));
  EXPECT_TRUE(unitWithin("province", "430000", "430521"));
  EXPECT_FALSE(unitWithin("province", "430000", "440305"));
  EXPECT_FALSE(unitWithin("county", "431302", "LD01"));
  EXPECT_FALSE(unitWithin("", "431302", "431302"));
}

TEST_F(TrustTest, CountyKeyCannotVouchForAnotherCounty) {
  auto louxing = newKey("娄星区民政局", "county", "431302", KeyAlgorithm::Sm2);
  trustKey(*louxing, "娄星区");
  TrustStore trust = loadTrusted();
  // 新化县's batch, edited and signed with 娄星区's key.
  writeAll(path("新化县.jsonl"), "{\"unit\":\"431322\",\"name\":\"改过的\"}\n");
  sign(path("新化县.jsonl"), *louxing);
  EXPECT_EQ(verify(path("新化县.jsonl"), &trust), VerifyStatus::Valid) << problems_;
  ASSERT_EQ(result_.signers.size(), 1u);
  const SignerResult& s = result_.signers[0];
  EXPECT_EQ(s.owner, "娄星区民政局");
  EXPECT_EQ(s.owner_role, "county");
  EXPECT_EQ(s.owner_unit, "431302");
  EXPECT_EQ(s.key_id, louxing->keyId());
  // What a merge asks for each record's unit:
  EXPECT_FALSE(mayVouchFor(s, "431322"));
  EXPECT_TRUE(mayVouchFor(s, "431302"));
  EXPECT_TRUE(mayVouchFor(*trust.find(louxing->keyId()), "431302"));
  // And what `vetsign verify --unit 431322 --require county` says.
  VerifyPolicy policy;
  policy.unit = "431322";
  policy.required_roles = {"county"};
  EXPECT_EQ(verify(path("新化县.jsonl"), &trust, policy), VerifyStatus::MissingSigner);
  EXPECT_NE(problems_.find("may vouch for unit 431302 (county) only, not 431322"),
            std::string::npos)
      << problems_;
  policy.unit = "431302";
  EXPECT_EQ(verify(path("新化县.jsonl"), &trust, policy), VerifyStatus::Valid) << problems_;
}

TEST_F(TrustTest, CountyKeySigningAsCityFailsRequireCity) {
  auto county = newKey("娄星区民政局", "county", "431302");
  trustKey(*county, "娄星区");
  TrustStore trust = loadTrusted();
  writeAll(path("娄底市.jsonl"), "x\n");
  SignOptions as_city;
  as_city.role = "city";
  sign(path("娄底市.jsonl"), *county, as_city);
  VerifyPolicy policy;
  policy.required_roles = {"city"};
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust, policy), VerifyStatus::MissingSigner) << problems_;
  EXPECT_NE(problems_.find("trusted for role county, not city"), std::string::npos) << problems_;
  EXPECT_FALSE(mayVouchFor(result_.signers.at(0), "431302"));
}

TEST_F(TrustTest, CityKeyCannotCoverAnotherCitysBatch) {
  auto shaoyang_county = newKey("邵东市民政局", "county", "430521");
  auto city = newKey("娄底市民政局", "city", "431300");
  trustKey(*shaoyang_county, "邵东市");
  trustKey(*city, "娄底市");
  TrustStore trust = loadTrusted();
  writeAll(path("邵东市.jsonl"), "a\n");
  writeAll(path("娄底市.jsonl"), "a\n");
  sign(path("邵东市.jsonl"), *shaoyang_county);
  SignOptions options;
  options.covers = {path("邵东市.jsonl")};
  options.trust = &trust;
  sign(path("娄底市.jsonl"), *city, options);
  EXPECT_EQ(verify(path("娄底市.jsonl"), &trust), VerifyStatus::Untrusted) << problems_;
  EXPECT_NE(problems_.find("signed for unit 430521, outside this key's unit 431300"),
            std::string::npos)
      << problems_;
}

// --- Finding 6: chains ---

TEST_F(TrustTest, ThreeLevelChainVerifies) {
  auto a = newKey("娄星区民政局", "county", "431302", KeyAlgorithm::Sm2);
  auto b = newKey("双峰县民政局", "county", "431321", KeyAlgorithm::Sm2);
  auto city = newKey("娄底市民政局", "city", "431300");
  auto province = newKey("湖南省民政厅", "province", "430000");
  for (auto [key, name] :
       {std::pair{a.get(), "a"}, {b.get(), "b"}, {city.get(), "c"}, {province.get(), "p"}})
    trustKey(*key, name);
  TrustStore trust = loadTrusted();
  writeAll(path("娄星区.jsonl"), "a\n");
  writeAll(path("双峰县.jsonl"), "b\n");
  writeAll(path("娄底市.jsonl"), "a\nb\n");
  writeAll(path("湖南省.jsonl"), "a\nb\n");
  sign(path("娄星区.jsonl"), *a);
  sign(path("双峰县.jsonl"), *b);
  SignOptions options;
  options.trust = &trust;
  options.covers = {path("娄星区.jsonl"), path("双峰县.jsonl")};
  sign(path("娄底市.jsonl"), *city, options);
  options.covers = {path("娄底市.jsonl")};
  sign(path("湖南省.jsonl"), *province, options);
  VerifyPolicy policy;
  policy.required_roles = {"province"};
  EXPECT_EQ(verify(path("湖南省.jsonl"), &trust, policy), VerifyStatus::Valid) << problems_;
  // A county batch changed at the bottom fails the province's seal.
  writeAll(path("双峰县.jsonl"), "b changed\n");
  EXPECT_EQ(verify(path("湖南省.jsonl"), &trust, policy), VerifyStatus::BadSignature);
}

TEST_F(TrustTest, DuplicateCoversAreMalformed) {
  auto key = newKey("娄底市民政局", "city", "431300");
  auto county = newKey("娄星区民政局", "county", "431302");
  writeAll(path("a.jsonl"), "a\n");
  sign(path("a.jsonl"), *county);
  writeAll(path("top.jsonl"), "t\n");
  countersignRaw(path("top.jsonl"), *key, {path("a.jsonl"), path("a.jsonl")});
  std::vector<SignatureBlock> blocks;
  std::string err;
  EXPECT_FALSE(parseSignatureFile(readAll(path("top.jsonl.vsig")), &blocks, &err));
  EXPECT_NE(err.find("covers the same batch twice"), std::string::npos) << err;
  EXPECT_EQ(verify(path("top.jsonl"), nullptr), VerifyStatus::Malformed);
}

// Level 0 is one file; each level above holds kFanOut files (the top one file), each covering
// every file of the level below: without judging trust first and verifying each batch once,
// the work is kFanOut ^ kDepth (16,384 paths) from 26 small files.
constexpr int kFanOut = 4, kDepth = 7;

class ChainTest : public TrustTest {
 protected:
  std::string buildBlownUpChain(const Key& key) {
    std::vector<std::string> below = {path("L0-0.jsonl")};
    writeAll(below[0], "leaf\n");
    sign(below[0], key);
    for (int level = 1; level <= kDepth; ++level) {
      std::vector<std::string> here;
      for (int i = 0; i < (level == kDepth ? 1 : kFanOut); ++i) {
        std::string f = path("L" + std::to_string(level) + "-" + std::to_string(i) + ".jsonl");
        writeAll(f, f + "\n");
        countersignRaw(f, key, below);
        here.push_back(f);
      }
      below = here;
    }
    return below[0];
  }
  double timedVerify(const std::string& file, const TrustStore* trust, VerifyPolicy policy,
                     VerifyStatus* status) {
    auto start = std::chrono::steady_clock::now();
    *status = verify(file, trust, policy);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

TEST_F(ChainTest, BlownUpChainWithSelfMadeKeyEndsAtOnce) {
  auto county = newKey("娄星区民政局", "county", "431302");
  auto self_made = newKey("娄底市民政局", "city", "431300");
  trustKey(*county, "娄星区");
  TrustStore trust = loadTrusted();
  const std::string top = buildBlownUpChain(*self_made);
  VerifyPolicy policy;
  policy.required_roles = {"city"};
  VerifyStatus status;
  double seconds = timedVerify(top, &trust, policy, &status);
  std::printf("blown-up chain (%d^%d paths), self-made key: %.3f s\n", kFanOut, kDepth, seconds);
  EXPECT_LT(seconds, 1.0);
  EXPECT_EQ(status, VerifyStatus::MissingSigner);
  // One problem for the untrusted block, one for the missing city seal: nothing was walked.
  EXPECT_EQ(result_.problems.size(), 2u) << problems_;
  EXPECT_NE(problems_.find("not in the trust store; the batches it covers were not checked"),
            std::string::npos)
      << problems_;
}

TEST_F(ChainTest, BlownUpChainWithTrustedKeyVerifiesEachBatchOnce) {
  auto city = newKey("娄底市民政局", "city", "431300");
  trustKey(*city, "娄底市");
  TrustStore trust = loadTrusted();
  const std::string top = buildBlownUpChain(*city);
  VerifyStatus status;
  double seconds = timedVerify(top, &trust, {}, &status);
  std::printf("blown-up chain (%d^%d paths), trusted key: %.3f s\n", kFanOut, kDepth, seconds);
  EXPECT_EQ(status, VerifyStatus::Valid) << problems_;
  EXPECT_LT(seconds, 1.0);
  // The cap on covered batches stops a chain too large, with one clear message.
  VerifyPolicy small;
  small.max_covered = 5;
  EXPECT_EQ(verify(top, &trust, small), VerifyStatus::Malformed);
  EXPECT_NE(problems_.find("more than 5 covered batches in one chain; verification stopped"),
            std::string::npos)
      << problems_;
}

}  // namespace
