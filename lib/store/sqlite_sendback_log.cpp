// The send-back loop's tables in the SQLite store (sendback_log.h).
#include <sqlite3.h>

#include "core/text_catalogue.h"
#include "store/sqlite_store.h"

namespace vetkit {

namespace {

const char kSendbackTables[] = R"(
CREATE TABLE IF NOT EXISTS sendback_round(
  round INTEGER PRIMARY KEY,
  sent_at TEXT NOT NULL,     -- Beijing time, YYYY-MM-DD HH:MM
  outdir TEXT NOT NULL       -- the folder the packages were written to
);
CREATE TABLE IF NOT EXISTS sendback_package(
  round INTEGER NOT NULL REFERENCES sendback_round(round),
  county TEXT NOT NULL,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,      -- of the workbook as written
  items INTEGER NOT NULL,
  PRIMARY KEY (round, county)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sendback_item(
  round INTEGER NOT NULL REFERENCES sendback_round(round),
  county TEXT NOT NULL,      -- whose package holds it
  item TEXT NOT NULL,        -- the stable id
  kind TEXT NOT NULL,        -- problem | missing | to-collect | cross
  rule TEXT NOT NULL,
  key TEXT NOT NULL,         -- the person's identity key
  shown_key TEXT NOT NULL,   -- as the package showed it (masked)
  field TEXT NOT NULL,
  cross_county INTEGER NOT NULL,
  owner TEXT NOT NULL,       -- the county that owns the fix (the person's hukou county)
  PRIMARY KEY (round, county, item)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sendback_item_id ON sendback_item(item);
CREATE TABLE IF NOT EXISTS sendback_reply(
  item TEXT NOT NULL,
  county TEXT NOT NULL,
  batch INTEGER NOT NULL REFERENCES batch(id),
  result TEXT, value TEXT, note TEXT,
  round INTEGER,             -- the round of the package answered (NULL: not recorded)
  PRIMARY KEY (item, county, batch)
) WITHOUT ROWID;
)";

std::string_view orEmpty(const Statement& s, int col) {
  return s.isNull(col) ? std::string_view() : s.text(col);
}

}  // namespace

// The tables of the send-back loop (issue 16), made in any store that lacks them, new or
// old, once: asked first, then made under the write lock (another run may have made them
// while this one waited).
bool SqliteStore::migrateSendbackLog() {
  auto has = [&](bool* yes) {
    Statement s;
    if (!s.prepare(db_.get(),
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                   "name = 'sendback_reply'",
                   &err_))
      return false;
    s.step();
    *yes = s.integer(0) > 0;
    return s.reset() || fail(s);
  };
  bool yes = false;
  if (!has(&yes)) return false;
  if (yes) return addReplyRound();
  if (!exec("BEGIN IMMEDIATE")) return false;
  if (!has(&yes)) return rollback(), false;
  if (!yes && !exec(kSendbackTables)) {
    std::string why = err_;
    rollback();
    err_ = tr("cannot add {table}: {reason}", {{"table", "sendback_*"}, {"reason", why}});
    return false;
  }
  return exec("COMMIT");
}

// sendback_reply.round (the round a reply answers, so that --sendback-status counts a reply
// only for that round and later ones), added to a store whose tables came before it: its
// replies keep NULL (not recorded). Asked first, then added under the write lock.
bool SqliteStore::addReplyRound() {
  auto has = [&](bool* yes) {
    Statement s;
    if (!s.prepare(db_.get(),
                   "SELECT count(*) FROM pragma_table_info('sendback_reply') WHERE name = 'round'",
                   &err_))
      return false;
    s.step();
    *yes = s.integer(0) > 0;
    return s.reset() || fail(s);
  };
  bool yes = false;
  if (!has(&yes)) return false;
  if (yes) return true;
  if (!exec("BEGIN IMMEDIATE")) return false;
  if (!has(&yes)) return rollback(), false;
  if (!yes && !exec("ALTER TABLE sendback_reply ADD COLUMN round INTEGER")) {
    std::string why = err_;
    rollback();
    err_ = wording_("store-migrate", {{"step", "sendback_reply.round"}, {"reason", why}});
    return false;
  }
  return exec("COMMIT");
}

bool SqliteStore::addRound(SendbackRound* round, const std::vector<SendbackLogPackage>& packages,
                           const std::vector<SendbackLogItem>& items) {
  Statement next, add_round, add_package, add_item;
  if (!next.prepare(db_.get(), "SELECT coalesce(max(round), 0) + 1 FROM sendback_round", &err_) ||
      !add_round.prepare(db_.get(),
                         "INSERT INTO sendback_round(round, sent_at, outdir) VALUES (?, ?, ?)",
                         &err_) ||
      !add_package.prepare(db_.get(),
                           "INSERT INTO sendback_package(round, county, file, sha256, items) "
                           "VALUES (?, ?, ?, ?, ?)",
                           &err_) ||
      !add_item.prepare(db_.get(),
                        "INSERT OR IGNORE INTO sendback_item(round, county, item, kind, rule, key, "
                        "shown_key, field, cross_county, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                        "?, ?)",
                        &err_))
    return false;
  if (!next.step()) return fail(next);
  round->round = next.integer(0);
  next.finalize();
  add_round.bind(1, round->round).bind(2, round->sent_at).bind(3, round->outdir);
  add_round.step();
  if (!add_round.reset()) return fail(add_round);
  for (const SendbackLogPackage& p : packages) {
    add_package.bind(1, round->round).bind(2, p.county).bind(3, p.file).bind(4, p.sha256);
    add_package.bind(5, p.items).step();
    if (!add_package.reset()) return fail(add_package);
  }
  for (const SendbackLogItem& it : items) {
    add_item.bind(1, round->round).bind(2, it.county).bind(3, it.id).bind(4, it.kind);
    add_item.bind(5, it.rule).bind(6, it.key).bind(7, it.shown_key).bind(8, it.field);
    add_item.bind(9, int64_t(it.cross_county)).bind(10, it.owner).step();
    if (!add_item.reset()) return fail(add_item);
  }
  return true;
}

bool SqliteStore::forEachRound(const std::function<void(const SendbackRound&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(), "SELECT round, sent_at, outdir FROM sendback_round ORDER BY round",
                 &err_))
    return false;
  SendbackRound r;
  while (s.step()) {
    r.round = s.integer(0);
    r.sent_at.assign(s.text(1));
    r.outdir.assign(s.text(2));
    fn(r);
  }
  return s.ok() || fail(s);
}

bool SqliteStore::forEachPackage(
    const std::function<void(int64_t round, const SendbackLogPackage&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT round, county, file, sha256, items FROM sendback_package "
                 "ORDER BY round, county",
                 &err_))
    return false;
  SendbackLogPackage p;
  while (s.step()) {
    p.county.assign(s.text(1));
    p.file.assign(s.text(2));
    p.sha256.assign(s.text(3));
    p.items = s.integer(4);
    fn(s.integer(0), p);
  }
  return s.ok() || fail(s);
}

bool SqliteStore::forEachItem(
    const std::function<void(int64_t round, const SendbackLogItem&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT round, county, item, kind, rule, key, shown_key, field, cross_county, "
                 "owner FROM sendback_item ORDER BY round, county, item",
                 &err_))
    return false;
  SendbackLogItem it;
  while (s.step()) {
    it.county.assign(s.text(1));
    it.id.assign(s.text(2));
    it.kind.assign(s.text(3));
    it.rule.assign(s.text(4));
    it.key.assign(s.text(5));
    it.shown_key.assign(s.text(6));
    it.field.assign(s.text(7));
    it.cross_county = s.integer(8) != 0;
    it.owner.assign(s.text(9));
    fn(s.integer(0), it);
  }
  return s.ok() || fail(s);
}

bool SqliteStore::addReply(const SendbackReply& r) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "INSERT OR REPLACE INTO sendback_reply(item, county, batch, result, value, note, "
                 "round) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 &err_))
    return false;
  s.bind(1, r.item).bind(2, r.county).bind(3, r.batch).bind(4, r.result).bind(5, r.value);
  s.bind(6, r.note);
  if (r.round)
    s.bind(7, r.round);
  else
    s.bindNull(7);
  s.step();
  return s.reset() || fail(s);
}

bool SqliteStore::forEachReply(const std::function<void(const SendbackReply&)>& fn) {
  Statement s;
  if (!s.prepare(db_.get(),
                 "SELECT item, county, batch, result, value, note, round FROM sendback_reply "
                 "ORDER BY batch, county, item",
                 &err_))
    return false;
  SendbackReply r;
  while (s.step()) {
    r.item.assign(s.text(0));
    r.county.assign(s.text(1));
    r.batch = s.integer(2);
    r.result.assign(orEmpty(s, 3));
    r.value.assign(orEmpty(s, 4));
    r.note.assign(orEmpty(s, 5));
    r.round = s.isNull(6) ? 0 : s.integer(6);
    fn(r);
  }
  return s.ok() || fail(s);
}

}  // namespace vetkit
