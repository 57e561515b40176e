// The differences as one self-contained HTML page the auditor can open, print or mail: no
// scripts, no fonts, no network. Rows stream out as they are found.
#include "diff/diff_output.h"
#include "record/mask.h"

namespace vetkit {

namespace {

void escape(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '&':
        *out += "&amp;";
        break;
      case '"':
        *out += "&quot;";
        break;
      default:
        *out += c;
    }
  }
}

class HtmlOut : public DiffSink {
 public:
  HtmlOut(const Schema& schema, const DiffOutputOptions& options, LineOutput* out)
      : schema_(schema), o_(options), out_(out) {
    bool zh = o_.lang == "zh";
    std::string& b = *out_->buffer();
    b += "<!DOCTYPE html>\n<html lang=\"";
    b += zh ? "zh-CN" : "en";
    b += "\"><head><meta charset=\"utf-8\"><title>";
    b += zh ? "批次差异" : "Differences between batches";
    b += "</title><style>"
         "body{font-family:sans-serif;margin:2em;color:#222}"
         "table{border-collapse:collapse;width:100%}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
         "th{background:#eee}.added td{background:#e6f4e6}.removed td{background:#fbe9e9}"
         ".old{color:#9c0006;text-decoration:line-through}.new{color:#006100}"
         "@media print{body{margin:0}}</style></head><body>\n<h1>";
    b += zh ? "批次差异" : "Differences between batches";
    b += "</h1>\n<table><tr><th>";
    b += zh ? "变动" : "change";
    b += "</th><th>";
    b += zh ? "关键字" : "key";
    b += "</th><th>";
    b += zh ? "姓名" : "name";
    b += "</th><th>";
    b += zh ? "字段：原值 → 新值" : "field: old → new";
    b += "</th></tr>\n";
    out_->wrote();
  }

  bool stopped() const override { return out_->brokenPipe(); }

  void entry(const DiffEntry& e) override {
    bool zh = o_.lang == "zh";
    std::string& b = *out_->buffer();
    const char* cls = e.op == DiffEntry::Op::Added     ? "added"
                      : e.op == DiffEntry::Op::Removed ? "removed"
                                                       : "changed";
    b += "<tr class=\"";
    b += cls;
    b += "\"><td>";
    b += e.op == DiffEntry::Op::Added     ? (zh ? "新增" : "added")
         : e.op == DiffEntry::Op::Removed ? (zh ? "删除" : "removed")
                                          : (zh ? "变更" : "changed");
    b += "</td><td>";
    escape(&b, displayKey(e.key, o_.key, o_.mask));
    b += "</td><td>";
    escape(&b, e.name);
    b += "</td><td>";
    for (const FieldChange& c : e.changes) {
      escape(&b, zh && !c.field->labels.empty() ? c.field->labels[0] : c.field->id);
      b += "：<span class=\"old\">";
      escape(&b, displayValue(schema_, *c.field, c.old_value, o_.lang, o_.mask));
      b += "</span> → <span class=\"new\">";
      escape(&b, displayValue(schema_, *c.field, c.new_value, o_.lang, o_.mask));
      b += "</span><br>";
    }
    b += "</td></tr>\n";
    out_->wrote();
  }

  void finish(const DiffStats& stats) override {
    std::string& b = *out_->buffer();
    b += "</table>\n<p>";
    escape(&b, diffSummary(schema_, stats, o_.lang));
    b += "</p>\n</body></html>\n";
    out_->wrote();
  }

 private:
  const Schema& schema_;
  DiffOutputOptions o_;
  LineOutput* out_;
};

}  // namespace

std::unique_ptr<DiffSink> makeHtmlDiffWriter(const Schema& schema, const DiffOutputOptions& options,
                                             LineOutput* out) {
  return std::make_unique<HtmlOut>(schema, options, out);
}

}  // namespace vetkit
