#include "record/csv_output.h"

#include <simdjson.h>

#include <unordered_map>

#include "record/json_line.h"

namespace vetkit {

namespace od = simdjson::ondemand;

namespace {

// A decimal number as a spreadsheet reads one: [+-]digits[.digits][e[+-]digits].
bool isPlainNumber(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  size_t digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    size_t exp = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == v.size();
}

}  // namespace

bool isCsvFormulaLike(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      // A sign alone is a placeholder ("-": no value), with no expression to run.
      return value.size() > 1 && !isPlainNumber(value);
  }
  // Full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20): WPS folds them to ASCII.
  for (std::string_view wide : {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0"})
    if (value.starts_with(wide)) return true;
  return false;
}

void appendCsvField(std::string* out, std::string_view value) {
  bool guard = isCsvFormulaLike(value);
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) {
    if (guard) out->push_back('\'');
    out->append(value);
    return;
  }
  out->push_back('"');
  if (guard) out->push_back('\'');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

struct CsvRecordOutput::Impl {
  std::vector<std::string> header;
  std::unordered_map<std::string, size_t> column;  // key -> position in the row
  std::vector<std::string> values;                 // the row being written
  size_t fields = 0;                               // the first columns are the schema's fields
  PaddedJsonLine json;
  bool header_written = false;
  size_t header_end = 0;  // the output's mark after the header

  static std::string_view trim(std::string_view t) {
    while (!t.empty() &&
           (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
      t.remove_suffix(1);
    return t;
  }

  // The text of a JSON value in a cell: strings as they are, numbers as written, booleans as
  // true/false (the schema's yes/no spellings include them), null as empty, anything else as
  // its JSON. `list` joins an array's members with commas (a code set).
  static bool cellText(od::value v, bool list, std::string* out) {
    od::json_type type;
    if (v.type().get(type)) return false;
    std::string_view s;
    switch (type) {
      case od::json_type::string:
        if (v.get_string().get(s)) return false;
        out->assign(s);
        return true;
      case od::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        out->assign(b ? "true" : "false");
        return true;
      }
      case od::json_type::null:
        out->clear();
        return true;
      case od::json_type::number:
        out->assign(trim(v.raw_json_token()));
        return true;
      case od::json_type::object: {
        od::object obj;
        if (v.get_object().get(obj) || obj.raw_json().get(s)) return false;
        out->assign(trim(s));
        return true;
      }
      case od::json_type::array: {
        od::array arr;
        if (v.get_array().get(arr)) return false;
        if (!list) {
          if (arr.raw_json().get(s)) return false;
          out->assign(trim(s));
          return true;
        }
        out->clear();
        std::string item;
        bool first = true;
        for (auto element : arr) {
          od::value iv;
          if (element.get(iv) || !cellText(iv, false, &item)) return false;
          if (!first) out->push_back(',');
          out->append(item);
          first = false;
        }
        return true;
      }
    }
    return false;
  }

  // Appends the row of one JSON line to `out`; a line that is not an object becomes nothing
  // (the producers of the stream write objects only).
  void row(std::string_view line, std::string* out) {
    for (std::string& v : values) v.clear();
    od::object obj;
    if (!json.open(line, &obj)) return;
    for (auto member : obj) {
      std::string_view key;
      od::value v;
      if (member.unescaped_key().get(key) || member.value().get(v)) return;
      auto it = column.find(std::string(key));
      if (it == column.end()) continue;
      if (!cellText(v, it->second < fields, &values[it->second])) return;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out->push_back(',');
      appendCsvField(out, values[i]);
    }
    out->push_back('\n');
  }
};

CsvRecordOutput::CsvRecordOutput(const Schema& schema, std::vector<std::string> tail,
                                 LineOutput* out)
    : impl_(std::make_unique<Impl>()), out_(out) {
  for (const Field& f : schema.fields()) impl_->header.push_back(f.id);
  impl_->fields = impl_->header.size();
  for (std::string& key : tail) impl_->header.push_back(std::move(key));
  for (size_t i = 0; i < impl_->header.size(); ++i) impl_->column.emplace(impl_->header[i], i);
  impl_->values.resize(impl_->header.size());
}

CsvRecordOutput::~CsvRecordOutput() = default;

void CsvRecordOutput::finish() {
  if (impl_->header_written) return;
  std::string* buf = out_->buffer();
  for (size_t i = 0; i < impl_->header.size(); ++i) {
    if (i > 0) buf->push_back(',');
    appendCsvField(buf, impl_->header[i]);
  }
  buf->push_back('\n');
  impl_->header_written = true;
  impl_->header_end = out_->mark();
  out_->wrote();
}

void CsvRecordOutput::wrote() {
  size_t start = 0, nl;
  while ((nl = buffer_.find('\n', start)) != std::string::npos) {
    if (!impl_->header_written) finish();
    impl_->row(std::string_view(buffer_).substr(start, nl - start), out_->buffer());
    out_->wrote();
    start = nl + 1;
  }
  buffer_.erase(0, start);
}

// Producers write whole lines and call wrote() before they ask for a mark, so every line so
// far has gone on as a row: positions are the output's own.
size_t CsvRecordOutput::mark() const {
  return out_->mark();
}

bool CsvRecordOutput::rollback(size_t mark) {
  buffer_.clear();
  if (impl_->header_written && mark < impl_->header_end) impl_->header_written = false;
  return out_->rollback(mark);
}

}  // namespace vetkit
