#include "store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace vetkit {

namespace {

// The backend a `--db` string names: a postgres(ql):// URL or a libpq keyword string
// ('host=… dbname=…') is PostgreSQL (isPostgresConninfo); sqlite:PATH or a plain path is
// SQLite.
bool sqlitePath(const std::string& where, std::string* path, std::string* err,
                const StoreWording& wording) {
  *path = where.starts_with("sqlite:") ? where.substr(7) : where;
  if (path->empty()) return *err = "--db: " + wording("store-no-name"), false;
  return true;
}

}  // namespace

std::vector<std::string> sortedOnce(const std::vector<std::string>& keys) {
  std::vector<std::string> out(keys);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool StoreReader::currentRowsFull(const std::vector<std::string>& keys,
                                  const std::function<void(CurrentRow&&)>& fn) {
  CurrentRow row;
  for (const std::string& k : sortedOnce(keys)) {
    if (currentRow(k, &row))
      fn(std::move(row));
    else if (!error().empty())
      return false;
    row = CurrentRow();
  }
  return true;
}

bool StoreReader::forEachLiveOfKeys(
    const std::vector<std::string>& keys,
    const std::function<void(std::string_view key, const LiveVersion&)>& fn) {
  for (const std::string& k : sortedOnce(keys))
    if (!forEachLive(k, [&](const LiveVersion& v) { fn(k, v); })) return false;
  return true;
}

bool StoreWriter::retireOlderAll(const std::vector<std::string>& keys, std::string_view unit,
                                 int64_t batch) {
  for (const std::string& k : keys)
    if (!retireOlder(k, unit, batch)) return false;
  return true;
}

bool StoreWriter::markAbsentAll(const std::vector<std::string>& keys, int64_t batch) {
  for (const std::string& k : keys)
    if (!markAbsent(k, batch)) return false;
  return true;
}

bool StoreWriter::rekeyAll(const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [alias, canonical] : pairs)
    if (!rekey(alias, canonical)) return false;
  return true;
}

bool StoreWriter::addDecisions(const std::vector<std::pair<std::string, std::string>>& pairs,
                               std::string_view decision, int64_t batch) {
  for (const auto& [a, b] : pairs)
    if (!addDecision(a, b, decision, batch)) return false;
  return true;
}

std::string StoreWording::operator()(std::string_view code, const MessageArgs& args) const {
  if (messages) return messages->format(code, lang, args);
  std::string text(code);
  for (const auto& [name, value] : args) text += " " + name + "=" + value;
  return text;
}

std::unique_ptr<Store> Store::openOrCreate(const std::string& where, std::string* err,
                                           const StoreWording& wording) {
  if (isPostgresConninfo(where)) {
    // The database exists on the server; its tables are made on first use (in a transaction).
    auto store = std::make_unique<PgStore>(wording);
    if (!store->open(where, err)) return nullptr;
    return store;
  }
  std::string path;
  if (!sqlitePath(where, &path, err, wording)) return nullptr;
  auto store = std::make_unique<SqliteStore>(wording);
  struct stat st;
  bool missing = stat(path.c_str(), &st) != 0 && errno == ENOENT;
  // A new store is built aside and renamed into place when complete.
  if (!(missing ? store->create(path, err) : store->open(path, err))) return nullptr;
  return store;
}

std::unique_ptr<StoreReader> openStoreReader(const std::string& where, std::string* err,
                                             const StoreWording& wording) {
  if (isPostgresConninfo(where)) {
    auto store = std::make_unique<PgStore>(wording);
    if (!store->openReader(where, err)) return nullptr;
    return store;
  }
  std::string path;
  if (!sqlitePath(where, &path, err, wording)) return nullptr;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    *err = path + ": " + wording("store-missing");
    return nullptr;
  }
  auto store = std::make_unique<SqliteStore>(wording);
  if (!store->open(path, err)) return nullptr;
  return store;
}

}  // namespace vetkit
