// The differences as one self-contained HTML page the auditor can open, print or mail: no
// scripts, no fonts, no network. Rows stream out as they are found.
#include "diff/diff_output.h"
#include "io/xml_tags.h"
#include "record/mask.h"

namespace vetkit {

namespace {

class HtmlOut : public DiffSink {
 public:
  HtmlOut(const Schema& schema, const DiffOutputOptions& options, LineOutput* out)
      : schema_(schema),
        o_(options),
        out_(out),
        added_(msg("diff-added")),
        removed_(msg("diff-removed")),
        changed_(msg("diff-changed")) {
    std::string& b = *out_->buffer();
    b += "<!DOCTYPE html>\n<html lang=\"";
    b += htmlLangCode(o_.lang);
    b += "\"><head><meta charset=\"utf-8\"><title>";
    appendXmlEscaped(&b, msg("diff-html-title"));
    b += "</title><style>"
         "body{font-family:sans-serif;margin:2em;color:#222}"
         "table{border-collapse:collapse;width:100%}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
         "th{background:#eee}.added td{background:#e6f4e6}.removed td{background:#fbe9e9}"
         ".old{color:#9c0006;text-decoration:line-through}.new{color:#006100}"
         "@media print{body{margin:0}}</style></head><body>\n<h1>";
    appendXmlEscaped(&b, msg("diff-html-title"));
    b += "</h1>\n<table><tr>";
    for (const char* head :
         {"diff-html-change", "diff-html-key", "diff-html-name", "diff-html-fields"}) {
      b += "<th>";
      appendXmlEscaped(&b, msg(head));
      b += "</th>";
    }
    b += "</tr>\n";
    out_->wrote();
  }

  bool stopped() const override { return out_->brokenPipe(); }

  void entry(const DiffEntry& e) override {
    std::string& b = *out_->buffer();
    const char* cls = e.op == DiffEntry::Op::Added     ? "added"
                      : e.op == DiffEntry::Op::Removed ? "removed"
                                                       : "changed";
    b += "<tr class=\"";
    b += cls;
    b += "\"><td>";
    appendXmlEscaped(&b, e.op == DiffEntry::Op::Added     ? added_
                         : e.op == DiffEntry::Op::Removed ? removed_
                                                          : changed_);
    b += "</td><td>";
    appendXmlEscaped(&b, displayKey(e.key, o_.key, o_.mask));
    b += "</td><td>";
    appendXmlEscaped(&b, e.name);
    b += "</td><td>";
    for (const FieldChange& c : e.changes) {
      appendXmlEscaped(&b, changeColumnName(schema_, c, o_.lang));
      b += "：<span class=\"old\">";
      appendXmlEscaped(&b, changeDisplayValue(schema_, c, c.old_value, o_.lang, o_.mask));
      b += "</span> → <span class=\"new\">";
      appendXmlEscaped(&b, changeDisplayValue(schema_, c, c.new_value, o_.lang, o_.mask));
      b += "</span><br>";
    }
    b += "</td></tr>\n";
    out_->wrote();
  }

  void finish(const DiffStats& stats) override {
    std::string& b = *out_->buffer();
    b += "</table>\n<p>";
    appendXmlEscaped(&b, diffSummary(schema_, stats, o_.lang));
    b += "</p>\n</body></html>\n";
    out_->wrote();
  }

 private:
  std::string msg(const char* code) const { return schema_.messages().format(code, o_.lang, {}); }

  const Schema& schema_;
  DiffOutputOptions o_;
  LineOutput* out_;
  std::string added_, removed_, changed_;  // what an entry's first column says
};

}  // namespace

std::unique_ptr<DiffSink> makeHtmlDiffWriter(const Schema& schema, const DiffOutputOptions& options,
                                             LineOutput* out) {
  return std::make_unique<HtmlOut>(schema, options, out);
}

}  // namespace vetkit
