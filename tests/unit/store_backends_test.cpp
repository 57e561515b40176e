// One contract, both backends: every test here runs on the SQLite store and on the PostgreSQL
// store (a server started by tests/pg/start-server.sh; VETKIT_PG_STATE names its state
// directory). Without a server the PostgreSQL half is reported SKIPPED with the reason.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <thread>

#include "store/pg_store.h"
#include "store/sendback_log.h"
#include "store/store.h"
#include "text/id_number.h"

using namespace vetkit;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// A new, empty store for test `name` on `backend`; empty with `*skip` when it cannot be had.
std::string newStore(const std::string& backend, const std::string& name, std::string* skip) {
  if (backend == "sqlite") {
    std::string path = testing::TempDir() + "/contract-" + name + ".sqlite";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path + suffix);
    return path;
  }
  const char* env = getenv("VETKIT_PG_STATE");
  std::string state = env ? env : "";
  if (state.empty()) {
    *skip = "VETKIT_PG_STATE is not set: no test server (tests/pg/start-server.sh DIR)";
    return {};
  }
  if (std::filesystem::exists(state + "/skip")) {
    *skip = "no PostgreSQL server: " + slurp(state + "/skip");
    return {};
  }
  std::string admin = slurp(state + "/conninfo");
  if (admin.empty()) {
    *skip = "no test server running (" + state + "/conninfo missing)";
    return {};
  }
  std::string db = "t_" + name + "_" + std::to_string(getpid());
  PGconn* c = PQconnectdb(admin.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  for (std::string sql : {"DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db}) {
    if (!ok) break;
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  std::string why = PQerrorMessage(c);
  PQfinish(c);
  if (!ok) {
    ADD_FAILURE() << "cannot create database " << db << ": " << why;
    return {};
  }
  return admin.substr(0, admin.find("dbname=")) + "dbname=" + db;
}

BatchInfo batchOf(const char* unit, const char* source = "batch.jsonl") {
  BatchInfo b;
  b.source = source;
  b.sha256 = std::string(64, '0');
  b.unit = unit;
  b.merged_at = "2026-11-29T00:00:00Z";
  return b;
}

std::string lineOf(const std::string& key, const char* unit) {
  return R"({"name":"某某","id_number":")" + key + R"(","unit":")" + unit +
         R"(","note":"tab\there \\ back","_src":"x","_row":1})";
}

// Merges one batch of `keys` (each its own new person, or its unit's earlier version
// replaced); calls `midway` after half of them.
bool writeBatch(Store& store, const char* unit, const std::vector<std::string>& keys,
                const std::function<void()>& midway = nullptr, int64_t* batch = nullptr,
                bool lookup = true) {
  if (!store.begin()) return false;
  BatchInfo info = batchOf(unit);
  int64_t bid, version;
  if (!store.addBatch(info, &bid)) return false;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    CurrentRow old;
    bool had = lookup && store.currentRow(key, &old);
    if (!had && !store.error().empty()) return false;
    if (!store.addVersion(key, bid, unit, lineOf(key, unit), &version)) return false;
    if (had && !store.retireVersion(old.version, bid)) return false;
    CurrentRow row;
    row.person.key = key, row.person.unit = unit, row.person.name = "某某";
    row.person.birth_date = "1960-01-01", row.version = version;
    if (!store.putCurrent(row, {})) return false;
    if (i == keys.size() / 2 && midway) midway();
  }
  if (batch) *batch = bid;
  return store.setBatchRecords(bid, int64_t(keys.size()), info.sha256, info.signed_at) &&
         store.commit();
}

std::vector<std::string> keysOf(const char* prefix, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(100000 + i));
  return keys;
}

struct Counts {
  int64_t batches = 0, current = 0, records = 0;
};
Counts countsOf(StoreReader& s) {
  Counts c;
  EXPECT_TRUE(s.forEachBatch([&](int64_t id, const BatchInfo&) {
    ++c.batches;
    EXPECT_TRUE(s.forEachBatchRecord(id, [&](std::string_view) { return ++c.records, true; }));
  })) << s.error();
  EXPECT_TRUE(s.exportCurrent([&](const CurrentRecord&) { return ++c.current, true; }))
      << s.error();
  return c;
}

class StoreContract : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip;
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    name = name.substr(0, name.find('/'));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    where_ = newStore(GetParam(), name, &skip);
    if (where_.empty() && !skip.empty()) GTEST_SKIP() << skip;
    ASSERT_FALSE(where_.empty());
  }
  std::unique_ptr<Store> open() {
    std::string err;
    std::unique_ptr<Store> s = Store::openOrCreate(where_, &err);
    EXPECT_TRUE(s) << err;
    return s;
  }
  // A store that exists (SQLite builds a new one aside until finish()).
  std::unique_ptr<Store> openExisting() {
    {
      std::unique_ptr<Store> s = open();
      if (!s) return nullptr;
      EXPECT_TRUE(s->finish()) << s->error();
    }
    return open();
  }
  std::string where_;
};

}  // namespace

TEST_P(StoreContract, BatchesVersionsAndTheCurrentSet) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(writeBatch(*store, "431302", keysOf("43", 5))) << store->error();
  ASSERT_TRUE(writeBatch(*store, "431302", {"43100001", "43100002"})) << store->error();
  Counts c = countsOf(*store);
  EXPECT_EQ(c.batches, 2);
  EXPECT_EQ(c.current, 5);
  EXPECT_EQ(c.records, 7);
  std::vector<int64_t> records;
  ASSERT_TRUE(store->forEachBatch([&](int64_t id, const BatchInfo& b) {
    records.push_back(b.records);
    EXPECT_EQ(b.signer_status, "none");
    EXPECT_EQ(b.unit, "431302");
    EXPECT_EQ(id, int64_t(records.size()));  // numbered from 1, as SQLite's rowids
  }));
  EXPECT_EQ(records, (std::vector<int64_t>{5, 2}));
  // The re-sent person: one live version (the second batch's), the first retired by it.
  std::vector<std::pair<int64_t, int64_t>> versions;
  ASSERT_TRUE(store->history(
      "43100001", [&](const LiveVersion& v, int64_t retired_by, std::string_view merged_at) {
        versions.emplace_back(v.batch, retired_by);
        EXPECT_EQ(merged_at, "2026-11-29T00:00:00Z");
        EXPECT_EQ(v.json, lineOf("43100001", "431302"));  // tab and backslash kept
      }));
  EXPECT_EQ(versions, (std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {2, 0}}));
  int live = 0;
  ASSERT_TRUE(store->forEachLive("43100001", [&](const LiveVersion& v) {
    ++live;
    EXPECT_EQ(v.batch, 2);
    EXPECT_EQ(v.version, 6);  // versions numbered in order, as SQLite's rowids
    EXPECT_EQ(v.source, "batch.jsonl");
  }));
  EXPECT_EQ(live, 1);
  CurrentRow row;
  ASSERT_TRUE(store->currentRow("43100001", &row)) << store->error();
  EXPECT_EQ(row.version, 6);
  EXPECT_EQ(row.person.name, "某某");
  EXPECT_FALSE(store->currentRow("nobody", &row));
  EXPECT_TRUE(store->error().empty()) << store->error();
  std::string detail;
  EXPECT_TRUE(store->integrityOk(&detail)) << detail;
}

TEST_P(StoreContract, ExportIsInByteOrderOfKeys) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  std::vector<std::string> keys = {"?a.csv:Sheet1:2",
                                   "430302196202289030",
                                   "张三|1960-01-01",
                                   "43030219620228903X",
                                   "Zeta",
                                   "aleph",
                                   "?B"};
  ASSERT_TRUE(writeBatch(*store, "431302", keys)) << store->error();
  std::vector<std::string> got;
  ASSERT_TRUE(store->exportCurrent([&](const CurrentRecord& c) {
    got.emplace_back(c.key);
    EXPECT_TRUE(c.merged.empty());
    EXPECT_EQ(c.unit, "431302");
    return true;
  }));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(got, keys);
  // A reader that stops early leaves the store usable.
  int seen = 0;
  ASSERT_TRUE(store->exportCurrent([&](const CurrentRecord&) { return ++seen < 2; }))
      << store->error();
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(countsOf(*store).current, int64_t(keys.size()));
}

TEST_P(StoreContract, RolledBackBatchLeavesNothing) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(writeBatch(*store, "431302", keysOf("43", 3))) << store->error();
  ASSERT_TRUE(store->begin()) << store->error();
  int64_t bid, version;
  ASSERT_TRUE(store->addBatch(batchOf("431321"), &bid));
  for (int i = 0; i < 100; ++i) {
    std::string key = "99" + std::to_string(i);
    ASSERT_TRUE(store->addVersion(key, bid, "431321", lineOf(key, "431321"), &version));
    CurrentRow row;
    row.person.key = key, row.person.unit = "431321", row.version = version;
    ASSERT_TRUE(store->putCurrent(row, {}));
  }
  ASSERT_TRUE(store->retireOlder("43100000", "431302", bid));
  store->rollback();
  Counts c = countsOf(*store);
  EXPECT_EQ(c.batches, 1);
  EXPECT_EQ(c.current, 3);
  int live = 0;
  ASSERT_TRUE(store->forEachLive("43100000", [&](const LiveVersion&) { ++live; }));
  EXPECT_EQ(live, 1);
  // The next batch takes the numbers the rolled-back one had.
  int64_t batch = 0;
  ASSERT_TRUE(writeBatch(*store, "431321", {"9900"}, nullptr, &batch)) << store->error();
  EXPECT_EQ(batch, 2);
}

TEST_P(StoreContract, CurrentRowsDecisionsAndRekey) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(writeBatch(*store, "431302", {"A1", "A2", "A3"})) << store->error();
  ASSERT_TRUE(store->begin());
  CurrentRow row;
  ASSERT_TRUE(store->currentRow("A1", &row));
  row.sources = 2, row.person.unit = "431302,431321", row.person.id15 = "430302620228903";
  // Many writes of one key in one transaction: the last one stands.
  for (int i = 0; i < 40; ++i) {
    row.person.row = i;
    ASSERT_TRUE(store->putCurrent(row, R"({"merged":true})"));
  }
  ASSERT_TRUE(store->markAbsent("A2", 1));
  ASSERT_TRUE(store->addDecision("A3", "A1", "same", 0));
  ASSERT_TRUE(store->addDecision("A1", "A2", "different", 1));
  ASSERT_TRUE(store->addDecision("A1", "A2", "same", 1));  // decided again: replaced
  ASSERT_TRUE(store->rekey("A3", "A1"));
  ASSERT_TRUE(store->commit()) << store->error();

  CurrentRow got;
  ASSERT_TRUE(store->currentRow("A1", &got));
  EXPECT_EQ(got.sources, 2);
  EXPECT_EQ(got.person.row, 39);
  EXPECT_EQ(got.person.unit, "431302,431321");
  EXPECT_EQ(got.person.id15, "430302620228903");
  EXPECT_FALSE(store->currentRow("A3", &got));
  ASSERT_TRUE(store->currentRow("A2", &got));
  EXPECT_EQ(got.absent_from, 1);
  std::vector<std::string> decisions;
  ASSERT_TRUE(
      store->forEachDecision([&](std::string_view a, std::string_view b, std::string_view d) {
        decisions.push_back(std::string(a) + " " + std::string(b) + " " + std::string(d));
      }));
  EXPECT_EQ(decisions, (std::vector<std::string>{"A1 A2 same", "A3 A1 same"}));
  int live = 0;
  ASSERT_TRUE(store->forEachLive("A1", [&](const LiveVersion&) { ++live; }));
  EXPECT_EQ(live, 2);  // A3's version moved to A1
  int merged = 0, briefs = 0;
  ASSERT_TRUE(store->exportCurrent([&](const CurrentRecord& c) {
    merged += c.merged == R"({"merged":true})";
    return true;
  }));
  ASSERT_TRUE(store->forEachCurrentBrief([&](const CurrentBrief& b) {
    ++briefs;
    if (b.key == "A2") {
      EXPECT_EQ(b.absent_from, 1);
    }
  }));
  EXPECT_EQ(merged, 1);
  EXPECT_EQ(briefs, 2);
}

// The calls for many people at once (issue 18: a batch's identity corrections, absent people,
// people recomputed) end as the single calls made one after the other; more keys than one
// statement takes on PostgreSQL, and keys that need quoting.
TEST_P(StoreContract, ManyPeopleAtOnceAsOneAfterTheOther) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  const std::vector<std::string> odd = {"a\"quote",   "back\\slash",     "{brace}", "comma,key",
                                        "?a.csv:S:2", "张三|1960-01-01", "NULL"};
  std::vector<std::string> keys = keysOf("43", 9000), both = keysOf("43", 8300);
  for (const std::string& k : odd) keys.push_back(k), both.push_back(k);
  int64_t first = 0, second = 0;
  ASSERT_TRUE(writeBatch(*store, "431302", keys, nullptr, &first, false)) << store->error();
  // `both` have a second live version, from another unit.
  ASSERT_TRUE(writeBatch(*store, "431321", both, nullptr, &second, false)) << store->error();

  std::vector<std::string> asked = both;
  asked.push_back("nobody");
  asked.push_back("43100007");  // twice: answered once
  std::map<std::string, std::vector<int64_t>> lives;
  ASSERT_TRUE(store->forEachLiveOfKeys(asked, [&](std::string_view k, const LiveVersion& v) {
    lives[std::string(k)].push_back(v.version);
    EXPECT_EQ(v.json, lineOf(std::string(k), v.unit == "431302" ? "431302" : "431321"));
  })) << store->error();
  EXPECT_EQ(lives.size(), both.size());
  for (const std::string& k : {std::string("43100007"), std::string("43108299"), odd[0], odd[6]}) {
    std::vector<int64_t> one;
    ASSERT_TRUE(store->forEachLive(k, [&](const LiveVersion& v) { one.push_back(v.version); }));
    EXPECT_EQ(lives[k], one) << k;
    EXPECT_EQ(one.size(), 2u) << k;
  }
  std::map<std::string, int> rows;
  std::map<std::string, int64_t> versions;
  ASSERT_TRUE(store->currentRowsFull(asked, [&](CurrentRow&& r) {
    ++rows[r.person.key];
    versions[r.person.key] = r.version;
    EXPECT_EQ(r.person.unit, "431321");
    EXPECT_EQ(r.person.name, "某某");
  })) << store->error();
  EXPECT_EQ(rows.size(), both.size());
  EXPECT_EQ(rows.count("nobody"), 0u);
  EXPECT_EQ(rows["43100007"], 1);
  for (const std::string& k : {std::string("43100007"), std::string("43108299"), odd[0], odd[6]}) {
    CurrentRow one;
    ASSERT_TRUE(store->currentRow(k, &one)) << k;
    EXPECT_EQ(versions[k], one.version) << k;
  }

  std::vector<std::string> absent = keysOf("43", 8200), retire = keysOf("43", 8250);
  for (const std::string& k : odd) absent.push_back(k), retire.push_back(k);
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->markAbsentAll(absent, second)) << store->error();
  ASSERT_TRUE(store->retireOlderAll(retire, "431302", second)) << store->error();
  ASSERT_TRUE(store->rekeyAll({{"43108999", "43100000"}, {odd[0], "43100001"}})) << store->error();
  ASSERT_TRUE(store->addDecisions({{"43100000", "43108999"}, {"43100001", odd[0]}}, "same", second))
      << store->error();
  ASSERT_TRUE(store->addDecisions({{"43100001", odd[0]}}, "different", 0)) << store->error();
  ASSERT_TRUE(store->commit()) << store->error();

  CurrentRow got;
  for (const char* k : {"43100000", "43108199", "NULL"}) {
    ASSERT_TRUE(store->currentRow(k, &got)) << k;
    EXPECT_EQ(got.absent_from, second) << k;
  }
  ASSERT_TRUE(store->currentRow("43108200", &got));
  EXPECT_EQ(got.absent_from, 0);
  EXPECT_FALSE(store->currentRow("43108999", &got)) << "rekeyed: its row is gone";
  EXPECT_FALSE(store->currentRow(odd[0], &got));
  auto liveUnits = [&](const std::string& k) {
    std::string units;
    EXPECT_TRUE(store->forEachLive(k, [&](const LiveVersion& v) {
      units += (units.empty() ? "" : ",") + std::string(v.unit);
    }));
    return units;
  };
  EXPECT_EQ(liveUnits("43100002"), "431321");         // its 431302 version retired
  EXPECT_EQ(liveUnits("43108260"), "431302,431321");  // not asked: both stay
  EXPECT_EQ(liveUnits("43100000"), "431302,431321");  // 43108999's (older) moved here
  EXPECT_EQ(liveUnits("43100001"), "431321,431321");  // and odd[0]'s live one
  std::vector<std::string> decisions;
  ASSERT_TRUE(
      store->forEachDecision([&](std::string_view a, std::string_view b, std::string_view d) {
        decisions.push_back(std::string(a) + " " + std::string(b) + " " + std::string(d));
      }));
  EXPECT_EQ(decisions,
            (std::vector<std::string>{"43100000 43108999 same", "43100001 a\"quote different"}));
}

// What the merge reads instead of the whole current set (issue 18): the rows of the keys a
// chunk of a batch names, the number of rows, and who of a unit a new batch left out.
TEST_P(StoreContract, CurrentRowsOfKeysAndTheCount) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  // Keys that need quoting in an array literal or a statement, and many of them: more than
  // one statement's worth on PostgreSQL.
  std::vector<std::string> keys = keysOf("43", 9000);
  for (const char* odd : {"a\"quote", "back\\slash", "{brace}", "comma,key", "?a.csv:S:2",
                          "张三|1960-01-01", "NULL", ""})
    keys.emplace_back(odd);
  ASSERT_TRUE(writeBatch(*store, "431302", keys, nullptr, nullptr, false)) << store->error();
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->markAbsent("43100007", 1));
  ASSERT_TRUE(store->commit());
  int64_t n = -1;
  ASSERT_TRUE(store->countCurrent(&n)) << store->error();
  EXPECT_EQ(n, int64_t(keys.size()));

  std::vector<std::string> asked = {"43100007", "nobody",    "a\"quote",   "back\\slash",
                                    "{brace}",  "comma,key", "?a.csv:S:2", "张三|1960-01-01",
                                    "NULL",     ""};
  for (int i = 0; i < 8500; ++i) asked.push_back("43" + std::to_string(100000 + i));
  asked.push_back("43100007");  // asked twice: answered once
  std::map<std::string, int> got;
  ASSERT_TRUE(store->currentRows(asked, [&](const CurrentBrief& b) {
    ++got[std::string(b.key)];
    EXPECT_EQ(b.units, "431302");
    EXPECT_EQ(b.name, "某某");
    EXPECT_EQ(b.birth_date, "1960-01-01");
    EXPECT_EQ(b.absent_from, b.key == "43100007" ? 1 : 0);
    EXPECT_GT(b.version, 0);
    EXPECT_EQ(b.sources, 1);
  })) << store->error();
  EXPECT_EQ(got.size(), 8500u + 8);
  EXPECT_EQ(got.count("nobody"), 0u);
  for (const char* odd : {"a\"quote", "back\\slash", "{brace}", "comma,key", "?a.csv:S:2",
                          "张三|1960-01-01", "NULL", ""})
    EXPECT_EQ(got[odd], 1) << odd;
  EXPECT_EQ(got["43100007"], 1);
  got.clear();
  ASSERT_TRUE(store->currentRows({}, [&](const CurrentBrief& b) { ++got[std::string(b.key)]; }));
  EXPECT_TRUE(got.empty());
}

TEST_P(StoreContract, LiveOfUnitIsWhoABatchLeftOut) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(writeBatch(*store, "431302", {"A1", "A2", "A3", "A4"})) << store->error();
  ASSERT_TRUE(writeBatch(*store, "431321", {"B1", "A4"})) << store->error();
  // The unit's re-submission without A2 and A4: A1 and A3 replaced, A4's version of 431302
  // still live (431321's too), A2 left out.
  int64_t bid = 0;
  ASSERT_TRUE(writeBatch(*store, "431302", {"A1", "A3"}, nullptr, &bid)) << store->error();
  auto ofUnit = [&](const char* unit, int64_t batch) {
    std::vector<std::string> keys;
    EXPECT_TRUE(store->forEachLiveOfUnit(unit, batch, [&](std::string_view k) {
      keys.emplace_back(k);
    })) << store->error();
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  // writeBatch retires the replaced person's one live version, whatever its unit: A4 of
  // 431302 was retired by 431321's batch.
  EXPECT_EQ(ofUnit("431302", bid), (std::vector<std::string>{"A2"}));
  EXPECT_EQ(ofUnit("431321", 0), (std::vector<std::string>{"A4", "B1"}));
  EXPECT_EQ(ofUnit("431321", 2), (std::vector<std::string>{}));
  EXPECT_EQ(ofUnit("431302", 0), (std::vector<std::string>{"A1", "A2", "A3"}));
  EXPECT_EQ(ofUnit("nowhere", 0), (std::vector<std::string>{}));
  // Two live versions of one key from the unit: the key once.
  ASSERT_TRUE(store->begin());
  int64_t b4 = 0, version = 0;
  ASSERT_TRUE(store->addBatch(batchOf("431302"), &b4));
  ASSERT_TRUE(store->addVersion("A2", b4, "431302", lineOf("A2", "431302"), &version));
  ASSERT_TRUE(store->commit()) << store->error();
  EXPECT_EQ(ofUnit("431302", bid), (std::vector<std::string>{"A2"}));
  // Retired versions are not live: a batch that retires A2's versions leaves nobody out.
  ASSERT_TRUE(store->begin());
  int64_t b5 = 0;
  ASSERT_TRUE(store->addBatch(batchOf("431302"), &b5));
  ASSERT_TRUE(store->retireOlder("A2", "431302", b5));
  ASSERT_TRUE(store->retireOlder("A1", "431302", b5));
  ASSERT_TRUE(store->retireOlder("A3", "431302", b5));
  EXPECT_EQ(ofUnit("431302", b5), (std::vector<std::string>{})) << "inside the transaction";
  store->rollback();
  EXPECT_EQ(ofUnit("431302", bid), (std::vector<std::string>{"A2"}));
}

// A version moved under another key and retired (an identity correction) goes back under its
// own key, live again (a "different" decided later); without `revive` it stays retired.
TEST_P(StoreContract, MoveVersionBackAndRevive) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(writeBatch(*store, "431302", {"A1", "A2", "A3"})) << store->error();
  auto versionsOf = [&](const std::string& key) {
    std::vector<std::pair<int64_t, int64_t>> v;  // version, retired_by
    EXPECT_TRUE(
        store->history(key, [&](const LiveVersion& l, int64_t retired_by, std::string_view) {
          v.emplace_back(l.version, retired_by);
        }));
    return v;
  };
  int64_t a2 = versionsOf("A2").at(0).first, a3 = versionsOf("A3").at(0).first;
  ASSERT_TRUE(store->begin());
  int64_t bid;
  ASSERT_TRUE(store->addBatch(batchOf("431302"), &bid));
  ASSERT_TRUE(store->retireVersion(a2, bid));
  ASSERT_TRUE(store->retireVersion(a3, bid));
  ASSERT_TRUE(store->rekey("A2", "A1"));
  ASSERT_TRUE(store->rekey("A3", "A1"));
  ASSERT_TRUE(store->commit()) << store->error();
  EXPECT_EQ(versionsOf("A1").size(), 3u);
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->moveVersion(a2, "A2", true));
  ASSERT_TRUE(store->moveVersion(a3, "A3", false));
  ASSERT_TRUE(store->commit()) << store->error();
  EXPECT_EQ(versionsOf("A1").size(), 1u);
  EXPECT_EQ(versionsOf("A2"), (std::vector<std::pair<int64_t, int64_t>>{{a2, 0}}));
  EXPECT_EQ(versionsOf("A3"), (std::vector<std::pair<int64_t, int64_t>>{{a3, bid}}));
}

TEST_P(StoreContract, SignerAndHowItWasEstablished) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->begin());
  BatchInfo b = batchOf("431302", "娄星区.jsonl");
  b.signer = "娄星区退役军人事务局", b.key_id = "ab12", b.signer_status = "verified";
  int64_t id;
  ASSERT_TRUE(store->addBatch(b, &id));
  ASSERT_TRUE(store->setBatchRecords(id, 0, std::string(64, 'f'), {}));
  ASSERT_TRUE(store->commit()) << store->error();
  ASSERT_TRUE(store->forEachBatch([&](int64_t, const BatchInfo& got) {
    EXPECT_EQ(got.signer, "娄星区退役军人事务局");
    EXPECT_EQ(got.key_id, "ab12");
    EXPECT_EQ(got.signer_status, "verified");
    EXPECT_EQ(got.source, "娄星区.jsonl");
    EXPECT_EQ(got.sha256, std::string(64, 'f'));
  }));
}

// Another writer's commit is seen once, by the next call; the store's own never.
TEST_P(StoreContract, ChangedElsewhereSeesOtherWritersOnly) {
  auto a = openExisting();
  auto b = open();
  ASSERT_TRUE(a && b);
  bool changed = true;
  ASSERT_TRUE(a->changedElsewhere(&changed));
  EXPECT_FALSE(changed);
  ASSERT_TRUE(b->changedElsewhere(&changed));
  ASSERT_TRUE(writeBatch(*a, "431302", {"1"})) << a->error();
  ASSERT_TRUE(a->changedElsewhere(&changed));
  EXPECT_FALSE(changed);
  ASSERT_TRUE(b->changedElsewhere(&changed));
  EXPECT_TRUE(changed);
  ASSERT_TRUE(b->changedElsewhere(&changed));
  EXPECT_FALSE(changed);
}

// Two writers: the second's begin() waits until the first commits, then sees its batch.
TEST_P(StoreContract, WritersEndAsIfOneAfterTheOther) {
  auto a = openExisting();
  auto b = open();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->begin());
  int64_t bid;
  ASSERT_TRUE(a->addBatch(batchOf("431302"), &bid));
  std::atomic<bool> committed{false};
  auto second = std::async(std::launch::async, [&] {
    if (!b->begin()) return std::string("begin: ") + b->error();
    std::string seen = committed ? "after" : "before";
    int batches = 0;
    b->forEachBatch([&](int64_t, const BatchInfo&) { ++batches; });
    b->rollback();
    return seen + " " + std::to_string(batches);
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  committed = true;
  ASSERT_TRUE(a->commit()) << a->error();
  EXPECT_EQ(second.get(), "after 1");
}

// A reader opens and reads while a writer holds the store, and sees its last commit only.
TEST_P(StoreContract, ReadersNeverWaitForWriters) {
  auto w = openExisting();
  ASSERT_TRUE(w);
  ASSERT_TRUE(writeBatch(*w, "431302", {"1", "2"})) << w->error();
  ASSERT_TRUE(w->begin());
  int64_t bid;
  ASSERT_TRUE(w->addBatch(batchOf("431321"), &bid));
  auto reading = std::async(std::launch::async, [&] {
    std::string err;
    std::unique_ptr<StoreReader> r = openStoreReader(where_, &err);
    if (!r) return "open: " + err;
    Counts c = countsOf(*r);
    return std::to_string(c.batches) + " " + std::to_string(c.current);
  });
  bool quick = reading.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  EXPECT_TRUE(quick) << "the reader waited for the writer";
  ASSERT_TRUE(w->commit()) << w->error();  // lets a waiting reader go, so the test can end
  std::string got = reading.get();
  if (quick) {
    EXPECT_EQ(got, "1 2");
  }
}

TEST_P(StoreContract, ReaderNeverCreatesAStore) {
  std::string err;
  EXPECT_FALSE(openStoreReader(where_, &err));
  EXPECT_NE(err.find("store-missing"), std::string::npos) << err;
  // And opening it for reading made nothing: a writer still finds it new.
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_EQ(countsOf(*s).batches, 0);
}

// The log of extracts sent to departments (vetmerge --export --for): each one recorded in a
// write transaction, read back in order by a writer and by a reader, and a rolled-back one
// leaves nothing.
TEST_P(StoreContract, ExtractLogRecordsWhoReceivedWhat) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  ExtractLog* log = store->extractLog();
  ASSERT_TRUE(log);
  ExtractEntry e;
  e.profile = "gongan", e.department = "公安", e.fields = "id_number,name,gender";
  e.records = 1000000, e.file = "公安 '2026'.xlsx", e.format = "xlsx";
  e.sha256 = std::string(64, 'a'), e.made_at = "2026-12-05T01:02:03Z";
  int64_t id = 0;
  ASSERT_TRUE(store->begin() && log->addExtract(e, &id) && store->commit()) << store->error();
  EXPECT_EQ(id, 1);
  ExtractEntry lost = e;
  lost.profile = "minzheng";
  ASSERT_TRUE(store->begin() && log->addExtract(lost, &id)) << store->error();
  store->rollback();
  e.profile = "renshe", e.department = "人社", e.fields = "id_number,name", e.records = 0;
  e.format = "csv", e.file = "人社.csv";
  ASSERT_TRUE(store->begin() && log->addExtract(e, &id) && store->commit()) << store->error();
  store.reset();
  std::string err;
  auto reader = openStoreReader(where_, &err);
  ASSERT_TRUE(reader) << err;
  ASSERT_TRUE(reader->extractLog());
  std::vector<ExtractEntry> got;
  ASSERT_TRUE(reader->extractLog()->forEachExtract([&](const ExtractEntry& x) {
    got.push_back(x);
  })) << reader->error();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].profile, "gongan");
  EXPECT_EQ(got[0].department, "公安");
  EXPECT_EQ(got[0].fields, "id_number,name,gender");
  EXPECT_EQ(got[0].records, 1000000);
  EXPECT_EQ(got[0].file, "公安 '2026'.xlsx");
  EXPECT_EQ(got[0].format, "xlsx");
  EXPECT_EQ(got[0].sha256, std::string(64, 'a'));
  EXPECT_EQ(got[0].made_at, "2026-12-05T01:02:03Z");
  EXPECT_EQ(got[1].profile, "renshe");
  EXPECT_EQ(got[1].records, 0);
  EXPECT_EQ(got[1].format, "csv");
  EXPECT_LT(got[0].id, got[1].id);
  // Opened again for writing (the migration runs again): the log is kept, not made anew.
  reader.reset();
  auto again = open();
  ASSERT_TRUE(again);
  size_t n = 0;
  ASSERT_TRUE(again->extractLog()->forEachExtract([&](const ExtractEntry&) { ++n; }));
  EXPECT_EQ(n, 2u);
}

// Each sheet's layout is kept once per batch (a repeat ignored) and read back as given: the
// column letters of records that are not their sheet's first (issue 15: 列 of send-back rows).
TEST_P(StoreContract, SheetLayoutsKeptOncePerSheetOfABatch) {
  auto store = openExisting();
  ASSERT_TRUE(store);
  int64_t b1 = 0, b2 = 0;
  ASSERT_TRUE(writeBatch(*store, "431381", keysOf("43", 2), nullptr, &b1)) << store->error();
  ASSERT_TRUE(writeBatch(*store, "431381", keysOf("43", 2), nullptr, &b2)) << store->error();
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->addSheetLayout({b1, "a.xlsx", "花名册", R"({"name":"C"})", ""}));
  ASSERT_TRUE(store->addSheetLayout({b1, "a.xlsx", "花名册", R"({"name":"Z"})", ""}));
  ASSERT_TRUE(
      store->addSheetLayout({b2, "a.xlsx", "花名册", R"({"name":"D"})", R"({"name":"名字"})"}));
  ASSERT_TRUE(store->commit()) << store->error();
  std::vector<std::string> got;
  ASSERT_TRUE(store->forEachSheetLayout([&](const SheetLayoutRow& l) {
    got.push_back(std::to_string(l.batch) + " " + std::string(l.src) + " " + std::string(l.sheet) +
                  " " + std::string(l.columns) + " " + std::string(l.headers));
  })) << store->error();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{
                     std::to_string(b1) + R"( a.xlsx 花名册 {"name":"C"} )",
                     std::to_string(b2) + R"( a.xlsx 花名册 {"name":"D"} {"name":"名字"})"}));
}

// A store merged before sheet_layout existed gets, when next opened for merging, the layouts
// its versions already hold (a sheet's first record carries `_columns`).
TEST_P(StoreContract, SheetLayoutsOfAnOlderStoreComeFromItsLines) {
  {
    auto store = openExisting();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin());
    int64_t bid = 0, version = 0;
    ASSERT_TRUE(store->addBatch(batchOf("431381"), &bid));
    ASSERT_TRUE(store->addVersion(
        "43100001", bid, "431381",
        R"({"name":"甲","_src":"a.xlsx","_sheet":"花名册","_row":3,"_columns":{"name":"C"},"_headers":{"name":"名字"}})",
        &version));
    ASSERT_TRUE(store->addVersion("43100002", bid, "431381",
                                  R"({"name":"乙","_src":"a.xlsx","_sheet":"花名册","_row":4})",
                                  &version));
    ASSERT_TRUE(store->commit()) << store->error();
  }
  // As the build before left it: no table (PostgreSQL: nor migration 7).
  if (GetParam() == "sqlite") {
    std::string sql = "sqlite3 '" + where_ + "' 'DROP TABLE sheet_layout'";
    ASSERT_EQ(system(sql.c_str()), 0);
  } else {
    PGconn* c = PQconnectdb(where_.c_str());
    PGresult* r =
        PQexec(c, "DROP TABLE sheet_layout; DELETE FROM schema_migration WHERE version = 7");
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
  }
  auto store = open();
  ASSERT_TRUE(store);
  std::vector<std::string> got;
  ASSERT_TRUE(store->forEachSheetLayout([&](const SheetLayoutRow& l) {
    got.push_back(std::string(l.src) + " " + std::string(l.sheet) + " " + std::string(l.columns) +
                  " " + std::string(l.headers));
  })) << store->error();
  ASSERT_EQ(got.size(), 1u);
  // SQLite and PostgreSQL write a JSON object each its own way: compare without blanks.
  got[0].erase(std::remove(got[0].begin() + 1, got[0].end(), ' '), got[0].end());
  EXPECT_EQ(got[0], R"(a.xlsx花名册{"name":"C"}{"name":"名字"})");
}

// The rows candidate detection judges a run's people against: those in a block of name and
// birth month with one of them, and those whose number is suspect (upgraded from 15 digits,
// 18 characters failing the check or naming no real day); never the run's own. A store that
// finds them by index gives those and no more; the default gives every row. On PostgreSQL a
// store older than migration 8 gets its suspects flagged when the migration is applied.
TEST_P(StoreContract, CurrentNearIsBlocksAndSuspectNumbers) {
  auto id = [](std::string body17) { return body17 + idCheckChar(body17); };
  auto badCheck = [](std::string body17) {
    return body17 + (idCheckChar(body17) == '0' ? '1' : '0');
  };
  struct Row {
    std::string key, name, birth, id15;
  };
  const std::vector<Row> fresh = {
      {id("43130219600105001"), "张三", "1960-01-05", ""},
      {id("43130219700201002"), "李四", "1970-02-01", ""},
      {badCheck("43130219500301003"), "赵六", "1950-03-01", ""},  // suspect, but fresh
  };
  const std::vector<Row> wanted = {
      {id("43130219600120005"), "张三", "1960-01-20", ""},        // 张三's block, another day
      {badCheck("43130219610101004"), "王五", "1961-01-01", ""},  // fails its check
      {id("43130219600231006"), "孙七", "1960-02-31", ""},        // no such day
      {upgradeId15("431302500101007"), "周八", "1950-01-01", "431302500101007"},
  };
  const std::vector<Row> others = {
      {id("43130219600201008"), "张三", "1960-02-01", ""},  // another month
      {id("43130219800101009"), "王五", "1980-01-01", ""},  // a sound number
      {"4.313811982091551e+17", "吴九", "1982-09-15", ""},  // no number at all: not suspect
      {id("43130219700201010"), "", "1970-02-01", ""},      // no name: no block
  };
  auto write = [&](Store& s) {
    ASSERT_TRUE(s.begin());
    int64_t bid = 0, version = 0;
    ASSERT_TRUE(s.addBatch(batchOf("431302"), &bid));
    for (const auto* rows : {&fresh, &wanted, &others})
      for (const Row& r : *rows) {
        ASSERT_TRUE(s.addVersion(r.key, bid, "431302", lineOf(r.key, "431302"), &version));
        CurrentRow row;
        row.person.key = r.key, row.person.unit = "431302", row.person.name = r.name;
        row.person.birth_date = r.birth, row.person.id15 = r.id15, row.version = version;
        ASSERT_TRUE(s.putCurrent(row, {}));
      }
    ASSERT_TRUE(s.commit()) << s.error();
  };
  std::vector<std::string> fresh_keys;
  for (const Row& r : fresh) fresh_keys.push_back(r.key);
  auto check = [&](Store& s) {
    std::map<std::string, int> got;
    ASSERT_TRUE(s.forEachCurrentNear(fresh_keys, [&](const CurrentBrief& b) {
      ++got[std::string(b.key)];
    })) << s.error();
    for (const Row& r : wanted) EXPECT_EQ(got.count(r.key), 1u) << r.key;
    if (s.findsNear()) {
      EXPECT_EQ(got.size(), wanted.size());
      for (const auto* rows : {&fresh, &others})
        for (const Row& r : *rows) EXPECT_EQ(got.count(r.key), 0u) << r.key;
    }
  };
  {
    auto store = openExisting();
    ASSERT_TRUE(store);
    write(*store);
    check(*store);
  }
  if (GetParam() != "pg") return;
  // As a store made before migration 8 holds it: no flags, no index, 8 not applied.
  PGconn* c = PQconnectdb(where_.c_str());
  PGresult* r = PQexec(c,
                       "DROP INDEX current_suspect; ALTER TABLE current DROP COLUMN suspect; "
                       "DELETE FROM schema_migration WHERE version = 8");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  auto store = open();
  ASSERT_TRUE(store);
  check(*store);
}

// PostgreSQL migrations are numbered: the send-back rounds are 4, the log of extracts 5, the
// live-versions-by-unit index 6 (issue 18), sheet layouts and the replies' round 7. A store
// that has 4 and 7 but not 5 and 6 (branches merged in another order) gets 5 and 6, and only
// those; a reader never migrates.
TEST_P(StoreContract, PgMigrationFiveAppliedWhereMissing) {
  if (GetParam() != "pg") GTEST_SKIP() << "PostgreSQL's numbered migrations";
  ASSERT_TRUE(openExisting());
  auto sql = [&](const char* q) {
    PGconn* c = PQconnectdb(where_.c_str());
    PGresult* r = PQexec(c, q);
    std::string out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        << PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    return out;
  };
  const char* versions =
      "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migration";
  // 6: live versions by unit, 7: sheet layouts, 8: suspect numbers flagged
  EXPECT_EQ(sql(versions), "1,2,3,4,5,6,7,8");
  EXPECT_EQ(PgStore::layoutVersion(), 8);
  sql("DROP TABLE extract_log; DROP INDEX record_version_live_unit; "
      "DELETE FROM schema_migration WHERE version IN (5, 6);");
  std::string err;
  EXPECT_FALSE(openStoreReader(where_, &err)) << "a reader never migrates";
  EXPECT_EQ(sql(versions), "1,2,3,4,7,8");
  auto s = open();
  ASSERT_TRUE(s) << "4, 7 and 8 are kept (their tables exist), 5 and 6 are applied";
  size_t n = 0;
  EXPECT_TRUE(s->extractLog()->forEachExtract([&](const ExtractEntry&) { ++n; })) << s->error();
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(s->sendbackLog()->forEachRound([&](const SendbackRound&) {})) << s->error();
  EXPECT_EQ(sql(versions), "1,2,3,4,5,6,7,8");
  EXPECT_EQ(sql("SELECT count(*) FROM pg_indexes WHERE indexname = 'record_version_live_unit'"),
            "1");
}

// A writer killed half-way through a big batch (SIGKILL: no cleanup of its own) leaves the
// store with the earlier batch whole and none of the killed one, and it takes the next batch.
TEST_P(StoreContract, KilledMidBatchLeavesTheBatchAllOrNothing) {
  {
    auto store = openExisting();
    ASSERT_TRUE(store);
    ASSERT_TRUE(writeBatch(*store, "431302", keysOf("43", 1000))) << store->error();
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string err;
    std::unique_ptr<Store> store = Store::openOrCreate(where_, &err);
    if (!store) _exit(3);
    // Half of it is more than the PostgreSQL store buffers: rows are on the server.
    writeBatch(
        *store, "431321", keysOf("13", 100000),
        [&] {
          char c = 'x';
          (void)!write(fds[1], &c, 1);
          pause();
        },
        nullptr, false);
    _exit(0);
  }
  close(fds[1]);
  char c;
  ASSERT_EQ(read(fds[0], &c, 1), 1);
  kill(child, SIGKILL);
  int st;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  close(fds[0]);

  auto store = open();
  ASSERT_TRUE(store);
  std::string detail;
  EXPECT_TRUE(store->integrityOk(&detail)) << detail;
  Counts counts = countsOf(*store);
  EXPECT_EQ(counts.batches, 1);
  EXPECT_EQ(counts.current, 1000);
  EXPECT_EQ(counts.records, 1000);
  ASSERT_TRUE(writeBatch(*store, "431321", keysOf("13", 10))) << store->error();
  EXPECT_EQ(countsOf(*store).batches, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, testing::Values("sqlite", "pg"),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(StoreWhere, PostgresStringsAreRecognisedAndPasswordsNeverShown) {
  EXPECT_TRUE(isPostgresConninfo("postgresql://u@h/db"));
  EXPECT_TRUE(isPostgresConninfo("postgres://h/db"));
  EXPECT_TRUE(isPostgresConninfo("host=/tmp dbname=vet"));
  EXPECT_TRUE(isPostgresConninfo("dbname=vet"));
  EXPECT_FALSE(isPostgresConninfo("city.sqlite"));
  EXPECT_FALSE(isPostgresConninfo("sqlite:host=x"));
  EXPECT_FALSE(isPostgresConninfo("a=b.sqlite"));
  EXPECT_EQ(redactConninfo("postgresql://u:s3cret@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(redactConninfo("postgresql://h/db?password=s3cret&sslmode=disable"),
            "postgresql://h/db?password=***&sslmode=disable");
  EXPECT_EQ(redactConninfo("host=h password=s3cret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redactConninfo("host=h password = 'a b' dbname=d"), "host=h password = *** dbname=d");
  std::string err;
  // No server there: the error names the store without its password.
  EXPECT_FALSE(Store::openOrCreate("host=/nonexistent-vetkit password=s3cret dbname=x", &err));
  EXPECT_EQ(err.find("s3cret"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent-vetkit"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists("host=/nonexistent-vetkit password=s3cret dbname=x"));
}
