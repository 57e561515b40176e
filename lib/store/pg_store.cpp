#include "store/pg_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <deque>

namespace vetkit {

namespace {

// Advisory lock keys (one 64-bit space per database): the writers' lock, and the lock that
// makes two first opens of an empty database create the tables once.
constexpr int64_t kStoreLock = 0x7665746b69740001;      // "vetkit" 1
constexpr int64_t kMigrationLock = 0x7665746b69740002;  // "vetkit" 2

// The buffers are sent when they reach this size, so that a batch's memory stays bounded.
constexpr size_t kFlushBytes = 8 << 20;
// Fewer rows than this are written by one statement each; more through a staging table.
constexpr size_t kStageRows = 32;

// The migrations, in order; each applied once, in the transaction that records it. Keys are
// collated "C" so that key order is byte order, as in SQLite (exports compare across stores).
// References between tables are not declared: the merge writes them in order, as in SQLite,
// where they are declared but not enforced; integrityOk() checks them.
struct Migration {
  const char* what;
  const char* sql;
};
const Migration kMigrations[] = {
    {"the store: batches, versions and their lines, the current set, decisions", R"(
CREATE TABLE batch(
  id bigint PRIMARY KEY,
  source text NOT NULL,      -- the input's file name as given
  sha256 text NOT NULL,      -- of the file's bytes (of the lines read, for standard input)
  unit text NOT NULL,        -- the collecting unit whose batch this is
  merged_at text NOT NULL,   -- UTC, ISO 8601
  records bigint NOT NULL,
  signer text,               -- who sealed the batch
  key_id text,               -- the signing key's id
  signer_status text         -- verified (trust store) | declared (typed) | none
);
CREATE TABLE record_version(
  version bigint PRIMARY KEY,
  key text COLLATE "C" NOT NULL,
  batch bigint NOT NULL,
  unit text NOT NULL,
  retired_by bigint
);
CREATE TABLE record_json(
  version bigint PRIMARY KEY,
  json text NOT NULL
);
CREATE TABLE current(
  key text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  merged text,
  name text, birth_date text, gender text, id15 text, src text, sheet text, "row" bigint,
  units text NOT NULL,       -- the units of the live versions, comma-separated
  sources bigint NOT NULL,   -- the number of live versions
  absent_from bigint         -- a later batch of its unit did not list the person
);
CREATE TABLE decision(
  a text COLLATE "C" NOT NULL, b text COLLATE "C" NOT NULL,
  decision text NOT NULL CHECK (decision IN ('same', 'different')),
  batch bigint,
  PRIMARY KEY (a, b)
);
CREATE TABLE store_state(id int PRIMARY KEY CHECK (id = 1), commits bigint NOT NULL);
INSERT INTO store_state VALUES (1, 0);
-- The live versions of a key (forEachLive, retireOlder), a batch's records, and the
-- candidate blocking keys: name with birth date, and the 15-digit number.
CREATE INDEX record_version_key ON record_version(key) INCLUDE (unit, retired_by);
CREATE INDEX record_version_batch ON record_version(batch);
CREATE INDEX current_name_birth ON current(name, birth_date);
CREATE INDEX current_id15 ON current(id15) WHERE id15 IS NOT NULL;
)"},
    {"batch.signed_at: the batch's own time, which orders a unit's batches (issue 13)",
     "ALTER TABLE batch ADD COLUMN signed_at text;"},
    {"batch.unit_source: where the batch's unit came from (issue 15)",
     "ALTER TABLE batch ADD COLUMN unit_source text;"},
    {"the send-back loop: rounds, packages, items and the counties' replies (issue 16)", R"(
CREATE TABLE sendback_round(round bigint PRIMARY KEY, sent_at text NOT NULL, outdir text NOT NULL);
CREATE TABLE sendback_package(
  round bigint NOT NULL, county text COLLATE "C" NOT NULL, file text NOT NULL,
  sha256 text NOT NULL, items bigint NOT NULL,
  PRIMARY KEY (round, county)
);
CREATE TABLE sendback_item(
  round bigint NOT NULL, county text COLLATE "C" NOT NULL, item text COLLATE "C" NOT NULL,
  kind text NOT NULL, rule text NOT NULL, key text COLLATE "C" NOT NULL, shown_key text NOT NULL,
  field text NOT NULL, cross_county boolean NOT NULL, owner text NOT NULL,
  PRIMARY KEY (round, county, item)
);
CREATE INDEX sendback_item_id ON sendback_item(item);
CREATE TABLE sendback_reply(
  item text COLLATE "C" NOT NULL, county text COLLATE "C" NOT NULL, batch bigint NOT NULL,
  result text, value text, note text,
  PRIMARY KEY (item, county, batch)
);
)"},
};
constexpr int kLayout = int(sizeof kMigrations / sizeof kMigrations[0]);

// COPY's text format: backslash, tab, newline and carriage return escaped; \N is NULL.
void copyField(std::string* out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += c;
    }
  }
}
void copyOptional(std::string* out, std::string_view v) {
  if (v.empty())
    *out += "\\N";
  else
    copyField(out, v);
}
void copyInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

int64_t toInt(const char* s) {
  return std::strtoll(s, nullptr, 10);
}

std::string lastError(PGconn* c) {
  std::string e = c ? PQerrorMessage(c) : "out of memory";
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

}  // namespace

// Parameters of one statement: text is sent in binary format (its bytes and their length, no
// copy, no terminator needed), numbers as text.
class PgStore::Params {
 public:
  Params& text(std::string_view v) {
    push(v.empty() ? "" : v.data(), int(v.size()), 1, 25);
    return *this;
  }
  Params& optional(std::string_view v) { return v.empty() ? null() : text(v); }
  Params& integer(int64_t v) {
    numbers_.push_back(std::to_string(v));
    push(numbers_.back().c_str(), 0, 0, 20);
    return *this;
  }
  Params& null() {
    push(nullptr, 0, 0, 0);  // the column says its type
    return *this;
  }
  int size() const { return int(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void push(const char* v, int len, int format, Oid type) {
    values_.push_back(v), lengths_.push_back(len), formats_.push_back(format);
    types_.push_back(type);
  }
  std::deque<std::string> numbers_;  // stable addresses
  std::vector<const char*> values_;
  std::vector<int> lengths_, formats_;
  std::vector<Oid> types_;
};

// One row of a result.
class PgStore::Rows {
 public:
  Rows(PGresult* r, int row) : r_(r), row_(row) {}
  std::string_view text(int col) const {
    return {PQgetvalue(r_, row_, col), size_t(PQgetlength(r_, row_, col))};
  }
  int64_t integer(int col) const { return toInt(PQgetvalue(r_, row_, col)); }
  bool isNull(int col) const { return PQgetisnull(r_, row_, col); }

 private:
  PGresult* r_;
  int row_;
};

namespace {

// A row of `current` waiting to be written, and a retirement.
struct PendingCurrent {
  std::string key, merged, name, birth_date, gender, id15, src, sheet, units;
  int64_t version, row, sources, absent_from;
};

}  // namespace

// The pending rows of `current` and retirements (the COPY text of versions is in the class).
struct PgPending {
  std::vector<PendingCurrent> current;
  std::vector<std::pair<int64_t, int64_t>> retires;  // version, batch
  size_t bytes = 0;
};

bool isPostgresConninfo(const std::string& where) {
  if (where.starts_with("postgresql://") || where.starts_with("postgres://")) return true;
  // A libpq keyword string: its first word is a connection keyword followed by '='.
  static const char* const kKeywords[] = {"host",
                                          "hostaddr",
                                          "port",
                                          "dbname",
                                          "user",
                                          "service",
                                          "passfile",
                                          "sslmode",
                                          "options",
                                          "password",
                                          "connect_timeout",
                                          "target_session_attrs",
                                          "application_name"};
  size_t i = where.find_first_not_of(' ');
  if (i == std::string::npos) return false;
  size_t eq = where.find('=', i);
  if (eq == std::string::npos) return false;
  std::string word = where.substr(i, eq - i);
  while (!word.empty() && word.back() == ' ') word.pop_back();
  for (const char* k : kKeywords)
    if (word == k) return true;
  return false;
}

std::string redactConninfo(const std::string& where) {
  std::string s = where;
  if (s.starts_with("postgres")) {
    // scheme://user:password@host… → scheme://user:***@host…
    size_t scheme = s.find("://");
    size_t at = s.find('@', scheme + 3);
    size_t colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      s.replace(colon + 1, at - colon - 1, "***");
    size_t q = s.find("password=");
    if (q != std::string::npos) {
      size_t end = s.find('&', q);
      s.replace(q + 9, (end == std::string::npos ? s.size() : end) - q - 9, "***");
    }
    return s;
  }
  size_t q = s.find("password");
  while (q != std::string::npos) {
    size_t eq = s.find('=', q);
    if (eq == std::string::npos) break;
    size_t v = s.find_first_not_of(' ', eq + 1), end = v;
    if (v != std::string::npos && s[v] == '\'') {
      end = v + 1;
      while (end < s.size() && s[end] != '\'') end += s[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, s.size());
    } else if (v != std::string::npos) {
      end = s.find(' ', v);
      if (end == std::string::npos) end = s.size();
    }
    if (v == std::string::npos) break;
    s.replace(v, end - v, "***");
    q = s.find("password", v + 3);
  }
  return s;
}

void PgStore::Closer::operator()(pg_conn* c) const {
  PQfinish(c);
}

PgStore::PgStore(const StoreWording& wording)
    : wording_(wording), pending_(std::make_unique<PgPending>()) {}

PgStore::~PgStore() = default;

int PgStore::layoutVersion() {
  return kLayout;
}

bool PgStore::connect(const std::string& conninfo, std::string* err) {
  where_ = redactConninfo(conninfo);
  conn_.reset(PQconnectdb(conninfo.c_str()));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    *err = where_ + ": " + lastError(conn_.get());
    return false;
  }
  // Records are UTF-8; a writer waits for another's batch as long as SQLite's would (30 min).
  if (PQsetClientEncoding(conn_.get(), "UTF8") != 0 ||
      !exec("SET lock_timeout = '30min'; SET client_min_messages = warning")) {
    *err = where_ + ": " + err_;
    return false;
  }
  return true;
}

bool PgStore::exec(const char* sql) {
  Result r(PQexec(conn_.get(), sql));
  ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
  err_ = lastError(conn_.get());
  return false;
}

bool PgStore::execParams(const char* sql, const Params& p) {
  Result r(
      PQexecParams(conn_.get(), sql, p.size(), p.types(), p.values(), p.lengths(), p.formats(), 0));
  ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
  err_ = lastError(conn_.get());
  return false;
}

// Runs `sql`; `fn` gets each row (false stops). `stream`: rows come one at a time (single-row
// mode), so that the whole current set of a province never sits in the client.
bool PgStore::query(const char* sql, const Params& p, bool stream,
                    const std::function<bool(const Rows&)>& fn) {
  if (in_tx_ && !flush()) return false;
  PGconn* c = conn_.get();
  if (!stream) {
    Result r(PQexecParams(c, sql, p.size(), p.types(), p.values(), p.lengths(), p.formats(), 0));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return err_ = lastError(c), false;
    int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i)
      if (!fn(Rows(r.get(), i))) break;
    return true;
  }
  if (!PQsendQueryParams(c, sql, p.size(), p.types(), p.values(), p.lengths(), p.formats(), 0) ||
      !PQsetSingleRowMode(c))
    return err_ = lastError(c), false;
  bool ok = true, wanted = true;
  while (Result r{PQgetResult(c)}) {
    ExecStatusType st = PQresultStatus(r.get());
    if (st == PGRES_SINGLE_TUPLE) {
      if (wanted && !fn(Rows(r.get(), 0))) {
        wanted = false;
        // Outside a transaction the rest is cancelled (a broken pipe, a reader that has what
        // it wanted); inside one a cancel would abort it, so the rest is only drained.
        if (!in_tx_ && !reader_) {
          if (PGcancel* cancel = PQgetCancel(c)) {
            char buf[256];
            PQcancel(cancel, buf, sizeof buf);
            PQfreeCancel(cancel);
          }
        }
      }
    } else if (st != PGRES_TUPLES_OK && wanted) {
      ok = false;
      err_ = lastError(c);
    }
  }
  return ok;
}

bool PgStore::copyIn(const char* sql, const std::string& data) {
  PGconn* c = conn_.get();
  Result start(PQexec(c, sql));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return err_ = lastError(c), false;
  bool sent = PQputCopyData(c, data.data(), int(data.size())) == 1;
  if (PQputCopyEnd(c, sent ? nullptr : "client failed") != 1) return err_ = lastError(c), false;
  bool ok = sent;
  while (Result r{PQgetResult(c)})
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) ok = false, err_ = lastError(c);
  if (!sent && err_.empty()) err_ = lastError(c);
  return ok;
}

// What is buffered goes to the server: versions and their lines by COPY; retirements and rows
// of `current` one statement each when few, else through a staging table and one set-based
// statement (the last row written for a key wins, as it would have one statement at a time).
bool PgStore::flush() {
  PgPending& p = *pending_;
  if (!versions_.empty()) {
    if (!copyIn("COPY record_version(version, key, batch, unit) FROM STDIN", versions_) ||
        !copyIn("COPY record_json(version, json) FROM STDIN", jsons_))
      return false;
    versions_.clear(), jsons_.clear();
  }
  if (p.retires.size() >= kStageRows) {
    std::string data;
    for (auto [v, b] : p.retires) copyInt(&data, v), data += '\t', copyInt(&data, b), data += '\n';
    if (!copyIn("COPY pg_temp.retire_stage(version, batch) FROM STDIN", data) ||
        !exec("UPDATE record_version v SET retired_by = s.batch FROM pg_temp.retire_stage s "
              "WHERE v.version = s.version; TRUNCATE pg_temp.retire_stage"))
      return false;
  } else {
    for (auto [v, b] : p.retires)
      if (!execParams("UPDATE record_version SET retired_by = $1 WHERE version = $2",
                      Params().integer(b).integer(v)))
        return false;
  }
  p.retires.clear();
  static const char kUpsert[] =
      " ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, merged = EXCLUDED.merged, "
      "name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, gender = EXCLUDED.gender, "
      "id15 = EXCLUDED.id15, src = EXCLUDED.src, sheet = EXCLUDED.sheet, \"row\" = "
      "EXCLUDED.\"row\", units = EXCLUDED.units, sources = EXCLUDED.sources, absent_from = "
      "EXCLUDED.absent_from";
  if (p.current.size() >= kStageRows) {
    std::string data;
    int64_t seq = 0;
    for (const PendingCurrent& r : p.current) {
      copyInt(&data, seq++), data += '\t';
      copyField(&data, r.key), data += '\t';
      copyInt(&data, r.version), data += '\t';
      for (const std::string* s :
           {&r.merged, &r.name, &r.birth_date, &r.gender, &r.id15, &r.src, &r.sheet})
        copyOptional(&data, *s), data += '\t';
      copyInt(&data, r.row), data += '\t';
      copyField(&data, r.units), data += '\t';
      copyInt(&data, r.sources), data += '\t';
      if (r.absent_from)
        copyInt(&data, r.absent_from);
      else
        data += "\\N";
      data += '\n';
    }
    std::string upsert =
        "INSERT INTO current SELECT DISTINCT ON (key) key, version, merged, name, birth_date, "
        "gender, id15, src, sheet, \"row\", units, sources, absent_from FROM "
        "pg_temp.current_stage ORDER BY key, seq DESC" +
        std::string(kUpsert) + "; TRUNCATE pg_temp.current_stage";
    if (!copyIn("COPY pg_temp.current_stage FROM STDIN", data) || !exec(upsert.c_str()))
      return false;
  } else {
    std::string upsert =
        "INSERT INTO current(key, version, merged, name, birth_date, gender, id15, src, sheet, "
        "\"row\", units, sources, absent_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13)" +
        std::string(kUpsert);
    for (const PendingCurrent& r : p.current) {
      Params q;
      q.text(r.key).integer(r.version).optional(r.merged).optional(r.name);
      q.optional(r.birth_date).optional(r.gender).optional(r.id15).optional(r.src);
      q.optional(r.sheet).integer(r.row).text(r.units).integer(r.sources);
      if (r.absent_from)
        q.integer(r.absent_from);
      else
        q.null();
      if (!execParams(upsert.c_str(), q)) return false;
    }
  }
  p.current.clear();
  p.bytes = 0;
  return true;
}

// The layout version of the store in this database: 0 with *has_store false when there is
// none, -1 on failure.
int64_t PgStore::storedLayout(bool* has_store) {
  *has_store = false;
  int64_t v = -1;
  if (!query("SELECT to_regclass('schema_migration') IS NOT NULL", Params(), false,
             [&](const Rows& r) { return *has_store = r.text(0) == "t", false; }))
    return -1;
  if (!*has_store) return 0;
  if (!query("SELECT coalesce(max(version), 0) FROM schema_migration", Params(), false,
             [&](const Rows& r) { return v = r.integer(0), false; }))
    return -1;
  return v;
}

// Each migration not yet applied, in one transaction under the migration lock (another run
// opening the same new database waits, then finds the tables made).
bool PgStore::migrate() {
  bool has = false;
  int64_t have = storedLayout(&has);
  if (have < 0) return false;
  if (have == kLayout) return true;
  if (have > kLayout) {
    err_ = wording_("store-layout-newer",
                    {{"have", std::to_string(have)}, {"mine", std::to_string(kLayout)}});
    return false;
  }
  if (!exec("BEGIN") ||
      !execParams("SELECT pg_advisory_xact_lock($1)", Params().integer(kMigrationLock)) ||
      !exec("CREATE TABLE IF NOT EXISTS schema_migration(version int PRIMARY KEY, "
            "applied_at timestamptz NOT NULL DEFAULT now(), what text NOT NULL)"))
    return rollback(), false;
  have = storedLayout(&has);
  for (int64_t v = have + 1; have >= 0 && v <= kLayout; ++v) {
    const Migration& m = kMigrations[v - 1];
    if (!exec(m.sql) || !execParams("INSERT INTO schema_migration(version, what) VALUES ($1, $2)",
                                    Params().integer(v).text(m.what))) {
      std::string why = err_;
      rollback();
      err_ = wording_("store-migrate", {{"step", std::to_string(v)}, {"reason", why}});
      return false;
    }
  }
  if (have < 0 || !exec("COMMIT")) return rollback(), false;
  return true;
}

bool PgStore::open(const std::string& conninfo, std::string* err) {
  if (!connect(conninfo, err)) return false;
  // Staging tables for set-based writes: per connection, emptied at each commit.
  if (!migrate() ||
      !exec("CREATE TEMP TABLE IF NOT EXISTS retire_stage(version bigint, batch bigint) "
            "ON COMMIT DELETE ROWS;"
            "CREATE TEMP TABLE IF NOT EXISTS current_stage(seq bigint, key text COLLATE \"C\", "
            "version bigint, merged text, name text, birth_date text, gender text, id15 text, "
            "src text, sheet text, \"row\" bigint, units text, sources bigint, absent_from "
            "bigint) ON COMMIT DELETE ROWS")) {
    *err = where_ + ": " + err_;
    return false;
  }
  return true;
}

bool PgStore::openReader(const std::string& conninfo, std::string* err) {
  if (!connect(conninfo, err)) return false;
  bool has = false;
  int64_t have = storedLayout(&has);
  if (have < 0) return *err = where_ + ": " + err_, false;
  if (!has || have == 0) return *err = where_ + ": " + wording_("store-missing"), false;
  if (have != kLayout) {
    *err = where_ + ": " +
           wording_(have > kLayout ? "store-layout-newer" : "store-layout-older",
                    {{"have", std::to_string(have)}, {"mine", std::to_string(kLayout)}});
    return false;
  }
  // One snapshot for the whole run: a report's batches and people agree.
  if (!exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) {
    *err = where_ + ": " + err_;
    return false;
  }
  reader_ = true;
  return true;
}

bool PgStore::begin() {
  if (!exec("BEGIN")) return false;
  in_tx_ = true;
  // Waits while another writer holds the store; released by COMMIT or ROLLBACK.
  if (!execParams("SELECT pg_advisory_xact_lock($1)", Params().integer(kStoreLock)) ||
      !query("SELECT (SELECT coalesce(max(version), 0) FROM record_version), "
             "(SELECT coalesce(max(id), 0) FROM batch)",
             Params(), false, [&](const Rows& r) {
               next_version_ = r.integer(0) + 1, next_batch_ = r.integer(1) + 1;
               return false;
             })) {
    std::string why = err_;
    rollback();
    err_ = why;
    return false;
  }
  return true;
}

bool PgStore::commit() {
  if (!flush()) return false;
  if (!query("UPDATE store_state SET commits = commits + 1 RETURNING commits", Params(), false,
             [&](const Rows& r) { return commits_ = r.integer(0), false; }))
    return false;
  if (!exec("COMMIT")) return false;
  in_tx_ = false;
  return true;
}

void PgStore::rollback() {
  versions_.clear(), jsons_.clear();
  PgPending& p = *pending_;
  p.current.clear(), p.retires.clear(), p.bytes = 0;
  if (!in_tx_) return;
  Result r(PQexec(conn_.get(), "ROLLBACK"));
  in_tx_ = false;
}

bool PgStore::changedElsewhere(bool* changed) {
  int64_t now = 0;
  if (!query("SELECT commits FROM store_state", Params(), false,
             [&](const Rows& r) { return now = r.integer(0), false; }))
    return false;
  *changed = commits_ >= 0 && now != commits_;
  commits_ = now;
  return true;
}

bool PgStore::addBatch(const BatchInfo& b, int64_t* id) {
  if (!in_tx_) return err_ = "a batch is written in a transaction (begin())", false;
  if (!flush()) return false;
  Params p;
  p.integer(next_batch_).text(b.source).text(b.sha256).text(b.unit).text(b.merged_at);
  p.integer(b.records).optional(b.signer).optional(b.key_id).text(b.signer_status);
  p.optional(b.signed_at).optional(b.unit_source);
  if (!execParams("INSERT INTO batch(id, source, sha256, unit, merged_at, records, signer, "
                  "key_id, signer_status, signed_at, unit_source) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                  p))
    return false;
  *id = next_batch_++;
  return true;
}

bool PgStore::setBatchRecords(int64_t batch, int64_t records, std::string_view sha256,
                              std::string_view signed_at) {
  return flush() &&
         execParams("UPDATE batch SET records = $1, sha256 = $2, signed_at = $3 WHERE id = $4",
                    Params().integer(records).text(sha256).optional(signed_at).integer(batch));
}

bool PgStore::addVersion(std::string_view key, int64_t batch, std::string_view unit,
                         std::string_view json, int64_t* version) {
  if (!in_tx_) return err_ = "a version is written in a transaction (begin())", false;
  *version = next_version_++;
  copyInt(&versions_, *version), versions_ += '\t';
  copyField(&versions_, key), versions_ += '\t';
  copyInt(&versions_, batch), versions_ += '\t';
  copyField(&versions_, unit), versions_ += '\n';
  copyInt(&jsons_, *version), jsons_ += '\t';
  copyField(&jsons_, json), jsons_ += '\n';
  if (versions_.size() + jsons_.size() + pending_->bytes > kFlushBytes) return flush();
  return true;
}

bool PgStore::retireVersion(int64_t version, int64_t batch) {
  PgPending& p = *pending_;
  p.retires.emplace_back(version, batch);
  p.bytes += 16;
  return true;
}

bool PgStore::retireOlder(std::string_view key, std::string_view unit, int64_t batch) {
  return flush() && execParams(
                        "UPDATE record_version SET retired_by = $3 WHERE key = $1 AND "
                        "unit = $2 AND batch <> $3 AND retired_by IS NULL",
                        Params().text(key).text(unit).integer(batch));
}

bool PgStore::putCurrent(const CurrentRow& r, std::string_view merged) {
  if (!in_tx_) return err_ = "the current set is written in a transaction (begin())", false;
  PgPending& p = *pending_;
  const PersonRef& ref = r.person;
  p.current.push_back({ref.key, std::string(merged), ref.name, ref.birth_date, ref.gender, ref.id15,
                       ref.src, ref.sheet, ref.unit, r.version, int64_t(ref.row), r.sources,
                       r.absent_from});
  p.bytes += 160 + merged.size() + ref.key.size() + ref.name.size() + ref.src.size();
  if (versions_.size() + jsons_.size() + p.bytes > kFlushBytes) return flush();
  return true;
}

bool PgStore::deleteCurrent(std::string_view key) {
  return flush() && execParams("DELETE FROM current WHERE key = $1", Params().text(key));
}

bool PgStore::markAbsent(std::string_view key, int64_t batch) {
  return flush() && execParams("UPDATE current SET absent_from = $1 WHERE key = $2",
                               Params().integer(batch).text(key));
}

bool PgStore::rekey(std::string_view alias, std::string_view canonical) {
  return flush() &&
         execParams("UPDATE record_version SET key = $1 WHERE key = $2",
                    Params().text(canonical).text(alias)) &&
         deleteCurrent(alias);
}

bool PgStore::moveVersion(int64_t version, std::string_view key, bool revive) {
  return flush() &&
         execParams(revive
                        ? "UPDATE record_version SET key = $1, retired_by = NULL WHERE version = $2"
                        : "UPDATE record_version SET key = $1 WHERE version = $2",
                    Params().text(key).integer(version));
}

bool PgStore::addDecision(std::string_view a, std::string_view b, std::string_view decision,
                          int64_t batch) {
  Params p;
  p.text(a).text(b).text(decision);
  if (batch)
    p.integer(batch);
  else
    p.null();
  return flush() && execParams(
                        "INSERT INTO decision(a, b, decision, batch) VALUES ($1, $2, $3, "
                        "$4) ON CONFLICT (a, b) DO UPDATE SET decision = "
                        "EXCLUDED.decision, batch = EXCLUDED.batch",
                        p);
}

bool PgStore::forEachBatch(const std::function<void(int64_t, const BatchInfo&)>& fn) {
  BatchInfo b;
  return query(
      "SELECT id, source, sha256, unit, merged_at, records, signer, key_id, signer_status, "
      "signed_at, unit_source FROM batch ORDER BY id",
      Params(), false, [&](const Rows& r) {
        b.source.assign(r.text(1));
        b.sha256.assign(r.text(2));
        b.unit.assign(r.text(3));
        b.merged_at.assign(r.text(4));
        b.records = r.integer(5);
        b.signer.assign(r.text(6));
        b.key_id.assign(r.text(7));
        b.signer_status.assign(r.isNull(8) ? (b.signer.empty() ? "none" : "declared") : r.text(8));
        b.signed_at.assign(r.text(9));
        b.unit_source.assign(r.text(10));
        fn(r.integer(0), b);
        return true;
      });
}

bool PgStore::forEachBatchRecord(int64_t batch, const std::function<bool(std::string_view)>& fn) {
  return query(
      "SELECT j.json FROM record_version v JOIN record_json j ON j.version = v.version "
      "WHERE v.batch = $1 ORDER BY v.version",
      Params().integer(batch), true, [&](const Rows& r) { return fn(r.text(0)); });
}

bool PgStore::exportCurrent(const std::function<bool(const CurrentRecord&)>& fn) {
  return query(
      "SELECT c.key, c.merged, j.json, v.unit, v.batch, b.source, c.absent_from "
      "FROM current c JOIN record_version v ON v.version = c.version "
      "JOIN record_json j ON j.version = v.version "
      "JOIN batch b ON b.id = v.batch ORDER BY c.key",
      Params(), true, [&](const Rows& r) {
        return fn(
            {r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4), r.text(5), r.integer(6)});
      });
}

bool PgStore::history(
    std::string_view key,
    const std::function<void(const LiveVersion&, int64_t, std::string_view)>& fn) {
  return query(
      "SELECT v.version, v.batch, v.unit, j.json, b.source, v.retired_by, b.merged_at "
      "FROM record_version v JOIN record_json j ON j.version = v.version "
      "JOIN batch b ON b.id = v.batch WHERE v.key = $1 ORDER BY v.version",
      Params().text(key), false, [&](const Rows& r) {
        fn({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4)}, r.integer(5), r.text(6));
        return true;
      });
}

bool PgStore::forEachLive(std::string_view key, const std::function<void(const LiveVersion&)>& fn) {
  return query(
      "SELECT v.version, v.batch, v.unit, j.json, b.source FROM record_version v "
      "JOIN record_json j ON j.version = v.version JOIN batch b ON b.id = v.batch "
      "WHERE v.key = $1 AND v.retired_by IS NULL ORDER BY v.version",
      Params().text(key), false, [&](const Rows& r) {
        fn({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4)});
        return true;
      });
}

namespace {

constexpr const char kCurrentColumns[] =
    "SELECT key, version, name, birth_date, gender, id15, src, sheet, \"row\", units, sources, "
    "absent_from FROM current";

}  // namespace

bool PgStore::forEachCurrent(const std::function<void(CurrentRow&&)>& fn) {
  return query(kCurrentColumns, Params(), true, [&](const Rows& r) {
    CurrentRow row;
    PersonRef& p = row.person;
    p.key = r.text(0);
    row.version = r.integer(1);
    p.name = r.text(2), p.birth_date = r.text(3), p.gender = r.text(4), p.id15 = r.text(5);
    p.src = r.text(6), p.sheet = r.text(7), p.row = long(r.integer(8)), p.unit = r.text(9);
    row.sources = r.integer(10);
    row.absent_from = r.integer(11);
    fn(std::move(row));
    return true;
  });
}

bool PgStore::forEachCurrentBrief(const std::function<void(const CurrentBrief&)>& fn) {
  return query(
      "SELECT key, name, birth_date, id15, units, version, sources, absent_from FROM current",
      Params(), true, [&](const Rows& r) {
        fn({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5), r.integer(6),
            r.integer(7)});
        return true;
      });
}

bool PgStore::currentRow(std::string_view key, CurrentRow* row) {
  err_.clear();
  bool found = false;
  std::string sql = std::string(kCurrentColumns) + " WHERE key = $1";
  if (!query(sql.c_str(), Params().text(key), false, [&](const Rows& r) {
        PersonRef& p = row->person;
        p.key = r.text(0);
        row->version = r.integer(1);
        p.name = r.text(2), p.birth_date = r.text(3), p.gender = r.text(4), p.id15 = r.text(5);
        p.src = r.text(6), p.sheet = r.text(7), p.row = long(r.integer(8)), p.unit = r.text(9);
        row->sources = r.integer(10);
        row->absent_from = r.integer(11);
        found = true;
        return false;
      }))
    return false;
  return found;
}

bool PgStore::forEachDecision(
    const std::function<void(std::string_view, std::string_view, std::string_view)>& fn) {
  return query("SELECT a, b, decision FROM decision ORDER BY a, b", Params(), false,
               [&](const Rows& r) {
                 fn(r.text(0), r.text(1), r.text(2));
                 return true;
               });
}

bool PgStore::integrityOk(std::string* detail) {
  int64_t n[3] = {0, 0, 0};
  if (!query("SELECT (SELECT count(*) FROM current c WHERE NOT EXISTS (SELECT 1 FROM "
             "record_version v WHERE v.version = c.version)), (SELECT count(*) FROM "
             "record_version v WHERE NOT EXISTS (SELECT 1 FROM record_json j WHERE j.version = "
             "v.version)), (SELECT count(*) FROM record_version v WHERE NOT EXISTS (SELECT 1 "
             "FROM batch b WHERE b.id = v.batch))",
             Params(), false, [&](const Rows& r) {
               for (int i = 0; i < 3; ++i) n[i] = r.integer(i);
               return false;
             }))
    return *detail = err_, false;
  std::string all;
  const char* what[] = {"rows of current without their version", "versions without their line",
                        "versions without their batch"};
  for (int i = 0; i < 3; ++i)
    if (n[i]) all += (all.empty() ? "" : "; ") + std::to_string(n[i]) + " " + what[i];
  *detail = all.empty() ? "ok" : all;
  return all.empty();
}

}  // namespace vetkit
