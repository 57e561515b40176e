#include "crosscheck/crosscheck_output.h"

#include "io/xml_tags.h"
#include "record/csv_output.h"
#include "record/json_writer.h"
#include "record/mask.h"

namespace vetkit {

namespace {

class Writer : public CrossSink {
 public:
  Writer(const Schema& schema, const DepartmentProfile& dept, const CrossOutputOptions& options,
         LineOutput* out)
      : schema_(schema), dept_(dept), o_(options), out_(out), buf_(*out->buffer()) {}

  bool stopped() const override { return out_->brokenPipe(); }
  void finish(const CrossStats&) override { out_->wrote(); }

 protected:
  std::string msg(const std::string& code, const MessageArgs& args = {}) const {
    return schema_.messages().format(code, o_.lang, args);
  }
  std::string key(const CrossFinding& f) const { return displayKey(f.key, {}, o_.mask); }
  std::string kind(const CrossFinding& f) const {
    return msg(std::string("cross-kind-") + crossKindName(f.kind));
  }
  std::string field(const CrossFinding& f) const {
    return f.field ? f.field->name(o_.lang)
                   : msg(f.status.empty() ? "cross-person" : "cross-status");
  }
  std::string value(const CrossFinding& f, const FieldValue& v, bool theirs) const {
    if (!f.field) return theirs ? f.status : "";
    return displayValue(schema_, *f.field, v, o_.lang, o_.mask);
  }
  std::string county(const CrossFinding& f) const {
    if (f.county.empty()) return msg("cross-no-county");
    // The short name a county knows itself by (双峰县), else the division's full name.
    const CodeTable* units = schema_.table("units");
    if (const CodeEntry* e = units ? units->find(f.county) : nullptr)
      return f.county + " " + e->label;
    const Division* d = schema_.divisions().find(f.county);
    return d ? f.county + " " + d->name : f.county;
  }
  // The cells of one finding, in kColumns' order.
  std::vector<std::string> cells(const CrossFinding& f) const {
    return {crossFindingId(dept_, f),
            dept_.department(),
            kind(f),
            county(f),
            key(f),
            f.name,
            field(f),
            value(f, f.ours, false),
            value(f, f.theirs, true),
            f.hukou_division,
            f.unit,
            f.ours_at,
            rows(f)};
  }
  std::string rows(const CrossFinding& f) const {
    std::string out;
    for (const std::string& r : f.theirs_at) out += (out.empty() ? "" : " ") + r;
    return out;
  }

  const Schema& schema_;
  const DepartmentProfile& dept_;
  const CrossOutputOptions& o_;
  LineOutput* out_;
  std::string& buf_;
};

// One line per finding, for people.
class TextWriter : public Writer {
 public:
  using Writer::Writer;
  void finding(const CrossFinding& f) override {
    MessageArgs args{{"key", key(f)},
                     {"name", f.name},
                     {"dept", dept_.department()},
                     {"field", field(f)},
                     {"ours", value(f, f.ours, false)},
                     {"theirs", value(f, f.theirs, true)},
                     {"status", f.status},
                     {"county", county(f)}};
    std::string code =
        std::string("cross-line-") +
        (f.kind == CrossFinding::Kind::Disagree && !f.field ? "status" : crossKindName(f.kind));
    buf_ += msg(code, args);
    buf_ += '\n';
    out_->wrote();
  }
};

const char* const kColumns[] = {"cross-col-item",     "cross-col-dept", "cross-col-kind",
                                "cross-col-county",   "cross-col-key",  "cross-col-name",
                                "cross-col-field",    "cross-col-ours", "cross-col-theirs",
                                "cross-col-hukou",    "cross-col-unit", "cross-col-ours-at",
                                "cross-col-theirs-at"};

class CsvWriter : public Writer {
 public:
  CsvWriter(const Schema& schema, const DepartmentProfile& dept, const CrossOutputOptions& options,
            LineOutput* out)
      : Writer(schema, dept, options, out) {
    buf_ += "\xEF\xBB\xBF";  // Excel reads a CSV without it in the local code page
    row([&] {
      std::vector<std::string> heads;
      for (const char* c : kColumns) heads.push_back(msg(c));
      return heads;
    }());
  }
  void finding(const CrossFinding& f) override { row(cells(f)); }

 private:
  void row(const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) buf_ += ',';
      appendCsvField(&buf_, cells[i]);
    }
    buf_ += '\n';
    out_->wrote();
  }
};

class HtmlWriter : public Writer {
 public:
  HtmlWriter(const Schema& schema, const DepartmentProfile& dept, const CrossOutputOptions& options,
             LineOutput* out)
      : Writer(schema, dept, options, out) {
    std::string title = msg("cross-html-title", {{"dept", dept.name()}});
    buf_ += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    appendXmlEscaped(&buf_, title);
    buf_ +=
        "</title><style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;"
        "width:100%}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        "th{background:#e8eef7}</style></head><body>\n<h1>";
    appendXmlEscaped(&buf_, title);
    buf_ += "</h1>\n<table>\n<tr>";
    for (const char* c : kColumns) {
      buf_ += "<th>";
      appendXmlEscaped(&buf_, msg(c));
      buf_ += "</th>";
    }
    buf_ += "</tr>\n";
    out_->wrote();
  }
  void finding(const CrossFinding& f) override {
    buf_ += "<tr>";
    for (const std::string& c : cells(f)) {
      buf_ += "<td>";
      appendXmlEscaped(&buf_, c);
      buf_ += "</td>";
    }
    buf_ += "</tr>\n";
    out_->wrote();
  }
  void finish(const CrossStats& stats) override {
    buf_ += "</table>\n<p>";
    appendXmlEscaped(&buf_, crossSummary(schema_, dept_, stats, o_.lang));
    buf_ += "</p>\n</body></html>\n";
    out_->wrote();
  }
};

// One object per line: canonical values (codes, true/false, arrays), numbers masked.
class JsonOut : public Writer {
 public:
  using Writer::Writer;
  void finding(const CrossFinding& f) override {
    JsonWriter w(&buf_);
    w.beginObject();
    w.key("id"), w.string(crossFindingId(dept_, f));
    w.key("dept"), w.string(dept_.id());
    w.key("department"), w.string(dept_.department());
    w.key("key"), w.string(key(f));
    w.key("name"), w.string(f.name);
    w.key("field"), w.string(crossFieldId(f));
    w.key("kind"), w.string(crossKindName(f.kind));
    w.key("ours"), put(&w, f, f.ours, false);
    w.key("theirs"), put(&w, f, f.theirs, true);
    w.key("hukou_division"), w.string(f.hukou_division);
    w.key("unit"), w.string(f.unit);
    w.key("county"), w.string(f.county);
    w.key("ours_at"), w.string(f.ours_at);
    w.key("theirs_rows");
    w.beginArray();
    for (const std::string& r : f.theirs_at) w.string(r);
    w.endArray();
    w.endObject();
    w.endLine();
    out_->wrote();
  }

 private:
  void put(JsonWriter* w, const CrossFinding& f, const FieldValue& v, bool theirs) const {
    if (!f.field) {
      theirs && !f.status.empty() ? w->string(f.status) : w->null();
      return;
    }
    writeJsonValue(w, *f.field, v, o_.mask);
  }
};

}  // namespace

std::unique_ptr<CrossSink> makeCrossWriter(const Schema& schema, const DepartmentProfile& dept,
                                           const CrossOutputOptions& options, LineOutput* out) {
  switch (options.format) {
    case DiffFormat::Json:
      return std::make_unique<JsonOut>(schema, dept, options, out);
    case DiffFormat::Csv:
      return std::make_unique<CsvWriter>(schema, dept, options, out);
    case DiffFormat::Html:
      return std::make_unique<HtmlWriter>(schema, dept, options, out);
    default:
      return std::make_unique<TextWriter>(schema, dept, options, out);
  }
}

std::string crossSummary(const Schema& schema, const DepartmentProfile& dept, const CrossStats& s,
                         Lang lang) {
  auto n = [](size_t v) { return std::to_string(v); };
  return schema.messages().format("cross-summary", lang,
                                  {{"dept", dept.department()},
                                   {"ours", n(s.ours)},
                                   {"theirs", n(s.theirs_people)},
                                   {"rows", n(s.theirs_rows)},
                                   {"matched", n(s.matched)},
                                   {"disagree", n(s.disagree)},
                                   {"only_ours", n(s.only_ours)},
                                   {"only_theirs", n(s.only_theirs)},
                                   {"not_collected", n(s.not_collected)},
                                   {"keyless", n(s.keyless)}});
}

}  // namespace vetkit
