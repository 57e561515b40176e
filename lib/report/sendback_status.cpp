#include "report/sendback_status.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "record/json_writer.h"

namespace vetkit {

std::vector<SendbackStatusRow> sendbackStatus(const SendbackHistory& history,
                                              const std::vector<SendbackLogItem>& now) {
  std::set<std::string> open_ids;                       // yielded now, by any county
  std::map<std::string, std::set<std::string>> now_of;  // county → ids yielded now
  // (county, id) → the latest round a reply answered: a reply answers the round whose
  // package it came back in and those before, never a round sent after it (the item sent
  // again is open until the county answers again). A reply whose round was not recorded (an
  // older store) counts for every round, as it did.
  std::map<std::pair<std::string, std::string>, int64_t> replied;
  for (const SendbackLogItem& it : now) open_ids.insert(it.id), now_of[it.county].insert(it.id);
  for (const SendbackReply& r : history.replies) {
    int64_t round = r.round ? r.round : INT64_MAX;
    auto [at, fresh] = replied.try_emplace({r.county, r.item}, round);
    if (!fresh) at->second = std::max(at->second, round);
  }
  // round → county → ids sent
  std::map<int64_t, std::map<std::string, std::set<std::string>>> sent;
  for (const auto& [round, it] : history.items) sent[round][it.county].insert(it.id);

  std::vector<SendbackStatusRow> rows;
  for (const SendbackRound& r : history.rounds) {
    auto& counties = sent[r.round];
    // A county with nothing in this round but items now: all of them are new.
    for (const auto& [county, ids] : now_of) counties[county];
    for (const auto& [county, ids] : counties) {
      SendbackStatusRow row;
      row.round = r.round, row.sent_at = r.sent_at, row.county = county;
      row.sent = ids.size();
      for (const std::string& id : ids) {
        if (!open_ids.count(id))
          ++row.closed;
        else if (auto at = replied.find({county, id}); at != replied.end() && at->second >= r.round)
          ++row.answered;
        else
          ++row.open;
      }
      auto it = now_of.find(county);
      if (it != now_of.end())
        for (const std::string& id : it->second) row.fresh += !ids.count(id);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

ReportTable sendbackStatusTable(const std::vector<SendbackStatusRow>& rows, const Schema& schema,
                                Lang lang) {
  auto L = [&](const char* k) { return reportLabel(schema, lang, k); };
  ReportTable t;
  t.id = "sendback_status";
  t.title = L("sendback-status");
  t.columns = {L("status-round"),  L("status-sent-at"),  L("status-county"), L("status-sent"),
               L("status-closed"), L("status-answered"), L("status-open"),   L("status-new")};
  t.label_columns = 3;
  auto count = [](size_t n) { return TableCell{TableCell::Kind::Count, "", double(n)}; };
  for (const SendbackStatusRow& r : rows)
    t.rows.push_back({TableCell{TableCell::Kind::Text, std::to_string(r.round), 0},
                      TableCell{TableCell::Kind::Text, r.sent_at, 0},
                      TableCell{TableCell::Kind::Text, unitName(schema, lang, r.county), 0},
                      count(r.sent), count(r.closed), count(r.answered), count(r.open),
                      count(r.fresh)});
  return t;
}

void writeSendbackStatusJson(const std::vector<SendbackStatusRow>& rows, const Schema& schema,
                             Lang lang, std::string* out) {
  JsonWriter w(out);
  w.beginObject();
  w.key("rounds");
  w.beginArray();
  for (size_t i = 0; i < rows.size(); ++i) {
    const SendbackStatusRow& r = rows[i];
    if (i == 0 || rows[i - 1].round != r.round) {
      w.beginObject();
      w.key("round");
      w.integer(r.round);
      w.key("sent_at");
      w.string(r.sent_at);
      w.key("counties");
      w.beginArray();
    }
    w.beginObject();
    w.key("county");
    w.string(r.county);
    w.key("name");
    w.string(unitName(schema, lang, r.county));
    const std::pair<const char*, size_t> counts[] = {{"sent", r.sent},
                                                     {"closed", r.closed},
                                                     {"answered", r.answered},
                                                     {"open", r.open},
                                                     {"new", r.fresh}};
    for (const auto& [k, n] : counts) w.key(k), w.integer((long long)n);
    w.endObject();
    if (i + 1 == rows.size() || rows[i + 1].round != r.round) w.endArray(), w.endObject();
  }
  w.endArray();
  w.endObject();
  *out += '\n';
}

}  // namespace vetkit
