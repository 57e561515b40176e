// vetmerge's library: identity keys, survivorship rules, candidate reasons, and a store that
// survives a writer killed in the middle of a batch.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "merge/candidates.h"
#include "merge/identity.h"
#include "merge/store.h"
#include "merge/survivorship.h"
#include "record/record_reader.h"
#include "text/id_number.h"

using namespace vetkit;

namespace {

const Schema& schema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto p = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    EXPECT_TRUE(p) << err;
    return p;
  }();
  return *s;
}

const MergePolicy& policy() {
  static MergePolicy p = [] {
    MergePolicy out;
    std::string err;
    EXPECT_TRUE(MergePolicy::load(VETKIT_SCHEMAS "/merge-policy.yaml", schema(), &out, &err))
        << err;
    return out;
  }();
  return p;
}

Record parse(const std::string& line) {
  RecordReader reader(schema());
  Record r;
  std::string err;
  EXPECT_TRUE(reader.parse(line, &r, &err)) << err;
  return r;
}

// Resolves `field` between two records; returns the chosen value's text and the rule.
std::pair<std::string, std::string> resolve2(const std::string& a, const std::string& b,
                                             const char* field) {
  Record ra = parse(a), rb = parse(b);
  std::vector<MergeSource> sources = {{&ra, "431302"}, {&rb, "431321"}};
  std::vector<FieldResolution> res;
  resolveFields(policy(), sources, &res);
  const FieldResolution& r = res[schema().field(field)->index];
  std::string chosen = r.chosen < 0 ? "" : sources[r.chosen].record->fields[r.field].text;
  return {chosen, r.conflict ? mergeRuleName(r.rule) : "agree"};
}

std::string validId(std::string first17) {
  return first17 + idCheckChar(first17);
}

}  // namespace

TEST(Identity, KeyFoldsAndUpgrades) {
  KeySpec spec;
  std::string err;
  ASSERT_TRUE(parseKeySpec(schema(), "id_number", &spec, &err));
  EXPECT_TRUE(spec.identity);
  EXPECT_EQ(recordKey(parse(R"({"id_number":"610104620927690"})"), spec), "610104196209276908");
  EXPECT_EQ(recordKey(parse(R"({"id_number":"11010519491231002x"})"), spec), "11010519491231002X");
  EXPECT_EQ(recordKey(parse(R"({"name":"王"})"), spec), "");
  ASSERT_TRUE(parseKeySpec(schema(), "name,birth_date", &spec, &err));
  EXPECT_FALSE(spec.identity);
  EXPECT_EQ(recordKey(parse(R"({"name":"王","birth_date":"1950"})"), spec), "王|1950");
  EXPECT_FALSE(parseKeySpec(schema(), "name,nope", &spec, &err));
  EXPECT_NE(err.find("nope"), std::string::npos);
}

TEST(Survivorship, EachRule) {
  // non-empty: one source has no value.
  EXPECT_EQ(resolve2(R"({"employer":"娄底钢厂"})", R"({})", "employer"),
            std::make_pair(std::string("娄底钢厂"), std::string("non-empty")));
  // most-recent by collected_at.
  EXPECT_EQ(resolve2(R"({"phone":"13800000001","collected_at":"2026-08-01"})",
                     R"({"phone":"13800000002","collected_at":"2026-09-01"})", "phone"),
            std::make_pair(std::string("13800000002"), std::string("most-recent")));
  // mode-priority: 上门采集 (4) over 基础数据 (1), whatever the order.
  EXPECT_EQ(resolve2(R"({"name":"张三","collection_mode":"4"})",
                     R"({"name":"张叁","collection_mode":"1"})", "name"),
            std::make_pair(std::string("张三"), std::string("mode-priority")));
  // 现场采集 (2) and 上门采集 (4) rank alike: recency decides between them.
  EXPECT_EQ(
      resolve2(R"({"name":"张三","collection_mode":"4","collected_at":"2026-01-01"})",
               R"({"name":"张叁","collection_mode":"2","collected_at":"2026-02-01"})", "name"),
      std::make_pair(std::string("张叁"), std::string("most-recent")));
  // unit-priority for hukou_division: 431302 is listed before 431321.
  EXPECT_EQ(resolve2(R"({"hukou_division":"431302"})", R"({"hukou_division":"431321"})",
                     "hukou_division"),
            std::make_pair(std::string("431302"), std::string("unit-priority")));
  // flag: two units never decided.
  EXPECT_EQ(resolve2(R"({"unit":"431302"})", R"({"unit":"431321"})", "unit"),
            std::make_pair(std::string("431302"), std::string("flag")));
  // Agreement is no conflict.
  EXPECT_EQ(resolve2(R"({"name":"张三"})", R"({"name":"张三"})", "name"),
            std::make_pair(std::string("张三"), std::string("agree")));
}

TEST(Survivorship, PolicyErrorsNameTheProblem) {
  std::string path = testing::TempDir() + "/bad-policy.yaml";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("fields:\n  name: [non-empty, loudest]\n", f);
  std::fclose(f);
  MergePolicy p;
  std::string err;
  EXPECT_FALSE(MergePolicy::load(path, schema(), &p, &err));
  EXPECT_NE(err.find("loudest"), std::string::npos) << err;
}

TEST(SimilarName, OneEditApart) {
  EXPECT_TRUE(similarName("王德胜", "王德胜"));
  EXPECT_TRUE(similarName("王德胜", "王得胜"));
  EXPECT_TRUE(similarName("王德胜", "王胜"));
  EXPECT_TRUE(similarName("阿依古丽·买买提", "阿依古丽买买提"));
  EXPECT_FALSE(similarName("王德胜", "李明"));
  EXPECT_FALSE(similarName("王德胜", ""));
}

namespace {

struct Finder {
  std::vector<std::unique_ptr<PersonRef>> people;
  CandidateFinder finder;
  void add(std::string key, std::string name, std::string birth, std::string gender,
           std::string id15 = {}) {
    auto p = std::make_unique<PersonRef>();
    p->key = std::move(key), p->name = std::move(name), p->birth_date = std::move(birth);
    p->gender = std::move(gender), p->id15 = std::move(id15);
    finder.add(p.get(), true);
    people.push_back(std::move(p));
  }
  std::vector<std::string> reasons() {
    std::vector<std::string> out;
    for (const Candidate& c : finder.find()) out.push_back(c.reason);
    return out;
  }
};

}  // namespace

TEST(Candidates, EachReason) {
  std::string li = validId("43130219610806825");
  std::string li_typo = li.substr(0, 15) + (li[15] == '9' ? '0' : char(li[15] + 1)) + li.substr(16);
  ASSERT_NE(checkIdNumber(li_typo), IdStatus::Ok);
  {
    Finder f;
    f.add(li, "李卫东", "1961-08-06", "1");
    f.add(li_typo, "刘小明", "1961-08-06", "1");  // other name, same birth and gender
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-checksum-repair"});
  }
  {
    std::string wang = validId("43130219700315131");
    std::string swapped = wang.substr(0, 14) + wang[15] + wang[14] + wang.substr(16);
    ASSERT_NE(swapped, wang);
    Finder f;
    f.add(wang, "王志刚", "1970-03-15", "1");
    f.add(swapped, "王志岗", "", "");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-transposition"});
  }
  {
    // An old 15-digit number mistyped: its upgrade has a valid check character.
    Finder f;
    f.add("610104196209276908", "赵丽华", "1962-09-27", "2");
    f.add(upgradeId15("610104620927680"), "赵莉华", "", "", "610104620927680");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-typo"});
  }
  {
    Finder f;
    f.add(validId("43130219481102012"), "陈秀英", "1948-11-02", "2");
    f.add(validId("43132119481102024"), "陈秀英", "1948-11-02", "2");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"same-name-birth"});
  }
}

TEST(Candidates, ClearlyDifferentPeopleAreNotPaired) {
  Finder f;
  f.add(validId("43130219610806825"), "李卫东", "1961-08-06", "1");
  f.add(validId("43132119900101046"), "周敏", "1990-01-01", "2");
  f.add(validId("43130219700315131"), "王志刚", "1970-03-15", "1");
  // A mistyped number whose near neighbours are nobody alike is not paired either.
  std::string odd = validId("43138219550509071");
  f.add(odd.substr(0, 17) + (odd[17] == '0' ? '1' : '0'), "孙红", "1975-04-04", "2");
  EXPECT_TRUE(f.reasons().empty());
}

TEST(Candidates, DifferentDecisionSuppressesThePair) {
  Finder f;
  std::string a = validId("43130219481102012"), b = validId("43132119481102024");
  f.add(a, "陈秀英", "1948-11-02", "2");
  f.add(b, "陈秀英", "1948-11-02", "2");
  f.finder.suppress(b, a);
  EXPECT_TRUE(f.reasons().empty());
}

namespace {

int64_t count(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// Merges one batch of `n` versions; calls `midway` after half of them.
bool writeBatch(Store& store, const char* unit, int n, const std::function<void()>& midway) {
  if (!store.begin()) return false;
  BatchInfo info{"batch.jsonl", std::string(64, '0'), unit, "2026-11-29T00:00:00Z", "", "", 0};
  int64_t bid, version;
  if (!store.addBatch(info, &bid)) return false;
  std::string json = R"({"name":"某某","unit":")" + std::string(unit) + R"(","_src":"x","_row":1})";
  for (int i = 0; i < n; ++i) {
    std::string key = std::string(unit) + std::to_string(1000000 + i);
    if (!store.addVersion(key, bid, unit, json, &version)) return false;
    CurrentRow row;
    row.person.key = key, row.person.unit = unit, row.version = version;
    if (!store.putCurrent(row, {})) return false;
    if (i == n / 2 && midway) midway();
  }
  return store.setBatchRecords(bid, n, info.sha256) && store.commit();
}

}  // namespace

TEST(Store, KilledMidBatchLeavesTheStoreConsistent) {
  std::string path = testing::TempDir() + "/killed.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  {
    Store store;
    std::string err;
    ASSERT_TRUE(store.open(path, &err)) << err;
    ASSERT_TRUE(writeBatch(store, "431302", 1000, nullptr)) << store.error();
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child merges a big second batch and is killed half-way through it.
    Store store;
    std::string err;
    if (!store.open(path, &err)) _exit(3);
    writeBatch(store, "431321", 200000, [&] {
      char c = 'x';
      (void)!write(fds[1], &c, 1);
      pause();
    });
    _exit(0);
  }
  close(fds[1]);
  char c;
  ASSERT_EQ(read(fds[0], &c, 1), 1);
  kill(child, SIGKILL);
  int st;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));

  // A second run opens the store: intact, with the first batch whole and none of the second.
  Store store;
  std::string err, detail;
  ASSERT_TRUE(store.open(path, &err)) << err;
  EXPECT_TRUE(store.integrityOk(&detail)) << detail;
  EXPECT_EQ(count(path, "SELECT count(*) FROM batch"), 1);
  EXPECT_EQ(count(path, "SELECT count(*) FROM record_version"), 1000);
  EXPECT_EQ(count(path, "SELECT count(*) FROM current"), 1000);
  EXPECT_EQ(count(path, "SELECT records FROM batch"), 1000);
  // And it takes the next batch.
  ASSERT_TRUE(writeBatch(store, "431321", 10, nullptr)) << store.error();
  EXPECT_EQ(count(path, "SELECT count(*) FROM batch"), 2);
}

// A new store is built aside: until finish() there is no store at `path`, a writer killed
// before it leaves none, and finish() never replaces a store that appeared meanwhile.
TEST(Store, NewStoreAppearsOnlyWhenComplete) {
  std::string path = testing::TempDir() + "/new.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Store store;
    std::string err;
    if (!store.create(path, &err)) _exit(3);
    writeBatch(store, "431321", 2000, [] { raise(SIGKILL); });
    _exit(0);
  }
  int st;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_FALSE(std::filesystem::exists(path));
  // What it leaves is its temporary file (0600), named for the store; removed here.
  int leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(testing::TempDir()))
    if (e.path().filename().string().starts_with("new.sqlite.tmp."))
      ++leftovers, std::filesystem::remove(e.path());
  EXPECT_GE(leftovers, 1);

  {
    Store store;
    std::string err, detail;
    ASSERT_TRUE(store.create(path, &err)) << err;
    ASSERT_TRUE(writeBatch(store, "431302", 1000, nullptr)) << store.error();
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(store.finish()) << store.error();
  }
  EXPECT_EQ(count(path, "SELECT count(*) FROM record_version"), 1000);
  EXPECT_EQ(count(path, "SELECT count(*) FROM current"), 1000);
  {
    Store store;
    std::string err, detail;
    ASSERT_TRUE(store.open(path, &err)) << err;
    EXPECT_TRUE(store.integrityOk(&detail)) << detail;
  }
  // Another run's new store, finished after this one: refused, the first kept.
  Store late;
  std::string err;
  ASSERT_TRUE(late.create(path, &err)) << err;
  ASSERT_TRUE(writeBatch(late, "431321", 10, nullptr)) << late.error();
  EXPECT_FALSE(late.finish());
  EXPECT_NE(late.error().find("exists"), std::string::npos) << late.error();
  EXPECT_EQ(count(path, "SELECT count(*) FROM record_version"), 1000);
}
