// The PostgreSQL store's log of extracts sent to departments (extract_log.h); the table is
// made by migration 5 (pg_store.cpp).
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "store/pg_store.h"

namespace vetkit {

namespace {

struct Cleared {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, Cleared>;

std::string connError(PGconn* c) {
  std::string e = PQerrorMessage(c);
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

}  // namespace

bool PgStore::addExtract(const ExtractEntry& e, int64_t* id) {
  std::string records = std::to_string(e.records);
  const char* values[] = {e.profile.c_str(), e.department.c_str(), e.fields.c_str(),
                          records.c_str(),   e.file.c_str(),       e.format.c_str(),
                          e.sha256.c_str(),  e.made_at.c_str()};
  Result r(PQexecParams(conn_.get(),
                        "INSERT INTO extract_log(profile, department, fields, records, file, "
                        "format, sha256, made_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                        "RETURNING id",
                        8, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1)
    return err_ = connError(conn_.get()), false;
  *id = std::strtoll(PQgetvalue(r.get(), 0, 0), nullptr, 10);
  return true;
}

bool PgStore::forEachExtract(const std::function<void(const ExtractEntry&)>& fn) {
  Result r(PQexec(conn_.get(),
                  "SELECT id, profile, department, fields, records, file, format, sha256, "
                  "made_at FROM extract_log ORDER BY id"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return err_ = connError(conn_.get()), false;
  ExtractEntry e;
  for (int i = 0, n = PQntuples(r.get()); i < n; ++i) {
    auto text = [&](int col) { return std::string(PQgetvalue(r.get(), i, col)); };
    e.id = std::strtoll(PQgetvalue(r.get(), i, 0), nullptr, 10);
    e.profile = text(1), e.department = text(2), e.fields = text(3);
    e.records = std::strtoll(PQgetvalue(r.get(), i, 4), nullptr, 10);
    e.file = text(5), e.format = text(6), e.sha256 = text(7), e.made_at = text(8);
    fn(e);
  }
  return true;
}

}  // namespace vetkit
