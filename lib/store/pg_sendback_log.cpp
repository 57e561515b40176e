// The send-back loop's tables on the PostgreSQL store (sendback_log.h; migration 4).
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "core/text_catalogue.h"
#include "store/pg_store.h"

namespace vetkit {

namespace {

struct Clear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, Clear>;

std::string why(PGconn* c) {
  std::string e = c ? PQerrorMessage(c) : tr("out of memory");
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

// COPY's text format (as pg_store.cpp writes it): backslash, tab, newline, CR escaped.
void copyText(std::string* out, std::string_view v) {
  for (char c : v) switch (c) {
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

std::string_view cell(PGresult* r, int row, int col) {
  return {PQgetvalue(r, row, col), size_t(PQgetlength(r, row, col))};
}

}  // namespace

// Runs `sql` with text parameters and calls `fn` for each row.
static bool run(PGconn* c, std::string* err, const char* sql,
                const std::vector<std::string>& params,
                const std::function<void(PGresult*, int)>& fn) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  Result r(PQexecParams(c, sql, int(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return *err = why(c), false;
  if (fn)
    for (int i = 0, n = PQntuples(r.get()); i < n; ++i) fn(r.get(), i);
  return true;
}

bool PgStore::addRound(SendbackRound* round, const std::vector<SendbackLogPackage>& packages,
                       const std::vector<SendbackLogItem>& items) {
  if (!in_tx_) return err_ = "a round is written in a transaction (begin())", false;
  PGconn* c = conn_.get();
  if (!flush() ||
      !run(c, &err_, "SELECT coalesce(max(round), 0) + 1 FROM sendback_round", {},
           [&](PGresult* r, int i) {
             round->round = std::strtoll(PQgetvalue(r, i, 0), nullptr, 10);
           }) ||
      !run(c, &err_, "INSERT INTO sendback_round(round, sent_at, outdir) VALUES ($1, $2, $3)",
           {std::to_string(round->round), round->sent_at, round->outdir}, nullptr))
    return false;
  std::string rows, n = std::to_string(round->round);
  for (const SendbackLogPackage& p : packages) {
    rows += n + '\t';
    for (std::string_view v :
         {std::string_view(p.county), std::string_view(p.file), std::string_view(p.sha256)})
      copyText(&rows, v), rows += '\t';
    rows += std::to_string(p.items) + '\n';
  }
  if (!rows.empty() &&
      !copyIn("COPY sendback_package(round, county, file, sha256, items) FROM STDIN", rows))
    return false;
  // An item listed twice in one package (each value of a conflict is a row) is kept once:
  // through a staging table, as COPY cannot skip a duplicate.
  rows.clear();
  for (const SendbackLogItem& it : items) {
    rows += n;
    for (const std::string* v :
         {&it.county, &it.id, &it.kind, &it.rule, &it.key, &it.shown_key, &it.field})
      rows += '\t', copyText(&rows, *v);
    rows += it.cross_county ? "\tt\t" : "\tf\t";
    copyText(&rows, it.owner);
    rows += '\n';
  }
  if (rows.empty()) return true;
  return exec(
             "CREATE TEMP TABLE IF NOT EXISTS sendback_item_stage (LIKE sendback_item) "
             "ON COMMIT DELETE ROWS") &&
         copyIn(
             "COPY sendback_item_stage(round, county, item, kind, rule, key, shown_key, "
             "field, cross_county, owner) FROM STDIN",
             rows) &&
         exec(
             "INSERT INTO sendback_item SELECT * FROM sendback_item_stage "
             "ON CONFLICT (round, county, item) DO NOTHING");
}

bool PgStore::forEachRound(const std::function<void(const SendbackRound&)>& fn) {
  if (in_tx_ && !flush()) return false;
  SendbackRound r;
  return run(conn_.get(), &err_, "SELECT round, sent_at, outdir FROM sendback_round ORDER BY round",
             {}, [&](PGresult* res, int i) {
               r.round = std::strtoll(PQgetvalue(res, i, 0), nullptr, 10);
               r.sent_at.assign(cell(res, i, 1));
               r.outdir.assign(cell(res, i, 2));
               fn(r);
             });
}

bool PgStore::forEachPackage(
    const std::function<void(int64_t round, const SendbackLogPackage&)>& fn) {
  if (in_tx_ && !flush()) return false;
  SendbackLogPackage p;
  return run(conn_.get(), &err_,
             "SELECT round, county, file, sha256, items FROM sendback_package "
             "ORDER BY round, county",
             {}, [&](PGresult* res, int i) {
               p.county.assign(cell(res, i, 1));
               p.file.assign(cell(res, i, 2));
               p.sha256.assign(cell(res, i, 3));
               p.items = std::strtoll(PQgetvalue(res, i, 4), nullptr, 10);
               fn(std::strtoll(PQgetvalue(res, i, 0), nullptr, 10), p);
             });
}

bool PgStore::forEachItem(const std::function<void(int64_t round, const SendbackLogItem&)>& fn) {
  if (in_tx_ && !flush()) return false;
  SendbackLogItem it;
  return run(conn_.get(), &err_,
             "SELECT round, county, item, kind, rule, key, shown_key, field, cross_county, owner "
             "FROM sendback_item ORDER BY round, county, item",
             {}, [&](PGresult* res, int i) {
               it.county.assign(cell(res, i, 1));
               it.id.assign(cell(res, i, 2));
               it.kind.assign(cell(res, i, 3));
               it.rule.assign(cell(res, i, 4));
               it.key.assign(cell(res, i, 5));
               it.shown_key.assign(cell(res, i, 6));
               it.field.assign(cell(res, i, 7));
               it.cross_county = cell(res, i, 8) == "t";
               it.owner.assign(cell(res, i, 9));
               fn(std::strtoll(PQgetvalue(res, i, 0), nullptr, 10), it);
             });
}

bool PgStore::addReply(const SendbackReply& r) {
  if (!in_tx_) return err_ = "a reply is written in a transaction (begin())", false;
  if (!flush()) return false;
  return run(conn_.get(), &err_,
             "INSERT INTO sendback_reply(item, county, batch, result, value, note, round) "
             "VALUES ($1, $2, $3, $4, $5, $6, nullif($7, '0')::bigint) ON CONFLICT (item, "
             "county, batch) DO UPDATE SET result = excluded.result, value = excluded.value, "
             "note = excluded.note, round = excluded.round",
             {r.item, r.county, std::to_string(r.batch), r.result, r.value, r.note,
              std::to_string(r.round)},
             nullptr);
}

bool PgStore::forEachReply(const std::function<void(const SendbackReply&)>& fn) {
  if (in_tx_ && !flush()) return false;
  SendbackReply r;
  return run(conn_.get(), &err_,
             "SELECT item, county, batch, coalesce(result, ''), coalesce(value, ''), "
             "coalesce(note, ''), coalesce(round, 0) FROM sendback_reply "
             "ORDER BY batch, county, item",
             {}, [&](PGresult* res, int i) {
               r.item.assign(cell(res, i, 0));
               r.county.assign(cell(res, i, 1));
               r.batch = std::strtoll(PQgetvalue(res, i, 2), nullptr, 10);
               r.result.assign(cell(res, i, 3));
               r.value.assign(cell(res, i, 4));
               r.note.assign(cell(res, i, 5));
               r.round = std::strtoll(PQgetvalue(res, i, 6), nullptr, 10);
               fn(r);
             });
}

}  // namespace vetkit
