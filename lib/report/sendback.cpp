#include "report/sendback.h"

#include <sys/stat.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/atomic_file.h"
#include "io/workbook_file.h"
#include "record/csv_output.h"
#include "record/mask.h"
#include "report/table.h"
#include "text/id_number.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// The file, sheet and row of the first entry of a merged record's `_sources` (vetmerge), found
// by a plain scan: the keys and their order are vetmerge's own and stable.
void firstSource(const std::string& line, std::string* file, std::string* sheet, int* row) {
  size_t start = line.rfind("\"_sources\":[{");
  if (start == std::string::npos) return;
  size_t end = line.find('}', start);
  std::string_view src(line.data() + start, (end == std::string::npos ? line.size() : end) - start);
  auto text = [&](std::string_view key, std::string* out) {
    size_t k = src.find(key);
    if (k == std::string_view::npos) return;
    size_t b = k + key.size(), e = src.find('"', b);
    if (e != std::string_view::npos) *out = std::string(src.substr(b, e - b));
  };
  text("\"file\":\"", file);
  text("\"sheet\":\"", sheet);
  size_t k = src.find("\"row\":");
  if (k != std::string_view::npos) *row = std::atoi(std::string(src.substr(k + 6, 12)).c_str());
}

// A file name from a county's name: path separators and controls replaced.
std::string safeName(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '\\' || (unsigned char)c < 0x20) c = '_';
  return s;
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
  const CodeTable* units = schema_.table("units");
  if (options_.by == SendbackOptions::By::Hukou) {
    if (std::string county = schema_.countyOf(text(hukou_)); !county.empty()) return county;
  }
  std::string u = text(unit_);
  if (units && units->find(u)) return u;
  return isCountyCode(u) ? u : "";
}

void Sendback::add(const Record& r, const std::vector<Diagnostic>& diags) {
  if (diags.empty()) return;
  // A record of the merged set (vetmerge --export) has no _src of its own: the county finds
  // the person where its first source put them.
  std::string file, sheet;
  int row = 0;
  if (r.src == "-" || r.src.empty()) firstSource(r.line, &file, &sheet, &row);
  bool merged = !file.empty();
  std::string county = countyOf(r);
  SendbackPackage& p = packages_[county];
  p.county = county;
  ++p.people;
  auto text = [&](const Field* f) -> std::string {
    if (!f || f->index >= r.fields.size()) return "";
    return r.fields[f->index].text;
  };
  std::string name = text(name_), id = text(id_);
  if (options_.mask && !id.empty()) id = maskIdNumber(id);
  for (const Diagnostic& d : diags) {
    SendbackItem item;
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
      item.severity = Severity::Warning;
      (units.size() > 1 ? p.cross : p.problems).push_back(std::move(item));
    }
  }
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
  format_set_num_format(text, "@");  // an ID number typed back in stays text
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
    lxw_col_t columns = lxw_col_t(std::size(heads) + (by_unit ? 1 : 0));
    std::vector<size_t> widths;
    for (lxw_col_t c = 0; c < columns; ++c) {
      std::string h = L(c < std::size(heads) ? heads[c] : "col-source-unit");
      worksheet_write_string(ws, 0, c, h.c_str(), header);
      widths.push_back(displayWidth(h));
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
                             it.rule,
                             L(severityName(it.severity)),
                             it.message,
                             it.value,
                             it.source_unit};
      for (lxw_col_t c = 0; c < columns; ++c) {
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
  if (!p.cross.empty() && !sheet("cross-sheet", p.cross)) return false;
  return file.commit(err);
}

bool Sendback::write(const std::string& dir, std::string* err) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *err = dir + ": cannot create: " + std::strerror(errno);
    return false;
  }
  std::string index = "county,name,file,people,problems,missing\n";
  for (auto& [county, p] : packages_) {
    // Problems in the order the county's operator walks their files.
    auto order = [](const SendbackItem& a, const SendbackItem& b) {
      return std::tie(a.file, a.sheet, a.row, a.column) <
             std::tie(b.file, b.sheet, b.row, b.column);
    };
    std::stable_sort(p.problems.begin(), p.problems.end(), order);
    std::stable_sort(p.missing.begin(), p.missing.end(), order);
    std::stable_sort(p.cross.begin(), p.cross.end(), order);
    if (!writePackage(dir, p, err)) return false;
    for (const std::string& s : {p.county, p.name, p.file}) appendCsvField(&index, s), index += ',';
    index += std::to_string(p.people) + ',' + std::to_string(p.problems.size()) + ',' +
             std::to_string(p.missing.size()) + '\n';
  }
  AtomicFile out;
  if (!out.open(dir + "/index.csv", err)) return false;
  out.write(index);
  return out.commit(err);
}

}  // namespace vetkit
