#include "record/record_reader.h"

#include "core/text_catalogue.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "core/limits.h"
#include "core/read_progress.h"

namespace vetkit {

namespace od = simdjson::ondemand;

constexpr size_t kNotAField = size_t(-1);

const std::string& Record::column(size_t index) const {
  static const std::string kNone;
  return columns && index < columns->size() ? (*columns)[index] : kNone;
}

const std::string& Record::header(size_t index) const {
  static const std::string kNone;
  return headers && index < headers->size() ? (*headers)[index] : kNone;
}

struct RecordReader::Impl {
  const Schema& schema;
  od::parser parser;
  std::string padded;  // the line copied with simdjson's required padding after it
  std::unordered_map<std::string_view, size_t> field_index;
  // The layout of each sheet seen so far, by "src\tsheet", to carry `_columns` forward.
  // `_headers` rides with it: a sheet's layout is both.
  struct Layout {
    std::shared_ptr<const ColumnMap> columns, headers;
  };
  std::map<std::string, Layout> layouts;
  std::shared_ptr<const ColumnMap> last_layout, last_headers;

  // A `_columns` or `_headers` object: field id -> string, by field index.
  std::shared_ptr<ColumnMap> readLayout(od::value& v, size_t nfields) {
    od::object cols;
    if (v.get_object().get(cols)) return nullptr;
    auto out = std::make_shared<ColumnMap>(nfields);
    for (auto c : cols) {
      std::string_view field, text;
      if (c.unescaped_key().get(field) || c.value().get_string().get(text)) continue;
      // The key view is only valid until the next call: look it up before moving on.
      auto f = field_index.find(field);
      if (f != field_index.end()) (*out)[f->second].assign(text);
    }
    return out;
  }
  std::string last_src, last_sheet;

  // Records of one stream write their keys in one order, leaving out empty fields: the key
  // that followed each key last time is remembered, so most look-ups are one comparison.
  std::vector<std::pair<std::string, size_t>> next_after;  // by previous index; last: start

  size_t fieldIndex(std::string_view key, size_t previous) {
    size_t slot = previous == kNotAField ? next_after.size() - 1 : previous;
    auto& guess = next_after[slot];
    if (guess.first == key) return guess.second;
    auto it = field_index.find(key);
    size_t index = it == field_index.end() ? kNotAField : it->second;
    guess = {std::string(key), index};
    return index;
  }

  explicit Impl(const Schema& s) : schema(s), next_after(s.fields().size() + 1) {
    for (const Field& f : s.fields()) field_index.emplace(f.id, f.index);
  }

  static std::string_view trimToken(std::string_view t) {
    while (!t.empty() &&
           (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
      t.remove_suffix(1);
    return t;
  }

  // Reads one JSON value into a FieldValue; false on a parse error.
  bool readValue(od::value v, FieldValue* out) {
    od::json_type type;
    if (v.type().get(type)) return false;
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        out->kind = FieldValue::Kind::String;
        out->text.assign(s);
        return true;
      }
      case od::json_type::number: {
        out->kind = FieldValue::Kind::Number;
        out->text.assign(trimToken(v.raw_json_token()));
        return true;
      }
      case od::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        out->kind = FieldValue::Kind::Bool;
        out->boolean = b;
        return true;
      }
      case od::json_type::null:
        out->kind = FieldValue::Kind::Absent;
        return !v.is_null().error();
      case od::json_type::array: {
        od::array arr;
        if (v.get_array().get(arr)) return false;
        out->kind = FieldValue::Kind::Array;
        out->items.clear();
        for (auto item : arr) {
          od::value iv;
          if (item.get(iv)) return false;
          std::string_view s;
          od::json_type it;
          if (iv.type().get(it)) return false;
          if (it == od::json_type::string) {
            if (iv.get_string().get(s)) return false;
            out->items.emplace_back(s);
          } else if (it == od::json_type::object || it == od::json_type::array) {
            out->items.emplace_back(it == od::json_type::object ? "{}" : "[]");
          } else {
            out->items.emplace_back(trimToken(iv.raw_json_token()));
          }
        }
        return true;
      }
      case od::json_type::object: {
        // Not a value any field holds: marked so the validator reports its type.
        od::object obj;
        if (v.get_object().get(obj)) return false;
        for (auto member : obj)
          if (member.error()) return false;
        out->kind = FieldValue::Kind::Other;
        out->text = "{}";
        return true;
      }
    }
    return false;
  }
};

RecordReader::RecordReader(const Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
RecordReader::~RecordReader() = default;

bool RecordReader::parse(std::string_view line, Record* out, std::string* err) {
  Impl& m = *impl_;
  size_t nfields = m.schema.fields().size();
  out->fields.resize(nfields);
  for (FieldValue& f : out->fields) f.kind = FieldValue::Kind::Absent;
  out->line.assign(line);
  out->src.clear();
  out->sheet.clear();
  out->id15.clear();
  out->unit_note.clear();
  out->title.clear();
  out->row = 0;
  out->has_columns_key = false;
  out->extra.clear();

  m.padded.assign(line);
  m.padded.append(simdjson::SIMDJSON_PADDING, ' ');
  od::document doc;
  if (auto e = m.parser.iterate(m.padded.data(), line.size(), m.padded.size()).get(doc)) {
    *err = simdjson::error_message(e);
    return false;
  }
  od::object obj;
  if (doc.get_object().get(obj)) {
    *err = tr("not a JSON object");
    return false;
  }
  std::shared_ptr<ColumnMap> columns, headers;
  size_t previous = kNotAField;
  for (auto member : obj) {
    std::string_view key;
    if (auto e = member.unescaped_key().get(key)) {
      *err = simdjson::error_message(e);
      return false;
    }
    od::value v;
    if (auto e = member.value().get(v)) {
      *err = simdjson::error_message(e);
      return false;
    }
    size_t index = m.fieldIndex(key, previous);
    previous = index;
    if (index != kNotAField) {
      if (!m.readValue(v, &out->fields[index])) {
        *err = tr("bad value of {key}", {{"key", std::string(key)}});
        return false;
      }
      continue;
    }
    std::string_view s;
    if (key == "_src" && !v.get_string().get(s)) {
      out->src.assign(s);
    } else if (key == "_sheet" && !v.get_string().get(s)) {
      out->sheet.assign(s);
    } else if (key == "_row") {
      int64_t row;
      if (!v.get_int64().get(row)) out->row = long(row);
    } else if (key == "_id15" && !v.get_string().get(s)) {
      out->id15.assign(s);
    } else if (key == "_unit_note" && !v.get_string().get(s)) {
      out->unit_note.assign(s);
    } else if (key == "_title" && !v.get_string().get(s)) {
      out->title.assign(s);
    } else if (key == "_columns") {
      columns = m.readLayout(v, nfields);
      out->has_columns_key = columns != nullptr;
    } else if (key == "_headers") {
      headers = m.readLayout(v, nfields);
    } else if (key == "_extra") {
      od::object extra;
      if (v.get_object().get(extra)) continue;
      for (auto e : extra) {
        std::string_view header, text;
        if (e.unescaped_key().get(header)) continue;
        std::string h(header);  // the key view is only valid until the next call
        if (!e.value().get_string().get(text)) out->extra.emplace_back(std::move(h), text);
      }
    }
    // Other keys (_issues, _sources, ...) stay in `line` and travel with it.
  }
  if (columns) {
    m.layouts[out->src + '\t' + out->sheet] = {columns, headers};
    out->columns = columns;
    out->headers = headers;
  } else if (m.last_layout && out->src == m.last_src && out->sheet == m.last_sheet) {
    out->columns = m.last_layout;  // the same sheet as the record before: no look-up
    out->headers = m.last_headers;
  } else {
    auto it = m.layouts.find(out->src + '\t' + out->sheet);
    out->columns = it == m.layouts.end() ? nullptr : it->second.columns;
    out->headers = it == m.layouts.end() ? nullptr : it->second.headers;
  }
  if (out->columns != m.last_layout || out->src != m.last_src || out->sheet != m.last_sheet) {
    m.last_layout = out->columns;
    m.last_headers = out->headers;
    m.last_src = out->src;
    m.last_sheet = out->sheet;
  }
  return true;
}

bool RecordReader::readFile(const std::string& path, const std::function<bool(Record&)>& sink,
                            const std::function<void(size_t, const std::string&)>& bad_line,
                            std::string* err) {
  int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errnoText(errno);
    return false;
  }
  // A progress display, when one listens, hears of each chunk and of the lines it held.
  ReadProgress* progress = ReadProgress::active();
  if (progress) progress->beginInput(path, fd);
  std::string buf, carry;
  buf.resize(1 << 20);
  Record rec;
  size_t line_no = 0, lines_told = 0;
  bool ok = true, stop = false;
  // Inside a line longer than kMaxLineBytes: it is dropped up to its end, never held whole,
  // so a hostile stream cannot make the reader hold gigabytes.
  bool skipping = false;
  auto handle = [&](std::string_view line) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    std::string why;
    if (!parse(line, &rec, &why)) {
      bad_line(line_no, why);
      return;
    }
    rec.line_number = line_no;
    if (!sink(rec)) stop = true;
  };
  auto skip = [&] {
    ++line_no;
    bad_line(line_no,
             tr("longer than {size}, the limit of a line; skipped", {{"size", maxLineText()}}));
    std::string().swap(carry);
    skipping = true;
  };
  while (!stop) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errnoText(errno);
      ok = false;
      break;
    }
    if (n == 0) break;
    if (progress) progress->addBytes(uint64_t(n));
    std::string_view chunk(buf.data(), size_t(n));
    size_t start = 0;
    while (!stop) {
      size_t nl = chunk.find('\n', start);
      if (skipping) {
        if (nl == std::string_view::npos) break;
        skipping = false;
        start = nl + 1;
        continue;
      }
      size_t end = nl == std::string_view::npos ? chunk.size() : nl;
      if (carry.size() + (end - start) > kMaxLineBytes) {
        skip();
        continue;  // on to this line's end, if the chunk holds it
      }
      if (nl == std::string_view::npos) {
        carry.append(chunk.substr(start));
        break;
      }
      if (!carry.empty()) {
        carry.append(chunk.substr(start, nl - start));
        handle(carry);
        carry.clear();
      } else {
        handle(chunk.substr(start, nl - start));
      }
      start = nl + 1;
    }
    if (progress) {
      progress->addRows(line_no - lines_told);
      lines_told = line_no;
    }
  }
  if (ok && !stop && !carry.empty()) handle(carry);
  if (fd != STDIN_FILENO) ::close(fd);
  return ok;
}

}  // namespace vetkit
