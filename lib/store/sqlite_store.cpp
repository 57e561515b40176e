#include "store/sqlite_store.h"

#include "core/text_catalogue.h"

#include "core/temp_files.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>

#include <cerrno>
#include <cstring>

namespace vetkit {

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::finalize() {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
}

bool Statement::prepare(sqlite3* db, const char* sql, std::string* err) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
    *err = sqlite3_errmsg(db);
    return false;
  }
  return true;
}

Statement& Statement::bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), int(text.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  ok_ = rc == SQLITE_ROW || rc == SQLITE_DONE;
  return rc == SQLITE_ROW;
}

bool Statement::reset() {
  bool was_ok = ok_;
  sqlite3_reset(stmt_);
  ok_ = true;
  return was_ok;
}

std::string_view Statement::text(int col) const {
  const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string_view(p, size_t(sqlite3_column_bytes(stmt_, col))) : std::string_view();
}
int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
bool Statement::isNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

void SqliteStore::Closer::operator()(sqlite3* db) const {
  sqlite3_close(db);
}

namespace {

// A person of the `current` table as the merge reads it: the columns, and their reading.
constexpr const char kCurrentColumns[] =
    "SELECT key, version, name, birth_date, gender, id15, src, sheet, row, units, sources, "
    "absent_from";

void readCurrentRow(Statement& s, CurrentRow* r) {
  PersonRef& p = r->person;
  p.key = s.text(0);
  r->version = s.integer(1);
  p.name = s.text(2);
  p.birth_date = s.text(3);
  p.gender = s.text(4);
  p.id15 = s.text(5);
  p.src = s.text(6);
  p.sheet = s.text(7);
  p.row = long(s.integer(8));
  p.unit = s.text(9);
  r->sources = s.integer(10);
  r->absent_from = s.integer(11);
}

}  // namespace

bool SqliteStore::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &msg) == SQLITE_OK) return true;
  err_ = msg ? msg : sqlite3_errmsg(db_.get());
  sqlite3_free(msg);
  return false;
}

bool SqliteStore::fail(const Statement&) {
  err_ = sqlite3_errmsg(db_.get());
  return false;
}

static const char kSchema[] = R"(
CREATE TABLE IF NOT EXISTS batch(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,      -- the input's file name as given
  sha256 TEXT NOT NULL,      -- of the file's bytes (of the lines read, for standard input)
  unit TEXT NOT NULL,        -- the collecting unit whose batch this is
  merged_at TEXT NOT NULL,   -- UTC, ISO 8601
  records INTEGER NOT NULL,
  signer TEXT,               -- who sealed the batch, once signatures are checked (vetsign)
  key_id TEXT,               -- the signing key's id
  signer_status TEXT,        -- verified (trust store) | declared (typed) | none
  signed_at TEXT             -- the batch's time: verified signed-at, else its collection date
);
CREATE TABLE IF NOT EXISTS record_version(
  version INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  batch INTEGER NOT NULL REFERENCES batch(id),
  unit TEXT NOT NULL,
  retired_by INTEGER REFERENCES batch(id)
);
-- The record's line as read; apart from record_version, so that retiring a version rewrites
-- a small row.
CREATE TABLE IF NOT EXISTS record_json(
  version INTEGER PRIMARY KEY REFERENCES record_version(version),
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS current(
  key TEXT PRIMARY KEY,
  version INTEGER NOT NULL REFERENCES record_version(version),
  merged TEXT,
  name TEXT, birth_date TEXT, gender TEXT, id15 TEXT, src TEXT, sheet TEXT, row INTEGER,
  units TEXT NOT NULL,       -- the units of the live versions, comma-separated
  sources INTEGER NOT NULL,  -- the number of live versions
  absent_from INTEGER REFERENCES batch(id)  -- a later batch of its unit did not list the person
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decision(
  a TEXT NOT NULL, b TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('same', 'different')),
  batch INTEGER,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
)";
// The layout's number, set only when it differs: setting it is a write, which would make
// every reader (a report, a diff) wait for a merge's transaction to end.
static const int kUserVersion = 2;

SqliteStore::~SqliteStore() {
  discard();
}

// The tables; the index on record_version(key) is kIndexes, built last in a new store
// (once, from sorted keys, instead of a million random inserts).
// record_version_live_unit: the live versions of a unit (forEachLiveOfUnit), who of a unit a
// batch left out, found without reading the unit's retired versions or the current set.
static const char kIndexes[] =
    "CREATE INDEX IF NOT EXISTS record_version_key ON record_version(key);"
    "CREATE INDEX IF NOT EXISTS record_version_live_unit ON record_version(unit, key, batch) "
    "WHERE retired_by IS NULL;";

bool SqliteStore::open(const std::string& path, std::string* err) {
  // Created 0600 before SQLite opens it: these are personal data.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    *err = path + ": " + errnoText(errno);
    return false;
  }
  ::close(fd);
  return setUp(path, false, err);
}

bool SqliteStore::create(const std::string& path, std::string* err) {
  std::string tmpl = path + ".tmp.XXXXXX";
  // mkstemp (0600), registered as a database: its -journal, -wal and -shm go too, should
  // SIGINT or SIGTERM end the run.
  int fd = TempFiles::create(&tmpl, TempFiles::kDatabase);
  if (fd < 0) {
    *err = path + ": " + errnoText(errno);
    return false;
  }
  ::close(fd);
  tmp_path_ = tmpl;
  path_ = path;
  if (!setUp(tmp_path_, true, err)) {
    discard();
    return false;
  }
  return true;
}

bool SqliteStore::setUp(const std::string& file, bool bulk, std::string* err) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    db_.reset(raw);
    *err = file + ": " + sqlite3_errmsg(raw);
    return false;
  }
  db_.reset(raw);
  // A second merge waits for the first one's batch to commit (a big batch takes minutes).
  sqlite3_busy_timeout(raw, 30 * 60 * 1000);
  // An existing store: WAL, so that a killed writer leaves the last committed batch; NORMAL
  // sync is durable up to the last checkpointed commit and never corrupts.
  // A new one is a file nobody else sees until finish() renames it: no journal on disk, no
  // sync until the end (the rollback journal in memory still undoes a failed batch).
  const char* pragmas =
      bulk ? "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
             "PRAGMA locking_mode=EXCLUSIVE;"
             "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
             "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;";
  if (!exec(pragmas) || !migrate() || !exec(kSchema) || !migrateBatchColumns() ||
      !migrateSendbackLog() || !migrateExtractLog() || !migrateSheetLayout() || !exec(kIndexes) ||
      !setUserVersion()) {
    *err = file + ": " + err_;
    return false;
  }
  bool ok =
      current_row_.prepare(db_.get(),
                           (std::string(kCurrentColumns) + " FROM current WHERE key = ?").c_str(),
                           &err_) &&
      current_brief_.prepare(db_.get(),
                             "SELECT key, name, birth_date, id15, units, version, sources, "
                             "absent_from FROM current WHERE key = ?",
                             &err_) &&
      add_batch_.prepare(
          db_.get(),
          "INSERT INTO batch(source, sha256, unit, merged_at, records, signer, "
          "key_id, signer_status, signed_at, unit_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          &err_) &&
      set_records_.prepare(db_.get(),
                           "UPDATE batch SET records = ?, sha256 = ?, signed_at = ? WHERE id = ?",
                           &err_) &&
      add_version_.prepare(
          db_.get(), "INSERT INTO record_version(key, batch, unit) VALUES (?, ?, ?)", &err_) &&
      add_json_.prepare(db_.get(), "INSERT INTO record_json(version, json) VALUES (?, ?)", &err_) &&
      retire_version_.prepare(
          db_.get(), "UPDATE record_version SET retired_by = ? WHERE version = ?", &err_) &&
      retire_older_.prepare(db_.get(),
                            "UPDATE record_version SET retired_by = ?3 WHERE key = ?1 AND "
                            "unit = ?2 AND batch <> ?3 AND retired_by IS NULL",
                            &err_) &&
      live_.prepare(db_.get(),
                    "SELECT v.version, v.batch, v.unit, j.json, b.source FROM record_version v "
                    "JOIN record_json j ON j.version = v.version JOIN batch b ON b.id = v.batch "
                    "WHERE v.key = ? AND v.retired_by IS NULL "
                    "ORDER BY v.version",
                    &err_) &&
      put_current_.prepare(db_.get(),
                           "INSERT OR REPLACE INTO current(key, version, merged, name, "
                           "birth_date, gender, id15, src, sheet, row, units, sources, "
                           "absent_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &err_) &&
      delete_current_.prepare(db_.get(), "DELETE FROM current WHERE key = ?", &err_) &&
      mark_absent_.prepare(db_.get(), "UPDATE current SET absent_from = ? WHERE key = ?", &err_) &&
      rekey_.prepare(db_.get(), "UPDATE record_version SET key = ? WHERE key = ?", &err_) &&
      add_decision_.prepare(
          db_.get(), "INSERT OR REPLACE INTO decision(a, b, decision, batch) VALUES (?,?,?,?)",
          &err_);
  if (!ok) *err = file + ": " + err_;
  return ok;
}

bool SqliteStore::setUserVersion() {
  Statement s;
  if (!s.prepare(db_.get(), "PRAGMA user_version", &err_)) return false;
  if (!s.step()) return fail(s);
  bool same = s.integer(0) == kUserVersion;
  s.finalize();
  return same || exec(("PRAGMA user_version = " + std::to_string(kUserVersion)).c_str());
}

// A store of the first layout (user_version 1) kept each line in record_version.json: the
// lines move to record_json, in one transaction.
bool SqliteStore::migrate() {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT 1 FROM pragma_table_info('record_version') WHERE name = 'json'",
                 &err_))
    return false;
  bool old = s.step();
  if (!s.reset()) return fail(s);
  s.finalize();
  if (!old) return true;
  if (exec("BEGIN IMMEDIATE;"
           "CREATE TABLE record_json(version INTEGER PRIMARY KEY REFERENCES "
           "record_version(version), json TEXT NOT NULL);"
           "INSERT INTO record_json SELECT version, json FROM record_version;"
           "ALTER TABLE record_version DROP COLUMN json; PRAGMA user_version = 2; COMMIT"))
    return true;
  std::string why = err_;
  rollback();
  err_ = wording_("store-migrate", {{"step", "record_json"}, {"reason", why}});
  return false;
}

// A column added to `batch` after the first layout, by one statement (`sql`: the ALTER TABLE
// and any filling of old rows). Nothing to do in a store without the table yet (kSchema makes
// it) or that has the column; otherwise done under the write lock, checking again, since
// another run may have added it while this one waited.
bool SqliteStore::addBatchColumn(const char* column, const char* sql) {
  auto look = [&](bool* table, bool* has) {
    Statement s;
    if (!s.prepare(db_.get(), "SELECT count(*), sum(name = ?) FROM pragma_table_info('batch')",
                   &err_))
      return false;
    s.bind(1, column);
    s.step();
    *table = s.integer(0) > 0;
    *has = s.integer(1) > 0;
    return s.reset() || fail(s);
  };
  bool table = false, has = false;
  if (!look(&table, &has)) return false;
  if (!table || has) return true;
  if (!exec("BEGIN IMMEDIATE")) return false;
  if (!look(&table, &has)) return rollback(), false;
  if (!has && !exec(sql)) {
    std::string why = err_;
    rollback();
    err_ = wording_("store-migrate", {{"step", std::string("batch.") + column}, {"reason", why}});
    return false;
  }
  return exec("COMMIT");
}

// The columns of batch added since the first layout, each to any store that lacks it:
// - signer_status (issue 13): how the signer was established; an old batch with a signer is
//   "declared" — it may have been verified, but nothing in the old row proves it, and the
//   status must never overstate;
// - signed_at (issue 13, ordering): an old batch's time is unknown (NULL), so it never makes a
//   new batch "older";
// - unit_source (issue 15): where the unit came from; NULL for an old batch (not recorded).
bool SqliteStore::migrateBatchColumns() {
  return addBatchColumn("signer_status",
                        "ALTER TABLE batch ADD COLUMN signer_status TEXT;"
                        "UPDATE batch SET signer_status = CASE WHEN signer IS NULL OR signer = '' "
                        "THEN 'none' ELSE 'declared' END;") &&
         addBatchColumn("signed_at", "ALTER TABLE batch ADD COLUMN signed_at TEXT") &&
         addBatchColumn("unit_source", "ALTER TABLE batch ADD COLUMN unit_source TEXT");
}

bool SqliteStore::finish() {
  if (tmp_path_.empty()) return true;
  if (!exec(kIndexes) || !exec("PRAGMA journal_mode=WAL")) return discard(), false;
  finalizeAll();
  if (sqlite3_close(db_.release()) != SQLITE_OK) {
    err_ = tmp_path_ + ": cannot close";
    return discard(), false;
  }
  // The whole file on disk before its name is: a crash never leaves a torn store in place.
  int fd = ::open(tmp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  bool synced = fd >= 0 && fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) {
    err_ = tmp_path_ + ": " + errnoText(errno);
    return discard(), false;
  }
  // No replacing: a store another run created meanwhile is kept, and this one reported.
  if (renameat2(AT_FDCWD, tmp_path_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) != 0) {
    err_ = path_ + ": " + errnoText(errno);
    return discard(), false;
  }
  TempFiles::remove(tmp_path_);
  tmp_path_.clear();
  std::string dir =
      path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/') + 1);
  fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) fsync(fd), ::close(fd);
  return true;
}

// Statements are finalized before the connection closes.
void SqliteStore::finalizeAll() {
  for (Statement* s : {&current_row_, &current_brief_, &add_batch_, &set_records_, &add_version_,
                       &add_json_, &retire_version_, &retire_older_, &live_, &put_current_,
                       &delete_current_, &mark_absent_, &rekey_, &add_decision_})
    s->finalize();
}

void SqliteStore::discard() {
  if (tmp_path_.empty()) return;
  finalizeAll();
  db_.reset();
  unlink(tmp_path_.c_str());
  TempFiles::remove(tmp_path_);
  tmp_path_.clear();
}

bool SqliteStore::begin() {
  return exec("BEGIN IMMEDIATE");
}
bool SqliteStore::commit() {
  return exec("COMMIT");
}
// PRAGMA data_version changes when another connection commits (never for this one's own).
bool SqliteStore::changedElsewhere(bool* changed) {
  Statement s;
  if (!s.prepare(db_.get(), "PRAGMA data_version", &err_)) return false;
  if (!s.step()) return fail(s);
  int64_t now = s.integer(0);
  *changed = data_version_ >= 0 && now != data_version_;
  data_version_ = now;
  return true;
}

void SqliteStore::rollback() {
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

static void bindOptional(Statement& s, int i, std::string_view v) {
  if (v.empty())
    s.bindNull(i);
  else
    s.bind(i, v);
}

bool SqliteStore::addBatch(const BatchInfo& b, int64_t* id) {
  add_batch_.bind(1, b.source).bind(2, b.sha256).bind(3, b.unit).bind(4, b.merged_at);
  add_batch_.bind(5, b.records);
  bindOptional(add_batch_, 6, b.signer);
  bindOptional(add_batch_, 7, b.key_id);
  add_batch_.bind(8, b.signer_status);
  bindOptional(add_batch_, 9, b.signed_at);
  bindOptional(add_batch_, 10, b.unit_source);
  add_batch_.step();
  if (!add_batch_.reset()) return fail(add_batch_);
  *id = sqlite3_last_insert_rowid(db_.get());
  return true;
}

bool SqliteStore::setBatchRecords(int64_t batch, int64_t records, std::string_view sha256,
                                  std::string_view signed_at) {
  set_records_.bind(1, records).bind(2, sha256);
  bindOptional(set_records_, 3, signed_at);
  set_records_.bind(4, batch).step();
  return set_records_.reset() || fail(set_records_);
}

bool SqliteStore::addVersion(std::string_view key, int64_t batch, std::string_view unit,
                             std::string_view json, int64_t* version) {
  add_version_.bind(1, key).bind(2, batch).bind(3, unit).step();
  if (!add_version_.reset()) return fail(add_version_);
  *version = sqlite3_last_insert_rowid(db_.get());
  add_json_.bind(1, *version).bind(2, json).step();
  return add_json_.reset() || fail(add_json_);
}

bool SqliteStore::retireVersion(int64_t version, int64_t batch) {
  retire_version_.bind(1, batch).bind(2, version).step();
  return retire_version_.reset() || fail(retire_version_);
}

bool SqliteStore::retireOlder(std::string_view key, std::string_view unit, int64_t batch) {
  retire_older_.bind(1, key).bind(2, unit).bind(3, batch).step();
  return retire_older_.reset() || fail(retire_older_);
}

bool SqliteStore::forEachLive(std::string_view key,
                              const std::function<void(const LiveVersion&)>& fn) {
  live_.bind(1, key);
  while (live_.step())
    fn({live_.integer(0), live_.integer(1), live_.text(2), live_.text(3), live_.text(4)});
  return live_.reset() || fail(live_);
}

bool SqliteStore::putCurrent(const CurrentRow& r, std::string_view merged) {
  Statement& s = put_current_;
  const PersonRef& p = r.person;
  s.bind(1, p.key).bind(2, r.version);
  bindOptional(s, 3, merged);
  bindOptional(s, 4, p.name);
  bindOptional(s, 5, p.birth_date);
  bindOptional(s, 6, p.gender);
  bindOptional(s, 7, p.id15);
  bindOptional(s, 8, p.src);
  bindOptional(s, 9, p.sheet);
  s.bind(10, int64_t(p.row)).bind(11, p.unit).bind(12, r.sources);
  if (r.absent_from)
    s.bind(13, r.absent_from);
  else
    s.bindNull(13);
  s.step();
  return s.reset() || fail(s);
}

bool SqliteStore::deleteCurrent(std::string_view key) {
  delete_current_.bind(1, key).step();
  return delete_current_.reset() || fail(delete_current_);
}

bool SqliteStore::markAbsent(std::string_view key, int64_t batch) {
  mark_absent_.bind(1, batch).bind(2, key).step();
  return mark_absent_.reset() || fail(mark_absent_);
}

bool SqliteStore::forEachCurrentBrief(const std::function<void(const CurrentBrief&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT key, name, birth_date, id15, units, version, sources, absent_from "
                 "FROM current",
                 &err_))
    return false;
  while (s.step())
    fn({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.integer(6),
        s.integer(7)});
  return s.ok() || fail(s);
}

bool SqliteStore::currentRow(std::string_view key, CurrentRow* r) {
  err_.clear();
  Statement& s = current_row_;
  s.bind(1, key);
  bool found = s.step();
  if (found) readCurrentRow(s, r);
  if (!s.reset()) return fail(s);
  return found;
}

bool SqliteStore::countCurrent(int64_t* n) {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT count(*) FROM current", &err_)) return false;
  if (!s.step()) return fail(s);
  *n = s.integer(0);
  return true;
}

bool SqliteStore::forSortedKeys(const std::vector<std::string>& keys,
                                const std::function<bool(const std::string&)>& each) {
  bool own = sqlite3_get_autocommit(db_.get()) != 0;
  if (own && !exec("BEGIN")) return false;
  for (const std::string& key : sortedOnce(keys))
    if (!each(key)) {
      if (own) rollback();
      return false;
    }
  return !own || exec("COMMIT");
}

// One look-up of the primary key each: in-process, cheaper than filling a table to join.
bool SqliteStore::currentRows(const std::vector<std::string>& keys,
                              const std::function<void(const CurrentBrief&)>& fn) {
  Statement& s = current_brief_;
  return forSortedKeys(keys, [&](const std::string& key) {
    s.bind(1, key);
    if (s.step())
      fn({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.integer(6),
          s.integer(7)});
    return s.reset() || fail(s);
  });
}

bool SqliteStore::currentRowsFull(const std::vector<std::string>& keys,
                                  const std::function<void(CurrentRow&&)>& fn) {
  Statement& s = current_row_;
  return forSortedKeys(keys, [&](const std::string& key) {
    s.bind(1, key);
    if (s.step()) {
      CurrentRow r;
      readCurrentRow(s, &r);
      fn(std::move(r));
    }
    return s.reset() || fail(s);
  });
}

bool SqliteStore::forEachLiveOfKeys(
    const std::vector<std::string>& keys,
    const std::function<void(std::string_view key, const LiveVersion&)>& fn) {
  return forSortedKeys(keys, [&](const std::string& key) {
    live_.bind(1, key);
    while (live_.step())
      fn(key, {live_.integer(0), live_.integer(1), live_.text(2), live_.text(3), live_.text(4)});
    return live_.reset() || fail(live_);
  });
}

bool SqliteStore::forEachLiveOfUnit(std::string_view unit, int64_t batch,
                                    const std::function<void(std::string_view)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT DISTINCT key FROM record_version WHERE unit = ?1 AND retired_by IS NULL "
                 "AND batch <> ?2",
                 &err_))
    return false;
  s.bind(1, unit).bind(2, batch);
  while (s.step()) fn(s.text(0));
  return s.ok() || fail(s);
}

bool SqliteStore::forEachCurrent(const std::function<void(CurrentRow&&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(), (std::string(kCurrentColumns) + " FROM current").c_str(), &err_))
    return false;
  while (s.step()) {
    CurrentRow r;
    readCurrentRow(s, &r);
    fn(std::move(r));
  }
  return s.ok() || fail(s);
}

bool SqliteStore::exportCurrent(const std::function<bool(const CurrentRecord&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT c.key, c.merged, j.json, v.unit, v.batch, b.source, c.absent_from "
                 "FROM current c JOIN record_version v ON v.version = c.version "
                 "JOIN record_json j ON j.version = v.version "
                 "JOIN batch b ON b.id = v.batch ORDER BY c.key",
                 &err_))
    return false;
  while (s.step())
    if (!fn({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.text(5), s.integer(6)}))
      break;
  return s.ok() || fail(s);
}

bool SqliteStore::history(
    std::string_view key,
    const std::function<void(const LiveVersion&, int64_t, std::string_view)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT v.version, v.batch, v.unit, j.json, b.source, v.retired_by, "
                 "b.merged_at FROM record_version v JOIN record_json j ON j.version = v.version "
                 "JOIN batch b ON b.id = v.batch "
                 "WHERE v.key = ? ORDER BY v.version",
                 &err_))
    return false;
  s.bind(1, key);
  while (s.step())
    fn({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4)}, s.integer(5), s.text(6));
  return s.ok() || fail(s);
}

bool SqliteStore::rekey(std::string_view alias, std::string_view canonical) {
  rekey_.bind(1, canonical).bind(2, alias).step();
  if (!rekey_.reset()) return fail(rekey_);
  return deleteCurrent(alias);
}

bool SqliteStore::moveVersion(int64_t version, std::string_view key, bool revive) {
  Statement s;
  if (!s.prepare(db_.get(),
                 revive ? "UPDATE record_version SET key = ?, retired_by = NULL WHERE version = ?"
                        : "UPDATE record_version SET key = ? WHERE version = ?",
                 &err_))
    return false;
  s.bind(1, key).bind(2, version).step();
  return s.ok() || fail(s);
}

bool SqliteStore::addDecision(std::string_view a, std::string_view b, std::string_view decision,
                              int64_t batch) {
  Statement& s = add_decision_;
  s.bind(1, a).bind(2, b).bind(3, decision);
  if (batch)
    s.bind(4, batch);
  else
    s.bindNull(4);
  s.step();
  return s.reset() || fail(s);
}

bool SqliteStore::forEachBatchRecord(int64_t batch,
                                     const std::function<bool(std::string_view)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT j.json FROM record_version v JOIN record_json j ON j.version = v.version "
                 "WHERE v.batch = ? ORDER BY v.version",
                 &err_))
    return false;
  s.bind(1, batch);
  while (s.step())
    if (!fn(s.text(0))) break;
  return s.ok() || fail(s);
}

bool SqliteStore::forEachBatch(const std::function<void(int64_t, const BatchInfo&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT id, source, sha256, unit, merged_at, records, signer, key_id, "
                 "signer_status, signed_at, unit_source FROM batch ORDER BY id",
                 &err_))
    return false;
  BatchInfo b;
  while (s.step()) {
    b.source.assign(s.text(1));
    b.sha256.assign(s.text(2));
    b.unit.assign(s.text(3));
    b.merged_at.assign(s.text(4));
    b.records = s.integer(5);
    b.signer.assign(s.isNull(6) ? std::string_view() : s.text(6));
    b.key_id.assign(s.isNull(7) ? std::string_view() : s.text(7));
    b.signer_status.assign(s.isNull(8) ? (b.signer.empty() ? "none" : "declared") : s.text(8));
    b.signed_at.assign(s.isNull(9) ? std::string_view() : s.text(9));
    b.unit_source.assign(s.isNull(10) ? std::string_view() : s.text(10));
    fn(s.integer(0), b);
  }
  return s.ok() || fail(s);
}

bool SqliteStore::forEachDecision(
    const std::function<void(std::string_view, std::string_view, std::string_view)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT a, b, decision FROM decision ORDER BY a, b", &err_))
    return false;
  while (s.step()) fn(s.text(0), s.text(1), s.text(2));
  return s.ok() || fail(s);
}

bool SqliteStore::integrityOk(std::string* detail) {
  Statement s;
  if (!s.prepare(db_.get(), "PRAGMA integrity_check", &err_)) return *detail = err_, false;
  std::string all;
  while (s.step()) {
    if (!all.empty()) all += "; ";
    all.append(s.text(0));
  }
  *detail = all;
  return s.ok() && all == "ok";
}

}  // namespace vetkit
