// The PostgreSQL store's sheet layouts (sheet_layouts.h); the table is made by migration 7
// (pg_store.cpp).
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

bool PgStore::addSheetLayout(const SheetLayoutRow& l) {
  std::string batch = std::to_string(l.batch), src(l.src), sheet(l.sheet), columns(l.columns),
              headers(l.headers);
  const char* values[] = {batch.c_str(), src.c_str(), sheet.c_str(), columns.c_str(),
                          l.headers.empty() ? nullptr : headers.c_str()};
  Result r(PQexecParams(conn_.get(),
                        "INSERT INTO sheet_layout(batch, src, sheet, columns, headers) VALUES "
                        "($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        5, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return err_ = connError(conn_.get()), false;
  return true;
}

bool PgStore::forEachSheetLayout(const std::function<void(const SheetLayoutRow&)>& fn) {
  Result r(PQexec(conn_.get(), "SELECT batch, src, sheet, columns, headers FROM sheet_layout"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return err_ = connError(conn_.get()), false;
  for (int i = 0, n = PQntuples(r.get()); i < n; ++i) {
    auto text = [&](int col) {
      return std::string_view(PQgetvalue(r.get(), i, col), size_t(PQgetlength(r.get(), i, col)));
    };
    fn({std::strtoll(PQgetvalue(r.get(), i, 0), nullptr, 10), text(1), text(2), text(3), text(4)});
  }
  return true;
}

}  // namespace vetkit
