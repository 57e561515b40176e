// The merge into the store, unit by unit: a store write failing at any point of a batch (or of
// applying decisions) leaves the store as it was; people left out of a re-submission are kept
// and marked, or retired; people adjudicated the same become one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

// One folder per test: ctest runs the tests of this file side by side, and two of them write
// a "first.jsonl" of their own.
std::string dir() {
  std::string d = ::testing::TempDir() + "/merge_session/" +
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

// An identity correction (a re-submission brings back 张三 under the valid form of his number)
// undone by people's later "different": the old number is its own person again, its version
// live and marked absent from the batch that left it out, the decision replaced; the pair is
// no longer joined by later batches. A write failing while it splits leaves the store as it was.
TEST(MergeSession, ADifferentDecisionSplitsAnIdentityCorrection) {
  Fixture fx;
  std::string good = kA, bad = kA.substr(0, 17) + (kA[17] == '0' ? '1' : '0');
  auto line = [](const std::string& key) {
    return R"({"id_number":")" + key +
           R"(","name":"张三","gender":"1","birth_date":"1950-01-01","unit":"431302"})"
           "\n";
  };
  std::string first = writeFile("split-1.jsonl", line(bad) + person(kB, "李四"));
  std::string again = writeFile("split-2.jsonl", line(good) + person(kB, "李四"));
  std::string decisions =
      writeFile("split-decisions.jsonl", R"({"a":")" + bad + R"(","b":")" + good +
                                             R"(","decision":"different"})"
                                             "\n");
  std::string path = dir() + "/split.sqlite";
  auto decided = [&]() {
    std::string err, all;
    std::unique_ptr<StoreReader> store = openStoreReader(path, &err);
    EXPECT_TRUE(store) << err;
    EXPECT_TRUE(
        store->forEachDecision([&](std::string_view a, std::string_view b, std::string_view d) {
          all.append(a).append(" ").append(b).append(" ").append(d).append("\n");
        }));
    return all;
  };
  for (int n = 1;; ++n) {
    removeStore(path);
    ASSERT_NE(merge(fx, path, {first}, 0), kExitTrouble);
    ASSERT_NE(merge(fx, path, {again}, 0), kExitTrouble);
    std::string joined = current(path);
    ASSERT_EQ(joined.find(bad + " "), std::string::npos) << joined;  // corrected: one person
    ASSERT_EQ(decided(), good + " " + bad + " same\n");
    bool failed = false;
    int status = merge(fx, path, {}, n, &failed, decisions);
    if (failed) {
      EXPECT_EQ(status, kExitTrouble) << "write " << n;
      EXPECT_EQ(current(path), joined) << "write " << n;
      ASSERT_LT(n, 50);
      continue;
    }
    std::string split = current(path);
    EXPECT_NE(split.find(bad + " "), std::string::npos) << split;
    EXPECT_NE(split.find(good + " "), std::string::npos) << split;
    size_t old_row = split.find(bad + " ");
    EXPECT_EQ(split.substr(split.find(" absent=", old_row), 10), " absent=2\n") << split;
    EXPECT_EQ(decided(), good + " " + bad + " different\n");
    break;
  }
  // The old number's history is its own again: its one version, retired by nothing.
  std::string err;
  std::unique_ptr<StoreReader> store = openStoreReader(path, &err);
  ASSERT_TRUE(store) << err;
  std::vector<std::pair<int64_t, int64_t>> versions;  // batch, retired_by
  ASSERT_TRUE(store->history(bad, [&](const LiveVersion& v, int64_t retired_by, std::string_view) {
    versions.emplace_back(v.batch, retired_by);
  }));
  EXPECT_EQ(versions, (std::vector<std::pair<int64_t, int64_t>>{{1, 0}}));
  versions.clear();
  ASSERT_TRUE(store->history(good, [&](const LiveVersion& v, int64_t retired_by, std::string_view) {
    versions.emplace_back(v.batch, retired_by);
  }));
  EXPECT_EQ(versions, (std::vector<std::pair<int64_t, int64_t>>{{2, 0}}));
  store.reset();
  // The next re-submission does not join them again.
  merge(fx, path, {again}, 0);
  std::string later = current(path);
  EXPECT_NE(later.find(bad + " "), std::string::npos) << later;
}

// An Excel-mangled number keeps a prefix that several of the new numbers can begin with (Calc
// keeps 15 digits: 43138119820915 covers the day's sequence numbers 150-159): the one that is
// the same person is the correction, the others are not in the way.
TEST(MergeSession, AnExcelPrefixSharedByOthersStillFindsTheSamePerson) {
  Fixture fx;
  std::string zhang = id("43138119820915513"), other = id("43138119820915503");
  auto line = [](const std::string& key, const std::string& name) {
    return R"({"id_number":")" + key + R"(","name":")" + name +
           R"(","gender":"1","birth_date":"1982-09-15","unit":"431381"})"
           "\n";
  };
  std::string first = writeFile("prefix-1.jsonl", line("4.31381198209155E+017", "张建华"));
  std::string again = writeFile("prefix-2.jsonl", line(other, "王建国") + line(zhang, "张建华"));
  std::string path = dir() + "/prefix.sqlite";
  removeStore(path);
  ASSERT_NE(merge(fx, path, {first}, 0), kExitTrouble);
  ASSERT_NE(merge(fx, path, {again}, 0), kExitTrouble);
  std::string now = current(path);
  EXPECT_EQ(now.find("E+017"), std::string::npos) << now;
  EXPECT_NE(now.find(zhang + " "), std::string::npos) << now;
  EXPECT_NE(now.find(other + " "), std::string::npos) << now;
}
