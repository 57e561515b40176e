// The SQLite store's log of extracts sent to departments (extract_log.h).
#include <sqlite3.h>

#include "core/text_catalogue.h"
#include "store/sqlite_store.h"

namespace vetkit {

// Added to any store that lacks it, new or old: asked first, so that opening a store that has
// it (a report, a diff) writes nothing; CREATE … IF NOT EXISTS, so that two runs adding it at
// once both succeed.
bool SqliteStore::migrateExtractLog() {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'extract_log'", &err_))
    return false;
  s.step();
  bool has = s.integer(0) > 0;
  if (!s.reset()) return fail(s);
  s.finalize();
  if (has) return true;
  if (exec(R"(CREATE TABLE IF NOT EXISTS extract_log(
  id INTEGER PRIMARY KEY,
  profile TEXT NOT NULL,     -- the department profile's id: gongan
  department TEXT NOT NULL,  -- 公安
  fields TEXT NOT NULL,      -- the field ids sent, comma-separated, in column order
  records INTEGER NOT NULL,  -- people in the file
  file TEXT NOT NULL,        -- the file as named
  format TEXT NOT NULL,      -- xlsx | csv
  sha256 TEXT NOT NULL,      -- of the file's bytes
  made_at TEXT NOT NULL      -- UTC, ISO 8601
))"))
    return true;
  err_ = tr("cannot add {table}: {reason}", {{"table", "extract_log"}, {"reason", err_}});
  return false;
}

bool SqliteStore::addExtract(const ExtractEntry& e, int64_t* id) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "INSERT INTO extract_log(profile, department, fields, records, file, format, "
                 "sha256, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 &err_))
    return false;
  s.bind(1, e.profile).bind(2, e.department).bind(3, e.fields).bind(4, e.records);
  s.bind(5, e.file).bind(6, e.format).bind(7, e.sha256).bind(8, e.made_at);
  s.step();
  if (!s.reset()) return fail(s);
  *id = sqlite3_last_insert_rowid(db_.get());
  return true;
}

bool SqliteStore::forEachExtract(const std::function<void(const ExtractEntry&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT id, profile, department, fields, records, file, format, sha256, made_at "
                 "FROM extract_log ORDER BY id",
                 &err_))
    return false;
  ExtractEntry e;
  while (s.step()) {
    e.id = s.integer(0);
    e.profile = s.text(1), e.department = s.text(2), e.fields = s.text(3);
    e.records = s.integer(4);
    e.file = s.text(5), e.format = s.text(6), e.sha256 = s.text(7), e.made_at = s.text(8);
    fn(e);
  }
  return s.reset() || fail(s);
}

}  // namespace vetkit
