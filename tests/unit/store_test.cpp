// The SQLite store: a new store that appears only when complete, and the backend chosen from
// the --db string. (A writer killed mid-batch, on both backends: store_backends_test.cpp.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "store/sqlite_store.h"
#include "store/store.h"

using namespace vetkit;

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
bool writeBatch(StoreWriter& store, const char* unit, int n, const std::function<void()>& midway) {
  if (!store.begin()) return false;
  BatchInfo info{
      "batch.jsonl", std::string(64, '0'), unit, "2026-11-29T00:00:00Z", "", "", 0, "none", "", ""};
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
  return store.setBatchRecords(bid, n, info.sha256, info.signed_at) && store.commit();
}

}  // namespace

// A new store is built aside: until finish() there is no store at `path`, a writer killed
// before it leaves none, and finish() never replaces a store that appeared meanwhile.
TEST(Store, NewStoreAppearsOnlyWhenComplete) {
  std::string path = testing::TempDir() + "/new.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SqliteStore store;
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
    SqliteStore store;
    std::string err, detail;
    ASSERT_TRUE(store.create(path, &err)) << err;
    ASSERT_TRUE(writeBatch(store, "431302", 1000, nullptr)) << store.error();
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(store.finish()) << store.error();
  }
  EXPECT_EQ(count(path, "SELECT count(*) FROM record_version"), 1000);
  EXPECT_EQ(count(path, "SELECT count(*) FROM current"), 1000);
  {
    SqliteStore store;
    std::string err, detail;
    ASSERT_TRUE(store.open(path, &err)) << err;
    EXPECT_TRUE(store.integrityOk(&detail)) << detail;
  }
  // Another run's new store, finished after this one: refused, the first kept.
  SqliteStore late;
  std::string err;
  ASSERT_TRUE(late.create(path, &err)) << err;
  ASSERT_TRUE(writeBatch(late, "431321", 10, nullptr)) << late.error();
  EXPECT_FALSE(late.finish());
  EXPECT_NE(late.error().find("exists"), std::string::npos) << late.error();
  EXPECT_EQ(count(path, "SELECT count(*) FROM record_version"), 1000);
}

TEST(Store, OpenOrCreateBuildsAMissingStoreAside) {
  std::string path = testing::TempDir() + "/factory.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::string err;
  {
    std::unique_ptr<Store> store = Store::openOrCreate("sqlite:" + path, &err);
    ASSERT_TRUE(store) << err;
    ASSERT_TRUE(writeBatch(*store, "431302", 3, nullptr)) << store->error();
    EXPECT_FALSE(std::filesystem::exists(path));  // not before finish()
    ASSERT_TRUE(store->finish()) << store->error();
  }
  EXPECT_EQ(count(path, "SELECT count(*) FROM current"), 3);
  std::unique_ptr<Store> again = Store::openOrCreate(path, &err);
  ASSERT_TRUE(again) << err;
  int batches = 0;
  EXPECT_TRUE(again->forEachBatch([&](int64_t, const BatchInfo&) { ++batches; }));
  EXPECT_EQ(batches, 1);
}

// A server's address is never taken for a file name: no server there is an error naming it.
TEST(Store, ReaderNeverCreatesAndAServerIsNeverAFile) {
  std::string path = testing::TempDir() + "/absent.sqlite";
  std::filesystem::remove(path);
  std::string err;
  EXPECT_FALSE(openStoreReader(path, &err));
  EXPECT_NE(err.find("store-missing"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(path));
  err.clear();
  EXPECT_FALSE(Store::openOrCreate("postgresql:///vet?host=/nonexistent-vetkit", &err));
  EXPECT_NE(err.find("postgresql:///vet"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists("postgresql:"));
}

// batch.unit_source (issue 15): a store made before it gains the column when opened, its old
// batches keep "" (not recorded), and a new batch records where its unit came from.
TEST(Store, UnitSourceAddedToAnOldStore) {
  std::string path = testing::TempDir() + "/old-unit-source.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::string err;
  {
    std::unique_ptr<Store> store = Store::openOrCreate(path, &err);
    ASSERT_TRUE(store) << err;
    ASSERT_TRUE(writeBatch(*store, "431302", 1, nullptr)) << store->error();
    ASSERT_TRUE(store->finish()) << store->error();
  }
  // As a store of the layout before: no unit_source column.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "ALTER TABLE batch DROP COLUMN unit_source", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(count(path,
                  "SELECT count(*) FROM pragma_table_info('batch') WHERE name = "
                  "'unit_source'"),
            0);
  for (int run = 0; run < 2; ++run) {  // idempotent
    std::unique_ptr<Store> store = Store::openOrCreate(path, &err);
    ASSERT_TRUE(store) << err;
    if (run == 0) {
      ASSERT_TRUE(store->begin());
      BatchInfo info;
      info.source = "冷水江市.xlsx", info.sha256 = std::string(64, '1'), info.unit = "431381";
      info.merged_at = "2026-12-05T00:00:00Z", info.unit_source = "note";
      int64_t bid;
      ASSERT_TRUE(store->addBatch(info, &bid)) << store->error();
      ASSERT_TRUE(store->commit());
    }
    std::vector<std::string> sources;
    ASSERT_TRUE(store->forEachBatch(
        [&](int64_t, const BatchInfo& b) { sources.push_back(b.unit_source); }));
    EXPECT_EQ(sources, (std::vector<std::string>{"", "note"}));
  }
}

// batch.signer_status (issue 13): a store made before it gains the column when opened, and
// an old batch with a signer is "declared", never "verified" (nothing in the old row proves
// it was checked); one without a signer is "none".
TEST(Store, SignerStatusAddedToAnOldStoreNeverOverstates) {
  std::string path = testing::TempDir() + "/old-signer-status.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::string err;
  {
    std::unique_ptr<Store> store = Store::openOrCreate(path, &err);
    ASSERT_TRUE(store) << err;
    ASSERT_TRUE(writeBatch(*store, "431302", 1, nullptr)) << store->error();
    ASSERT_TRUE(writeBatch(*store, "431381", 1, nullptr)) << store->error();
    ASSERT_TRUE(store->finish()) << store->error();
  }
  // As a store of the layout before: a signer typed on one batch, no signer_status column.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE batch SET signer = '娄星区' WHERE unit = '431302';"
                         "ALTER TABLE batch DROP COLUMN signer_status",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  for (int run = 0; run < 2; ++run) {  // idempotent
    std::unique_ptr<Store> store = Store::openOrCreate(path, &err);
    ASSERT_TRUE(store) << err;
    std::vector<std::string> status;
    ASSERT_TRUE(store->forEachBatch(
        [&](int64_t, const BatchInfo& b) { status.push_back(b.unit + ":" + b.signer_status); }));
    EXPECT_EQ(status, (std::vector<std::string>{"431302:declared", "431381:none"}));
  }
}
