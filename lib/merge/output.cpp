#include "merge/output.h"

#include <simdjson.h>

#include <cstdio>

#include "record/json_line.h"
#include "record/json_writer.h"

namespace vetkit {

namespace od = simdjson::ondemand;

struct MergedWriter::Impl {
  const Schema& schema;
  PaddedJsonLine json;
  std::string key;

  explicit Impl(const Schema& s) : schema(s) {}

  // Calls fn(key, raw value) for each member of the object `line`.
  template <typename Fn>
  bool members(std::string_view line, Fn fn) {
    od::object obj;
    if (!json.open(line, &obj)) return false;
    for (auto member : obj) {
      std::string_view k, raw;
      if (member.unescaped_key().get(k)) return false;
      key.assign(k);
      od::value v;
      if (member.value().get(v) || !rawJson(v, &raw)) return false;
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
      fn(std::string_view(key), raw);
    }
    return true;
  }

  // The value's JSON text as written (this simdjson has raw_json() only on containers).
  static bool rawJson(od::value v, std::string_view* raw) {
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
    return true;
  }
};

bool isProvenanceKey(std::string_view k) {
  return k == "_src" || k == "_sheet" || k == "_row" || k == "_columns" || k == "_sources" ||
         k == "_unit_note" || k == "_title";
}

MergedWriter::MergedWriter(const Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
MergedWriter::~MergedWriter() = default;

// Provenance as found in a line: raw JSON values, empty when missing.
struct RawProvenance {
  std::string src, sheet, row, sources;
  void take(std::string_view k, std::string_view raw) {
    if (k == "_src")
      src.assign(raw);
    else if (k == "_sheet")
      sheet.assign(raw);
    else if (k == "_row")
      row.assign(raw);
    else if (k == "_sources")
      sources.assign(raw);
  }
};

// One `_sources` entry; a record that was merged before brings its own entries instead.
static void appendSource(const SourceTag& t, const RawProvenance& raw, std::string* out) {
  if (out->back() != '[') *out += ',';
  if (raw.sources.size() > 2) {
    out->append(raw.sources.substr(1, raw.sources.size() - 2));
    return;
  }
  *out += "{\"file\":";
  if (!raw.src.empty())
    out->append(raw.src);
  else
    JsonWriter::appendQuoted(out, t.src);
  if (!raw.sheet.empty() || !t.sheet.empty()) {
    out->append(",\"sheet\":");
    if (!raw.sheet.empty())
      out->append(raw.sheet);
    else
      JsonWriter::appendQuoted(out, t.sheet);
  }
  out->append(",\"row\":");
  out->append(!raw.row.empty() ? raw.row : std::to_string(t.row));
  out->append(",\"unit\":");
  JsonWriter::appendQuoted(out, t.unit);
  if (t.batch) {
    out->append(",\"batch\":");
    out->append(std::to_string(t.batch));
  }
  *out += '}';
}

bool MergedWriter::writeSingle(std::string_view line, const SourceTag& tag, std::string_view extra,
                               std::string* out) {
  size_t start = out->size();
  *out += '{';
  RawProvenance raw;
  bool ok = impl_->members(line, [&](std::string_view k, std::string_view v) {
    raw.take(k, v);
    if (isProvenanceKey(k)) return;
    if (out->back() != '{') *out += ',';
    JsonWriter::appendQuoted(out, k);
    *out += ':';
    out->append(v);
  });
  if (!ok) return out->resize(start), false;
  if (out->back() != '{') *out += ',';
  out->append("\"_sources\":[");
  appendSource(tag, raw, out);
  *out += ']';
  if (!extra.empty()) *out += ',', out->append(extra);
  out->append("}\n");
  return true;
}

void appendFieldValue(const FieldValue& v, std::string* out) {
  switch (v.kind) {
    case FieldValue::Kind::Absent:
      out->append("null");
      break;
    case FieldValue::Kind::String:
      JsonWriter::appendQuoted(out, v.text);
      break;
    case FieldValue::Kind::Number:
    case FieldValue::Kind::Other:
      out->append(v.text);
      break;
    case FieldValue::Kind::Bool:
      out->append(v.boolean ? "true" : "false");
      break;
    case FieldValue::Kind::Array:
      *out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) *out += ',';
        JsonWriter::appendQuoted(out, v.items[i]);
      }
      *out += ']';
      break;
  }
}

bool MergedWriter::writeMerged(const std::vector<MergeSource>& sources,
                               const std::vector<FieldResolution>& fields,
                               const std::vector<SourceTag>& tags, std::string_view extra,
                               std::string* out) {
  size_t start = out->size();
  *out += '{';
  const std::vector<Field>& schema_fields = impl_->schema.fields();
  for (const FieldResolution& r : fields) {
    if (r.chosen < 0) continue;
    if (out->back() != '{') *out += ',';
    JsonWriter::appendQuoted(out, schema_fields[r.field].id);
    *out += ':';
    appendFieldValue(sources[r.chosen].record->fields[r.field], out);
  }
  // The other `_` keys (_extra, _id15, _issues ...) of the first source.
  bool ok = impl_->members(sources[0].record->line, [&](std::string_view k, std::string_view raw) {
    if (k.empty() || k[0] != '_' || isProvenanceKey(k)) return;
    if (out->back() != '{') *out += ',';
    JsonWriter::appendQuoted(out, k);
    *out += ':';
    out->append(raw);
  });
  if (!ok) return out->resize(start), false;
  if (out->back() != '{') *out += ',';
  out->append("\"_sources\":[");
  for (size_t i = 0; i < sources.size(); ++i) {
    RawProvenance raw;
    impl_->members(sources[i].record->line,
                   [&](std::string_view k, std::string_view v) { raw.take(k, v); });
    appendSource(tags[i], raw, out);
  }
  *out += ']';
  if (!extra.empty()) *out += ',', out->append(extra);
  out->append("}\n");
  return true;
}

void appendConflict(std::string_view key, std::string_view name, const Field& field,
                    const std::vector<MergeSource>& sources, const std::vector<SourceTag>& tags,
                    const FieldResolution& r, std::string* out) {
  out->append("{\"key\":");
  JsonWriter::appendQuoted(out, key);
  if (!name.empty()) {
    out->append(",\"name\":");
    JsonWriter::appendQuoted(out, name);
  }
  out->append(",\"field\":");
  JsonWriter::appendQuoted(out, field.id);
  out->append(",\"values\":[");
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i) *out += ',';
    out->append("{\"value\":");
    appendFieldValue(sources[i].record->fields[field.index], out);
    out->append(",\"_src\":");
    JsonWriter::appendQuoted(out, tags[i].src);
    if (!tags[i].sheet.empty()) {
      out->append(",\"_sheet\":");
      JsonWriter::appendQuoted(out, tags[i].sheet);
    }
    out->append(",\"_row\":");
    out->append(std::to_string(tags[i].row));
    if (const std::string& col = sources[i].record->column(field.index); !col.empty()) {
      out->append(",\"_col\":");
      JsonWriter::appendQuoted(out, col);
    }
    out->append(",\"unit\":");
    JsonWriter::appendQuoted(out, tags[i].unit);
    *out += '}';
  }
  out->append("],\"chosen\":");
  if (r.chosen < 0)
    out->append("null");
  else
    appendFieldValue(sources[r.chosen].record->fields[field.index], out);
  out->append(",\"rule\":");
  JsonWriter::appendQuoted(out, mergeRuleName(r.rule));
  out->append("}\n");
}

static void appendPerson(const PersonRef& p, std::string* out) {
  out->append("{\"key\":");
  JsonWriter::appendQuoted(out, p.key);
  out->append(",\"name\":");
  JsonWriter::appendQuoted(out, p.name);
  out->append(",\"_src\":");
  JsonWriter::appendQuoted(out, p.src);
  if (!p.sheet.empty()) {
    out->append(",\"_sheet\":");
    JsonWriter::appendQuoted(out, p.sheet);
  }
  out->append(",\"_row\":");
  out->append(std::to_string(p.row));
  *out += '}';
}

void appendCandidate(const Candidate& c, std::string_view why, std::string* out) {
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", c.score);
  out->append("{\"reason\":");
  JsonWriter::appendQuoted(out, c.reason);
  out->append(",\"score\":");
  out->append(score);
  out->append(",\"evidence\":[");
  for (size_t i = 0; i < c.evidence.size(); ++i) {
    if (i) *out += ',';
    JsonWriter::appendQuoted(out, c.evidence[i]);
  }
  out->append("],\"why\":");
  JsonWriter::appendQuoted(out, why);
  out->append(",\"a\":");
  appendPerson(*c.a, out);
  out->append(",\"b\":");
  appendPerson(*c.b, out);
  out->append("}\n");
}

}  // namespace vetkit
