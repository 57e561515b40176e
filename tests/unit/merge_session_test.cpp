// The merge into the store, unit by unit: a store write failing at any point of a batch (or of
// applying decisions) leaves the store as it was; people left out of a re-submission are kept
// and marked, or retired; people adjudicated the same become one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/exit_status.h"
#include "core/line_output.h"
#include "failing_store.h"
#include "merge/session.h"
#include "text/id_number.h"

using namespace vetkit;
using vetkit::testing::FailingStore;

namespace {

std::string id(const std::string& first17) {
  return first17 + idCheckChar(first17);
}
const std::string kA = id("43130219500101001"), kB = id("43130219520202002"),
                  kC = id("43130219540303003");

// One directory per test: ctest runs the tests of this file as parallel processes, and
// they write files of the same names (first.jsonl, again.jsonl) with other contents.
std::string dir() {
  std::string d = ::testing::TempDir() + "/merge_session." +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::create_directories(d);
  return d;
}

std::string writeFile(const std::string& name, const std::string& text) {
  std::string path = dir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string person(const std::string& key, const std::string& name) {
  return R"({"id_number":")" + key + R"(","name":")" + name + R"(","unit":"431302"})" + "\n";
}

struct Fixture {
  std::unique_ptr<Schema> schema;
  MergePolicy policy;
  MergeOptions options;
  Fixture() {
    std::string err;
    schema = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    EXPECT_TRUE(schema) << err;
    EXPECT_TRUE(MergePolicy::load(VETKIT_SCHEMAS "/merge-policy.yaml", *schema, &policy, &err));
    EXPECT_TRUE(parseKeySpec(*schema, "id_number", &options.key, &err)) << err;
    options.now = "2026-12-04T00:00:00Z";
  }
};

// Merges `files` (and `decisions`) into the store at `path`, failing its `fail_at`-th write.
int merge(Fixture& fx, const std::string& path, const std::vector<std::string>& files, int fail_at,
          bool* failed = nullptr, const std::string& decisions = {}) {
  std::string err;
  std::unique_ptr<Store> real = Store::openOrCreate(path, &err);
  EXPECT_TRUE(real) << err;
  FailingStore store(std::move(real), fail_at);
  LineCallback sink([](std::string_view) {});
  MergeOutputs out;
  out.records = &sink;
  out.diagnostic = [](const Diagnostic&) {};
  MergeSession session(*fx.schema, fx.policy, fx.options, out);
  if (!decisions.empty()) {
    EXPECT_TRUE(session.loadDecisions(decisions, &err)) << err;
  }
  int status = session.mergeToStore(store, files);
  if (failed) *failed = store.failed();
  return status;
}

// The current set as one text: key, record (merged or single) and absent mark per person.
std::string current(const std::string& path) {
  std::string err, all;
  std::unique_ptr<StoreReader> store = openStoreReader(path, &err);
  EXPECT_TRUE(store) << err;
  if (!store) return all;
  EXPECT_TRUE(store->exportCurrent([&](const CurrentRecord& c) {
    all.append(c.key).append(" ").append(c.merged.empty() ? c.json : c.merged);
    all.append(" absent=" + std::to_string(c.absent_from) + "\n");
    return true;
  }));
  return all;
}

void removeStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace

// Every write of a re-submission failed in turn: each time the store keeps the first batch
// exactly, and the run is trouble; once no write fails, the batch is in.
TEST(MergeSession, AFailedWriteAtAnyPointLeavesTheStoreAsBefore) {
  Fixture fx;
  std::string first = writeFile("first.jsonl", person(kA, "张三") + person(kB, "李四"));
  std::string again = writeFile("again.jsonl", person(kA, "张叁") + person(kC, "王五"));
  std::string path = dir() + "/undo.sqlite";
  int runs = 0;
  for (int n = 1;; ++n) {
    removeStore(path);
    ASSERT_EQ(merge(fx, path, {first}, 0), kExitOk);
    std::string before = current(path);
    bool failed = false;
    int status = merge(fx, path, {again}, n, &failed);
    if (!failed) {
      EXPECT_NE(current(path), before);
      break;
    }
    ++runs;
    EXPECT_EQ(status, kExitTrouble) << "write " << n;
    EXPECT_EQ(current(path), before) << "write " << n;
    ASSERT_LT(n, 100);
  }
  EXPECT_GE(runs, 6);  // batch, versions, retirement, current rows, absence, commit
}

// A re-submission that leaves a person out: kept current and marked absent (findings), or
// retired with --retire-absent.
TEST(MergeSession, AbsentPeopleAreKeptAndMarkedOrRetired) {
  Fixture fx;
  std::string first = writeFile("first.jsonl", person(kA, "张三") + person(kB, "李四"));
  std::string again = writeFile("again.jsonl", person(kA, "张三"));
  std::string path = dir() + "/absent.sqlite";
  removeStore(path);
  ASSERT_EQ(merge(fx, path, {first}, 0), kExitOk);
  EXPECT_EQ(merge(fx, path, {again}, 0), kExitFindings);
  std::string kept = current(path);
  EXPECT_NE(kept.find(kB), std::string::npos);
  EXPECT_NE(kept.find(" absent=2\n"), std::string::npos) << kept;

  removeStore(path);
  ASSERT_EQ(merge(fx, path, {first}, 0), kExitOk);
  fx.options.retire_absent = true;
  EXPECT_EQ(merge(fx, path, {again}, 0), kExitOk);
  std::string retired = current(path);
  EXPECT_EQ(retired.find(kB), std::string::npos) << retired;
  EXPECT_NE(retired.find(kA), std::string::npos);
}

// The merge holds the people a batch touches, not the store (issue 18): a county's
// re-submission of 4 records into a store of 1,503 people reads from the store only the rows
// of its own keys and of the people of its unit it left out, and holds those 5 people alone.
TEST(MergeSession, AReMergeHoldsOnlyThePeopleItsBatchTouches) {
  Fixture fx;
  auto of = [](const std::string& key, const std::string& name, const char* unit) {
    return R"({"id_number":")" + key + R"(","name":")" + name + R"(","unit":")" + unit + R"("})" +
           "\n";
  };
  std::string big, small, again;
  std::vector<std::string> others;
  for (int i = 0; i < 1500; ++i) {
    char seq[8];
    std::snprintf(seq, sizeof seq, "%03d", i % 1000);
    others.push_back(id("4313021950" + std::string(i < 1000 ? "01" : "02") + "01" + seq));
    big += of(others.back(), "甲" + std::to_string(i), "431302");
  }
  const std::string x1 = id("43132119600101011"), x2 = id("43132119600101022"),
                    x3 = id("43132119600101033"), y1 = id("43132119700101044");
  small = of(x1, "赵一", "431321") + of(x2, "钱二", "431321") + of(x3, "孙三", "431321");
  // x3 left out, y1 new, one of 431302's people sent by 431321 too.
  again = of(x1, "赵一", "431321") + of(x2, "钱二", "431321") + of(y1, "李四", "431321") +
          of(others[7], "甲7", "431321");
  std::string path = dir() + "/held.sqlite";
  removeStore(path);
  ASSERT_EQ(merge(fx, path, {writeFile("big.jsonl", big), writeFile("small.jsonl", small)}, 0),
            kExitOk);

  std::string err;
  std::unique_ptr<Store> real = Store::openOrCreate(path, &err);
  ASSERT_TRUE(real) << err;
  FailingStore store(std::move(real), 0);
  LineCallback sink([](std::string_view) {});
  MergeOutputs out;
  out.records = &sink;
  out.diagnostic = [](const Diagnostic&) {};
  MergeSession session(*fx.schema, fx.policy, fx.options, out);
  EXPECT_EQ(session.mergeToStore(store, {writeFile("again.jsonl", again)}), kExitFindings);
  const MergeCounts& c = session.counts();
  EXPECT_EQ(c.people, 1504u);
  EXPECT_EQ(c.absent, 1u);
  EXPECT_EQ(c.held, 5u) << "x1, x2, y1, the shared person and x3 (left out)";
  std::set<std::string> asked(store.asked.begin(), store.asked.end());
  EXPECT_EQ(asked, (std::set<std::string>{x1, x2, x3, y1, others[7]}));
  std::string now = current(path);
  EXPECT_NE(now.find(x3 + " "), std::string::npos);
  EXPECT_NE(now.find(" absent=3\n"), std::string::npos) << "x3, absent from batch 3";
  size_t marks = 0;
  for (size_t at = now.find(" absent=3\n"); at != std::string::npos;
       at = now.find(" absent=3\n", at + 1))
    ++marks;
  EXPECT_EQ(marks, 1u);
}

// Candidates between this run's people and the store's people the run never held: found by
// the streamed pass over the store (a suspect number in the store one mistake from a fresh
// valid one; a fresh suspect one mistake from a stored valid number, looked up by key; the
// same name and birth month), each direction its own batch so that the others are not held.
TEST(MergeSession, CandidatesWithStoredPeopleTheRunNeverHeld) {
  Fixture fx;
  auto of = [](const std::string& key, const std::string& name, const std::string& birth,
               const char* unit) {
    return R"({"id_number":")" + key + R"(","name":")" + name + R"(","birth_date":")" + birth +
           R"(","gender":"1","unit":")" + unit + R"("})" + "\n";
  };
  auto wrong = [](const std::string& first17) {
    char c = idCheckChar(first17);
    return first17 + (c == '0' ? '1' : '0');
  };
  std::string a17 = "43130219500101001", b17 = "43130219520202002";
  std::string filler;
  for (int i = 0; i < 50; ++i)
    filler += of(id("431302196001010" + std::to_string(10 + i)), "丙" + std::to_string(i),
                 "1960-01-01", "431302");
  // The store: a suspect number (a), a valid one (b), 李四 of 1966-10, and people around them.
  std::string first = writeFile(
      "first.jsonl", of(wrong(a17), "张三", "1950-01-01", "431302") +
                         of(id(b17), "王五", "1952-02-02", "431302") +
                         of(id("43130219661001003"), "李四", "1966-10", "431302") + filler);
  // Another county: a's valid number, b mistyped (the names typed otherwise: only the numbers
  // pair them), 李四 of 1966-10-01 under another number.
  std::string second =
      writeFile("second.jsonl", of(id(a17), "张叁", "1950-01-01", "431321") +
                                    of(wrong(b17), "王伍", "1952-02-02", "431321") +
                                    of(id("43132119661001004"), "李四", "1966-10-01", "431321"));
  std::string path = dir() + "/pairs.sqlite";
  removeStore(path);
  ASSERT_EQ(merge(fx, path, {first}, 0), kExitOk);
  std::string err;
  std::unique_ptr<Store> store = Store::openOrCreate(path, &err);
  ASSERT_TRUE(store) << err;
  LineCallback sink([](std::string_view) {});
  std::string pairs;
  LineCallback pair_sink([&](std::string_view l) { pairs.append(l); });
  MergeOutputs out;
  out.records = &sink;
  out.candidates = &pair_sink;
  out.diagnostic = [](const Diagnostic&) {};
  MergeSession session(*fx.schema, fx.policy, fx.options, out);
  EXPECT_EQ(session.mergeToStore(*store, {second}), kExitFindings);
  EXPECT_EQ(session.counts().held, 3u);
  EXPECT_EQ(session.counts().candidates, 3u) << pairs;
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = pairs.find(what); at != std::string::npos; at = pairs.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"id-checksum-repair\""), 2u) << pairs;
  EXPECT_EQ(count("\"same-name-birth-precision\""), 1u) << pairs;
}

// Two keys adjudicated the same become one person under the first key; a write failing while
// the decisions are applied leaves the store as it was.
TEST(MergeSession, AliasesJoinPeopleAndFailAtomically) {
  Fixture fx;
  std::string first = writeFile("first.jsonl", person(kA, "张三") + person(kB, "张三"));
  std::string decisions = writeFile(
      "decisions.jsonl", R"({"a":")" + kA + R"(","b":")" + kB + R"(","decision":"same"})" + "\n");
  std::string path = dir() + "/alias.sqlite";
  for (int n = 1;; ++n) {
    removeStore(path);
    ASSERT_NE(merge(fx, path, {first}, 0), kExitTrouble);
    std::string before = current(path);
    bool failed = false;
    int status = merge(fx, path, {}, n, &failed, decisions);
    if (!failed) {
      std::string after = current(path);
      EXPECT_NE(after.find(kA), std::string::npos) << after;
      EXPECT_EQ(after.find(kB + " "), std::string::npos) << after;  // no longer a person
      break;
    }
    EXPECT_EQ(status, kExitTrouble) << "write " << n;
    EXPECT_EQ(current(path), before) << "write " << n;
    ASSERT_LT(n, 50);
  }
}
