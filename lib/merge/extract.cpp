#include "merge/extract.h"

#include <simdjson.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "core/atomic_file.h"
#include "core/text_catalogue.h"
#include "io/workbook_file.h"
#include "record/csv_output.h"
#include "record/json_writer.h"
#include "sign/digest.h"
#include "sign/utc_time.h"
#include "text/encoding.h"

namespace vetkit {

namespace {

std::string madeAt(const std::string& now) {
  if (!now.empty()) return now;
  int64_t t = currentUtcTime();
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (*end == '\0' && v >= 0) t = v;
  }
  return formatUtcTime(t);
}

// The header of a field: its first Chinese label (the schema's), else its id.
std::string header(const Field& f) {
  return f.name(Lang::Zh);
}

// Rows to an .xlsx: one sheet named for the department, a bold header, every cell text (an
// identity number must never become 4.31E+17), rows streamed (constant memory).
class XlsxRows {
 public:
  bool open(const std::string& path, const std::string& sheet,
            const std::vector<const Field*>& fields, std::string* err) {
    wb_ = file_.open(path, true, err);
    if (!wb_) return false;
    ws_ = workbook_add_worksheet(wb_, sheet.c_str());
    if (!ws_) return *err = path + ": " + tr("cannot add sheet '{name}'", {{"name", sheet}}), false;
    lxw_format* bold = workbook_add_format(wb_);
    format_set_bold(bold);
    text_ = workbook_add_format(wb_);
    format_set_num_format(text_, "@");
    for (size_t c = 0; c < fields.size(); ++c) {
      bool id = fields[c]->type == FieldType::IdNumber;
      worksheet_set_column(ws_, lxw_col_t(c), lxw_col_t(c), id ? 21 : 14, text_);
      if (worksheet_write_string(ws_, 0, lxw_col_t(c), header(*fields[c]).c_str(), bold))
        return *err = path + ": " + tr("cannot write the header"), false;
    }
    worksheet_freeze_panes(ws_, 1, 0);
    return true;
  }
  bool row(const std::vector<std::string>& cells) {
    ++row_;
    for (size_t c = 0; c < cells.size(); ++c)
      if (!cells[c].empty() &&
          worksheet_write_string(ws_, row_, lxw_col_t(c), cells[c].c_str(), text_))
        return false;
    return true;
  }
  bool commit(std::string* err) { return file_.commit(err); }

 private:
  WorkbookFile file_;
  lxw_workbook* wb_ = nullptr;
  lxw_worksheet* ws_ = nullptr;
  lxw_format* text_ = nullptr;
  lxw_row_t row_ = 0;
};

// Rows to a CSV through the one CSV cell writer: UTF-8 with a BOM (so that Excel shows the
// Chinese headers), or GB18030 when asked; CRLF line ends, as Excel writes.
class CsvRows {
 public:
  bool open(const std::string& path, bool gbk, std::string* err) {
    gbk_ = gbk;
    if (!file_.open(path, err)) return false;
    if (!gbk_) file_.write("\xEF\xBB\xBF");
    return true;
  }
  bool row(const std::vector<std::string>& cells, std::string* err) {
    line_.clear();
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c) line_ += ',';
      appendCsvField(&line_, cells[c]);
    }
    line_ += "\r\n";
    if (!gbk_) return file_.write(line_), true;
    return encodeGb18030(line_, &encoded_, err) && (file_.write(encoded_), true);
  }
  bool commit(std::string* err) { return file_.commit(err); }

 private:
  AtomicFile file_;
  bool gbk_ = false;
  std::string line_, encoded_;
};

}  // namespace

std::string extractFormat(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == "xlsx" || ext == "csv" ? ext : "";
}

bool extractCells(std::string_view json, const std::vector<const Field*>& fields,
                  std::vector<std::string>* cells) {
  cells->assign(fields.size(), std::string());
  static thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) return false;
  for (auto member : obj) {
    std::string_view key;
    if (member.unescaped_key().get(key)) return false;
    auto it =
        std::find_if(fields.begin(), fields.end(), [&](const Field* f) { return f->id == key; });
    if (it == fields.end()) continue;
    std::string& cell = (*cells)[size_t(it - fields.begin())];
    simdjson::ondemand::value v;
    if (member.value().get(v)) return false;
    std::string_view s;
    if (v.type() == simdjson::ondemand::json_type::string) {
      if (v.get_string().get(s)) return false;
      cell.assign(s);
      const Field& f = **it;
      if (f.type == FieldType::Code && f.table)
        if (const CodeEntry* e = f.table->find(cell)) cell = e->label;
    } else if (v.type() == simdjson::ondemand::json_type::array) {
      // A set of codes: each by its label, joined as a person writes them
      // (参加城镇职工养老保险、…).
      simdjson::ondemand::array a;
      if (v.get_array().get(a)) return false;
      const Field& f = **it;
      for (auto item : a) {
        if (item.get_string().get(s)) return false;
        const CodeEntry* e = f.table ? f.table->find(s) : nullptr;
        cell += (cell.empty() ? "" : "、") + std::string(e ? std::string_view(e->label) : s);
      }
    } else if (v.type() == simdjson::ondemand::json_type::boolean) {
      bool yes = false;
      if (v.get_bool().get(yes)) return false;
      cell = yes ? "是" : "否";
    } else if (v.type() != simdjson::ondemand::json_type::null) {
      s = v.raw_json_token();
      cell.assign(s);
      while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\n')) cell.pop_back();
    }
  }
  return true;
}

bool writeExtract(Store& store, const Schema& schema, const DepartmentProfile& profile,
                  const ExtractRequest& request, ExtractResult* result, std::string* err) {
  (void)schema;
  ExtractLog* log = store.extractLog();
  if (!log) return *err = tr("this store keeps no log of extracts"), false;
  std::string format = extractFormat(request.output);
  result->fields = profile.send();
  result->records = 0;
  XlsxRows xlsx;
  CsvRows csv;
  std::vector<std::string> cells, headers;
  for (const Field* f : result->fields) headers.push_back(header(*f));
  if (format == "xlsx" ? !xlsx.open(request.output, profile.department(), result->fields, err)
                       : !csv.open(request.output, request.gbk, err) || !csv.row(headers, err))
    return false;
  std::string bad;
  bool ok = store.exportCurrent([&](const CurrentRecord& c) {
    if (!extractCells(c.merged.empty() ? c.json : c.merged, result->fields, &cells))
      return bad = "a stored record is not JSON (key " + std::string(c.key.substr(0, 6)) + "…)",
             false;
    ++result->records;
    if (format == "xlsx" ? !xlsx.row(cells) : !csv.row(cells, &bad))
      return bad = bad.empty() ? request.output + ": cannot write a row" : bad, false;
    return true;
  });
  if (!ok || !bad.empty()) return *err = bad.empty() ? store.error() : bad, false;
  if (!(format == "xlsx" ? xlsx.commit(err) : csv.commit(err))) return false;
  // The file is in place: its digest, then the log. A file the log does not know is removed.
  FileDigest digest;
  ExtractEntry e;
  e.profile = profile.id(), e.department = profile.department();
  for (const Field* f : result->fields) e.fields += (e.fields.empty() ? "" : ",") + f->id;
  e.records = result->records, e.file = request.output, e.format = format;
  e.made_at = result->made_at = madeAt(request.now);
  if (!digestFile(DigestAlgorithm::Sha256, request.output, &digest, err)) return false;
  e.sha256 = result->sha256 = digest.hex;
  if (!store.begin() || !log->addExtract(e, &result->id) || !store.commit() || !store.finish()) {
    *err = tr("the log of extracts: {reason}", {{"reason", store.error()}});
    store.rollback();
    ::unlink(request.output.c_str());
    return false;
  }
  return true;
}

bool listExtracts(StoreReader& store, LineOutput* out, std::string* err) {
  ExtractLog* log = store.extractLog();
  if (!log) return *err = tr("this store keeps no log of extracts"), false;
  bool ok = log->forEachExtract([&](const ExtractEntry& e) {
    std::string* b = out->buffer();
    auto field = [&](const char* name, std::string_view v) {
      *b += name;
      JsonWriter::appendQuoted(b, v);
    };
    *b += "{\"id\":" + std::to_string(e.id);
    field(",\"profile\":", e.profile);
    field(",\"department\":", e.department);
    *b += ",\"fields\":[";
    std::string_view fields = e.fields;
    for (size_t i = 0; !fields.empty(); ++i) {
      size_t comma = fields.find(',');
      if (i) *b += ',';
      JsonWriter::appendQuoted(b, fields.substr(0, comma));
      fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
    }
    *b += "],\"records\":" + std::to_string(e.records);
    field(",\"file\":", e.file);
    field(",\"format\":", e.format);
    field(",\"sha256\":", e.sha256);
    field(",\"made_at\":", e.made_at);
    *b += "}\n";
    out->wrote();
  });
  if (!ok) *err = store.error();
  return ok;
}

}  // namespace vetkit
