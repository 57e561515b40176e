// A multi-GiB sparse file is signed and verified in bounded memory: the digest streams.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "sign/keys.h"
#include "sign/sign.h"
#include "sign/verify.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {

long peakRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST(SignLarge, SparseThreeGiBInBoundedMemory) {
  std::string dir = (fs::temp_directory_path() / "vetsign-large.XXXXXX").string();
  ASSERT_TRUE(mkdtemp(dir.data()));
  const std::string file = dir + "/大文件.bin";
  {
    FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_TRUE(f);
    std::fclose(f);
  }
  const off_t kSize = off_t(3) << 30;
  ASSERT_EQ(truncate(file.c_str(), kSize), 0);
  std::string err;
  // Ed25519 pairs with SHA-512, the faster digest, to keep the test to a few seconds a GiB.
  auto key = generateKey(KeyAlgorithm::Ed25519, &err);
  ASSERT_TRUE(key) << err;
  key->signer = "娄底市民政局";
  key->role = "city";
  long before = peakRssKiB();
  SignatureBlock block;
  ASSERT_EQ(signFile(file, "", *key, {}, &block, &err), VerifyStatus::Valid) << err;
  EXPECT_EQ(block.size, uint64_t(kSize));
  VerifyResult result;
  EXPECT_EQ(verifyFile(file, "", nullptr, {}, &result), VerifyStatus::Untrusted);
  EXPECT_TRUE(result.signers.at(0).signature_good);
  EXPECT_LT(peakRssKiB() - before, 32 * 1024) << "memory grew with the file";
  fs::remove_all(dir);
}
