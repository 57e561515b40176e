#include "core/temp_files.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

using vetkit::TempFiles;

namespace {

std::string scratch(const std::string& name) {
  std::string path = testing::TempDir() + "/temp_files_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path) << "partial";
  return path;
}

// Runs `body` in a child (the registry and handlers are process-wide, so each case gets a
// fresh process) and returns its wait status.
int inChild(const std::function<void()>& body) {
  pid_t child = fork();
  if (child == 0) {
    body();
    _exit(0);  // the signal did not kill it
  }
  int st = 0;
  waitpid(child, &st, 0);
  return st;
}

void expectKilledBy(int st, int sig) {
  ASSERT_TRUE(WIFSIGNALED(st)) << "exited with " << WEXITSTATUS(st);
  EXPECT_EQ(WTERMSIG(st), sig);
}

}  // namespace

TEST(TempFiles, SigtermRemovesTheFileAndStillKills) {
  std::string path = scratch("term.tmp.A");
  expectKilledBy(inChild([&] {
                   TempFiles::add(path);
                   raise(SIGTERM);
                 }),
                 SIGTERM);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempFiles, SigintRemovesTheFileAndStillKills) {
  std::string path = scratch("int.tmp.A");
  expectKilledBy(inChild([&] {
                   TempFiles::add(path);
                   raise(SIGINT);
                 }),
                 SIGINT);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempFiles, SighupRemovesTheFileAndStillKills) {
  std::string path = scratch("hup.tmp.A");
  expectKilledBy(inChild([&] {
                   TempFiles::add(path);
                   raise(SIGHUP);
                 }),
                 SIGHUP);
  EXPECT_FALSE(std::filesystem::exists(path));
}

// Sent by another process while the child waits, as a user's Ctrl-C or a kill would be.
TEST(TempFiles, SignalFromOutsideRemovesEveryRegisteredFile) {
  std::string a = scratch("outside.tmp.A"), b = scratch("outside.tmp.B");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    TempFiles::add(a);
    TempFiles::add(b);
    char c = 'x';
    (void)!write(ready[1], &c, 1);
    for (;;) pause();
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  kill(child, SIGTERM);
  int st = 0;
  waitpid(child, &st, 0);
  expectKilledBy(st, SIGTERM);
  EXPECT_FALSE(std::filesystem::exists(a));
  EXPECT_FALSE(std::filesystem::exists(b));
}

TEST(TempFiles, DatabaseGoesWithItsJournals) {
  std::string db = scratch("store.tmp.A");
  for (const char* suffix : {"-journal", "-wal", "-shm"}) std::ofstream(db + suffix) << "x";
  expectKilledBy(inChild([&] {
                   TempFiles::add(db, TempFiles::kDatabase);
                   raise(SIGTERM);
                 }),
                 SIGTERM);
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    EXPECT_FALSE(std::filesystem::exists(db + suffix)) << suffix;
}

// A file renamed into place is forgotten: the signal must not remove what is now the output,
// nor the journals of a plain file.
TEST(TempFiles, ForgottenFilesAndSiblingsOfPlainFilesStay) {
  std::string kept = scratch("kept.tmp.A"), by_path = scratch("kept.tmp.B");
  std::string plain = scratch("plain.tmp.A");
  std::ofstream(plain + "-wal") << "x";
  expectKilledBy(inChild([&] {
                   TempFiles::remove(TempFiles::add(kept));
                   TempFiles::add(by_path);
                   TempFiles::remove(by_path);
                   TempFiles::add(plain);
                   raise(SIGTERM);
                 }),
                 SIGTERM);
  EXPECT_TRUE(std::filesystem::exists(kept));
  EXPECT_TRUE(std::filesystem::exists(by_path));
  EXPECT_FALSE(std::filesystem::exists(plain));
  EXPECT_TRUE(std::filesystem::exists(plain + "-wal"));
  for (const std::string& p : {kept, by_path, plain + "-wal"}) std::filesystem::remove(p);
}

// Freed slots are reused, so a long run writing many files never runs out.
TEST(TempFiles, SlotsAreReused) {
  for (int i = 0; i < 1000; ++i) {
    int slot = TempFiles::add("/nonexistent/x.tmp." + std::to_string(i));
    ASSERT_GE(slot, 0) << i;
    TempFiles::remove(slot);
  }
  EXPECT_EQ(TempFiles::add(std::string(5000, 'x')), -1);  // too long: not registered
  TempFiles::remove(-1);                                  // harmless
}

// nohup's ignored SIGHUP stays ignored.
TEST(TempFiles, AnIgnoredSignalStaysIgnored) {
  std::string path = scratch("nohup.tmp.A");
  int st = inChild([&] {
    signal(SIGHUP, SIG_IGN);
    TempFiles::add(path);
    raise(SIGHUP);
  });
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}
