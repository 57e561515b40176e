// The SQLite store's sheet layouts (sheet_layouts.h): one row per sheet of a batch.
#include <sqlite3.h>

#include "core/text_catalogue.h"
#include "store/sqlite_store.h"

namespace vetkit {

// Added to any store that lacks it, asked first so that opening a store that has it (a
// report, a diff) writes nothing. A store merged before the table existed gets the layouts
// its versions already hold (the first record of each sheet carries `_columns`): one pass
// over the lines, once.
bool SqliteStore::migrateSheetLayout() {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'sheet_layout'",
                 &err_))
    return false;
  s.step();
  bool has = s.integer(0) > 0;
  if (!s.reset()) return fail(s);
  s.finalize();
  if (has) return true;
  if (exec(R"(BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS sheet_layout(
  batch INTEGER NOT NULL REFERENCES batch(id),
  src TEXT NOT NULL,         -- the records' _src, as their lines hold it
  sheet TEXT NOT NULL,       -- their _sheet ('' for none)
  columns TEXT NOT NULL,     -- _columns: {"field id": "column letter", ...}
  headers TEXT,              -- _headers: {"field id": "the operator's header", ...}
  PRIMARY KEY (batch, src, sheet)
) WITHOUT ROWID;
INSERT OR IGNORE INTO sheet_layout(batch, src, sheet, columns, headers)
  SELECT v.batch, coalesce(json_extract(j.json, '$._src'), ''),
         coalesce(json_extract(j.json, '$._sheet'), ''), json_extract(j.json, '$._columns'),
         json_extract(j.json, '$._headers')
  FROM record_version v JOIN record_json j ON j.version = v.version
  WHERE instr(j.json, '"_columns":') > 0 AND json_valid(j.json)
    AND json_type(j.json, '$._columns') = 'object';
COMMIT)"))
    return true;
  err_ = tr("cannot add {table}: {reason}", {{"table", "sheet_layout"}, {"reason", err_}});
  exec("ROLLBACK");
  return false;
}

bool SqliteStore::addSheetLayout(const SheetLayoutRow& l) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "INSERT OR IGNORE INTO sheet_layout(batch, src, sheet, columns, headers) "
                 "VALUES (?, ?, ?, ?, ?)",
                 &err_))
    return false;
  s.bind(1, l.batch).bind(2, l.src).bind(3, l.sheet).bind(4, l.columns);
  if (l.headers.empty())
    s.bindNull(5);
  else
    s.bind(5, l.headers);
  s.step();
  return s.reset() || fail(s);
}

bool SqliteStore::forEachSheetLayout(const std::function<void(const SheetLayoutRow&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT batch, src, sheet, columns, headers FROM sheet_layout", &err_))
    return false;
  while (s.step())
    fn({s.integer(0), s.text(1), s.text(2), s.text(3),
        s.isNull(4) ? std::string_view() : s.text(4)});
  return s.reset() || fail(s);
}

}  // namespace vetkit
