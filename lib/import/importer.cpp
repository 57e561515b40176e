#include "import/importer.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "core/exit_status.h"
#include "core/text_catalogue.h"
#include "import/header.h"
#include "import/normalize.h"
#include "import/sheet_note.h"
#include "record/json_writer.h"
#include "text/fold.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

// What a column of the sheet becomes in the record.
constexpr int kExtra = -1;    // under _extra, by its header text
constexpr int kIgnored = -2;  // dropped (序号)

bool isIntegerText(std::string_view s, long* v) {
  if (s.empty() || s.size() > 9) return false;
  long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *v = n;
  return true;
}

}  // namespace

// The state of one sheet being imported: its header once found, and the reusable buffers
// each row is normalised into.
class Importer::SheetImport {
 public:
  // `count_only`: the records are counted, not written (a hidden sheet skipped).
  SheetImport(Importer& imp, const std::string& path, const std::string& src,
              const std::string& sheet, bool count_only = false)
      : imp_(imp),
        count_only_(count_only),
        path_(path),
        sheet_(sheet),
        normalizer_(imp.schema_),
        values_(imp.schema_.fields().size()) {
    for (const Field& f : imp.schema_.fields()) quoted_keys_.push_back(quotedKey(f.id));
    // `"_src":…,"_sheet":…,"_row":` is the same on every record of the sheet.
    provenance_ = quotedKey("_src");
    JsonWriter::appendQuoted(&provenance_, src);
    if (!sheet.empty()) {
      provenance_ += ',' + quotedKey("_sheet");
      JsonWriter::appendQuoted(&provenance_, sheet);
    }
    provenance_ += ',' + quotedKey("_row");
  }

  // Row sink: buffers rows until the header is known, then writes records.
  bool onRow(const Row& row) {
    if (imp_.out_->brokenPipe()) return false;  // the reader went away: stop reading
    if (decided_) {
      if (header_ok_) writeRecord(row);
      return header_ok_;
    }
    head_.push_back(row);
    int forced = imp_.options_.header_row;
    bool enough = forced > 0 ? row.number >= forced : head_.size() >= kHeaderSearchRows;
    if (enough) decide();
    return !decided_ || header_ok_;
  }

  // Called when the sheet ended: a short sheet decides here.
  void finish() {
    if (!decided_) decide();
  }

  bool imported() const { return header_ok_; }
  bool hadRows() const { return header_ok_ || !head_.empty(); }
  size_t records() const { return records_; }

 private:
  void decide() {
    decided_ = true;
    if (head_.empty()) return;  // an empty sheet: nothing to say
    if (!detectHeader(imp_.schema_, imp_.options_.profile, head_, imp_.options_.header_row,
                      &header_)) {
      int forced = imp_.options_.header_row;
      std::string n = std::to_string(forced > 0 ? forced : int(kHeaderSearchRows));
      imp_.report(Severity::Warning, path_, sheet_, forced, "",
                  forced > 0 ? "not-header" : "no-header", {{"row", n}, {"rows", n}});
      return;
    }
    header_ok_ = true;
    mapColumns();
    for (const Row& r : head_)
      if (r.number > header_.row) writeRecord(r);
    head_.clear();
    head_.shrink_to_fit();
  }

  void mapColumns() {
    const auto& cols = header_.columns;
    int max_col = cols.empty() ? 0 : cols.back().col;
    slot_.assign(size_t(max_col) + 1, kExtra);
    header_text_.assign(size_t(max_col) + 1, std::string());
    for (const HeaderColumn& h : cols) header_text_[h.col] = h.text;
    std::vector<bool> present(imp_.schema_.fields().size());
    member_.assign(size_t(max_col) + 1, nullptr);
    for (const HeaderColumn& h : cols) {
      if (h.field && h.part) {  // a set over several columns: located by its first one
        slot_[h.col] = int(h.field->index);
        member_[h.col] = h.member;
      } else if (h.field && !h.duplicate) {
        slot_[h.col] = int(h.field->index);
        member_[h.col] = h.member;
        present[h.field->index] = true;
        columns_json_.emplace_back(h.field->id, columnLetter(h.col));
        // Messages name the column as the operator wrote it (军人姓名, not 烈士姓名).
        std::string written = foldValue(h.text);
        if (!written.empty() && (h.field->labels.empty() || written != h.field->labels[0]))
          headers_json_.emplace_back(h.field->id, std::move(written));
        // Read by resemblance: the operator confirms or says otherwise, once per file.
        if (h.guessed && imp_.guessed_seen_.insert(foldValue(h.text)).second)
          imp_.report(Severity::Warning, path_, sheet_, header_.row, columnLetter(h.col),
                      "header-guessed", imp_.fieldArgs(*h.field, h.text), foldValue(h.text));
      } else if (h.ignored) {
        slot_[h.col] = kIgnored;
      } else {
        imp_.reportUnknownColumn(path_, sheet_, header_.row, h, cols);
      }
    }
    // A sheet without a 采集单位 column says its unit above the header, if anywhere: the
    // merge attributes the batch from it (merge/unit_attribution.h).
    const Field* unit = imp_.schema_.field("unit");
    if (unit && !present[unit->index]) {
      SheetNote note = findSheetNote(head_, header_.first_row ? header_.first_row : header_.row);
      if (!note.unit.empty()) note_json_.emplace_back("_unit_note", std::move(note.unit));
      if (!note.title.empty()) note_json_.emplace_back("_title", std::move(note.title));
    }
    bool partial = imp_.options_.profile && imp_.options_.profile->partial();
    for (const Field& f : imp_.schema_.fields())
      if (f.required_column && !present[f.index] && !partial)
        imp_.report(Severity::Error, path_, sheet_, header_.row, "", "missing-column",
                    {{"label", f.labels.empty() ? f.id : f.labels[0]}, {"field", f.id}});
  }

  const HeaderColumn* headerAt(int col) const { return header_.column(col); }

  // Rows that are not people: blank in every field column, a repeated header, the row of
  // column numbers (1 2 3 …) that some templates put under the header, or a footer
  // (合计…, 填表人：…) standing alone in its row.
  bool isNoise(const Row& row) const {
    const auto& cells = row.cells;
    if (cells.empty()) return true;
    // Asked of every row, so each test stops at the first cell that decides it.
    auto headerText = [&](const Cell& c) {
      return c.col < int(header_text_.size()) && header_text_[c.col] == c.text;
    };
    if (cells.size() >= 2 && headerText(cells[0]) && headerText(cells[1])) return true;
    if (cells.size() >= 3) {
      long first = -1, v;
      size_t k = 0;
      for (; k < cells.size() && isIntegerText(cells[k].text, &v); ++k) {
        if (first < 0) first = v - cells[k].col;
        if (v - cells[k].col != first) break;
      }
      if (k == cells.size()) return true;
    }
    // 合计 | 3人, 填表人：… | 审核人：…: a footer opens with its marker, whatever follows.
    if (imp_.schema_.isFooter(foldValue(cells[0].text))) return true;
    for (const Cell& c : cells)
      if (c.col < int(slot_.size()) && slot_[c.col] >= 0) return false;  // a field has a value
    return true;
  }

  void writeRecord(const Row& row) {
    if (isNoise(row)) return;
    if (count_only_) {
      ++records_;
      return;
    }
    for (Normalized& v : values_) v.kind = Normalized::Kind::Empty;
    extras_.clear();
    const auto& fields = imp_.schema_.fields();
    for (const Cell& c : row.cells) {
      int s = c.col < int(slot_.size()) ? slot_[c.col] : kExtra;
      if (s == kIgnored) continue;
      if (s == kExtra) {
        const HeaderColumn* h = headerAt(c.col);
        std::string key = h ? foldValue(h->text) : std::string();
        if (key.empty()) key = columnLetter(c.col);
        std::string value = foldValue(c.text);
        if (!value.empty()) extras_.emplace_back(std::move(key), std::move(value));
        continue;
      }
      Normalized& v = values_[size_t(s)];
      const Field& field = fields[size_t(s)];
      if (field.type == FieldType::CodeSet &&
          (v.kind == Normalized::Kind::Array || member_[c.col])) {
        addMembers(field, c, member_[c.col], &v);
        continue;
      }
      normalizer_.normalize(field, c, &v);
      if (v.note)
        imp_.report(Severity::Warning, path_, sheet_, row.number, columnLetter(c.col), v.note,
                    {{"date", std::string(v.value)}}, c.text);
      // Normalising kept the code but dropped detail (双峰县永丰镇 -> 431321): nothing is lost.
      if (!v.original.empty()) extras_.emplace_back(foldValue(header_text_[c.col]), v.original);
    }

    // Written by pointer into room asked for piece by piece: this runs for every record.
    // Each member ends in ',', and the provenance always closes the record.
    json_.clear();
    char* brace = json_.room(1);
    *brace = '{';
    json_.commit(brace + 1);
    const Normalized* id = nullptr;
    auto member = [&](std::string_view key, std::string_view value, bool quoted) {
      char* p = json_.room(key.size() + quotedBound(value.size()) + 1);
      p = putRaw(p, key);
      p = quoted ? putQuoted(p, value) : putRaw(p, value);
      *p++ = ',';
      json_.commit(p);
    };
    for (const Field& f : fields) {
      const Normalized& v = values_[f.index];
      if (v.kind == Normalized::Kind::Empty) continue;
      if (!v.id15.empty()) id = &v;
      const std::string& key = quoted_keys_[f.index];
      switch (v.kind) {
        case Normalized::Kind::String:
          member(key, v.value, true);
          break;
        case Normalized::Kind::Number:
          member(key, v.value, false);
          break;
        case Normalized::Kind::Bool:
          member(key, v.boolean ? "true" : "false", false);
          break;
        case Normalized::Kind::Array: {
          size_t need = key.size() + 3;
          for (const std::string& item : v.items) need += quotedBound(item.size()) + 1;
          char* p = putRaw(json_.room(need), key);
          *p++ = '[';
          for (const std::string& item : v.items) {
            p = putQuoted(p, item);
            *p++ = ',';
          }
          if (p[-1] == ',') --p;
          p = putRaw(p, "],");
          json_.commit(p);
          break;
        }
        case Normalized::Kind::Empty:
          break;
      }
    }
    if (id) member(id15_key_, id->id15, true);
    if (!extras_.empty()) nested(extra_key_, extras_);
    // The sheet's layout rides on its first record, for tools that locate cells later.
    if (records_ == 0) {
      nested(columns_key_, columns_json_);
      if (!headers_json_.empty()) nested(headers_key_, headers_json_);
      for (const auto& [k, v] : note_json_) member(quotedKey(k), v, true);
    }
    std::string number = std::to_string(row.number);
    char* p = json_.room(provenance_.size() + number.size() + 2);
    p = putRaw(p, provenance_);
    p = putRaw(p, number);
    p = putRaw(p, "}\n");
    json_.commit(p);
    imp_.out_->buffer()->append(json_.view());
    imp_.out_->wrote();
    ++records_;
  }

  // A cell of a set typed over several columns joins the members read so far: in a member's
  // column (伤残抚恤) a mark (√, 是) means that member and a blank or 否 nothing; any other
  // text, and a cell of a part column (养老保险), is read as members in their own right.
  void addMembers(const Field& field, const Cell& c, const CodeEntry* member, Normalized* v) {
    part_.kind = Normalized::Kind::Empty;
    part_.items.clear();
    part_.verbatim = false;
    if (member) {
      if (std::optional<bool> mark = imp_.schema_.yesno(trimBlanks(c.text))) {
        if (*mark) part_.kind = Normalized::Kind::Array, part_.items.push_back(member->code);
      } else {
        normalizer_.normalize(field, c, &part_);
      }
    } else {
      normalizer_.normalize(field, c, &part_);
    }
    if (part_.kind != Normalized::Kind::Array) return;
    if (v->kind != Normalized::Kind::Array) v->kind = Normalized::Kind::Array, v->items.clear();
    for (std::string& item : part_.items)
      if (std::find(v->items.begin(), v->items.end(), item) == v->items.end())
        v->items.push_back(std::move(item));
    v->verbatim = v->verbatim || part_.verbatim;
  }

  // `"key":{"k":"v",...},` for _extra and _columns.
  void nested(std::string_view key, const std::vector<std::pair<std::string, std::string>>& kv) {
    size_t need = key.size() + 3;
    for (const auto& [k, v] : kv) need += quotedBound(k.size()) + quotedBound(v.size()) + 2;
    char* p = putRaw(json_.room(need), key);
    *p++ = '{';
    for (const auto& [k, v] : kv) {
      p = putQuoted(p, k);
      *p++ = ':';
      p = putQuoted(p, v);
      *p++ = ',';
    }
    if (p[-1] == ',') --p;
    p = putRaw(p, "},");
    json_.commit(p);
  }

  Importer& imp_;
  const bool count_only_;
  const std::string& path_;
  const std::string& sheet_;
  Normalizer normalizer_;
  std::vector<Row> head_;
  bool decided_ = false, header_ok_ = false;
  HeaderMap header_;
  std::vector<int> slot_;
  std::vector<const CodeEntry*> member_;  // by column: the set member it stands for, if any
  Normalized part_;                       // one column's members of a set over several
  std::vector<std::string> header_text_;  // by column, to spot a repeated header row
  std::vector<std::pair<std::string, std::string>> columns_json_;
  std::vector<std::pair<std::string, std::string>> headers_json_;  // _headers: as written
  std::vector<std::pair<std::string, std::string>> note_json_;     // _unit_note, _title
  std::vector<Normalized> values_;
  std::vector<std::string> quoted_keys_;  // `"id":` of each field
  std::string provenance_;
  std::vector<std::pair<std::string, std::string>> extras_;
  const std::string id15_key_ = quotedKey("_id15"), extra_key_ = quotedKey("_extra"),
                    columns_key_ = quotedKey("_columns"), headers_key_ = quotedKey("_headers");
  JsonScratch json_;  // the record being written
  size_t records_ = 0;
};

Importer::Importer(const Schema& schema, ImportOptions options, LineOutput* out,
                   DiagnosticSink diag)
    : schema_(schema), options_(std::move(options)), out_(out), diag_(std::move(diag)) {}

void Importer::report(Severity severity, const std::string& path, const std::string& sheet, int row,
                      const std::string& column, const std::string& code, const MessageArgs& args,
                      const std::string& value) {
  Diagnostic d;
  d.severity = severity;
  d.file = path;
  d.sheet = sheet;
  d.row = row;
  d.column = column;
  d.code = code;
  d.message = schema_.messages().format(code, options_.lang, args);
  d.value = value;
  reported_ = true;
  if (diag_) diag_(d);
}

void Importer::importHidden(Workbook& wb, size_t index, const std::string& path,
                            const std::string& src, FileSummary* summary, std::string* err) {
  const SheetInfo& info = wb.sheets()[index];
  bool skip = options_.skip_hidden;
  // What the sheet itself would say (its header, unknown columns) is said only when its
  // records are read; a hidden sheet of code lists or scratch work says nothing at all.
  DiagnosticSink diag = std::move(diag_);
  std::vector<Diagnostic> held;
  diag_ = [&](const Diagnostic& d) { held.push_back(d); };
  auto unknown = unknown_seen_, guessed = guessed_seen_;
  bool reported = reported_;
  SheetImport sheet(*this, path, src, info.name, skip);
  bool ok = wb.readSheet(
      index, [&](const Row& r) { return sheet.onRow(r); }, err);
  if (ok) sheet.finish();
  diag_ = std::move(diag);
  reported_ = reported;
  if (!ok) return;
  if (sheet.records() == 0) {  // nothing about people: as if it were not there
    unknown_seen_ = std::move(unknown), guessed_seen_ = std::move(guessed);
    return;
  }
  if (!skip) {
    for (const Diagnostic& d : held) report(d);
    summary->records += sheet.records();
    ++summary->sheets;
  } else {
    unknown_seen_ = std::move(unknown), guessed_seen_ = std::move(guessed);
  }
  report(Severity::Warning, path, info.name, 0, "", skip ? "hidden-sheet-skipped" : "hidden-sheet",
         {{"sheet", info.name}, {"records", std::to_string(sheet.records())}});
}

void Importer::report(const Diagnostic& d) {
  reported_ = true;
  if (diag_) diag_(d);
}

void Importer::reportUnknownColumn(const std::string& path, const std::string& sheet, int row,
                                   const HeaderColumn& h,
                                   const std::vector<HeaderColumn>& columns) {
  std::string name = foldValue(h.text);
  if (h.duplicate) {
    const HeaderColumn* first = nullptr;
    for (const HeaderColumn& other : columns)
      if (other.field == h.field && !other.duplicate) first = &other;
    std::string first_col = first ? columnLetter(first->col) : "";
    report(Severity::Warning, path, sheet, row, columnLetter(h.col), "duplicate-column",
           {{"field", h.field->id}, {"first", first_col}}, name);
    return;
  }
  if (!unknown_seen_.insert(name).second) return;  // once per file
  // A sheet of thousands of stray columns must not drown the real findings.
  if (unknown_seen_.size() > kUnknownColumnsShown) {
    ++unknown_hidden_;
    return;
  }
  if (h.nearest)
    report(Severity::Warning, path, sheet, row, columnLetter(h.col), "unknown-column-near",
           fieldArgs(*h.nearest, h.text), name);
  else
    report(Severity::Warning, path, sheet, row, columnLetter(h.col), "unknown-column", {}, name);
}

MessageArgs Importer::fieldArgs(const Field& f, const std::string& header) const {
  // {header}: the operator's header as --map compares it (folded: one line, no notes).
  std::string key = foldKey(header);
  return {{"label", f.labels.empty() ? f.id : f.labels[0]},
          {"field", f.id},
          {"header", key.empty() ? foldValue(header) : key}};
}

int Importer::importFile(const std::string& path) {
  FileSummary summary;
  summary.path = path;
  reported_ = false;
  unknown_seen_.clear();
  guessed_seen_.clear();
  unknown_hidden_ = 0;
  size_t mark = out_->mark();
  std::string err;
  auto fail = [&](const std::string& reason, const std::string& code = "") {
    report(Severity::Error, path, "", 0, "", code.empty() ? "unreadable" : code,
           {{"reason", reason}});
    out_->rollback(mark);
    summary.status = kExitTrouble;
    summary.records = 0;
    summaries_.push_back(summary);
    return kExitTrouble;
  };

  std::string code;
  std::unique_ptr<Workbook> wb = openTable(path, options_.csv, &err, &code);
  if (!wb) return fail(err, code);
  std::string src = path == "-" ? "-" : std::filesystem::path(path).filename().string();

  const auto& sheets = wb->sheets();
  bool any_rows = false;
  bool matched = options_.sheet.empty();
  for (size_t i = 0; i < sheets.size(); ++i) {
    const SheetInfo& info = sheets[i];
    if (!options_.sheet.empty()) {
      if (info.name != options_.sheet) continue;
      matched = true;
    } else if (info.hidden) {
      // Hidden sheets mostly hold code lists and scratch work, but a hidden sheet of people
      // would never be uploaded: read it (or, with --skip-hidden, count it), and say so.
      err.clear();
      importHidden(*wb, i, path, src, &summary, &err);
      if (!err.empty())
        return fail(info.name.empty() ? err
                                      : tr("sheet '{name}'", {{"name", info.name}}) + ": " + err);
      continue;
    }
    SheetImport sheet(*this, path, src, info.name);
    if (!wb->readSheet(
            i, [&](const Row& r) { return sheet.onRow(r); }, &err))
      return fail(info.name.empty() ? err
                                    : tr("sheet '{name}'", {{"name", info.name}}) + ": " + err);
    sheet.finish();
    any_rows = any_rows || sheet.hadRows();
    summary.records += sheet.records();
    if (sheet.imported()) ++summary.sheets;
  }
  if (!matched) {
    report(Severity::Error, path, "", 0, "", "no-sheet", {{"sheet", options_.sheet}});
    out_->rollback(mark);
    summary.status = kExitTrouble;
    summaries_.push_back(summary);
    return kExitTrouble;
  }
  if (!any_rows) report(Severity::Warning, path, "", 0, "", "empty", {});
  if (unknown_hidden_ > 0)
    report(Severity::Warning, path, "", 0, "", "unknown-column-more",
           {{"count", std::to_string(unknown_hidden_)}});
  for (const ReadWarning& w : wb->warnings)
    report(Severity::Warning, path, "", 0, "", w.code, w.args);
  summary.status = reported_ ? kExitFindings : kExitOk;
  summaries_.push_back(summary);
  return summary.status;
}

}  // namespace vetkit
