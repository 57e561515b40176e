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
