// The send-back loop in the store (store/sendback_log.h), the same tests on SQLite and on
// PostgreSQL (a server started by tests/pg/start-server.sh, as store_backends_test; without
// one the PostgreSQL half is SKIPPED with the reason).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "store/pg_store.h"
#include "store/store.h"

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
    std::string path = testing::TempDir() + "/sendback-" + name + ".sqlite";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path + suffix);
    return path;
  }
  const char* env = getenv("VETKIT_PG_STATE");
  std::string state = env ? env : "";
  if (state.empty()) return *skip = "VETKIT_PG_STATE is not set: no test server", "";
  if (std::filesystem::exists(state + "/skip"))
    return *skip = "no PostgreSQL server: " + slurp(state + "/skip"), "";
  std::string admin = slurp(state + "/conninfo");
  if (admin.empty()) return *skip = "no test server running", "";
  std::string db = "sb_" + name + "_" + std::to_string(getpid());
  PGconn* c = PQconnectdb(admin.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
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

SendbackLogItem item(const char* id, const char* county, const char* key, bool cross = false,
                     const char* owner = "") {
  SendbackLogItem it;
  it.id = id, it.county = county, it.key = key, it.kind = cross ? "cross" : "problem";
  it.rule = "id-checksum", it.shown_key = std::string(key).substr(0, 6) + "********";
  it.field = "id_number", it.cross_county = cross, it.owner = *owner ? owner : county;
  return it;
}

std::string itemsOf(SendbackLog& log) {
  std::string out;
  EXPECT_TRUE(log.forEachItem([&](int64_t round, const SendbackLogItem& it) {
    out += std::to_string(round) + ":" + it.county + ":" + it.id + ":" + it.kind + ":" + it.key +
           ":" + it.shown_key + ":" + (it.cross_county ? "x" : "-") + it.owner + " ";
  }));
  return out;
}

class SendbackLogContract : public testing::TestWithParam<std::string> {
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
    std::string err;
    auto s = Store::openOrCreate(where_, &err);
    ASSERT_TRUE(s) << err;
    ASSERT_TRUE(s->finish()) << s->error();
  }
  std::unique_ptr<Store> open() {
    std::string err;
    std::unique_ptr<Store> s = Store::openOrCreate(where_, &err);
    EXPECT_TRUE(s) << err;
    return s;
  }
  bool round(Store& s, const std::vector<SendbackLogItem>& items, int64_t* n,
             const char* at = "2026-11-29T01:30:00Z") {
    SendbackRound r;
    r.sent_at = at, r.outdir = "退回";
    std::vector<SendbackLogPackage> packages;
    for (const SendbackLogItem& it : items)
      if (packages.empty() || packages.back().county != it.county)
        packages.push_back({it.county, it.county + "-县.xlsx", std::string(64, 'a'), 0});
    for (const SendbackLogItem& it : items)
      for (SendbackLogPackage& p : packages) p.items += p.county == it.county;
    bool ok = s.begin() && s.sendbackLog()->addRound(&r, packages, items) && s.commit();
    *n = r.round;
    return ok;
  }
  std::string where_;
};

}  // namespace

TEST_P(SendbackLogContract, RoundsAreNumberedAndKeepEachItemOncePerPackage) {
  auto s = open();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->sendbackLog());
  int64_t n = 0;
  // A conflict's two values are two rows of one package: one item. The cross-county item is
  // in both counties' packages, owned by the person's hukou county.
  ASSERT_TRUE(
      round(*s,
            {item("V1", "431321", "431321196503120116"), item("V1", "431321", "431321196503120116"),
             item("Mx", "431321", "431322195801010312", true, "431322"),
             item("Mx", "431322", "431322195801010312", true, "431322")},
            &n))
      << s->error();
  EXPECT_EQ(n, 1);
  ASSERT_TRUE(round(*s, {item("V1", "431321", "431321196503120116")}, &n, "2026-12-01T02:00:00Z"))
      << s->error();
  EXPECT_EQ(n, 2);
  EXPECT_EQ(itemsOf(*s->sendbackLog()),
            "1:431321:Mx:cross:431322195801010312:431322********:x431322 "
            "1:431321:V1:problem:431321196503120116:431321********:-431321 "
            "1:431322:Mx:cross:431322195801010312:431322********:x431322 "
            "2:431321:V1:problem:431321196503120116:431321********:-431321 ");
  std::string rounds, packages;
  ASSERT_TRUE(s->sendbackLog()->forEachRound([&](const SendbackRound& r) {
    rounds += std::to_string(r.round) + " " + r.sent_at + " " + r.outdir + ";";
  }));
  EXPECT_EQ(rounds, "1 2026-11-29T01:30:00Z 退回;2 2026-12-01T02:00:00Z 退回;");
  ASSERT_TRUE(s->sendbackLog()->forEachPackage([&](int64_t r, const SendbackLogPackage& p) {
    packages += std::to_string(r) + " " + p.county + " " + p.file + " " +
                std::to_string(p.sha256.size()) + " " + std::to_string(p.items) + ";";
  }));
  EXPECT_EQ(
      packages,
      "1 431321 431321-县.xlsx 64 3;1 431322 431322-县.xlsx 64 1;2 431321 431321-县.xlsx 64 1;");
}

TEST_P(SendbackLogContract, RepliesGoWithTheirBatchAndARolledBackOneLeavesNone) {
  auto s = open();
  ASSERT_TRUE(s);
  BatchInfo b;
  b.source = "431321-双峰县.xlsx", b.sha256 = std::string(64, '0'), b.unit = "431321";
  b.merged_at = "2026-12-02T00:00:00Z";
  int64_t bid = 0;
  SendbackReply r{"V1", "431321", "已更正", "431321196503120116", "户口本\t核对", 0};
  ASSERT_TRUE(s->begin() && s->addBatch(b, &bid)) << s->error();
  r.batch = bid;
  ASSERT_TRUE(s->sendbackLog()->addReply(r)) << s->error();
  s->rollback();
  std::string replies;
  auto all = [&](StoreReader& reader) {
    replies.clear();
    EXPECT_TRUE(reader.sendbackLog()->forEachReply([&](const SendbackReply& x) {
      replies += x.item + "|" + x.county + "|" + std::to_string(x.batch) + "|" + x.result + "|" +
                 x.value + "|" + x.note + ";";
    })) << reader.error();
    return replies;
  };
  EXPECT_EQ(all(*s), "");
  ASSERT_TRUE(s->begin() && s->addBatch(b, &bid)) << s->error();
  r.batch = bid;
  ASSERT_TRUE(s->sendbackLog()->addReply(r)) << s->error();
  r.note = "";  // the same item answered again in the same batch: the later answer stays
  ASSERT_TRUE(s->sendbackLog()->addReply(r)) << s->error();
  ASSERT_TRUE(s->sendbackLog()->addReply({"X2", "431321", "核实无误", "", "", bid}));
  ASSERT_TRUE(s->commit()) << s->error();
  std::string err;
  auto reader = openStoreReader(where_, &err);
  ASSERT_TRUE(reader) << err;
  ASSERT_TRUE(reader->sendbackLog());
  EXPECT_EQ(all(*reader), "V1|431321|1|已更正|431321196503120116|;X2|431321|1|核实无误||;");
}

INSTANTIATE_TEST_SUITE_P(Backends, SendbackLogContract, testing::Values("sqlite", "pg"),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

// A store made before the send-back tables gets them when it is next opened, once; what it
// held stays.
TEST(SendbackLogSqlite, AnOlderStoreGetsTheTablesOnOpen) {
  std::string path = testing::TempDir() + "/sendback-older.sqlite";
  std::filesystem::remove(path);
  std::string err;
  {
    auto s = Store::openOrCreate(path, &err);
    ASSERT_TRUE(s && s->finish()) << err;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE sendback_round; DROP TABLE sendback_package; "
                         "DROP TABLE sendback_item; DROP TABLE sendback_reply",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  for (int i = 0; i < 2; ++i) {
    auto s = Store::openOrCreate(path, &err);
    ASSERT_TRUE(s) << err;
    int rounds = 0;
    EXPECT_TRUE(s->sendbackLog()->forEachRound([&](const SendbackRound&) { ++rounds; }))
        << s->error();
    EXPECT_EQ(rounds, 0);
  }
}
