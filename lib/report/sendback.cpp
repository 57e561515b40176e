#include "report/sendback.h"

#include "core/text_catalogue.h"

#include <sys/stat.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/stable_id.h"
#include "io/workbook_file.h"
#include "record/csv_output.h"
#include "record/mask.h"
#include "report/table.h"
#include "schema/divisions.h"
#include "store/sheet_layouts.h"
#include "text/id_number.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// A file name from a county's name: path separators and controls replaced.
std::string safeName(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '\\' || (unsigned char)c < 0x20) c = '_';
  return s;
}

// The packages of an earlier round in `dir` (the files its index.csv lists, and the index) go
// to dir/rounds/N/, N one more than the last round kept: the folder holds the current round
// only, and nothing else in it is touched.
bool moveEarlierRound(const std::string& dir, std::string* err) {
  namespace fs = std::filesystem;
  std::ifstream index(dir + "/index.csv");
  if (!index) return true;
  std::vector<std::string> files{"index.csv"};
  std::string line;
  std::getline(index, line);  // the heading
  while (std::getline(index, line)) {
    // county,name,file,...: the file is the third cell (names never hold a comma or quote).
    size_t a = line.find(','), b = a == std::string::npos ? a : line.find(',', a + 1);
    size_t c = b == std::string::npos ? b : line.find(',', b + 1);
    if (c == std::string::npos) continue;
    std::string file = line.substr(b + 1, c - b - 1);
    if (!file.empty() && file.find('/') == std::string::npos && file.front() != '"')
      files.push_back(file);
  }
  int n = 1;
  std::error_code ec;
  while (fs::exists(dir + "/rounds/" + std::to_string(n), ec)) ++n;
  std::string to = dir + "/rounds/" + std::to_string(n);
  fs::create_directories(to, ec);
  if (ec)
    return *err = to + ": " + tr("cannot create: {reason}", {{"reason", errnoText(ec.value())}}),
           false;
  for (const std::string& f : files) {
    if (!fs::exists(dir + "/" + f, ec)) continue;
    fs::rename(dir + "/" + f, to + "/" + f, ec);
    if (ec) return *err = dir + "/" + f + ": cannot move to " + to + ": " + ec.message(), false;
  }
  return true;
}

}  // namespace

Sendback::Sendback(const Schema& schema, SendbackOptions options)
    : schema_(schema), options_(std::move(options)) {
  hukou_ = schema.field("hukou_division");
  unit_ = schema.field("unit");
  name_ = schema.field("name");
  id_ = schema.field("id_number");
}

std::string Sendback::countyOf(const Record& r) const {
  auto text = [&](const Field* f) -> std::string {
    if (!f || f->index >= r.fields.size()) return "";
    const FieldValue& v = r.fields[f->index];
    return v.kind == FieldValue::Kind::String ? v.text : "";
  };
  return sendbackCounty(schema_.table("units"), text(hukou_), text(unit_),
                        options_.by == SendbackOptions::By::Hukou);
}

void Sendback::learn(const Record& r, const std::string& full_id, const std::string& county) {
  if (full_id.empty()) return;
  if (!masked_keys_.empty()) {
    std::string name = name_ && name_->index < r.fields.size() ? r.fields[name_->index].text : "";
    for (const std::string& shown : {displayKey(full_id, {}, true), full_id}) {
      auto it = masked_keys_.find(shown + '\x1f' + name);
      if (it != masked_keys_.end()) it->second = full_id;
    }
  }
  if (!hukou_of_.empty()) {
    auto it = hukou_of_.find(full_id);
    if (it != hukou_of_.end() && options_.by == SendbackOptions::By::Hukou) it->second = county;
    if (it != hukou_of_.end() && options_.by == SendbackOptions::By::Unit)
      it->second = sendbackCounty(schema_.table("units"),
                                  hukou_ && hukou_->index < r.fields.size()
                                      ? std::string_view(r.fields[hukou_->index].text)
                                      : std::string_view(),
                                  "", true);
  }
}

void Sendback::add(const Record& r, const std::vector<Diagnostic>& diags) {
  auto text = [&](const Field* f) -> std::string {
    if (!f || f->index >= r.fields.size()) return "";
    return r.fields[f->index].text;
  };
  std::string county = countyOf(r), full_id = text(id_);
  learn(r, full_id, county);
  // Left out of its unit's re-submission and collected by no other (the store's
  // `_absent_from`): to be collected again, like a roster's person nobody collected.
  bool absent = r.line.find("\"_absent_from\":") != std::string::npos;
  if (diags.empty() && !absent) return;
  // A record of the merged set (vetmerge --export) has no _src of its own: the county finds
  // the person where its first source put them.
  StoredSource first;
  if (r.src == "-" || r.src.empty()) firstStoredSource(r.line, &first);
  const std::string &file = first.file, &sheet = first.sheet;
  const int row = first.row;
  bool merged = !file.empty();
  SendbackPackage& p = packages_[county];
  p.county = county;
  ++p.people;
  std::string name = text(name_), id = full_id;
  if (options_.mask && !id.empty()) id = maskIdNumber(id);
  std::string person_key = full_id.empty() ? r.src + ":" + std::to_string(r.row) : full_id;
  if (absent) {
    SendbackItem item;
    item.id = stableItemId('A', {person_key, "absent"});
    item.file = merged ? file : r.src;
    item.sheet = merged ? sheet : r.sheet;
    item.row = merged ? row : int(r.row);
    item.rule = "absent";
    item.name = name;
    item.id_number = id;
    item.key = person_key;
    item.message =
        schema_.messages().format("sendback-absent", options_.lang,
                                  {{"unit", unitName(schema_, options_.lang, text(unit_))}});
    p.to_collect.push_back(std::move(item));
  }
  for (const Diagnostic& d : diags) {
    SendbackItem item;
    // A person without a number is named by where they are: the same row, the same id.
    item.id = stableItemId(
        'V', {full_id.empty() ? r.src + ":" + std::to_string(r.row) : full_id, d.field, d.code});
    item.file = merged ? file : d.file.empty() ? r.src : d.file;
    item.sheet = merged ? sheet : d.sheet;
    item.row = merged ? row : d.row;
    item.column = d.column;
    item.field = d.field;
    item.rule = d.code;
    item.message = d.message;
    item.value = d.value;
    item.name = name;
    item.id_number = id;
    item.key = person_key;
    item.severity = d.severity;
    (d.code == "missing-value" ? p.missing : p.problems).push_back(std::move(item));
  }
}

void Sendback::addConflict(const MergeConflict& c) {
  const Field* f = schema_.field(c.field);
  Lang lang = options_.lang;
  auto shown = [&](const std::string& v) {
    if (v.empty()) return reportLabel(schema_, lang, "absent");
    return f ? maskedValue(*f, valueLabel(schema_, lang, *f, v), options_.mask) : v;
  };
  std::vector<std::string> units = c.units();
  std::string names, values;
  for (const std::string& u : units)
    names += (names.empty() ? "" : "、") + unitName(schema_, lang, u);
  for (const ConflictValue& v : c.values) {
    if (!values.empty()) values += lang == Lang::Zh ? "；" : "; ";
    values += unitName(schema_, lang, v.unit) + (lang == Lang::Zh ? "「" : " \"") + shown(v.value) +
              (lang == Lang::Zh ? "」" : "\"");
  }
  if (units.size() > 1) hukou_of_.emplace(c.key, "");  // the owner, learnt from the records
  if (f && f->about_collection) {
    // How the record was collected is no conflict about the person (a conflicts file written
    // before the merge knew it may still list one); that two units list the person is, once.
    if (f == unit_ && units.size() > 1) addListedTwice(c, units, names);
    return;
  }
  const char* code = units.size() > 1 ? "sendback-cross-conflict" : "sendback-conflict";
  std::string message =
      schema_.messages().format(code, lang, {{"units", names}, {"values", values}});
  for (const std::string& u : units) {
    SendbackPackage& p = packages_[u];
    p.county = u;
    ++p.people;
    // Every value goes to every unit concerned, each row naming whose sheet it is in.
    for (const ConflictValue& v : c.values) {
      SendbackItem item;
      item.id = stableItemId('M', {c.key, c.field, units.size() > 1 ? "cross" : "merge"});
      item.file = v.src;
      item.sheet = v.sheet;
      item.row = int(v.row);
      item.column = v.column;
      item.field = c.field;
      item.rule = units.size() > 1 ? "cross-unit-conflict" : "merge-conflict";
      item.message = message;
      item.value = shown(v.value);
      item.name = c.name;
      item.id_number = displayKey(c.key, {}, options_.mask);
      item.source_unit = unitName(schema_, lang, v.unit);
      item.key = c.key;
      item.cross_county = units.size() > 1;
      item.severity = Severity::Warning;
      (units.size() > 1 ? p.cross : p.problems).push_back(std::move(item));
    }
  }
}

// One row in the package of each unit that lists the person, where that unit's own sheet has
// them: the two agree which of them collects the person (the owner column names the hukou
// county); the item closes when either fixes it, as any cross-county item.
void Sendback::addListedTwice(const MergeConflict& c, const std::vector<std::string>& units,
                              const std::string& names) {
  Lang lang = options_.lang;
  std::string message =
      schema_.messages().format("sendback-listed-twice", lang, {{"units", names}});
  for (const std::string& u : units) {
    auto own = std::find_if(c.values.begin(), c.values.end(),
                            [&](const ConflictValue& v) { return v.unit == u; });
    if (own == c.values.end()) continue;
    SendbackPackage& p = packages_[u];
    p.county = u;
    ++p.people;
    SendbackItem item;
    item.id = stableItemId('M', {c.key, c.field, "cross"});
    item.file = own->src;
    item.sheet = own->sheet;
    item.row = int(own->row);
    item.column = own->column;
    item.field = c.field;
    item.rule = "unit-conflict";
    item.message = message;
    item.value = unitName(schema_, lang, u);
    item.name = c.name;
    item.id_number = displayKey(c.key, {}, options_.mask);
    item.source_unit = item.value;
    item.key = c.key;
    item.cross_county = true;
    item.severity = Severity::Warning;
    p.cross.push_back(std::move(item));
  }
}

void Sendback::addCross(const CrossItem& c) {
  Lang lang = options_.lang;
  const Field* f = schema_.field(c.field);
  std::string county =
      options_.by == SendbackOptions::By::Hukou
          ? c.county
          : sendbackCounty(schema_.table("units"), c.hukou_division, c.unit, false);
  // Collected by a unit of another county than their hukou's: the item goes to both, the
  // hukou county owning the fix.
  std::string other = sendbackCounty(schema_.table("units"), "", c.unit, false);
  bool cross = options_.by == SendbackOptions::By::Hukou && !c.county.empty() && !other.empty() &&
               other != c.county && c.kind != "not-collected";
  auto shown = [&](const std::string& v) {
    if (v.empty()) return reportLabel(schema_, lang, "absent");
    if (!f || v.front() != '[') return f ? valueLabel(schema_, lang, *f, v) : v;
    // A set, as its JSON array of codes: their labels.
    std::string out;
    for (size_t q = v.find('"'); q != std::string::npos; q = v.find('"', q + 1)) {
      size_t e = v.find('"', q + 1);
      if (e == std::string::npos) break;
      out += (out.empty()        ? ""
              : lang == Lang::Zh ? "、"
                                 : ", ") +
             valueLabel(schema_, lang, *f, v.substr(q + 1, e - q - 1));
      q = e;
    }
    return out.empty() ? reportLabel(schema_, lang, "absent") : out;
  };
  SendbackItem item;
  item.id = c.id;
  // Where our record is: "file:sheet:row" (the file may itself hold a colon).
  std::string at = c.ours_at;
  size_t colon = at.rfind(':');
  if (colon != std::string::npos && colon + 1 < at.size() &&
      at.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    item.row = std::atoi(at.c_str() + colon + 1);
    at.resize(colon);
    size_t sheet = at.rfind(':');
    if (sheet != std::string::npos) item.sheet = at.substr(sheet + 1), at.resize(sheet);
  }
  item.file = at;
  item.field = c.field;
  item.rule = c.dept + ":" + c.kind;
  item.name = c.name;
  item.id_number = c.key;  // as the check wrote it: masked unless it ran with --no-mask
  item.value = c.kind == "disagree" || c.kind == "only-ours" ? shown(c.ours) : "";
  // The check names the person masked (unless --no-mask): the full key is learnt from the
  // records (learn()), for the store's log.
  item.key = c.key;
  masked_keys_.emplace(c.key + '\x1f' + c.name, "");
  item.owner = c.county;
  item.cross_county = cross;
  item.severity =
      c.kind == "disagree" && c.field != "_status" ? Severity::Warning : Severity::Error;
  std::string rows;
  for (const std::string& r : c.theirs_rows) rows += (rows.empty() ? "" : " ") + r;
  MessageArgs args{{"dept", c.department}, {"rows", rows}};
  std::string where = schema_.messages().format(
      rows.empty() ? "sendback-dept-unlisted" : "sendback-dept-rows", lang, args);
  args.insert(args.end(), {{"theirs", shown(c.theirs)}, {"status", c.theirs}, {"where", where}});
  item.message = schema_.messages().format(
      "sendback-dept-" + c.kind + (c.field == "_status" ? "-status" : ""), lang, args);
  for (const std::string& to :
       cross ? std::vector<std::string>{county, other} : std::vector<std::string>{county}) {
    SendbackPackage& p = packages_[to];
    p.county = to;
    // A person with findings of several departments is one person of the package.
    if (cross_people_.insert(to + '\x1f' + c.key).second) ++p.people;
    if (cross)
      p.cross.push_back(item);
    else if (c.kind == "not-collected")
      p.to_collect.push_back(item);
    else if (c.kind == "disagree" && f && c.ours.empty())
      p.missing.push_back(item);
    else
      p.problems.push_back(item);
  }
}

void Sendback::resolve() {
  if (resolved_) return;
  resolved_ = true;
  for (auto& [county, p] : packages_)
    for (auto* items : {&p.problems, &p.missing, &p.cross, &p.to_collect})
      for (SendbackItem& it : *items) {
        if (it.id.front() == 'X') {
          auto k = masked_keys_.find(it.key + '\x1f' + it.name);
          if (k != masked_keys_.end() && !k->second.empty()) it.key = k->second;
        }
        auto h = hukou_of_.find(it.key);
        if (it.owner.empty() && h != hukou_of_.end()) it.owner = h->second;
        if (it.owner.empty()) it.owner = county;
      }
}

std::vector<SendbackLogItem> Sendback::logItems() {
  resolve();
  std::vector<SendbackLogItem> out;
  for (const auto& [county, p] : packages_) {
    const std::pair<const char*, const std::vector<SendbackItem>*> kinds[] = {
        {"problem", &p.problems},
        {"missing", &p.missing},
        {"to-collect", &p.to_collect},
        {"cross", &p.cross}};
    for (const auto& [kind, items] : kinds)
      for (const SendbackItem& it : *items)
        out.push_back({it.id, county, kind, it.rule, it.key, it.id_number, it.field, it.owner,
                       it.cross_county});
  }
  return out;
}

bool Sendback::writePackage(const std::string& dir, SendbackPackage& p, std::string* err) const {
  Lang lang = options_.lang;
  auto L = [&](const char* k) { return reportLabel(schema_, lang, k); };
  p.name = p.county.empty() ? L("unknown-county") : unitName(schema_, lang, p.county);
  // The short name (双峰县) rather than the full 湖南省娄底市双峰县 keeps file names readable.
  std::string shortName = p.name;
  if (const CodeTable* units = schema_.table("units"))
    if (const CodeEntry* e = units->find(p.county)) shortName = e->label;
  p.file =
      (p.county.empty() ? std::string("unknown") : p.county + "-" + safeName(shortName)) + ".xlsx";

  WorkbookFile file;
  lxw_workbook* wb = file.open(dir + "/" + p.file, false, err);
  if (!wb) return false;
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bg_color(header, 0xE8EEF7);
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");             // an ID number typed back in stays text
  lxw_format* reply = workbook_add_format(wb);  // what the county fills in
  format_set_bold(reply);
  format_set_bg_color(reply, 0xFFF2CC);
  lxw_format* error = workbook_add_format(wb);
  format_set_font_color(error, 0x9C0006);

  const char* heads[] = {"col-file", "col-sheet", "col-row",      "col-column",
                         "name-col", "id-col",    "field",        "rule",
                         "severity", "message",   "current-value"};
  auto sheet = [&](const char* title, const std::vector<SendbackItem>& items) -> bool {
    lxw_worksheet* ws = workbook_add_worksheet(wb, L(title).c_str());
    if (!ws) {
      *err = p.file + ": cannot add a sheet";
      return false;
    }
    // Items from a merge conflict say whose sheet each value is in: one column more.
    bool by_unit = std::any_of(items.begin(), items.end(),
                               [](const SendbackItem& it) { return !it.source_unit.empty(); });
    // An item of two counties says which one owns the fix: one column more.
    bool owned = std::any_of(items.begin(), items.end(),
                             [](const SendbackItem& it) { return it.cross_county; });
    // Then the item's id and the county's reply: what it found, the corrected value, a note.
    std::vector<std::string> titles;
    for (const char* h : heads) titles.push_back(L(h));
    if (by_unit) titles.push_back(L("col-source-unit"));
    if (owned) titles.push_back(L("col-owner"));
    for (const char* h : {"col-item", "reply-result", "reply-value", "reply-note"})
      titles.push_back(L(h));
    lxw_col_t columns = lxw_col_t(titles.size());
    std::vector<size_t> widths;
    for (lxw_col_t c = 0; c < columns; ++c) {
      worksheet_write_string(ws, 0, c, titles[c].c_str(), c + 3 < columns ? header : reply);
      widths.push_back(displayWidth(titles[c]));
    }
    lxw_row_t r = 1;
    for (const SendbackItem& it : items) {
      const Field* f = schema_.field(it.field);
      std::string cells[] = {it.file,
                             it.sheet,
                             "",
                             it.column,
                             it.name,
                             it.id_number,
                             f ? f->name(lang) : it.field,
                             schema_.messages().ruleName(it.rule, lang),
                             L(severityName(it.severity)),
                             it.message,
                             it.value,
                             by_unit ? it.source_unit : unitName(schema_, lang, it.owner),
                             unitName(schema_, lang, it.owner)};
      for (lxw_col_t c = 0; c < columns; ++c) {
        if (c + 4 >= columns) {  // the id, then the reply columns, left empty for the county
          if (c + 4 == columns) worksheet_write_string(ws, r, c, it.id.c_str(), text);
          widths[c] = std::max(widths[c], c + 4 == columns ? it.id.size() : size_t(12));
          continue;
        }
        if (c == 2) {
          worksheet_write_number(ws, r, c, it.row, nullptr);
          continue;
        }
        worksheet_write_string(ws, r, c, cells[c].c_str(),
                               c == 8 && it.severity == Severity::Error ? error : text);
        widths[c] = std::max(widths[c], displayWidth(cells[c]));
      }
      ++r;
    }
    for (lxw_col_t c = 0; c < widths.size(); ++c)
      worksheet_set_column(ws, c, c, double(std::clamp<size_t>(widths[c] + 2, 6, 60)), nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    if (!items.empty())
      worksheet_autofilter(ws, 0, 0, lxw_row_t(items.size()), lxw_col_t(columns - 1));
    return true;
  };
  if (!sheet("problem-sheet", p.problems) || !sheet("missing-sheet", p.missing)) return false;
  if (!p.to_collect.empty() && !sheet("tocollect-sheet", p.to_collect)) return false;
  if (!p.cross.empty() && !sheet("cross-sheet", p.cross)) return false;
  return file.commit(err);
}

bool Sendback::write(const std::string& dir, std::string* err) {
  resolve();
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *err = dir + ": " + tr("cannot create: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  if (!moveEarlierRound(dir, err)) return false;
  std::string index = "county,name,file,people,problems,missing,to_collect\n";
  for (auto& [county, p] : packages_) {
    // Problems in the order the county's operator walks their files.
    auto order = [](const SendbackItem& a, const SendbackItem& b) {
      return std::tie(a.file, a.sheet, a.row, a.column) <
             std::tie(b.file, b.sheet, b.row, b.column);
    };
    std::stable_sort(p.problems.begin(), p.problems.end(), order);
    std::stable_sort(p.missing.begin(), p.missing.end(), order);
    std::stable_sort(p.cross.begin(), p.cross.end(), order);
    std::stable_sort(p.to_collect.begin(), p.to_collect.end(), order);
    if (!writePackage(dir, p, err)) return false;
    for (const std::string& s : {p.county, p.name, p.file}) appendCsvField(&index, s), index += ',';
    index += std::to_string(p.people) + ',' + std::to_string(p.problems.size()) + ',' +
             std::to_string(p.missing.size()) + ',' + std::to_string(p.to_collect.size()) + '\n';
  }
  AtomicFile out;
  if (!out.open(dir + "/index.csv", err)) return false;
  out.write(index);
  return out.commit(err);
}

}  // namespace vetkit
