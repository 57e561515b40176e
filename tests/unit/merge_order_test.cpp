// Trust in the store's history (issue 13): a unit's batches go in time order (an older batch
// is refused, a folder re-run is merged oldest first), the bytes merged are the bytes whose
// seal was verified, and a merge that waited for another writer re-reads the decisions that
// writer committed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/exit_status.h"
#include "core/line_output.h"
#include "failing_store.h"
#include "merge/batch_order.h"
#include "merge/session.h"
#include "sign/digest.h"
#include "sign/keys.h"
#include "sign/sign.h"
#include "sign/utc_time.h"
#include "text/id_number.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {

std::string number(const std::string& first17) {
  return first17 + idCheckChar(first17);
}
const std::string kOne = number("43132119500101001"), kTwo = number("43132119520202002");

// A scratch folder per test, emptied first.
class Scratch {
 public:
  explicit Scratch(const std::string& name) : dir_(::testing::TempDir() + "/merge_order/" + name) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string put(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

 private:
  std::string dir_;
};

// One line of a 双峰县 batch.
std::string line(const std::string& key, const std::string& name, const std::string& collected) {
  return R"({"id_number":")" + key + R"(","name":")" + name +
         R"(","unit":"431321","collected_at":")" + collected + "\"}\n";
}

// The schema, policy and options a merge needs, and a run of it into a store.
class Merger {
 public:
  Merger() {
    std::string err;
    schema_ = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    EXPECT_TRUE(schema_) << err;
    EXPECT_TRUE(MergePolicy::load(VETKIT_SCHEMAS "/merge-policy.yaml", *schema_, &policy_, &err));
    EXPECT_TRUE(parseKeySpec(*schema_, "id_number", &options.key, &err)) << err;
    options.now = "2026-12-05T00:00:00Z";
  }
  MergeOptions options;
  std::vector<std::string> codes;  // the diagnostics' codes of the last run

  int run(const std::string& db, const std::vector<std::string>& files,
          const std::function<void()>& on_begin = {}, const std::string& decisions = {}) {
    std::string err;
    std::unique_ptr<Store> real = Store::openOrCreate(db, &err);
    EXPECT_TRUE(real) << err;
    vetkit::testing::FailingStore store(std::move(real), 0);
    store.on_begin = on_begin;
    LineCallback sink([](std::string_view) {});
    MergeOutputs out;
    out.records = &sink;
    codes.clear();
    out.diagnostic = [&](const Diagnostic& d) { codes.push_back(d.code); };
    MergeSession session(*schema_, policy_, options, out);
    if (!decisions.empty()) {
      EXPECT_TRUE(session.loadDecisions(decisions, &err)) << err;
    }
    return session.mergeToStore(store, files);
  }

 private:
  std::unique_ptr<Schema> schema_;
  MergePolicy policy_;
};

// Rows of an SQL query on the store, one line each, columns joined by '|'.
std::string query(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
  std::string all;
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      all += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "");
    }
    all += "\n";
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return all;
}

bool has(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

TEST(BatchOrder, TimesCompareAtTheirCommonPrecision) {
  EXPECT_LT(compareBatchTimes("2026-09-15", "2026-10-20"), 0);
  EXPECT_EQ(compareBatchTimes("2026-10-20", "2026-10-20T08:00:00Z"), 0);  // the same day
  EXPECT_GT(compareBatchTimes("2026-10-20T09:00:00Z", "2026-10-20T08:00:00Z"), 0);
  EXPECT_EQ(compareBatchTimes("", "2026-10-20"), 0);  // unknown: never older
  // Without a time first, then oldest first; equal times keep the order given.
  std::vector<size_t> order =
      mergeOrder({"2026-10-20", "", "2026-09-15", "2026-10-20T08:00:00Z", "2026-09-15"});
  EXPECT_EQ(order, (std::vector<size_t>{1, 2, 4, 0, 3}));
}

// Finding 13.4: a folder re-run where "…(更正).jsonl" sorts before "….jsonl": the batches are
// merged by their time, so the correction is merged last and stays current.
TEST(BatchOrder, ARunMergesOldestFirstWhateverTheArgumentOrder) {
  Scratch s("folder");
  std::string v2 = s.put("双峰县(更正).jsonl",
                         line(kOne, "张建国", "2026-10-20") + line(kTwo, "李维东", "2026-10-01"));
  std::string v1 = s.put("双峰县.jsonl",
                         line(kOne, "张建图", "2026-09-15") + line(kTwo, "李维东", "2026-09-01"));
  Merger m;
  std::string db = s.path("city.sqlite");
  EXPECT_EQ(m.run(db, {v2, v1}), kExitOk);
  EXPECT_EQ(query(db, "SELECT id, source, signed_at FROM batch ORDER BY id"),
            "1|" + v1 + "|2026-09-15\n2|" + v2 + "|2026-10-20\n");
  EXPECT_EQ(query(db, "SELECT name FROM current ORDER BY key"), "张建国\n李维东\n");
}

// Finding 13.4: v1, v2, then v1 edited (other bytes, so not a replay): refused, nothing of it
// stored, v2 stays current; with --allow-older it is merged.
TEST(BatchOrder, AnOlderBatchIsRefusedUnlessAllowed) {
  Scratch s("older");
  std::string v1 = s.put("v1.jsonl", line(kOne, "张建图", "2026-09-15"));
  std::string v2 = s.put("v2.jsonl", line(kOne, "张建国", "2026-10-20"));
  std::string old = s.put("v1-again.jsonl", line(kOne, "张建图 ", "2026-09-15"));
  Merger m;
  std::string db = s.path("city.sqlite");
  ASSERT_EQ(m.run(db, {v1}), kExitOk);
  ASSERT_EQ(m.run(db, {v2}), kExitOk);
  EXPECT_EQ(m.run(db, {old}), kExitFindings);
  EXPECT_TRUE(has(m.codes, "batch-older"));
  EXPECT_EQ(query(db, "SELECT count(*) FROM batch"), "2\n");
  EXPECT_EQ(query(db, "SELECT name FROM current"), "张建国\n");
  m.options.allow_older = true;
  EXPECT_EQ(m.run(db, {old}), kExitOk);
  EXPECT_EQ(query(db, "SELECT count(*) FROM batch"), "3\n");
}

// A sealed batch's time is its verified signed-at, not its records' collection dates: v2 was
// collected first but sealed later, and so is the newer.
TEST(BatchOrder, ASealedBatchIsTimedByItsVerifiedSeal) {
  Scratch s("sealed");
  std::string err;
  fs::copy_file(VETKIT_FIXTURES "/sign/keys/双峰县.key", s.path("county.key"));
  fs::permissions(s.path("county.key"), fs::perms::owner_read | fs::perms::owner_write);
  std::unique_ptr<Key> key = loadPrivateKey(s.path("county.key"), "", &err);
  ASSERT_TRUE(key) << err;
  std::string v1 = s.put("v1.jsonl", line(kOne, "张建图", "2026-10-20"));
  std::string v2 = s.put("v2.jsonl", line(kOne, "张建国", "2026-09-15"));
  for (auto [file, at] : {std::pair{v1, "2026-11-01T08:00:00Z"}, {v2, "2026-11-02T08:00:00Z"}}) {
    SignOptions so;
    ASSERT_TRUE(parseUtcTime(at, &so.now));
    SignatureBlock made;
    ASSERT_EQ(signFile(file, "", *key, so, &made, &err), VerifyStatus::Valid) << err;
  }
  TrustStore trust;
  ASSERT_TRUE(trust.load(VETKIT_FIXTURES "/sign/trusted", &err)) << err;
  Merger m;
  m.options.trust = &trust;
  std::string db = s.path("city.sqlite");
  EXPECT_EQ(m.run(db, {v2, v1}), kExitOk);
  EXPECT_EQ(query(db, "SELECT source, signed_at, signer_status FROM batch ORDER BY id"),
            v1 + "|2026-11-01T08:00:00Z|verified\n" + v2 + "|2026-11-02T08:00:00Z|verified\n");
  EXPECT_EQ(query(db, "SELECT name FROM current"), "张建国\n");
}

// Finding 13.5: the file is swapped for other bytes after its seal was verified and before its
// records are read. The store holds the verified bytes' records under their digest.
TEST(BatchSnapshot, AFileSwappedAfterVerificationIsNotWhatIsMerged) {
  Scratch s("swap");
  std::string batch = s.path("娄星区.jsonl");
  fs::copy_file(VETKIT_FIXTURES "/sign/data/娄星区.jsonl", batch);
  fs::copy_file(VETKIT_FIXTURES "/sign/data/娄星区.jsonl.vsig", batch + ".vsig");
  std::string err;
  FileDigest sealed;
  ASSERT_TRUE(digestFile(DigestAlgorithm::Sha256, batch, &sealed, &err)) << err;
  TrustStore trust;
  ASSERT_TRUE(trust.load(VETKIT_FIXTURES "/sign/trusted", &err)) << err;
  Merger m;
  m.options.trust = &trust;
  m.options.require_signed = true;
  int swaps = 0;
  m.options.after_verify = [&](const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string forged = text.str();
    for (size_t at = 0; (at = forged.find("\"name\":\"", at)) != std::string::npos; at += 8)
      forged.insert(at + 8, "冒");
    std::ofstream(path, std::ios::trunc) << forged;
    ++swaps;
  };
  std::string db = s.path("city.sqlite");
  EXPECT_NE(m.run(db, {batch}), kExitTrouble);
  ASSERT_EQ(swaps, 1);
  EXPECT_EQ(query(db, "SELECT sha256, signer_status FROM batch"), sealed.hex + "|verified\n");
  EXPECT_EQ(query(db, "SELECT count(*) FROM current WHERE name LIKE '冒%'"), "0\n");
  EXPECT_NE(query(db, "SELECT count(*) FROM current"), "0\n");
  EXPECT_EQ(query(db, "SELECT count(*) FROM record_json WHERE json LIKE '%vetmerge-batch%'"),
            "0\n");  // provenance names the batch, not its private copy
}

// Finding 13.3: a merge reads the decisions, then waits for the store while another run
// adjudicates two numbers as one person. When its turn comes it re-reads the decisions, so
// the person's new version goes to the surviving number, as if the two had run in turn.
TEST(ConcurrentMerge, DecisionsCommittedMeanwhileAreReRead) {
  Scratch s("aliases");
  std::string first =
      s.put("first.jsonl", line(kOne, "张三", "2026-09-01") + line(kTwo, "张三", "2026-09-01"));
  std::string later = s.put("later.jsonl", line(kTwo, "张三", "2026-10-01"));
  std::string decisions = s.put(
      "same.jsonl", R"({"a":")" + kOne + R"(","b":")" + kTwo + R"(","decision":"same"})" + "\n");
  std::string db = s.path("city.sqlite");
  Merger m;
  ASSERT_EQ(m.run(db, {first}), kExitOk);
  bool done = false;
  auto other = [&]() {
    if (done) return;
    done = true;
    Merger judge;
    EXPECT_NE(judge.run(db, {}, {}, decisions), kExitTrouble);
  };
  EXPECT_NE(m.run(db, {later}, other), kExitTrouble);
  ASSERT_TRUE(done);
  EXPECT_EQ(query(db, "SELECT key FROM current"), kOne + "\n");
  EXPECT_EQ(query(db, "SELECT count(*) FROM record_version WHERE key = '" + kTwo + "'"), "0\n");
}

// A store made before batches had a time gains the column, once, however often it is opened.
TEST(StoreMigration, BatchSignedAtIsAddedToAnOldStore) {
  Scratch s("migrate");
  std::string db = s.path("old.sqlite");
  std::string v1 = s.put("v1.jsonl", line(kOne, "张建图", "2026-09-15"));
  Merger m;
  ASSERT_EQ(m.run(db, {v1}), kExitOk);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "ALTER TABLE batch DROP COLUMN signed_at", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  std::string v2 = s.put("v2.jsonl", line(kOne, "张建国", "2026-10-20"));
  ASSERT_EQ(m.run(db, {v2}), kExitOk);
  ASSERT_EQ(m.run(db, {}), kExitOk);  // opened again: nothing to add
  EXPECT_EQ(query(db, "SELECT id, ifnull(signed_at, '-') FROM batch ORDER BY id"),
            "1|-\n2|2026-10-20\n");
  // The old batch has no time: it makes nothing older, and an older batch is still judged
  // against the newer one that has.
  std::string older = s.put("older.jsonl", line(kOne, "张某", "2026-10-01"));
  EXPECT_EQ(m.run(db, {older}), kExitFindings);
  EXPECT_TRUE(has(m.codes, "batch-older"));
}
