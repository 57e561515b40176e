// The city store in SQLite: a file keeping every batch merged, every version of every record
// with the batch it came from, and the current merged set. An existing store takes one
// transaction per batch, so a run killed half-way leaves it as it was before that batch (WAL
// journal). A new one is built aside without a journal on disk and renamed into place when
// complete (create(), finish()).
//
//   batch(id, source, sha256, unit, merged_at, records, signer, key_id, signer_status,
//         signed_at)
//   record_version(version, key, batch, unit, retired_by)          -- every record ever merged
//   record_json(version, json)                                     -- its line as read
//   current(key, version, merged, name, birth_date, gender, id15, src, sheet, row, units,
//           sources, absent_from)                                  -- the merged set
//   decision(a, b, decision, batch)                                -- adjudicated pairs
//   extract_log(id, profile, department, fields, records, file, format, sha256, made_at)
//                                                  -- extracts sent (sqlite_extract_log.cpp)
//   sheet_layout(batch, src, sheet, columns, headers) -- each sheet's layout
//                                                  (sqlite_sheet_layout.cpp)
//
// A version is live while `retired_by` is NULL. `current.version` is the latest live version
// of the key; `current.merged` holds the merged record when several live versions disagree
// about the person, NULL when the latest version is the record. References between tables are
// declared but not enforced (foreign_keys off): the merge writes them in order, and checking
// them cost an eighth of a re-merge.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vetkit {

/// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();
  /// Prepares `sql` on `db`; false with `err` set.
  bool prepare(sqlite3* db, const char* sql, std::string* err);
  /// Binds by 1-based position; text is bound without copying (it must outlive step()).
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, int64_t v);
  Statement& bindNull(int i);
  /// SQLITE_ROW → true with a row ready; done or error → false (see ok()).
  bool step();
  /// Resets after a step loop, keeping bindings for rebinding. False when the last step failed.
  bool reset();
  std::string_view text(int col) const;
  int64_t integer(int col) const;
  bool isNull(int col) const;
  bool ok() const { return ok_; }
  /// Finalizes now (before the connection closes).
  void finalize();

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = true;
};

class SqliteStore final : public Store, public SendbackLog, public ExtractLog {
 public:
  explicit SqliteStore(const StoreWording& wording = {}) : wording_(wording) {}
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  /// Opens or creates the store at `path` (0600), with its tables; false with `err`.
  bool open(const std::string& path, std::string* err);
  /// Builds a new store for `path`, which must not exist: in a temporary file beside it
  /// (0600) without a journal on disk, indexed and renamed into place by finish(). A run that
  /// dies first leaves no store (only its temporary file, when killed).
  bool create(const std::string& path, std::string* err);
  /// True between create() and finish().
  bool creating() const { return !tmp_path_.empty(); }

  const std::string& error() const override { return err_; }
  bool begin() override;
  bool commit() override;
  void rollback() override;
  bool changedElsewhere(bool* changed) override;
  /// A created store: builds its indexes, syncs it and renames it into place (never over a
  /// file that appeared meanwhile). An opened one: nothing to do.
  bool finish() override;
  bool privateToThisRun() const override { return !tmp_path_.empty(); }
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
  // Sheet layouts (sheet_layouts.h; sqlite_sheet_layout.cpp).
  bool addSheetLayout(const SheetLayoutRow& layout) override;
  bool forEachSheetLayout(const std::function<void(const SheetLayoutRow&)>& fn) override;

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
  bool currentRow(std::string_view key, CurrentRow* row) override;
  bool countCurrent(int64_t* n) override;
  bool currentRows(const std::vector<std::string>& keys,
                   const std::function<void(const CurrentBrief&)>& fn) override;
  /// One prepared look-up for all, in key order, in one read transaction when outside one.
  bool currentRowsFull(const std::vector<std::string>& keys,
                       const std::function<void(CurrentRow&&)>& fn) override;
  bool forEachLiveOfKeys(
      const std::vector<std::string>& keys,
      const std::function<void(std::string_view key, const LiveVersion&)>& fn) override;
  bool forEachLiveOfUnit(std::string_view unit, int64_t batch,
                         const std::function<void(std::string_view key)>& fn) override;
  bool forEachDecision(const std::function<void(std::string_view a, std::string_view b,
                                                std::string_view d)>& fn) override;
  /// PRAGMA integrity_check: true when "ok".
  bool integrityOk(std::string* detail) override;

  // The send-back loop (sendback_log.h; in sqlite_sendback_log.cpp).
  SendbackLog* sendbackLog() override { return this; }
  bool addRound(SendbackRound* round, const std::vector<SendbackLogPackage>& packages,
                const std::vector<SendbackLogItem>& items) override;
  bool forEachRound(const std::function<void(const SendbackRound&)>& fn) override;
  bool forEachPackage(
      const std::function<void(int64_t round, const SendbackLogPackage&)>& fn) override;
  bool forEachItem(const std::function<void(int64_t round, const SendbackLogItem&)>& fn) override;
  bool addReply(const SendbackReply& reply) override;
  bool forEachReply(const std::function<void(const SendbackReply&)>& fn) override;
  // The log of extracts (extract_log.h; sqlite_extract_log.cpp).
  ExtractLog* extractLog() override { return this; }
  bool addExtract(const ExtractEntry& e, int64_t* id) override;
  bool forEachExtract(const std::function<void(const ExtractEntry&)>& fn) override;

 private:
  bool exec(const char* sql);
  /// Runs `each` for every key of `keys` (sorted, each once) inside one transaction: the
  /// caller's, else a read transaction of its own (else each look-up takes and drops the
  /// file's locks).
  bool forSortedKeys(const std::vector<std::string>& keys,
                     const std::function<bool(const std::string&)>& each);
  bool fail(const Statement& s);
  bool setUp(const std::string& path, bool bulk, std::string* err);
  bool migrate();
  bool migrateBatchColumns();
  bool addBatchColumn(const char* column, const char* sql);
  bool migrateSendbackLog();
  bool migrateExtractLog();
  bool migrateSheetLayout();
  bool addReplyRound();
  bool setUserVersion();
  void discard();
  void finalizeAll();

  struct Closer {
    void operator()(sqlite3* db) const;
  };
  // Declared before the statements, so that they are finalized before it closes.
  std::unique_ptr<sqlite3, Closer> db_;
  std::string err_;
  StoreWording wording_;
  std::string path_, tmp_path_;  // tmp_path_: a created store not yet in place
  int64_t data_version_ = -1;    // PRAGMA data_version when last asked
  Statement current_row_, current_brief_, add_batch_, set_records_, add_version_, add_json_,
      retire_version_, retire_older_, live_, put_current_, delete_current_, mark_absent_, rekey_,
      add_decision_;
};

}  // namespace vetkit
