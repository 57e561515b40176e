#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "io/xml_tags.h"
#include "report/output.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// Distinguishable colours for the category segments (ColorBrewer Set3/Paired, printable).
const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                "#393b79", "#ad494a", "#637939", "#e7ba52"};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Red (0) through yellow to green (1): how complete a field is at a glance, in print too.
std::string heatColour(double share) {
  share = std::clamp(share, 0.0, 1.0);
  int r = share < 0.5 ? 230 : int(230 - (share - 0.5) * 2 * 140);
  int g = share < 0.5 ? int(80 + share * 2 * 150) : 230 - int((share - 0.5) * 2 * 50);
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, 90);
  return buf;
}

// Pixels a label needs at 13 px: CJK characters are square, ASCII about half as wide.
double labelWidth(std::string_view s) {
  return double(displayWidth(s)) * 7.0;
}

class Page {
 public:
  Page(const Report& r, const Schema& s, Lang lang, std::string* out)
      : r_(r), s_(s), lang_(lang), out_(*out) {}

  std::string L(const std::string& k) const { return reportLabel(s_, lang_, k); }

  // One horizontal bar per unit, split into its categories.
  void unitBars() {
    std::vector<std::string> cats;
    {
      std::set<std::string> seen;
      for (const auto& [u, st] : r_.units)
        for (const auto& [c, n] : st.by_category) seen.insert(c);
      cats.assign(seen.begin(), seen.end());
    }
    size_t max = 1;
    double left = 60;
    for (const auto& [u, st] : r_.units) {
      max = std::max(max, st.records);
      left = std::max(left, labelWidth(unitName(s_, lang_, u)) + 10);
    }
    const double bar_w = 520, row_h = 28;
    double legend_rows = std::ceil(double(cats.size()) / 4.0);
    double h = r_.units.size() * row_h + 20 + legend_rows * 20;
    out_ += "<figure><figcaption>" + xmlEscape(L("chart-units")) + "</figcaption>\n";
    out_ += "<svg role=\"img\" width=\"" + num(left + bar_w + 60) + "\" height=\"" + num(h) +
            "\" viewBox=\"0 0 " + num(left + bar_w + 60) + " " + num(h) + "\">\n";
    double y = 4;
    for (const auto& [u, st] : r_.units) {
      out_ += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + 17) + "\" text-anchor=\"end\">" +
              xmlEscape(unitName(s_, lang_, u)) + "</text>";
      double x = left;
      for (size_t ci = 0; ci < cats.size(); ++ci) {
        auto it = st.by_category.find(cats[ci]);
        if (it == st.by_category.end()) continue;
        double w = bar_w * double(it->second) / double(max);
        out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y + 3) + "\" width=\"" + num(w) +
                "\" height=\"20\" fill=\"" + kPalette[ci % std::size(kPalette)] + "\"><title>" +
                xmlEscape(unitName(s_, lang_, u) + " " + categoryName(cats[ci])) + ": " +
                std::to_string(it->second) + "</title></rect>";
        x += w;
      }
      out_ += "<text x=\"" + num(x + 6) + "\" y=\"" + num(y + 17) + "\">" +
              std::to_string(st.records) + "</text>\n";
      y += row_h;
    }
    y += 6;
    for (size_t ci = 0; ci < cats.size(); ++ci) {
      double x = left + double(ci % 4) * 140, yy = y + double(ci / 4) * 20;
      out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(yy) +
              "\" width=\"12\" height=\"12\" fill=\"" + kPalette[ci % std::size(kPalette)] +
              "\"/><text x=\"" + num(x + 16) + "\" y=\"" + num(yy + 11) + "\" class=\"small\">" +
              xmlEscape(categoryName(cats[ci])) + "</text>";
    }
    out_ += "\n</svg></figure>\n";
  }

  // Fields down, units across, each cell coloured by the share of required values present.
  void heatMap() {
    std::vector<const Field*> fields;
    for (const Field& f : s_.fields()) {
      size_t req = 0;
      for (const auto& [u, st] : r_.units) req += st.required[f.index];
      if (req) fields.push_back(&f);
    }
    double left = 40;
    for (const Field* f : fields) left = std::max(left, labelWidth(f->name(lang_)) + 10);
    const double cw = 90, ch = 22, top = 40;
    double w = left + cw * double(r_.units.size()) + 10, h = top + ch * double(fields.size()) + 6;
    out_ += "<figure><figcaption>" + xmlEscape(L("chart-completeness")) + "</figcaption>\n";
    out_ += "<svg role=\"img\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" viewBox=\"0 0 " +
            num(w) + " " + num(h) + "\">\n";
    size_t col = 0;
    for (const auto& [u, st] : r_.units) {
      out_ += "<text x=\"" + num(left + cw * double(col) + cw / 2) + "\" y=\"" + num(top - 10) +
              "\" text-anchor=\"middle\">" + xmlEscape(unitName(s_, lang_, u)) + "</text>";
      ++col;
    }
    out_ += "\n";
    for (size_t fi = 0; fi < fields.size(); ++fi) {
      const Field& f = *fields[fi];
      double y = top + ch * double(fi);
      out_ += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + 15) + "\" text-anchor=\"end\">" +
              xmlEscape(f.name(lang_)) + "</text>";
      col = 0;
      for (const auto& [u, st] : r_.units) {
        double x = left + cw * double(col++);
        size_t req = st.required[f.index];
        if (req == 0) {
          out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(cw - 2) +
                  "\" height=\"" + num(ch - 2) + "\" fill=\"#eeeeee\"/>";
          continue;
        }
        double share = double(st.present[f.index]) / double(req);
        out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(cw - 2) +
                "\" height=\"" + num(ch - 2) + "\" fill=\"" + heatColour(share) + "\"/><text x=\"" +
                num(x + cw / 2 - 1) + "\" y=\"" + num(y + 15) +
                "\" text-anchor=\"middle\" class=\"small\">" + formatShare(share) + "</text>";
      }
      out_ += "\n";
    }
    out_ += "</svg></figure>\n";
  }

  // Findings per rule, all units together, most frequent first.
  void problemBars() {
    std::vector<std::pair<std::string, size_t>> rules;
    for (const auto& [code, sev] : r_.rule_severity) {
      size_t n = 0;
      for (const auto& [u, st] : r_.units) {
        auto it = st.problems.find(code);
        if (it != st.problems.end()) n += it->second;
      }
      rules.push_back({code, n});
    }
    std::stable_sort(rules.begin(), rules.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out_ += "<figure><figcaption>" + xmlEscape(L("chart-problems")) + "</figcaption>\n";
    if (rules.empty()) {
      out_ += "<p>" + xmlEscape(L("no-problems")) + "</p></figure>\n";
      return;
    }
    double left = 60;
    size_t max = 1;
    for (const auto& [code, n] : rules) {
      left = std::max(left, labelWidth(code) + 10);
      max = std::max(max, n);
    }
    const double bar_w = 480, row_h = 24;
    double w = left + bar_w + 70, h = row_h * double(rules.size()) + 8;
    out_ += "<svg role=\"img\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" viewBox=\"0 0 " +
            num(w) + " " + num(h) + "\">\n";
    double y = 4;
    for (const auto& [code, n] : rules) {
      bool error = r_.rule_severity.at(code) == Severity::Error;
      double bw = bar_w * double(n) / double(max);
      out_ += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + 15) + "\" text-anchor=\"end\">" +
              xmlEscape(code) + "</text><rect x=\"" + num(left) + "\" y=\"" + num(y + 2) +
              "\" width=\"" + num(bw) + "\" height=\"18\" fill=\"" +
              (error ? "#c0392b" : "#e0a800") + "\"/><text x=\"" + num(left + bw + 6) + "\" y=\"" +
              num(y + 15) + "\">" + std::to_string(n) + "</text>\n";
      y += row_h;
    }
    out_ += "</svg></figure>\n";
  }

  void table(const ReportTable& t) {
    out_ += "<section><h2 id=\"" + xmlEscape(t.id) + "\">" + xmlEscape(t.title) +
            "</h2>\n<table>\n<thead><tr>";
    for (const std::string& c : t.columns) out_ += "<th>" + xmlEscape(c) + "</th>";
    out_ += "</tr></thead>\n<tbody>\n";
    for (size_t ri = 0; ri < t.rows.size(); ++ri) {
      bool total = t.total_row && ri + 1 == t.rows.size();
      out_ += total ? "<tr class=\"total\">" : "<tr>";
      for (const TableCell& c : t.rows[ri])
        out_ += std::string(c.kind == TableCell::Kind::Text ? "<td>" : "<td class=\"n\">") +
                xmlEscape(cellText(c)) + "</td>";
      out_ += "</tr>\n";
    }
    out_ += "</tbody></table></section>\n";
  }

 private:
  std::string categoryName(const std::string& code) const {
    return s_.categoryField() ? valueLabel(s_, lang_, *s_.categoryField(), code) : code;
  }

  const Report& r_;
  const Schema& s_;
  Lang lang_;
  std::string& out_;
};

// Fonts the systems of the field have (Windows, Kylin/UOS, macOS, Debian): nothing is fetched.
const char kStyle[] = R"(<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",SimSun,sans-serif;margin:24px;color:#222;font-size:14px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:2px solid #2c5282;padding-bottom:3px}
p.meta{color:#555;margin:0 0 16px}
table{border-collapse:collapse;margin:4px 0 12px}th,td{border:1px solid #bbb;padding:3px 8px}
th{background:#e8eef7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;background:#f4f4f4}
figure{margin:12px 0 20px}figcaption{font-weight:bold;margin-bottom:6px}
svg text{font-size:13px;fill:#222}svg text.small{font-size:11px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ccd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}
.tables{display:flex;flex-wrap:wrap;gap:0 40px;align-items:flex-start}
.tables section{max-width:100%;overflow-x:auto}
@media print{body{margin:10mm;font-size:11pt}section,figure{break-inside:avoid}h2{break-after:avoid}}
@page{size:A4;margin:12mm}
</style>
)";

}  // namespace

void writeHtmlReport(const Report& r, const Schema& s, Lang lang,
                     const std::vector<ReportTable>& tables, std::string* out) {
  Page page(r, s, lang, out);
  std::string title = page.L("title");
  *out += "<!DOCTYPE html>\n<html lang=\"" + std::string(htmlLangCode(lang)) +
          "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xmlEscape(title) + "</title>\n" +
          kStyle + "</head>\n<body>\n<h1>" + xmlEscape(title) + "</h1>\n";
  *out += "<div class=\"cards\">";
  auto card = [&](const std::string& label, const std::string& value) {
    *out += "<div class=\"card\">" + xmlEscape(label) + "<b>" + xmlEscape(value) + "</b></div>";
  };
  card(page.L("records"), std::to_string(r.records));
  card(page.L("units"), std::to_string(r.units.size()));
  card(page.L("with-errors"), std::to_string(r.with_errors));
  card(page.L("error-share"),
       r.records ? formatShare(double(r.with_errors) / double(r.records)) : "-");
  card(page.L("with-appeals"), std::to_string(r.appeals));
  *out += "</div>\n";
  page.unitBars();
  page.heatMap();
  page.problemBars();
  // Tables side by side as the page's width allows; a wide one scrolls within its own box.
  *out += "<div class=\"tables\">\n";
  for (const ReportTable& t : tables)
    if (t.id != "summary") page.table(t);
  *out += "</div>\n</body>\n</html>\n";
}

void writeHtmlTables(const Schema& s, Lang lang, const std::string& title,
                     const std::vector<ReportTable>& tables, std::string* out) {
  static const Report kNone{};
  Page page(kNone, s, lang, out);
  *out += "<!DOCTYPE html>\n<html lang=\"" + std::string(htmlLangCode(lang)) +
          "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xmlEscape(title) + "</title>\n" +
          kStyle + "</head>\n<body>\n<h1>" + xmlEscape(title) + "</h1>\n<div class=\"tables\">\n";
  for (const ReportTable& t : tables) page.table(t);
  *out += "</div>\n</body>\n</html>\n";
}

}  // namespace vetkit
