#include "diff/diff_output.h"

#include "record/csv_output.h"
#include "record/json_writer.h"
#include "record/mask.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

const char kGreen[] = "\033[32m", kRed[] = "\033[31m", kYellow[] = "\033[33m", kReset[] = "\033[0m";

std::string fieldName(const Field& f, Lang lang) {
  return f.name(lang);
}

class Writer : public DiffSink {
 public:
  Writer(const Schema& schema, const DiffOutputOptions& options, LineOutput* out)
      : schema_(schema), o_(options), out_(out), buf_(*out->buffer()) {}

  bool stopped() const override { return out_->brokenPipe(); }

 protected:
  std::string msg(const char* code) const { return schema_.messages().format(code, o_.lang, {}); }
  std::string key(const DiffEntry& e) const { return displayKey(e.key, o_.key, o_.mask); }
  std::string value(const Field& f, const FieldValue& v) const {
    return displayValue(schema_, f, v, o_.lang, o_.mask);
  }
  // A change's column: the field's label, or an unknown column's header text.
  std::string changeName(const FieldChange& c) const {
    return changeColumnName(schema_, c, o_.lang);
  }
  std::string changeValue(const FieldChange& c, const FieldValue& v) const {
    return changeDisplayValue(schema_, c, v, o_.lang, o_.mask);
  }

  const Schema& schema_;
  const DiffOutputOptions& o_;
  LineOutput* out_;
  std::string& buf_;
};

// + key name / - key name / ~ key name: field old → new
class TextWriter : public Writer {
 public:
  using Writer::Writer;

  void entry(const DiffEntry& e) override {
    if (o_.stat) return;
    const char* sigil = e.op == DiffEntry::Op::Added     ? "+"
                        : e.op == DiffEntry::Op::Removed ? "-"
                                                         : "~";
    const char* color = e.op == DiffEntry::Op::Added     ? kGreen
                        : e.op == DiffEntry::Op::Removed ? kRed
                                                         : kYellow;
    std::string head = std::string(sigil) + " " + key(e);
    if (!e.name.empty()) head += " " + e.name;
    if (e.op != DiffEntry::Op::Changed) {
      line(color, head);
    } else {
      for (const FieldChange& c : e.changes)
        line(color, head + ": " + changeName(c) + ": " + changeValue(c, c.old_value) + " → " +
                        changeValue(c, c.new_value));
    }
    out_->wrote();
  }

  void finish(const DiffStats& s) override {
    if (o_.stat) {
      auto count = [&](const char* code, size_t n) {
        buf_ += msg(code) + " " + std::to_string(n) + "\n";
      };
      count("diff-added", s.added);
      count("diff-removed", s.removed);
      count("diff-changed", s.changed);
      count("diff-unchanged", s.unchanged);
      count("diff-duplicates", s.duplicates);
      count("diff-keyless", s.keyless);
      buf_ += msg("diff-by-field") + "\n";
      for (const Field& f : schema_.fields())
        if (s.field_changes[f.index])
          buf_ +=
              "  " + fieldName(f, o_.lang) + " " + std::to_string(s.field_changes[f.index]) + "\n";
      for (const auto& [column, n] : s.extra_changes)
        buf_ += "  " +
                schema_.messages().format("diff-extra-column", o_.lang, {{"column", column}}) +
                " " + std::to_string(n) + "\n";
    }
    out_->wrote();
  }

 private:
  void line(const char* color, const std::string& text) {
    if (o_.color) buf_ += color;
    appendTerminalSafe(&buf_, text);  // a value's ESC[2J is shown, never obeyed
    if (o_.color) buf_ += kReset;
    buf_ += '\n';
  }
};

// One object per added, removed or changed record, values canonical (codes, not labels).
class JsonOut : public Writer {
 public:
  using Writer::Writer;

  void entry(const DiffEntry& e) override {
    if (o_.stat) return;
    JsonWriter w(&buf_);
    w.beginObject();
    w.key("op");
    w.string(e.op == DiffEntry::Op::Added     ? "added"
             : e.op == DiffEntry::Op::Removed ? "removed"
                                              : "changed");
    w.key("key");
    w.string(key(e));
    if (!e.name.empty()) w.key("name"), w.string(e.name);
    if (e.op != DiffEntry::Op::Added) w.key("old_at"), w.string(formatRecordLocation(e.old_at));
    if (e.op != DiffEntry::Op::Removed) w.key("new_at"), w.string(formatRecordLocation(e.new_at));
    if (e.op == DiffEntry::Op::Changed) {
      w.key("changes");
      w.beginArray();
      for (const FieldChange& c : e.changes) {
        w.beginObject();
        w.key("field");
        if (!c.field) {  // an unknown column: "_extra", with its header text
          w.string("_extra");
          w.key("column");
          w.string(c.column);
          w.key("old");
          extraValue(&w, c.old_value);
          w.key("new");
          extraValue(&w, c.new_value);
          w.endObject();
          continue;
        }
        w.string(c.field->id);
        w.key("old");
        writeValue(&w, *c.field, c.old_value);
        w.key("new");
        writeValue(&w, *c.field, c.new_value);
        w.endObject();
      }
      w.endArray();
    }
    w.endObject();
    w.endLine();
    out_->wrote();
  }

  void finish(const DiffStats& s) override {
    if (o_.stat) {
      JsonWriter w(&buf_);
      w.beginObject();
      w.key("added"), w.integer((long long)s.added);
      w.key("removed"), w.integer((long long)s.removed);
      w.key("changed"), w.integer((long long)s.changed);
      w.key("unchanged"), w.integer((long long)s.unchanged);
      w.key("duplicates"), w.integer((long long)s.duplicates);
      w.key("keyless"), w.integer((long long)s.keyless);
      w.key("fields");
      w.beginObject();
      for (const Field& f : schema_.fields())
        if (s.field_changes[f.index]) w.key(f.id), w.integer((long long)s.field_changes[f.index]);
      w.endObject();
      if (!s.extra_changes.empty()) {
        w.key("extra");
        w.beginObject();
        for (const auto& [column, n] : s.extra_changes) w.key(column), w.integer((long long)n);
        w.endObject();
      }
      w.endObject();
      w.endLine();
    }
    out_->wrote();
  }

 private:
  void writeValue(JsonWriter* w, const Field& f, const FieldValue& v) {
    writeJsonValue(w, f, v, o_.mask);
  }
  void extraValue(JsonWriter* w, const FieldValue& v) {
    if (!v.present()) return w->null();
    w->string(o_.mask ? maskFreeText(v.text) : v.text);
  }
};

// One row per changed cell (key, field, old, new), and one per added or removed person, in
// UTF-8 with a byte order mark: Excel takes a CSV without one for the local code page.
class CsvOut : public Writer {
 public:
  CsvOut(const Schema& schema, const DiffOutputOptions& options, LineOutput* out)
      : Writer(schema, options, out) {
    buf_ += "\xEF\xBB\xBF";
    buf_ += msg(o_.stat ? "diff-stat-header" : "diff-csv-header");
    buf_ += '\n';
  }

  void entry(const DiffEntry& e) override {
    if (o_.stat) return;
    if (e.op == DiffEntry::Op::Added) {
      row({key(e), msg("diff-csv-added"), "", e.name});
    } else if (e.op == DiffEntry::Op::Removed) {
      row({key(e), msg("diff-csv-removed"), e.name, ""});
    } else {
      for (const FieldChange& c : e.changes)
        row({key(e), changeName(c), changeValue(c, c.old_value), changeValue(c, c.new_value)});
    }
    out_->wrote();
  }

  void finish(const DiffStats& s) override {
    if (o_.stat) {
      row({msg("diff-added"), std::to_string(s.added)});
      row({msg("diff-removed"), std::to_string(s.removed)});
      row({msg("diff-changed"), std::to_string(s.changed)});
      row({msg("diff-unchanged"), std::to_string(s.unchanged)});
      row({msg("diff-duplicates"), std::to_string(s.duplicates)});
      row({msg("diff-keyless"), std::to_string(s.keyless)});
      for (const Field& f : schema_.fields())
        if (s.field_changes[f.index])
          row({fieldName(f, o_.lang), std::to_string(s.field_changes[f.index])});
      for (const auto& [column, n] : s.extra_changes)
        row({schema_.messages().format("diff-extra-column", o_.lang, {{"column", column}}),
             std::to_string(n)});
    }
    out_->wrote();
  }

 private:
  void row(std::initializer_list<std::string> cells) {
    bool first = true;
    for (const std::string& c : cells) {
      if (!first) buf_ += ',';
      first = false;
      cell(c);
    }
    buf_ += '\n';
  }

  void cell(const std::string& raw) {
    // A long run of digits (an unmasked identity number) would become a float in Excel
    // (4.30102E+17): a quote mark keeps it text. Formulas are guarded by appendCsvField.
    bool digits = raw.size() >= 12 && raw.find_first_not_of("0123456789") == std::string::npos;
    appendCsvField(&buf_, digits ? "'" + raw : raw);
  }
};

}  // namespace

std::unique_ptr<DiffSink> makeDiffWriter(const Schema& schema, const DiffOutputOptions& options,
                                         LineOutput* out) {
  switch (options.format) {
    case DiffFormat::Json:
      return std::make_unique<JsonOut>(schema, options, out);
    case DiffFormat::Csv:
      return std::make_unique<CsvOut>(schema, options, out);
    case DiffFormat::Html:
      return makeHtmlDiffWriter(schema, options, out);
    default:
      return std::make_unique<TextWriter>(schema, options, out);
  }
}

std::string displayValue(const Schema& schema, const Field& field, const FieldValue& value,
                         Lang lang, bool mask) {
  auto label = [&](const std::string& code) {
    if (field.table)
      if (const CodeEntry* e = field.table->find(code)) return e->label;
    if (field.type == FieldType::Division)
      if (const Division* d = schema.divisions().find(code)) return d->name;
    return code;  // kept verbatim by the importer: not a code
  };
  switch (value.kind) {
    case FieldValue::Kind::Absent:
      return schema.messages().format("diff-empty", lang, {});
    case FieldValue::Kind::Bool:
      return schema.messages().format(value.boolean ? "diff-yes" : "diff-no", lang, {});
    case FieldValue::Kind::Array: {
      std::string out;
      for (const std::string& item : value.items) {
        if (!out.empty()) out += lang == Lang::Zh ? "、" : ", ";
        out += label(item);
      }
      return out;
    }
    case FieldValue::Kind::String:
      if (field.type == FieldType::Code || field.type == FieldType::Division)
        return label(value.text);
      return maskedValue(field, value.text, mask);
    default:
      return value.text;
  }
}

std::string changeColumnName(const Schema& schema, const FieldChange& c, Lang lang) {
  if (c.field) return fieldName(*c.field, lang);
  return schema.messages().format("diff-extra-column", lang, {{"column", c.column}});
}

std::string changeDisplayValue(const Schema& schema, const FieldChange& c, const FieldValue& v,
                               Lang lang, bool mask) {
  if (c.field) return displayValue(schema, *c.field, v, lang, mask);
  if (!v.present()) return schema.messages().format("diff-empty", lang, {});
  return mask ? maskFreeText(v.text) : v.text;
}

void writeJsonValue(JsonWriter* w, const Field& f, const FieldValue& v, bool mask) {
  switch (v.kind) {
    case FieldValue::Kind::Absent:
      w->null();  // an empty cell: the key is absent in the stream, null here
      break;
    case FieldValue::Kind::Number:
      w->number(v.text);
      break;
    case FieldValue::Kind::Bool:
      w->boolean(v.boolean);
      break;
    case FieldValue::Kind::Array:
      w->beginArray();
      for (const std::string& item : v.items) w->string(item);
      w->endArray();
      break;
    default:
      w->string(maskedValue(f, v.text, mask));
  }
}

DiffFormat diffFormatNamed(const std::string& name) {
  return name == "json"   ? DiffFormat::Json
         : name == "csv"  ? DiffFormat::Csv
         : name == "html" ? DiffFormat::Html
                          : DiffFormat::Text;
}

std::string diffSummary(const Schema& schema, const DiffStats& s, Lang lang) {
  return schema.messages().format("diff-summary", lang,
                                  {{"added", std::to_string(s.added)},
                                   {"removed", std::to_string(s.removed)},
                                   {"changed", std::to_string(s.changed)},
                                   {"unchanged", std::to_string(s.unchanged)},
                                   {"duplicates", std::to_string(s.duplicates)},
                                   {"keyless", std::to_string(s.keyless)}});
}

}  // namespace vetkit
