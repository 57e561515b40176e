#include "report/table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "record/mask.h"
#include "report/sendback_status.h"

namespace vetkit {
namespace {

TableCell text(std::string s) {
  return {TableCell::Kind::Text, std::move(s), 0};
}
TableCell count(size_t n) {
  return {TableCell::Kind::Count, "", double(n)};
}
TableCell share(size_t part, size_t whole) {
  if (whole == 0) return {TableCell::Kind::None, "", 0};
  return {TableCell::Kind::Share, "", double(part) / double(whole)};
}

class Builder {
 public:
  Builder(const Report& r, const Schema& s, Lang lang) : r_(r), s_(s), lang_(lang) {}

  std::string L(const std::string& key) const { return reportLabel(s_, lang_, key); }
  std::string unit(const std::string& code) const { return unitName(s_, lang_, code); }
  std::string category(const std::string& code) const {
    return s_.categoryField() ? valueLabel(s_, lang_, *s_.categoryField(), code) : code;
  }

  // What the report is of: the city its units lie in, the date it speaks of and when it
  // was made (Beijing time).
  ReportTable info() const {
    ReportTable t{"report_info", L("info"), {L("item"), L("value")}, {}, 1, false};
    std::set<std::string> cities;
    for (const auto& [u, st] : r_.units)
      if (std::string p = Divisions::prefectureOf(s_.countyOf(u)); !p.empty()) cities.insert(p);
    std::string city;
    for (const std::string& c : cities) {
      const Division* d = s_.divisions().find(c);
      city += (city.empty() ? "" : "、") + (d ? d->name : c);
    }
    if (!city.empty()) t.rows.push_back({text(L("city")), text(city)});
    if (!r_.report_date.empty()) t.rows.push_back({text(L("report-date")), text(r_.report_date)});
    if (!r_.generated_at.empty())
      t.rows.push_back({text(L("generated-at")), text(r_.generated_at)});
    return t;
  }

  ReportTable summary() const {
    ReportTable t{"summary", L("summary"), {L("item"), L("value")}, {}, 1, false};
    t.rows.push_back({text(L("records")), count(r_.records)});
    t.rows.push_back({text(L("units")), count(r_.units.size())});
    t.rows.push_back({text(L("with-errors")), count(r_.with_errors)});
    t.rows.push_back({text(L("error-share")), share(r_.with_errors, r_.records)});
    t.rows.push_back({text(L("with-warnings")), count(r_.with_warnings)});
    t.rows.push_back({text(L("errors")), count(r_.errors)});
    t.rows.push_back({text(L("warnings")), count(r_.warnings)});
    t.rows.push_back({text(L("batches")), count(r_.batches.size())});
    return t;
  }

  ReportTable byUnitCategory() const {
    std::set<std::string> cats;
    for (const auto& [u, st] : r_.units)
      for (const auto& [c, n] : st.by_category) cats.insert(c);
    ReportTable t{"by_unit_category", L("by-unit-category"), {L("unit")}, {}, 1, true};
    for (const std::string& c : cats) t.columns.push_back(category(c));
    t.columns.push_back(L("total"));
    std::map<std::string, size_t> totals;
    for (const auto& [u, st] : r_.units) {
      std::vector<TableCell> row{text(unit(u))};
      for (const std::string& c : cats) {
        auto it = st.by_category.find(c);
        size_t n = it == st.by_category.end() ? 0 : it->second;
        totals[c] += n;
        row.push_back(count(n));
      }
      row.push_back(count(st.records));
      t.rows.push_back(std::move(row));
    }
    std::vector<TableCell> row{text(L("total"))};
    for (const std::string& c : cats) row.push_back(count(totals[c]));
    row.push_back(count(r_.records));
    t.rows.push_back(std::move(row));
    return t;
  }

  ReportTable byTownship() const {
    ReportTable t{"by_township", L("by-township"), {L("unit"), L("township"), L("records")}, {}, 2,
                  true};
    std::map<std::pair<std::string, std::string>, size_t> sums;
    size_t total = 0;
    for (const auto& [key, n] : r_.townships) {
      sums[{std::get<0>(key), std::get<1>(key)}] += n;
      total += n;
    }
    for (const auto& [key, n] : sums)
      t.rows.push_back({text(unit(key.first)), text(key.second), count(n)});
    t.rows.push_back({text(L("total")), text(""), count(total)});
    return t;
  }

  ReportTable completeness() const {
    ReportTable t{"completeness", L("completeness"), {L("field")}, {}, 1, false};
    for (const auto& [u, st] : r_.units) t.columns.push_back(unit(u));
    t.columns.push_back(L("all"));
    for (const Field& f : s_.fields()) {
      size_t req = 0, pres = 0;
      std::vector<TableCell> row{text(f.name(lang_))};
      for (const auto& [u, st] : r_.units) {
        row.push_back(share(st.present[f.index], st.required[f.index]));
        req += st.required[f.index];
        pres += st.present[f.index];
      }
      if (req == 0) continue;  // no record needs it: nothing can be missing
      row.push_back(share(pres, req));
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  // Every item of the notice, not only the required ones: of the records an item concerns,
  // the share that has it, per unit.
  ReportTable fillRate() const {
    ReportTable t{"fill_rate", L("fill-rate"), {L("field")}, {}, 1, false};
    for (const auto& [u, st] : r_.units) t.columns.push_back(unit(u));
    t.columns.push_back(L("all"));
    for (const Field& f : s_.fields()) {
      size_t app = 0, filled = 0;
      std::vector<TableCell> row{text(f.name(lang_))};
      for (const auto& [u, st] : r_.units) {
        row.push_back(share(st.filled[f.index], st.applicable[f.index]));
        app += st.applicable[f.index];
        filled += st.filled[f.index];
      }
      if (app == 0) continue;
      row.push_back(share(filled, app));
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  // People by the county of their household registration — where corrections go back —
  // and how many of them that county's own office collected.
  ReportTable byHukou() const {
    ReportTable t{"by_hukou",
                  L("by-hukou"),
                  {L("hukou-county"), L("records"), L("hukou-own-unit"), L("hukou-other-unit")},
                  {},
                  1,
                  true};
    HukouStats all;
    for (const auto& [county, h] : r_.hukou) {
      std::string name = county.empty() ? L("absent") : s_.divisions().shortName(county);
      t.rows.push_back({text(name.empty() ? county : name), count(h.records), count(h.own_unit),
                        count(h.records - h.own_unit)});
      all.records += h.records;
      all.own_unit += h.own_unit;
    }
    t.rows.push_back({text(L("total")), count(all.records), count(all.own_unit),
                      count(all.records - all.own_unit)});
    return t;
  }

  ReportTable plaqueByTownship() const {
    ReportTable t{"plaque_by_township",
                  L("plaque-by-township"),
                  {L("unit"), L("township"), L("plaque-entitled"), L("plaque-hung"),
                   L("plaque-not-hung"), L("absent"), L("plaque-share")},
                  {},
                  2,
                  true};
    PlaqueProgress all;
    for (const auto& [key, p] : r_.plaque_townships) {
      t.rows.push_back({text(unit(key.first)), text(key.second), count(p.entitled), count(p.hung),
                        count(p.not_hung), count(p.entitled - p.hung - p.not_hung),
                        share(p.hung, p.entitled)});
      all.entitled += p.entitled;
      all.hung += p.hung;
      all.not_hung += p.not_hung;
    }
    t.rows.push_back({text(L("total")), text(""), count(all.entitled), count(all.hung),
                      count(all.not_hung), count(all.entitled - all.hung - all.not_hung),
                      share(all.hung, all.entitled)});
    return t;
  }

  ReportTable photo() const {
    ReportTable t{"photo", L("photo"), {L("unit"), L("records"), L("photo-with"), L("share")},
                  {},      1,          true};
    size_t records = 0, with = 0;
    for (const auto& [u, st] : r_.units) {
      t.rows.push_back(
          {text(unit(u)), count(st.records), count(st.photo), share(st.photo, st.records)});
      records += st.records;
      with += st.photo;
    }
    t.rows.push_back({text(L("total")), count(records), count(with), share(with, records)});
    return t;
  }

  ReportTable problems() const {
    ReportTable t{"problems", L("problems"), {L("rule"), L("severity")}, {}, 2, false};
    for (const auto& [u, st] : r_.units) t.columns.push_back(unit(u));
    t.columns.push_back(L("total"));
    for (const auto& [code, sev] : r_.rule_severity) {
      std::vector<TableCell> row{text(s_.messages().ruleName(code, lang_)),
                                 text(L(severityName(sev)))};
      size_t sum = 0;
      for (const auto& [u, st] : r_.units) {
        auto it = st.problems.find(code);
        size_t n = it == st.problems.end() ? 0 : it->second;
        sum += n;
        row.push_back(count(n));
      }
      row.push_back(count(sum));
      t.rows.push_back(std::move(row));
    }
    std::vector<TableCell> with{text(L("with-errors")), text("")},
        sh{text(L("error-share")), text("")};
    for (const auto& [u, st] : r_.units) {
      with.push_back(count(st.with_errors));
      sh.push_back(share(st.with_errors, st.records));
    }
    with.push_back(count(r_.with_errors));
    sh.push_back(share(r_.with_errors, r_.records));
    t.rows.push_back(std::move(with));
    t.rows.push_back(std::move(sh));
    return t;
  }

  ReportTable distributions() const {
    ReportTable t{"distributions",
                  L("distributions"),
                  {L("field"), L("value"), L("records"), L("share")},
                  {},
                  2,
                  false};
    for (const Distribution& d : r_.distributions) {
      std::string name = d.field->name(lang_);
      // Codes in table order, so that a table reads like the form; stray values after.
      std::vector<std::string> order;
      if (d.field->type == FieldType::YesNo) order = {"true", "false"};
      if (d.field->table)
        for (const CodeEntry& e : d.field->table->entries) order.push_back(e.code);
      for (const auto& [v, n] : d.counts)
        if (std::find(order.begin(), order.end(), v) == order.end()) order.push_back(v);
      for (const std::string& v : order) {
        auto it = d.counts.find(v);
        if (it == d.counts.end()) continue;
        t.rows.push_back({text(name), text(valueLabel(s_, lang_, *d.field, v)), count(it->second),
                          share(it->second, r_.records)});
      }
      t.rows.push_back(
          {text(name), text(L("absent")), count(d.absent), share(d.absent, r_.records)});
    }
    return t;
  }

  ReportTable appeals() const {
    ReportTable t{"appeals", L("appeals"), {L("phrase"), L("records"), L("share")}, {}, 1, false};
    t.rows.push_back({text(L("with-appeals")), count(r_.appeals), share(r_.appeals, r_.records)});
    for (const auto& [p, n] : r_.top_phrases)
      t.rows.push_back({text(p), count(n), share(n, r_.appeals)});
    return t;
  }

  ReportTable plaque() const {
    ReportTable t{"plaque",
                  L("plaque"),
                  {L("unit"), L("plaque-entitled"), L("plaque-hung"), L("plaque-not-hung"),
                   L("absent"), L("plaque-dated"), L("plaque-share")},
                  {},
                  1,
                  true};
    UnitStats all;
    auto row = [&](const std::string& name, const UnitStats& st) {
      size_t unknown = st.plaque_entitled - st.plaque_hung - st.plaque_not_hung;
      t.rows.push_back({text(name), count(st.plaque_entitled), count(st.plaque_hung),
                        count(st.plaque_not_hung), count(unknown), count(st.plaque_dated),
                        share(st.plaque_hung, st.plaque_entitled)});
    };
    for (const auto& [u, st] : r_.units) {
      row(unit(u), st);
      all.plaque_entitled += st.plaque_entitled;
      all.plaque_hung += st.plaque_hung;
      all.plaque_not_hung += st.plaque_not_hung;
      all.plaque_dated += st.plaque_dated;
    }
    row(L("total"), all);
    return t;
  }

  // Values that disagree between the sources of one person, each with where it came from,
  // and what to do: a disagreement between units goes back to both.
  ReportTable conflicts() const {
    ReportTable t{"conflicts",
                  L("conflicts-table"),
                  {L("id-col"), L("name-col"), L("field"), L("conflict-values"), L("chosen"),
                   L("cross-unit"), L("action")},
                  {},
                  3,
                  false};
    for (const MergeConflict& c : r_.merge.conflicts) {
      const Field* f = s_.field(c.field);
      auto shown = [&](const std::string& v) {
        if (v.empty()) return L("absent");
        return f ? maskedValue(*f, valueLabel(s_, lang_, *f, v), r_.mask_keys) : v;
      };
      std::string values;
      for (const ConflictValue& v : c.values) {
        if (!values.empty()) values += lang_ == Lang::Zh ? "；" : "; ";
        values += shown(v.value) + (lang_ == Lang::Zh ? "（" : " (") + unit(v.unit) + " " +
                  where(v.src, v.sheet, v.row, v.column) + (lang_ == Lang::Zh ? "）" : ")");
      }
      bool cross = c.units().size() > 1;
      t.rows.push_back({text(displayKey(c.key, {}, r_.mask_keys)), text(c.name),
                        text(f ? f->name(lang_) : c.field), text(values), text(shown(c.chosen)),
                        text(L(cross ? "yes" : "no")),
                        text(L(cross ? "action-conflict-cross" : "action-conflict"))});
    }
    return t;
  }

  // Pairs that may be one person under two keys, with the merge's reason.
  ReportTable candidates() const {
    ReportTable t{"candidates",
                  L("candidates-table"),
                  {L("candidate-a"), L("candidate-b"), L("reason"), L("score"), L("action")},
                  {},
                  2,
                  false};
    auto person = [&](const CandidatePerson& p) {
      std::string at = p.unit.empty() ? "" : unit(p.unit) + " ";
      return displayKey(p.key, {}, r_.mask_keys) + " " + p.name +
             (lang_ == Lang::Zh ? "（" : " (") + at + where(p.src, "", p.row, "") +
             (lang_ == Lang::Zh ? "）" : ")");
    };
    // The merge names its reason by a code; the catalogue says it in words when it knows it.
    auto reason = [&](const std::string& code) {
      std::string key = "candidate-" + code, said = s_.messages().format(key, lang_, {});
      return said == key ? code : said;
    };
    for (const MergeCandidate& c : r_.merge.candidates) {
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", c.score);
      // The merge's own words (reason and evidence) when it wrote them.
      t.rows.push_back({text(person(c.a)), text(person(c.b)),
                        text(c.why.empty() ? reason(c.reason) : c.why), text(score),
                        text(L("action-candidate"))});
    }
    return t;
  }

  ReportTable provenance() const {
    ReportTable t{"batches",
                  L("batches-table"),
                  {L("file"), L("sha256"), L("unit"), L("time"), L("records"), L("signer"),
                   L("key-id"), L("signature")},
                  {},
                  1,
                  false};
    // Where each batch's unit came from, once the store recorded it (a stream has no such
    // record): beside the unit, in words.
    bool sourced = std::any_of(r_.batches.begin(), r_.batches.end(),
                               [](const BatchRow& b) { return !b.unit_source.empty(); });
    if (sourced) t.columns.insert(t.columns.begin() + 3, L("unit-source"));
    for (const BatchRow& b : r_.batches) {
      std::string units;
      for (size_t pos = 0; pos <= b.unit.size();) {
        size_t comma = std::min(b.unit.find(',', pos), b.unit.size());
        if (comma > pos)
          units += (units.empty() ? "" : "、") + unit(b.unit.substr(pos, comma - pos));
        pos = comma + 1;
      }
      auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
      t.rows.push_back({text(b.file), text(dash(b.sha256)), text(dash(units)), text(dash(b.time)),
                        count(b.records), text(dash(b.signer)), text(dash(b.key_id)),
                        text(L(b.signer_status == "verified"   ? "verified"
                               : b.signer_status == "declared" ? "declared"
                               : b.signer_status == "none"     ? "unsigned"
                               : !b.verified_known             ? "not-verified"
                               : b.verified                    ? "verified"
                                                               : "verify-failed"))});
      if (sourced)
        t.rows.back().insert(
            t.rows.back().begin() + 3,
            text(b.unit_source.empty()
                     ? "-"
                     : s_.messages().format("unit-source-" + b.unit_source, lang_, {})));
    }
    return t;
  }

 private:
  // "娄星区.xlsx 第12行 C列" / "娄星区.xlsx row 12 column C".
  std::string where(const std::string& src, const std::string& sheet, long row,
                    const std::string& column) const {
    std::string w = src;
    if (!sheet.empty()) w += " " + sheet;
    if (row > 0)
      w += lang_ == Lang::Zh ? " 第" + std::to_string(row) + "行" : " row " + std::to_string(row);
    if (!column.empty()) w += lang_ == Lang::Zh ? " " + column + "列" : " column " + column;
    return w;
  }

  const Report& r_;
  const Schema& s_;
  Lang lang_;
};

}  // namespace

std::string reportLabel(const Schema& schema, Lang lang, const std::string& key) {
  return schema.messages().format("report-" + key, lang, {});
}

std::string unitName(const Schema& schema, Lang lang, const std::string& code) {
  if (code.empty()) return reportLabel(schema, lang, "absent");
  if (const CodeTable* units = schema.table("units"))
    if (const CodeEntry* e = units->find(code)) return e->label;
  if (const Division* d = schema.divisions().find(code)) return d->name;
  return code;
}

std::string valueLabel(const Schema& schema, Lang lang, const Field& field,
                       const std::string& value) {
  if (value.empty()) return reportLabel(schema, lang, "absent");
  if (field.type == FieldType::YesNo && (value == "true" || value == "false"))
    return reportLabel(schema, lang, value == "true" ? "yes" : "no");
  if (field.table)
    if (const CodeEntry* e = field.table->find(value)) return e->label;
  return value;
}

std::string formatShare(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
  return buf;
}

std::string cellText(const TableCell& c) {
  switch (c.kind) {
    case TableCell::Kind::Count:
      return std::to_string(static_cast<long long>(std::llround(c.value)));
    case TableCell::Kind::Share:
      return formatShare(c.value);
    case TableCell::Kind::None:
      return "-";
    default:
      return c.text;
  }
}

std::vector<ReportTable> reportTables(const Report& report, const Schema& schema, Lang lang) {
  Builder b(report, schema, lang);
  std::vector<ReportTable> out;
  if (ReportTable t = b.info(); !t.rows.empty()) out.push_back(std::move(t));
  out.push_back(b.summary());
  out.push_back(b.byUnitCategory());
  if (!report.townships.empty()) out.push_back(b.byTownship());
  out.push_back(b.byHukou());
  out.push_back(b.completeness());
  out.push_back(b.fillRate());
  out.push_back(b.problems());
  out.push_back(b.distributions());
  out.push_back(b.appeals());
  out.push_back(b.plaque());
  if (!report.plaque_townships.empty()) out.push_back(b.plaqueByTownship());
  out.push_back(b.photo());
  if (!report.merge.conflicts.empty()) out.push_back(b.conflicts());
  if (!report.merge.candidates.empty()) out.push_back(b.candidates());
  appendCrossTables(report.cross, schema, lang, &out);
  if (!report.sendback_status.empty())
    out.push_back(sendbackStatusTable(report.sendback_status, schema, lang));
  out.push_back(b.provenance());
  return out;
}

}  // namespace vetkit
