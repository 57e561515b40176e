#include "merge/sendback_replies.h"

#include <algorithm>
#include <map>

#include "core/path.h"
#include "core/text_catalogue.h"
#include "import/normalize.h"
#include "io/input.h"
#include "merge/output.h"
#include "record/json_line.h"
#include "record/json_writer.h"
#include "record/record_reader.h"
#include "schema/divisions.h"

namespace vetkit {

namespace od = simdjson::ondemand;

namespace {

// The value's JSON text as written (this simdjson has raw_json() only on containers).
bool rawJson(od::value v, std::string_view* raw) {
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::object) {
    od::object o;
    return !v.get_object().get(o) && !o.raw_json().get(*raw);
  }
  if (type == od::json_type::array) {
    od::array a;
    return !v.get_array().get(a) && !a.raw_json().get(*raw);
  }
  *raw = v.raw_json_token();
  while (!raw->empty() && (raw->back() == ' ' || raw->back() == '\n' || raw->back() == '\r'))
    raw->remove_suffix(1);
  return true;
}

// A typed value as the record stream's JSON for `field` ("" when empty).
std::string jsonValue(const Normalizer& normalizer, const Field& field, const std::string& typed) {
  Cell cell;
  cell.text = typed;
  Normalized n;
  normalizer.normalize(field, cell, &n);
  std::string out;
  switch (n.kind) {
    case Normalized::Kind::Empty:
      break;
    case Normalized::Kind::Number:
      out.assign(n.value);
      break;
    case Normalized::Kind::Bool:
      out = n.boolean ? "true" : "false";
      break;
    case Normalized::Kind::Array:
      out = "[";
      for (const std::string& item : n.items) {
        if (out.size() > 1) out += ',';
        JsonWriter::appendQuoted(&out, item);
      }
      out += ']';
      break;
    case Normalized::Kind::String:
      JsonWriter::appendQuoted(&out, n.value);
      break;
  }
  return out;
}

// One person's revisions: the record they are applied to, and the fields with their values.
struct Revision {
  std::string line, sheet;
  long row = 0;
  std::map<std::string, std::string> values;  // field → JSON value
};

// `line` with `values` in place of its own, and the package row as its provenance.
bool revised(std::string_view line, const Revision& r, const std::string& src, std::string* out) {
  PaddedJsonLine json;
  od::object obj;
  if (!json.open(line, &obj)) return false;
  *out = "{";
  for (auto member : obj) {
    std::string_view k, raw;
    od::value v;
    if (member.unescaped_key().get(k) || member.value().get(v) || !rawJson(v, &raw)) return false;
    std::string key(k);
    // The reply's values replace the stored ones; where the stored line came from, and the
    // store's own stamps, are not the reply's.
    if (r.values.count(key) || isProvenanceKey(key) || key == "_absent_from" || key == "_version")
      continue;
    if (out->size() > 1) *out += ',';
    JsonWriter::appendQuoted(out, key);
    *out += ':';
    out->append(raw);
  }
  for (const auto& [field, value] : r.values) {
    if (value.empty()) continue;
    if (out->size() > 1) *out += ',';
    JsonWriter::appendQuoted(out, field);
    *out += ':' + value;
  }
  *out += out->size() > 1 ? ",\"_src\":" : "\"_src\":";
  JsonWriter::appendQuoted(out, src);
  *out += ",\"_sheet\":";
  JsonWriter::appendQuoted(out, r.sheet);
  *out += ",\"_row\":" + std::to_string(r.row) + "}";
  return true;
}

}  // namespace

std::string repliesCounty(const std::string& unit, const std::string& path) {
  if (!unit.empty()) return unit;
  std::string name = baseName(path);
  if (name.size() > 6 && name[6] == '-' && name.find_first_not_of("0123456789") == 6)
    return name.substr(0, 6);
  return "";
}

bool readReplies(const Schema& schema, Store& store, const std::string& path,
                 const std::string& shown, const std::string& county,
                 const RecordSourceEvents& events, RepliesRead* out, std::string* err) {
  SendbackLog* log = store.sendbackLog();
  if (!log) return *err = tr("this store keeps no send-back rounds"), false;
  // The county's items, as its latest package named them, and that package's round: the
  // round a reply answers (rounds come in order).
  std::map<std::string, std::pair<int64_t, SendbackLogItem>> items;
  if (!log->forEachItem([&](int64_t round, const SendbackLogItem& it) {
        if (it.county == county) items[it.id] = {round, it};
      }))
    return *err = store.error(), false;

  std::unique_ptr<Workbook> book = openTable(path, {}, err);
  if (!book) return false;
  // The columns by their headings, in either language.
  auto heading = [&](const char* key) {
    std::vector<std::string> all;
    for (Lang l : {Lang::Zh, Lang::En}) all.push_back(schema.messages().format(key, l, {}));
    return all;
  };
  const std::vector<std::string> heads[] = {
      heading("report-col-item"), heading("report-reply-result"), heading("report-reply-value"),
      heading("report-reply-note")};
  Normalizer normalizer(schema);
  RecordReader reader(schema);
  Record person;
  std::string why;
  std::map<std::string, Revision> revisions;  // by key
  std::vector<std::string> order;             // keys, in the order first revised
  const CodeTable* units = schema.table("units");
  const Field* hukou = schema.field("hukou_division");
  const Field* unit = schema.field("unit");
  auto text = [&](const Field* f) -> std::string_view {
    return f && f->index < person.fields.size() ? std::string_view(person.fields[f->index].text)
                                                : std::string_view();
  };
  bool store_failed = false;
  for (size_t s = 0; s < book->sheets().size(); ++s) {
    const std::string& sheet = book->sheets()[s].name;
    int cols[4] = {-1, -1, -1, -1};
    bool ok = book->readSheet(
        s,
        [&](const Row& row) {
          std::string cell[4];
          for (const Cell& c : row.cells)
            for (int i = 0; i < 4; ++i) {
              if (row.number == 1 &&
                  std::find(heads[i].begin(), heads[i].end(), c.text) != heads[i].end())
                cols[i] = c.col;
              else if (c.col == cols[i])
                cell[i] = c.text;
            }
          const std::string &id = cell[0], &result = cell[1], &value = cell[2], &note = cell[3];
          if (row.number == 1 || id.empty() || (result.empty() && value.empty() && note.empty()))
            return true;
          auto refuse = [&](const char* code, MessageArgs args) {
            out->refused.push_back({sheet, row.number, code, std::move(args)});
            return true;
          };
          auto it = items.find(id);
          if (it == items.end()) return refuse("reply-not-in-package", {{"item", id}});
          const auto& [round, item] = it->second;
          if (!value.empty() && !item.field.empty()) {
            const Field* f = schema.field(item.field);
            std::string line, others;
            bool own = false;
            if (!store.forEachLive(item.key, [&](const LiveVersion& v) {
                  // The county's own version when it has one, else the latest.
                  if (line.empty() || v.unit == county) line.assign(v.json);
                  if (v.unit == county) own = true;
                  const CodeEntry* e = units ? units->find(v.unit) : nullptr;
                  std::string name = e ? e->label : std::string(v.unit);
                  if (v.unit != county && others.find(name) == std::string::npos)
                    others += (others.empty() ? "" : "、") + name;
                }))
              return store_failed = true, false;
            if (!f || line.empty() || !reader.parse(line, &person, &why))
              return refuse("reply-no-person", {{"item", id}, {"key", item.shown_key}});
            // A county corrects only what it collected: a value for someone only another
            // unit's batches list would make the county a second source of the person.
            if (!own)
              return refuse("reply-not-collected",
                            {{"item", id}, {"key", item.shown_key}, {"units", others}});
            if (sendbackCounty(units, text(hukou), text(unit), true) != county &&
                sendbackCounty(units, "", text(unit), false) != county)
              return refuse("reply-not-county-person", {{"item", id}, {"key", item.shown_key}});
            auto [rev, fresh] = revisions.try_emplace(item.key);
            if (fresh)
              rev->second.line = line, rev->second.sheet = sheet, rev->second.row = row.number;
            if (fresh) order.push_back(item.key);
            rev->second.values[item.field] = jsonValue(normalizer, *f, value);
          }
          out->replies.push_back({id, county, result, value, note, 0, round});
          return true;
        },
        err);
    if (store_failed) return *err = store.error(), false;
    if (!ok) return false;
  }
  std::string src = baseName(shown), line;
  for (const std::string& key : order) {
    const Revision& r = revisions[key];
    if (!revised(r.line, r, src, &line) || !reader.parse(line, &person, &why))
      return *err = shown + ": " + why, false;
    if (!events.record(person)) break;
  }
  return true;
}

}  // namespace vetkit
