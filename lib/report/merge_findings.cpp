#include "report/merge_findings.h"

#include "core/text_catalogue.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "record/json_line.h"

namespace vetkit {

namespace od = simdjson::ondemand;

std::vector<std::string> MergeConflict::units() const {
  std::vector<std::string> out;
  for (const ConflictValue& v : values)
    if (std::find(out.begin(), out.end(), v.unit) == out.end()) out.push_back(v.unit);
  return out;
}

namespace {

// A value as text: a string unquoted, null empty, anything else (a number, a set) as its JSON.
bool text(od::value v, std::string* out) {
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::string) {
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out->assign(s);
  } else if (type == od::json_type::null) {
    out->clear();
  } else {
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n')) raw.remove_suffix(1);
    out->assign(raw);
  }
  return true;
}

bool number(od::value v, long* out) {
  int64_t n;
  if (v.get_int64().get(n)) return false;
  *out = long(n);
  return true;
}

bool conflictValue(od::object o, ConflictValue* cv) {
  for (auto f : o) {
    std::string_view k;
    if (f.unescaped_key().get(k)) return false;
    od::value v = f.value();
    bool ok = k == "value"    ? text(v, &cv->value)
              : k == "_src"   ? text(v, &cv->src)
              : k == "_sheet" ? text(v, &cv->sheet)
              : k == "unit"   ? text(v, &cv->unit)
              : k == "_col"   ? text(v, &cv->column)
              : k == "_row"   ? number(v, &cv->row)
                              : true;
    if (!ok) return false;
  }
  return true;
}

bool conflict(od::object o, MergeConflict* c) {
  bool has_values = false;
  for (auto f : o) {
    std::string_view k;
    if (f.unescaped_key().get(k)) return false;
    od::value v = f.value();
    if (k == "values") {
      od::array a;
      if (v.get_array().get(a)) return false;
      for (auto item : a) {
        od::object vo;
        if (item.get_object().get(vo)) return false;
        c->values.emplace_back();
        if (!conflictValue(vo, &c->values.back())) return false;
      }
      has_values = true;
      continue;
    }
    bool ok = k == "key"      ? text(v, &c->key)
              : k == "name"   ? text(v, &c->name)
              : k == "field"  ? text(v, &c->field)
              : k == "chosen" ? text(v, &c->chosen)
              : k == "rule"   ? text(v, &c->rule)
                              : true;
    if (!ok) return false;
  }
  return has_values && !c->key.empty() && !c->field.empty();
}

bool person(od::object o, CandidatePerson* p) {
  for (auto f : o) {
    std::string_view k;
    if (f.unescaped_key().get(k)) return false;
    od::value v = f.value();
    bool ok = k == "key"    ? text(v, &p->key)
              : k == "name" ? text(v, &p->name)
              : k == "_src" ? text(v, &p->src)
              : k == "unit" ? text(v, &p->unit)
              : k == "_row" ? number(v, &p->row)
                            : true;
    if (!ok) return false;
  }
  return !p->key.empty();
}

bool candidate(od::object o, MergeCandidate* c) {
  bool a = false, b = false;
  for (auto f : o) {
    std::string_view k;
    if (f.unescaped_key().get(k)) return false;
    od::value v = f.value();
    od::object po;
    if (k == "reason") {
      if (!text(v, &c->reason)) return false;
    } else if (k == "why") {
      if (!text(v, &c->why)) return false;
    } else if (k == "score") {
      if (v.get_double().get(c->score)) return false;
    } else if (k == "a" || k == "b") {
      if (v.get_object().get(po) || !person(po, k == "a" ? &c->a : &c->b)) return false;
      (k == "a" ? a : b) = true;
    }
  }
  return a && b;
}

bool crossItem(od::object o, CrossItem* c) {
  for (auto f : o) {
    std::string_view k;
    if (f.unescaped_key().get(k)) return false;
    od::value v = f.value();
    if (k == "theirs_rows") {
      od::array a;
      if (v.get_array().get(a)) return false;
      for (auto item : a) {
        c->theirs_rows.emplace_back();
        if (!text(item.value(), &c->theirs_rows.back())) return false;
      }
      continue;
    }
    std::string* out = k == "id"               ? &c->id
                       : k == "dept"           ? &c->dept
                       : k == "department"     ? &c->department
                       : k == "key"            ? &c->key
                       : k == "name"           ? &c->name
                       : k == "field"          ? &c->field
                       : k == "kind"           ? &c->kind
                       : k == "ours"           ? &c->ours
                       : k == "theirs"         ? &c->theirs
                       : k == "hukou_division" ? &c->hukou_division
                       : k == "unit"           ? &c->unit
                       : k == "county"         ? &c->county
                       : k == "ours_at"        ? &c->ours_at
                                               : nullptr;
    if (out && !text(v, out)) return false;
  }
  return !c->id.empty() && !c->key.empty() && !c->kind.empty();
}

template <typename Parse>
bool readLines(const std::string& path, const char* what, Parse parse, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path + ": " + tr("cannot open: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  PaddedJsonLine json;
  std::string line;
  for (long n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    od::object o;
    if (!json.open(line, &o) || !parse(o)) {
      *err = path + ":" + std::to_string(n) + ": not a " + what;
      return false;
    }
  }
  if (in.bad()) {
    *err = path + ": " + tr("cannot read: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  return true;
}

}  // namespace

bool readConflicts(const std::string& path, MergeFindings* out, std::string* err) {
  return readLines(
      path, "--conflicts line of vetmerge",
      [&](od::object o) {
        out->conflicts.emplace_back();
        return conflict(o, &out->conflicts.back());
      },
      err);
}

bool readCrossItems(const std::string& path, std::vector<CrossItem>* out, std::string* err) {
  return readLines(
      path, "--findings line of vetdiff --dept --format json",
      [&](od::object o) {
        out->emplace_back();
        return crossItem(o, &out->back());
      },
      err);
}

bool readCandidates(const std::string& path, MergeFindings* out, std::string* err) {
  return readLines(
      path, "--candidates line of vetmerge",
      [&](od::object o) {
        out->candidates.emplace_back();
        return candidate(o, &out->candidates.back());
      },
      err);
}

}  // namespace vetkit
