// The store on a PostgreSQL server (libpq): the same tables and the same meaning as the
// SQLite store (sqlite_store.h), for a province or the nation, where several offices merge,
// query and report at once and the data lives on a server that is backed up and replicated.
// Chosen by `--db postgresql://…`, `--db postgres://…` or a libpq keyword string
// (`--db 'host=… dbname=…'`); the database must exist, its tables are made on first use.
//
//   schema_migration(version, applied_at, what)    -- the migrations applied, each once
//   store_state(id = 1, commits)                    -- counts committed writes (changedElsewhere)
//   batch, record_version, record_json, current, decision -- as in sqlite_store.h
//   sendback_round, sendback_package, sendback_item, sendback_reply -- sendback_log.h (4)
//   extract_log                                     -- extract_log.h (5)
//   record_version_live_unit: an index of the live versions by unit (6), for the merge that
//   no longer holds the current set in memory (forEachLiveOfUnit)
//   current.suspect and its partial index (8): the rows whose number candidate detection
//   expands, found without reading every row (forEachCurrentNear)
//
// Concurrency. Every write transaction (a batch, a run's decisions) first takes one
// transaction-scoped advisory lock, pg_advisory_xact_lock(kStoreLock), and then reads what it
// merges against. Why one lock for the store and not row locks per person: the merge judges a
// batch against the whole current set — who of its unit is absent, which people another unit
// also sent, which pairs are candidates — so two batches touching disjoint rows can still
// change each other's outcome; row locks would let them interleave, an advisory lock makes
// them end exactly as if run one after the other (in the order they got the lock). An
// advisory lock (not LOCK TABLE) leaves readers alone: reports, exports and diffs read a
// snapshot (MVCC) and never wait for a merge, nor does a merge wait for them. The lock is
// released by COMMIT or ROLLBACK, or by the server when the client dies, whose transaction is
// then rolled back: a merge killed half-way leaves its batch all present or all absent.
//
// Speed. A batch's rows are not sent one statement at a time (a round trip each): versions,
// their lines, retirements and rows of `current` are buffered and sent with COPY into the
// tables (or temporary staging tables, then one set-based UPDATE / INSERT … ON CONFLICT), and
// the buffers are flushed before any read or other write, so that the transaction always
// reads its own writes. Version and batch numbers are the next after the largest, taken
// under the lock: the same numbers SQLite gives the same run of batches.
//
// Readers (openReader) never write: they check the layout and read in one REPEATABLE READ,
// READ ONLY transaction, so a report sees one committed state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

struct pg_conn;
struct pg_result;

namespace vetkit {

struct PgPending;  // rows of `current` and retirements waiting for flush()

/// True when `where` names a PostgreSQL store: a postgres(ql):// URL or a libpq keyword
/// string beginning with a connection keyword (host=, dbname=, service=, …).
bool isPostgresConninfo(const std::string& where);
/// `where` without its password (password=… or the URL's user:password@), for messages.
std::string redactConninfo(const std::string& where);

class PgStore final : public Store, public SendbackLog, public ExtractLog {
 public:
  explicit PgStore(const StoreWording& wording = {});
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;
  ~PgStore() override;

  /// Connects and brings the tables to the current layout (migrations, in one transaction
  /// under the migration lock); false with `err`.
  bool open(const std::string& conninfo, std::string* err);
  /// Connects for reading only: no table is created or changed. "no such store" when the
  /// database holds none, an error when its layout is older or newer than this build's.
  bool openReader(const std::string& conninfo, std::string* err);

  const std::string& error() const override { return err_; }
  bool begin() override;
  bool commit() override;
  void rollback() override;
  bool changedElsewhere(bool* changed) override;
  bool finish() override { return true; }
  bool addBatch(const BatchInfo& b, int64_t* id) override;
  bool setBatchRecords(int64_t batch, int64_t records, std::string_view sha256,
                       std::string_view signed_at) override;
  bool addVersion(std::string_view key, int64_t batch, std::string_view unit, std::string_view json,
                  int64_t* version) override;
  bool retireVersion(int64_t version, int64_t batch) override;
  bool retireOlder(std::string_view key, std::string_view unit, int64_t batch) override;
  bool putCurrent(const CurrentRow& row, std::string_view merged) override;
  bool deleteCurrent(std::string_view key) override;
  bool markAbsent(std::string_view key, int64_t batch) override;
  bool rekey(std::string_view alias, std::string_view canonical) override;
  bool moveVersion(int64_t version, std::string_view key, bool revive) override;
  bool addDecision(std::string_view a, std::string_view b, std::string_view decision,
                   int64_t batch) override;
  // Many people at once: one statement each, the keys as arrays (some thousands a statement).
  bool retireOlderAll(const std::vector<std::string>& keys, std::string_view unit,
                      int64_t batch) override;
  bool markAbsentAll(const std::vector<std::string>& keys, int64_t batch) override;
  bool rekeyAll(const std::vector<std::pair<std::string, std::string>>& alias_canonical) override;
  bool addDecisions(const std::vector<std::pair<std::string, std::string>>& pairs,
                    std::string_view decision, int64_t batch) override;

  bool forEachBatch(const std::function<void(int64_t id, const BatchInfo&)>& fn) override;
  bool forEachBatchRecord(int64_t batch,
                          const std::function<bool(std::string_view json)>& fn) override;
  bool exportCurrent(const std::function<bool(const CurrentRecord&)>& fn) override;
  bool history(std::string_view key,
               const std::function<void(const LiveVersion&, int64_t retired_by,
                                        std::string_view merged_at)>& fn) override;
  bool forEachLive(std::string_view key,
                   const std::function<void(const LiveVersion&)>& fn) override;
  bool forEachCurrent(const std::function<void(CurrentRow&&)>& fn) override;
  bool forEachCurrentBrief(const std::function<void(const CurrentBrief&)>& fn) override;
  /// By index (migration 8): the blocks of the `fresh` rows joined back to `current` on
  /// name and birth month, and the suspect numbers through their partial index; the fresh
  /// keys go to a temporary table by COPY.
  bool forEachCurrentNear(const std::vector<std::string>& fresh,
                          const std::function<void(const CurrentBrief&)>& fn) override;
  bool findsNear() const override { return !reader_; }
  bool currentRow(std::string_view key, CurrentRow* row) override;
  bool countCurrent(int64_t* n) override;
  /// By = ANY of an array of keys, some thousands a statement (one round trip each).
  bool currentRows(const std::vector<std::string>& keys,
                   const std::function<void(const CurrentBrief&)>& fn) override;
  bool currentRowsFull(const std::vector<std::string>& keys,
                       const std::function<void(CurrentRow&&)>& fn) override;
  bool forEachLiveOfKeys(
      const std::vector<std::string>& keys,
      const std::function<void(std::string_view key, const LiveVersion&)>& fn) override;
  /// Through the partial index record_version_live_unit (migration 6).
  bool forEachLiveOfUnit(std::string_view unit, int64_t batch,
                         const std::function<void(std::string_view key)>& fn) override;
  bool forEachDecision(const std::function<void(std::string_view a, std::string_view b,
                                                std::string_view d)>& fn) override;
  /// References between the tables hold (the server checks its own pages).
  bool integrityOk(std::string* detail) override;

  // The send-back loop (sendback_log.h; in pg_sendback_log.cpp), migration 4.
  SendbackLog* sendbackLog() override { return this; }
  bool addRound(SendbackRound* round, const std::vector<SendbackLogPackage>& packages,
                const std::vector<SendbackLogItem>& items) override;
  bool forEachRound(const std::function<void(const SendbackRound&)>& fn) override;
  bool forEachPackage(
      const std::function<void(int64_t round, const SendbackLogPackage&)>& fn) override;
  bool forEachItem(const std::function<void(int64_t round, const SendbackLogItem&)>& fn) override;
  bool addReply(const SendbackReply& reply) override;
  bool forEachReply(const std::function<void(const SendbackReply&)>& fn) override;
  // The log of extracts (extract_log.h; pg_extract_log.cpp; migration 5).
  ExtractLog* extractLog() override { return this; }
  bool addExtract(const ExtractEntry& e, int64_t* id) override;
  bool forEachExtract(const std::function<void(const ExtractEntry&)>& fn) override;

  // Sheet layouts (sheet_layouts.h; pg_sheet_layout.cpp; migration 7).
  bool addSheetLayout(const SheetLayoutRow& layout) override;
  bool forEachSheetLayout(const std::function<void(const SheetLayoutRow&)>& fn) override;

  /// The layout version this build writes (schema_migration).
  static int layoutVersion();

 private:
  class Params;
  class Rows;
  static CurrentRow currentRowOf(const Rows& r);  // one row of kCurrentColumns
  bool connect(const std::string& conninfo, std::string* err);
  bool exec(const char* sql);
  bool execParams(const char* sql, const Params& p);
  bool query(const char* sql, const Params& p, bool stream,
             const std::function<bool(const Rows&)>& fn);
  bool copyIn(const char* sql, const std::string& data);
  bool flush();
  bool migrate();
  bool storedLayout(bool* has_store, std::vector<int64_t>* applied);

  struct Closer {
    void operator()(pg_conn* c) const;
  };
  std::unique_ptr<pg_conn, Closer> conn_;
  std::string err_, where_;
  StoreWording wording_;
  int64_t commits_ = -1;  // store_state.commits when last asked
  int64_t next_version_ = 0, next_batch_ = 0;
  bool in_tx_ = false, reader_ = false;
  // The write-behind buffers, in COPY text format (see flush()).
  std::string versions_, jsons_;  // record_version and record_json rows
  std::unique_ptr<PgPending> pending_;
};

}  // namespace vetkit
