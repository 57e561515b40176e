// Atomic output (core/atomic_file): the target appears whole on commit() or not at all, and
// whatever happens the 0600 temporary beside it never outlives the AtomicFile — a failed
// commit (the target is a directory), abandon(), or destruction without a commit.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetkit-atomic.XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // The names in the scratch directory.
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.insert(e.path().filename().string());
    return out;
  }
  // The one temporary beside `target` while it is open, with its mode.
  std::string temporary(const std::string& target, unsigned* mode) const {
    std::string found;
    for (const auto& e : fs::directory_iterator(dir_)) {
      std::string name = e.path().filename().string();
      if (name.starts_with(target + ".tmp.")) {
        EXPECT_TRUE(found.empty()) << "two temporaries: " << found << ", " << name;
        found = name;
        struct stat st {};
        EXPECT_EQ(stat(e.path().c_str(), &st), 0);
        *mode = st.st_mode & 07777;
      }
    }
    return found;
  }
  static std::string readAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
};

}  // namespace

TEST_F(AtomicFileTest, CommitRenamesTheWholeFile) {
  AtomicFile f;
  std::string err;
  ASSERT_TRUE(f.open(path("out.jsonl"), &err)) << err;
  f.write("{\"a\":1}\n");
  unsigned mode = 0;
  EXPECT_FALSE(temporary("out.jsonl", &mode).empty());
  EXPECT_EQ(mode, 0600u);
  EXPECT_EQ(names().count("out.jsonl"), 0u);  // nothing at the target before commit
  ASSERT_TRUE(f.commit(&err)) << err;
  EXPECT_EQ(names(), std::set<std::string>{"out.jsonl"});
  EXPECT_EQ(readAll(path("out.jsonl")), "{\"a\":1}\n");
}

TEST_F(AtomicFileTest, FailedCommitOverADirectoryLeavesNoTemporary) {
  // A target that is a directory when the output opens is refused at once (nothing to write
  // in place, nothing to rename over); one that becomes a directory while the output is
  // written makes the final rename fail. Either way no temporary is left behind.
  fs::create_directory(path("out"));
  {
    AtomicFile f;
    std::string err;
    EXPECT_FALSE(f.open(path("out"), &err));
    EXPECT_NE(err.find(path("out")), std::string::npos) << err;
  }
  EXPECT_EQ(names(), std::set<std::string>{"out"});
  {
    AtomicFile f;
    std::string err;
    ASSERT_TRUE(f.open(path("late"), &err)) << err;
    f.write("personal data\n");
    fs::create_directory(path("late"));
    std::ofstream(path("late/kept")) << "x";
    EXPECT_FALSE(f.commit(&err));
    EXPECT_NE(err.find(path("late")), std::string::npos) << err;
    // Gone at once, not only when the AtomicFile goes.
    EXPECT_EQ(names(), (std::set<std::string>{"late", "out"}));
    std::string again;
    EXPECT_FALSE(f.commit(&again));  // a second commit cannot resurrect it
  }
  EXPECT_EQ(names(), (std::set<std::string>{"late", "out"}));
  EXPECT_TRUE(fs::is_directory(path("late")));
  EXPECT_EQ(readAll(path("late/kept")), "x");
}

TEST_F(AtomicFileTest, AbandonRemovesTheTemporaryAndKeepsTheOldTarget) {
  std::ofstream(path("out.csv")) << "old\n";
  AtomicFile f;
  std::string err;
  ASSERT_TRUE(f.open(path("out.csv"), &err)) << err;
  f.write(std::string(3 << 20, 'x'));  // past the buffer: bytes are in the temporary
  unsigned mode = 0;
  ASSERT_FALSE(temporary("out.csv", &mode).empty());
  f.abandon();
  EXPECT_EQ(names(), std::set<std::string>{"out.csv"});
  EXPECT_EQ(readAll(path("out.csv")), "old\n");
  EXPECT_FALSE(f.commit(&err));  // nothing left to commit
  EXPECT_EQ(readAll(path("out.csv")), "old\n");
  f.abandon();  // twice is harmless
  EXPECT_EQ(names(), std::set<std::string>{"out.csv"});
}

TEST_F(AtomicFileTest, DestructionWithoutCommitIsAbandon) {
  {
    AtomicFile f;
    std::string err;
    ASSERT_TRUE(f.open(path("new.jsonl"), &err)) << err;
    f.write(std::string(2 << 20, 'y'));
    unsigned mode = 0;
    ASSERT_FALSE(temporary("new.jsonl", &mode).empty());
  }
  EXPECT_TRUE(names().empty());
}

TEST_F(AtomicFileTest, RollbackForgetsAFailedInputAcrossAFlush) {
  AtomicFile f;
  std::string err;
  ASSERT_TRUE(f.open(path("out.jsonl"), &err)) << err;
  f.write("kept\n");
  size_t mark = f.mark();
  f.write(std::string(3 << 20, 'z'));
  ASSERT_TRUE(f.rollback(mark));
  f.write("after\n");
  ASSERT_TRUE(f.commit(&err)) << err;
  EXPECT_EQ(readAll(path("out.jsonl")), "kept\nafter\n");
}
