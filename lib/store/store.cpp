#include "store/store.h"

#include <sys/stat.h>

#include <cerrno>

#include "store/sqlite_store.h"

namespace vetkit {

namespace {

// The backend a `--db` string names: sqlite:PATH or a plain path is SQLite. A server's URL
// (postgresql://...) names a backend not built in yet: refused, never taken for a file name.
bool sqlitePath(const std::string& where, std::string* path, std::string* err) {
  if (where.starts_with("postgres://") || where.starts_with("postgresql://")) {
    *err = where + ": PostgreSQL stores are not supported by this build";
    return false;
  }
  *path = where.starts_with("sqlite:") ? where.substr(7) : where;
  if (path->empty()) return *err = "--db: no store named", false;
  return true;
}

}  // namespace

std::unique_ptr<Store> Store::openOrCreate(const std::string& where, std::string* err) {
  std::string path;
  if (!sqlitePath(where, &path, err)) return nullptr;
  auto store = std::make_unique<SqliteStore>();
  struct stat st;
  bool missing = stat(path.c_str(), &st) != 0 && errno == ENOENT;
  // A new store is built aside and renamed into place when complete.
  if (!(missing ? store->create(path, err) : store->open(path, err))) return nullptr;
  return store;
}

std::unique_ptr<StoreReader> openStoreReader(const std::string& where, std::string* err) {
  std::string path;
  if (!sqlitePath(where, &path, err)) return nullptr;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    *err = path + ": no such store";
    return nullptr;
  }
  auto store = std::make_unique<SqliteStore>();
  if (!store->open(path, err)) return nullptr;
  return store;
}

}  // namespace vetkit
