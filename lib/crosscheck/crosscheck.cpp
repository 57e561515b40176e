#include "crosscheck/crosscheck.h"

#include <string.h>

#include <algorithm>
#include <deque>

#include "core/exit_status.h"
#include "core/packed_table.h"
#include "core/stable_id.h"
#include "record/value_equivalence.h"
#include "schema/divisions.h"
#include "text/id_number.h"

namespace vetkit {

namespace {

using Compare = DepartmentCheck::Compare;

// ---- A department's person, compactly: a million of them must fit in a few hundred MB ----
//
// The values of the checked fields (and the hukou division, the last slot) are one string:
// per slot a kind byte, a length byte pair and the payload; a set's items joined by \x1f.

void encodeSlot(std::string* out, const FieldValue& v) {
  // Written in place: this runs for every checked field of a million rows.
  size_t at = out->size();
  out->append(3, '\0');
  (*out)[at] = char(v.kind);
  if (v.kind == FieldValue::Kind::Array) {
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out->push_back('\x1f');
      out->append(v.items[i]);
    }
  } else if (v.kind == FieldValue::Kind::Bool) {
    out->push_back(v.boolean ? '1' : '0');
  } else if (v.kind != FieldValue::Kind::Absent) {
    out->append(v.text);
  }
  size_t n = out->size() - at - 3;
  if (n > 0xffff) out->resize(at + 3 + 0xffff), n = 0xffff;  // a longer cell is cut
  (*out)[at + 1] = char(n & 0xff);
  (*out)[at + 2] = char(n >> 8);
}

// Into `*into`, whose values (and their strings' buffers) are reused: this runs for every
// person matched.
void decodeSlots(std::string_view enc, size_t count, std::vector<FieldValue>* into) {
  std::vector<FieldValue>& out = *into;
  out.resize(count);
  for (FieldValue& v : out) v.kind = FieldValue::Kind::Absent, v.text.clear(), v.items.clear();
  const char* p = enc.data();
  const char* end = p + enc.size();
  for (size_t i = 0; i < count && p + 3 <= end; ++i) {
    auto kind = FieldValue::Kind(*p);
    size_t n = size_t(static_cast<unsigned char>(p[1])) | size_t(static_cast<unsigned char>(p[2]))
                                                              << 8;
    std::string_view payload(p + 3, n);
    p += 3 + n;
    FieldValue& v = out[i];
    v.kind = kind;
    if (kind == FieldValue::Kind::Array) {
      size_t start = 0;
      while (start <= payload.size() && !payload.empty()) {
        size_t sep = payload.find('\x1f', start);
        if (sep == std::string_view::npos) sep = payload.size();
        v.items.emplace_back(payload.substr(start, sep - start));
        start = sep + 1;
      }
    } else if (kind == FieldValue::Kind::Bool) {
      v.boolean = payload == "1";
    } else {
      v.text.assign(payload);
    }
  }
}

std::vector<FieldValue> decodeSlots(std::string_view enc, size_t count) {
  std::vector<FieldValue> out;
  decodeSlots(enc, count, &out);
  return out;
}

// Combines a later row of the same person into `into`: a set gathers every row's items (one
// row per insurance type), a single value keeps the first row's unless it was empty.
void combine(FieldValue* into, const FieldValue& v) {
  if (!v.present()) return;
  if (!into->present()) {
    *into = v;
    return;
  }
  if (into->kind == FieldValue::Kind::Array && v.kind == FieldValue::Kind::Array)
    for (const std::string& item : v.items)
      if (std::find(into->items.begin(), into->items.end(), item) == into->items.end())
        into->items.push_back(item);
}

struct Theirs {
  std::string name, values, at, status;
  uint64_t key = 0;
  bool matched = false;
  bool active = false;  // some row of theirs counts (a listed person whose rows all do not, is not)
};

// The items of a set that the department holds, in code order (what it can confirm).
FieldValue heldPart(const FieldValue& v, const std::vector<std::string>& holds) {
  FieldValue out;
  out.kind = FieldValue::Kind::Array;
  for (const std::string& code : holds)
    if (v.kind == FieldValue::Kind::Array &&
        std::find(v.items.begin(), v.items.end(), code) != v.items.end())
      out.items.push_back(code);
  if (out.items.empty()) out.kind = FieldValue::Kind::Absent;
  return out;
}

bool yes(const FieldValue& v) {
  return v.kind == FieldValue::Kind::Bool && v.boolean;
}

FieldValue boolValue(bool b) {
  FieldValue v;
  v.kind = FieldValue::Kind::Bool;
  v.boolean = b;
  return v;
}

// The value of the department's status column on a row, from the line's `_extra` (the
// importer keeps columns that name no field there, under their header as written): the first
// of the headers the profile allows that the row has.
// `needles`: each header as a JSON key with its opening quote ("户籍状态":"), made once.
std::string extraValue(const std::string& line, const std::vector<std::string>& needles) {
  if (needles.empty()) return "";
  // memmem (two-way search), not std::string::find: a line has a quote every few bytes, and
  // find stops at each to compare; this runs for every row of the extract.
  auto find = [&](std::string_view needle, size_t from) {
    const void* p = memmem(line.data() + from, line.size() - from, needle.data(), needle.size());
    return p ? size_t(static_cast<const char*>(p) - line.data()) : std::string::npos;
  };
  size_t extra = find("\"_extra\":{", 0);
  if (extra == std::string::npos) return "";
  for (const std::string& needle : needles) {
    size_t at = find(needle, extra);
    if (at == std::string::npos) continue;
    size_t b = at + needle.size(), e = b;
    while (e < line.size() && line[e] != '"') e += line[e] == '\\' ? 2 : 1;
    return line.substr(b, std::min(e, line.size()) - b);
  }
  return "";
}

// Two dates of which one is only more precise (1983-10 and 1983-10-05) agree: departments
// keep service dates to the month, counties often to the day, or the other way round.
bool sameDateAtCoarser(const Field& f, const FieldValue& a, const FieldValue& b) {
  if (f.type != FieldType::Date || a.kind != FieldValue::Kind::String ||
      b.kind != FieldValue::Kind::String || a.text.size() == b.text.size())
    return false;
  const std::string& shorter = a.text.size() < b.text.size() ? a.text : b.text;
  const std::string& longer = a.text.size() < b.text.size() ? b.text : a.text;
  return shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0 &&
         longer[shorter.size()] == '-';
}

std::string_view textView(const Record& r, const Field* f) {
  if (!f || f->index >= r.fields.size()) return {};
  const FieldValue& v = r.fields[f->index];
  return v.kind == FieldValue::Kind::String ? std::string_view(v.text) : std::string_view();
}

std::string textOf(const Record& r, const Field* f) {
  if (!f || f->index >= r.fields.size()) return "";
  const FieldValue& v = r.fields[f->index];
  return v.kind == FieldValue::Kind::String ? v.text : "";
}

// The rows of a person in the department's file, kept as one string of "sheet:row" words.
std::vector<std::string> splitRows(const std::string& at) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < at.size()) {
    size_t sp = at.find(' ', start);
    if (sp == std::string::npos) sp = at.size();
    out.push_back(at.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

std::string location(const Record& r) {
  std::string at = r.src;
  if (!r.sheet.empty()) at += ":" + r.sheet;
  if (r.row) at += ":" + std::to_string(r.row);
  return at;
}

}  // namespace

const char* crossKindName(CrossFinding::Kind kind) {
  switch (kind) {
    case CrossFinding::Kind::Disagree:
      return "disagree";
    case CrossFinding::Kind::OnlyOurs:
      return "only-ours";
    case CrossFinding::Kind::OnlyTheirs:
      return "only-theirs";
    case CrossFinding::Kind::NotCollected:
      return "not-collected";
  }
  return "";
}

std::string crossFieldId(const CrossFinding& f) {
  return f.field ? f.field->id : !f.status.empty() ? "_status" : "_person";
}

std::string crossFindingId(const DepartmentProfile& dept, const CrossFinding& f) {
  return stableItemId('X', {dept.id(), f.key, crossFieldId(f), crossKindName(f.kind)});
}

int crossCheck(const Schema& schema, const DepartmentProfile& dept, const std::string& ours,
               const std::string& theirs, const CrossOptions& options, CrossSink* sink,
               const DiagnosticSink& diag, CrossStats* stats, std::string* err) {
  *stats = CrossStats{};
  const Field* id_field = schema.field("id_number");
  const Field* name_field = schema.field("name");
  const Field* hukou_field = schema.field("hukou_division");
  const Field* unit_field = schema.field("unit");
  const Field* category_field = schema.categoryField();
  const CodeTable* units = schema.table("units");
  const std::vector<DepartmentCheck>& checks = dept.checks();
  const size_t slots = checks.size() + 1;  // the checked fields, then the hukou division

  // ---- THEIRS: each person once, their rows combined ----
  std::deque<Theirs> people;  // grows without moving what it holds
  PackedMap<uint32_t> index(1 << 16);
  ImportOptions import = options.import;
  import.profile = &dept.columns();
  // Columns the department keeps for itself (户号, 与户主关系 ...) are no finding of ours.
  DiagnosticSink theirs_diag = [&](const Diagnostic& d) {
    if (d.code.rfind("unknown-column", 0) == 0 || d.code == "missing-column") return;
    diag(d);
  };
  std::vector<std::string> status_needles;
  for (const std::string& h : dept.statusColumns()) status_needles.push_back("\"" + h + "\":\"");
  RecordSourceEvents their_events;
  their_events.diagnostic = theirs_diag;
  their_events.record = [&](Record& r) {
    ++stats->theirs_rows;
    uint64_t key = packIdNumber(textView(r, id_field));
    if (!key) {
      ++stats->keyless;
      return true;
    }
    std::string status = extraValue(r.line, status_needles);
    bool counts = !dept.statusInactive(status);
    bool created = false;
    uint32_t& slot = index.insert(key, &created);
    if (created) {
      slot = uint32_t(people.size() + 1);
      people.emplace_back();
      people.back().key = key;
    }
    Theirs& t = people[slot - 1];
    if (t.name.empty()) t.name = textOf(r, name_field);
    if (!t.at.empty()) t.at += ' ';
    t.at += r.sheet.empty() ? std::to_string(r.row) : r.sheet + ":" + std::to_string(r.row);
    if (dept.statusProblem(status)) t.status = status;
    t.active = t.active || counts;
    static const FieldValue kAbsent;
    auto field = [&](const Field* f) -> const FieldValue& {
      return f && f->index < r.fields.size() ? r.fields[f->index] : kAbsent;
    };
    if (created) {  // the common case, one row a person: encoded straight from the record
      for (const DepartmentCheck& c : checks)
        encodeSlot(&t.values, counts ? field(c.field) : kAbsent);
      encodeSlot(&t.values, field(hukou_field));
      return true;
    }
    std::vector<FieldValue> values = decodeSlots(t.values, slots);
    if (counts)
      for (size_t i = 0; i < checks.size(); ++i) combine(&values[i], field(checks[i].field));
    combine(&values[slots - 1], field(hukou_field));
    t.values.clear();
    for (const FieldValue& v : values) encodeSlot(&t.values, v);
    return true;
  };
  if (!readRecords(schema, theirs, import, their_events, err)) return kExitTrouble;
  stats->theirs_people = people.size();

  auto emit = [&](CrossFinding& f) {
    f.county = sendbackCounty(units, f.hukou_division, f.unit, true);
    switch (f.kind) {
      case CrossFinding::Kind::Disagree:
        ++stats->disagree;
        break;
      case CrossFinding::Kind::OnlyOurs:
        ++stats->only_ours;
        break;
      case CrossFinding::Kind::OnlyTheirs:
        ++stats->only_theirs;
        break;
      case CrossFinding::Kind::NotCollected:
        ++stats->not_collected;
        break;
    }
    sink->finding(f);
  };

  // ---- OURS, streamed against them ----
  bool trouble = false;
  RecordSourceEvents our_events;
  our_events.diagnostic = [&](const Diagnostic& d) {
    if (d.code == "bad-line") trouble = true;
    diag(d);
  };
  std::vector<FieldValue> values;  // theirs of the person at hand, reused
  our_events.record = [&](Record& r) {
    if (sink->stopped()) return false;
    ++stats->ours;
    std::string_view id = textView(r, id_field);
    uint64_t key = packIdNumber(id);
    if (!key) {
      ++stats->keyless;
      return true;
    }
    static const FieldValue kNone;
    auto ours = [&](const Field* f) -> const FieldValue& {
      return f->index < r.fields.size() ? r.fields[f->index] : kNone;
    };
    const uint32_t* slot = index.find(key);
    Theirs* t = slot ? &people[*slot - 1] : nullptr;
    // A finding's common part, built only when there is one: most people agree.
    auto base = [&] {
      CrossFinding f;
      f.key.assign(id);
      f.name = textOf(r, name_field);
      f.hukou_division = textOf(r, hukou_field);
      f.unit = textOf(r, unit_field);
      f.ours_at = location(r);
      if (t) f.theirs_at = splitRows(t->at);
      return f;
    };
    if (t) {
      ++stats->matched;
      t->matched = true;
      decodeSlots(t->values, slots, &values);
      if (!t->status.empty()) {
        CrossFinding f = base();
        f.status = t->status;
        emit(f);
      }
    } else if (dept.covers() == DepartmentProfile::Covers::All) {
      const auto& cats = dept.categories();
      std::string cat = textOf(r, category_field);
      if (cats.empty() || std::find(cats.begin(), cats.end(), cat) != cats.end()) {
        CrossFinding f = base();
        f.kind = CrossFinding::Kind::OnlyOurs;
        emit(f);
      }
      return true;
    } else if (dept.covers() == DepartmentProfile::Covers::None) {
      return true;
    }
    for (size_t i = 0; i < checks.size(); ++i) {
      const DepartmentCheck& c = checks[i];
      const FieldValue& as_is = ours(c.field);
      FieldValue mine, theirs_value = t ? std::move(values[i]) : FieldValue{};
      bool differ = false;
      switch (c.compare) {
        case Compare::Equal:
          differ = theirs_value.present() && !sameValue(*c.field, as_is, theirs_value) &&
                   !sameDateAtCoarser(*c.field, as_is, theirs_value);
          break;
        case Compare::OnList: {
          // Listed is 是 unless the list itself says otherwise; not listed is 否.
          bool listed = t && t->active &&
                        (theirs_value.present() ? yes(theirs_value)
                                                : dept.rows() == DepartmentProfile::Rows::List);
          theirs_value = boolValue(listed);
          differ = yes(as_is) != listed;
          break;
        }
        case Compare::Subset:
          mine = heldPart(as_is, c.holds);
          theirs_value = heldPart(theirs_value, c.holds);
          differ = !sameValue(*c.field, mine, theirs_value);
          break;
        case Compare::Present:
          differ = theirs_value.present() && !as_is.present();
          break;
      }
      if (!differ) continue;
      CrossFinding f = base();
      f.field = c.field;
      f.ours = c.compare == Compare::Subset ? std::move(mine) : as_is;
      f.theirs = std::move(theirs_value);
      emit(f);
    }
    return true;
  };
  bool read_ok = options.read_ours ? options.read_ours(ours, our_events, err)
                                   : readRecords(schema, ours, options.import, our_events, err);
  if (!read_ok) return kExitTrouble;

  // ---- People only in theirs, in their order ----
  if (dept.unmatched() != DepartmentProfile::Unmatched::Ignore && !sink->stopped()) {
    for (const Theirs& t : people) {
      // A person the department itself lists as dead or gone is nobody to collect.
      if (t.matched || !t.status.empty()) continue;
      CrossFinding f;
      f.kind = dept.roster() ? CrossFinding::Kind::NotCollected : CrossFinding::Kind::OnlyTheirs;
      f.key = unpackIdNumber(t.key);
      f.name = t.name;
      std::vector<FieldValue> values = decodeSlots(t.values, slots);
      if (values.back().kind == FieldValue::Kind::String) f.hukou_division = values.back().text;
      f.theirs_at = splitRows(t.at);
      emit(f);
    }
  }
  sink->finish(*stats);
  if (trouble) return kExitTrouble;
  return stats->findings() ? kExitFindings : kExitOk;
}

}  // namespace vetkit
