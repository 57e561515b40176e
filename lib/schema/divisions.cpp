#include "schema/divisions.h"

#include "core/text_catalogue.h"
#include "schema/schema.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace vetkit {

bool Divisions::load(const std::string& path, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = path + ": " + tr("cannot open division table");
    return false;
  }
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t'), t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos || t1 != 6) {
      *err = path + ":" + std::to_string(line_no) + ": " + tr("expected code<TAB>status<TAB>name");
      return false;
    }
    Division d{line.substr(0, 6), line.substr(t2 + 1),
               line.substr(t1 + 1, t2 - t1 - 1) == "current"};
    by_code_.emplace(d.code, entries_.size());
    entries_.push_back(std::move(d));
  }
  // Short names: every suffix that is itself a division's own name (after its parent's), kept
  // only when one current division has it.
  std::map<std::string, std::vector<size_t>> short_names;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Division& d = entries_[i];
    if (!d.current) continue;
    by_name_.emplace(d.name, d.code);
    std::string parent;
    if (d.code.substr(2) != "0000") {
      std::string parent_code =
          d.code.substr(4) == "00" ? d.code.substr(0, 2) + "0000" : d.code.substr(0, 4) + "00";
      if (const Division* p = find(parent_code)) parent = p->name;
    }
    if (!parent.empty() && d.name.starts_with(parent) && d.name.size() > parent.size())
      short_names[d.name.substr(parent.size())].push_back(i);
  }
  for (const auto& [name, idx] : short_names)
    if (idx.size() == 1 && !by_name_.count(name)) by_name_.emplace(name, entries_[idx[0]].code);
  return true;
}

std::string Divisions::prefectureOf(std::string_view code) {
  if (code.size() != 6 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      code.compare(2, 4, "0000") == 0)
    return "";
  return std::string(code.substr(0, 4)) + "00";
}

std::string Divisions::shortName(std::string_view code) const {
  const Division* d = find(code);
  if (!d) return "";
  // The nearest known parent: the prefecture, else the province (a municipality's districts).
  for (std::string parent : {prefectureOf(code), std::string(code.substr(0, 2)) + "0000"}) {
    if (parent.empty() || parent == code) continue;
    if (const Division* p = find(parent);
        p && d->name.starts_with(p->name) && d->name.size() > p->name.size())
      return d->name.substr(p->name.size());
  }
  return d->name;
}

const Division* Divisions::find(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &entries_[it->second];
}

std::string Divisions::codeForName(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? std::string() : it->second;
}

}  // namespace vetkit

namespace vetkit {

std::string Divisions::codeForLeadingName(std::string_view text) const {
  static const std::string_view kEnds[] = {"省", "市", "县", "区", "旗", "州", "盟"};
  std::string best;
  for (size_t i = 3; i <= text.size(); ++i) {
    std::string_view prefix = text.substr(0, i);
    bool ends = false;
    for (std::string_view e : kEnds) ends = ends || prefix.ends_with(e);
    if (!ends) continue;
    std::string code = codeForName(prefix);
    if (!code.empty()) best = code;  // later (longer) prefixes are more precise
  }
  return best;
}

bool isCountyCode(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         s.substr(4, 2) != "00";  // a province or city code names no county
}

std::string sendbackCounty(const CodeTable* units, std::string_view hukou, std::string_view unit,
                           bool by_hukou) {
  if (by_hukou) {
    if (isCountyCode(hukou)) return std::string(hukou);
    // A zone without a code of its own is registered in the division it lies in.
    if (const CodeEntry* e = units ? units->find(hukou) : nullptr)
      if (e->local && !e->division.empty()) return e->division;
  }
  if (units && units->find(unit)) return std::string(unit);
  return isCountyCode(unit) ? std::string(unit) : "";
}

}  // namespace vetkit
