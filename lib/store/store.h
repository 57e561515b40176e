// The city store: every batch merged, every version of every record with the batch it came
// from, the current merged set and the adjudicated pairs. What the merge writes through and
// what vetdiff, vetreport and vetmerge --export read through; a backend is one implementation
// of these two interfaces (SQLite: sqlite_store.h; PostgreSQL: pg_store.h), chosen by the
// `--db` string (openStore).
//
// The model every backend keeps:
//   batch(id, source, sha256, unit, merged_at, records, signer, key_id, signer_status,
//         signed_at, unit_source)
//   record_version(version, key, batch, unit, retired_by, json)  -- every record ever merged
//   current(key, version, merged, name, birth_date, gender, id15, src, sheet, row, units,
//           sources, absent_from)                                -- the merged set
//   decision(a, b, decision, batch)                              -- adjudicated pairs
//   sheet_layout(batch, src, sheet, columns, headers)            -- each sheet's column
//                                                    letters and headers (sheet_layouts.h)
//   sendback_round, sendback_package, sendback_item, sendback_reply -- the send-back loop
//                                                                   (sendback_log.h)
//   extract_log(id, profile, department, fields, records, file, format, sha256, made_at)
//                                                  -- extracts sent to departments
// A version is live while `retired_by` is unset. `current.version` is the latest live version
// of the key; `current.merged` holds the merged record when several live versions disagree
// about the person, empty when the latest version is the record.
//
// Errors: a call returns false and error() says why (the last failure).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schema/messages.h"
#include "store/extract_log.h"
#include "store/sendback_log.h"

namespace vetkit {

/// A person as the current set keeps them (and candidate detection needs them).
struct PersonRef {
  std::string key, name, birth_date, gender, id15;
  std::string src, sheet, unit;
  long row = 0;
  // Not a column of `current`: the merge fills it from the record, for candidate detection
  // (a store's currentRow leaves it empty).
  std::string phone;
};

/// One row of `current`, as the merge needs it in memory.
struct CurrentRow {
  PersonRef person;  // person.unit: the units of the live versions, comma-separated
  int64_t version = 0;
  int64_t sources = 1;
  int64_t absent_from = 0;  // 0: not flagged
};

/// What the merge keeps in memory of each row of `current`; views valid during the callback.
struct CurrentBrief {
  std::string_view key, name, birth_date, id15, units;
  int64_t version, sources, absent_from;
};

struct BatchInfo {
  std::string source, sha256, unit, merged_at, signer, key_id;
  int64_t records = 0;
  // How the signer was established: "verified" (the batch's seal checked against the trust
  // store: signer, key id and role from it), "declared" (--signer/--key-id typed, nothing
  // checked) or "none" (no signer at all).
  std::string signer_status = "none";
  // The batch's own time, which orders a unit's batches (lib/merge/batch_order.h): the
  // signed-at of its verified seal (UTC, ISO 8601), or, unverified, the latest collection
  // date of its records (YYYY-MM-DD); empty when unknown (such a batch is never "older").
  std::string signed_at;
  // Where `unit` came from (merge/unit_attribution.h): option, records, note, title, signer,
  // file-name or none; "" for a batch stored before it was recorded.
  std::string unit_source{};
};

struct LiveVersion {
  int64_t version = 0, batch = 0;
  std::string_view unit, json, source;
};

/// One person of the current merged set, as exportCurrent() gives it.
struct CurrentRecord {
  std::string_view key, merged, json, unit;  // merged: empty when `json` is the record
  int64_t batch = 0;
  std::string_view source;
  int64_t absent_from = 0;
};

/// The layout of one sheet of a batch, as its first record carried it (`_columns`,
/// `_headers`: JSON objects, field id -> column letter / the operator's header).
struct SheetLayoutRow {
  int64_t batch = 0;
  std::string_view src, sheet, columns, headers;
};

/// `keys` in byte order, each once (StoreReader::currentRows answers each key once).
std::vector<std::string> sortedOnce(const std::vector<std::string>& keys);

/// How a store words the reasons it gives itself ("no such store", a layout newer than this
/// build's): from messages.yaml ("store-*" keys) in the user's language. Without a catalogue
/// (a unit test) a reason is its key and arguments. Reasons from SQLite or libpq are theirs.
struct StoreWording {
  const Messages* messages = nullptr;
  Lang lang = Lang::Zh;
  std::string operator()(std::string_view code, const MessageArgs& args = {}) const;
};

/// Reading a store: what diff, report and vetmerge --export/--history need.
class StoreReader {
 public:
  virtual ~StoreReader() = default;
  /// Why the last call failed.
  virtual const std::string& error() const = 0;

  /// Every batch merged, oldest first, with its id.
  virtual bool forEachBatch(const std::function<void(int64_t id, const BatchInfo&)>& fn) = 0;
  /// Every record version `batch` brought (retired or not), in the order it was merged;
  /// `fn` returns false to stop.
  virtual bool forEachBatchRecord(int64_t batch,
                                  const std::function<bool(std::string_view json)>& fn) = 0;
  /// The current merged set in key order; `fn` returns false to stop.
  virtual bool exportCurrent(const std::function<bool(const CurrentRecord&)>& fn) = 0;
  /// Every version of `key`, live or retired, oldest first.
  virtual bool history(std::string_view key,
                       const std::function<void(const LiveVersion&, int64_t retired_by,
                                                std::string_view merged_at)>& fn) = 0;
  /// Calls `fn` for each live version of `key`, oldest first.
  virtual bool forEachLive(std::string_view key,
                           const std::function<void(const LiveVersion&)>& fn) = 0;
  /// Every row of `current`.
  virtual bool forEachCurrent(const std::function<void(CurrentRow&&)>& fn) = 0;
  virtual bool forEachCurrentBrief(const std::function<void(const CurrentBrief&)>& fn) = 0;
  /// The rows of `current` candidate detection judges the run's people against, `fresh`
  /// being their keys: those that share a block of name and birth month (the name, the first
  /// 7 characters of the birth date) with one of them, and those whose identity number is
  /// suspect (upgraded from 15 digits, or 18 characters failing the check), `fresh` excepted;
  /// in no given order, a row possibly more than once. A store may give more: the default
  /// gives every row (forEachCurrentBrief) and needs no `fresh`.
  virtual bool forEachCurrentNear(const std::vector<std::string>& fresh,
                                  const std::function<void(const CurrentBrief&)>& fn) {
    (void)fresh;
    return forEachCurrentBrief(fn);
  }
  /// True when forEachCurrentNear() finds its rows by index, without reading every row: the
  /// caller then gives it `fresh` and looks the variants of a suspect number up by key
  /// (currentRows) instead of meeting them in the pass.
  virtual bool findsNear() const { return false; }
  /// The row of `current` for `key` into `*row`; false when there is none (error() empty) or
  /// on failure (error() set).
  virtual bool currentRow(std::string_view key, CurrentRow* row) = 0;
  /// The number of rows of `current`.
  virtual bool countCurrent(int64_t* n) = 0;
  /// The rows of `current` for `keys` (those that have one, each once, in no given order):
  /// what the merge reads of the people a batch touches, instead of the whole set.
  virtual bool currentRows(const std::vector<std::string>& keys,
                           const std::function<void(const CurrentBrief&)>& fn) = 0;
  /// The full rows of `current` for `keys` (those that have one, each once, in no given
  /// order): what the merge reads of the few people it judges (identity corrections,
  /// candidates) in one call. The default asks currentRow() for each.
  virtual bool currentRowsFull(const std::vector<std::string>& keys,
                               const std::function<void(CurrentRow&&)>& fn);
  /// The live versions of each of `keys`, oldest first (a key's versions together; keys in
  /// no given order): forEachLive() for many people in one call. The default asks
  /// forEachLive() for each.
  virtual bool forEachLiveOfKeys(
      const std::vector<std::string>& keys,
      const std::function<void(std::string_view key, const LiveVersion&)>& fn);
  /// Each key with a live version from `unit` that a batch other than `batch` brought, once:
  /// inside `batch`'s transaction, after its versions are in and the ones they replace
  /// retired, the people of the unit that `batch` left out.
  virtual bool forEachLiveOfUnit(std::string_view unit, int64_t batch,
                                 const std::function<void(std::string_view key)>& fn) = 0;
  virtual bool forEachDecision(const std::function<void(std::string_view a, std::string_view b,
                                                        std::string_view d)>& fn) = 0;
  /// Every sheet layout kept (sheet_layouts.h), in no particular order; a backend that keeps
  /// none (a test double) calls `fn` for none.
  virtual bool forEachSheetLayout(const std::function<void(const SheetLayoutRow&)>& fn) {
    (void)fn;
    return true;
  }
  /// The backend's own consistency check: true when sound, `detail` says what it found.
  virtual bool integrityOk(std::string* detail) = 0;
  /// The send-back rounds, items and replies (sendback_log.h); null when the store keeps none.
  /// Written only inside a write transaction of a store opened for merging.
  virtual SendbackLog* sendbackLog() { return nullptr; }
  /// The log of extracts sent to departments (extract_log.h); null when the backend keeps
  /// none (a test double).
  virtual ExtractLog* extractLog() { return nullptr; }
};

/// Writing a store: the merge's one channel of change. A batch is one transaction.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;

  /// Opens the batch's write transaction: it waits while another writer holds the store.
  virtual bool begin() = 0;
  virtual bool commit() = 0;
  /// `*changed`: has another writer committed since the last call (or since the store was
  /// opened)? Called inside begin()'s transaction, the answer cannot change before commit().
  virtual bool changedElsewhere(bool* changed) = 0;
  /// Undoes the open transaction (nothing of the batch stays).
  virtual void rollback() = 0;
  /// A store being built (openOrCreate of a missing one): puts it in place, complete. An
  /// existing one: nothing to do.
  virtual bool finish() = 0;
  /// True while the store is being built by this object (created, not yet put in place by
  /// finish()): no one else can have written to it, so every person in it came through this
  /// writer and a merge that holds what it wrote need not look anyone up. A shared store: false.
  virtual bool privateToThisRun() const { return false; }

  /// Inserts a batch row; its id in `*id`.
  virtual bool addBatch(const BatchInfo& b, int64_t* id) = 0;
  /// Completes a batch row once its records are read: their number, the digest (of standard
  /// input, known only now) and the batch's time (BatchInfo::signed_at: an unsealed batch's
  /// collection date is known only now; empty: unknown).
  virtual bool setBatchRecords(int64_t batch, int64_t records, std::string_view sha256,
                               std::string_view signed_at) = 0;
  /// Inserts one record version of `batch`; its number in `*version`.
  virtual bool addVersion(std::string_view key, int64_t batch, std::string_view unit,
                          std::string_view json, int64_t* version) = 0;
  /// Retires one version (superseded by `batch`).
  virtual bool retireVersion(int64_t version, int64_t batch) = 0;
  /// Retires the live versions of `key` from `unit` that `batch` did not bring.
  virtual bool retireOlder(std::string_view key, std::string_view unit, int64_t batch) = 0;
  /// Writes a row of `current` (merged may be empty: none).
  virtual bool putCurrent(const CurrentRow& row, std::string_view merged) = 0;
  virtual bool deleteCurrent(std::string_view key) = 0;
  virtual bool markAbsent(std::string_view key, int64_t batch) = 0;
  /// Moves every version of `alias` to `canonical` (people adjudicated the same).
  virtual bool rekey(std::string_view alias, std::string_view canonical) = 0;

  // The same writes for many people at once (a batch's identity corrections, its absent
  // people): one statement each on a server instead of one a person. The defaults make the
  // single calls in order; the result is the same as those calls made one after the other
  // for keys that are all different.
  /// retireOlder() for each of `keys`.
  virtual bool retireOlderAll(const std::vector<std::string>& keys, std::string_view unit,
                              int64_t batch);
  /// markAbsent() for each of `keys`.
  virtual bool markAbsentAll(const std::vector<std::string>& keys, int64_t batch);
  /// rekey(alias, canonical) for each pair (every alias different, none a canonical).
  virtual bool rekeyAll(const std::vector<std::pair<std::string, std::string>>& alias_canonical);
  /// addDecision(a, b, decision, batch) for each pair (a, b) (every pair different).
  virtual bool addDecisions(const std::vector<std::pair<std::string, std::string>>& pairs,
                            std::string_view decision, int64_t batch);
  /// Moves one version to `key` (a "same" undone: the version goes back to its own number);
  /// with `revive` it is live again (its retirement was the joining's doing).
  virtual bool moveVersion(int64_t version, std::string_view key, bool revive) = 0;
  virtual bool addDecision(std::string_view a, std::string_view b, std::string_view decision,
                           int64_t batch) = 0;
  /// Keeps the layout of one sheet of a batch (the first time it is given; a repeat is
  /// ignored). A backend that keeps none (a test double) does nothing.
  virtual bool addSheetLayout(const SheetLayoutRow& layout) {
    (void)layout;
    return true;
  }
};

/// A store open for merging: read and written.
class Store : public StoreReader, public StoreWriter {
 public:
  /// The store `where` names (a path, or sqlite:PATH): opened when it exists; when it does
  /// not, built aside and put in place by finish() — a run that dies first leaves none.
  /// A postgresql:// URL or a libpq string (host=… dbname=…): the database on that server,
  /// its tables made on first use.
  /// Null with `err` when it cannot be opened or `where` names no backend built in.
  static std::unique_ptr<Store> openOrCreate(const std::string& where, std::string* err,
                                             const StoreWording& wording = {});
};

/// An existing store for reading (a report or a diff never creates one); null with `err`
/// ("WHERE: no such store" when there is none).
std::unique_ptr<StoreReader> openStoreReader(const std::string& where, std::string* err,
                                             const StoreWording& wording = {});

}  // namespace vetkit
