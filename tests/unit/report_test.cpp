// Every table of the report against counts made independently from the sample batches: the
// record lines are re-read here with a minimal JSON scanner of its own, and the problems are
// checked against the generator's truth files (the mistakes it injected, cell by cell).
#include <gtest/gtest.h>

#include "test_schema.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "import/record_source.h"
#include "report/aggregate.h"
#include "report/output.h"
#include "report/sendback.h"
#include "report/session.h"
#include "report/table.h"
#include "store/store.h"
#include "text/utf8.h"
#include "validate/validator.h"

namespace vetkit {
namespace {

const std::string kSamples = VETKIT_SCHEMAS "/../samples";
const char* const kFiles[] = {"双峰县退役军人信息采集表(最终版).xlsx",
                              "娄星区退役军人和其他优抚对象信息采集表.csv",
                              "新化县退役军人信息采集表.csv"};

using vetkit::testing::schema;

using vetkit::testing::rules;

// --- the independent reading: a record line as a flat map of key -> raw JSON value ---

// The raw value starting at `pos` (a string without its quotes, an array as its members
// joined by '\x1f', or a literal), advancing `pos` past it.
std::string rawValue(const std::string& s, size_t* pos) {
  auto str = [&]() {
    std::string out;
    for (++*pos; *pos < s.size() && s[*pos] != '"'; ++*pos) {
      if (s[*pos] == '\\') {
        ++*pos;
        out += s[*pos] == 'n' ? '\n' : s[*pos];
      } else {
        out += s[*pos];
      }
    }
    ++*pos;
    return out;
  };
  if (s[*pos] == '"') return str();
  if (s[*pos] == '[') {
    std::string out;
    ++*pos;
    while (s[*pos] != ']') {
      if (s[*pos] == '"') {
        out += (out.empty() ? "" : "\x1f") + str();
      } else {
        ++*pos;
      }
    }
    ++*pos;
    return out;
  }
  if (s[*pos] == '{') {  // _columns, _extra: skipped whole
    int depth = 0;
    do {
      if (s[*pos] == '"') {
        str();
        continue;
      }
      depth += s[*pos] == '{' ? 1 : s[*pos] == '}' ? -1 : 0, ++*pos;
    } while (depth > 0);
    return "{}";
  }
  size_t start = *pos;
  while (*pos < s.size() && s[*pos] != ',' && s[*pos] != '}') ++*pos;
  return s.substr(start, *pos - start);
}

std::map<std::string, std::string> flat(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t pos = 1;
  while (pos < line.size() && line[pos] == '"') {
    std::string key = rawValue(line, &pos);
    ++pos;  // ':'
    out[key] = rawValue(line, &pos);
    if (line[pos] == ',') ++pos;
  }
  return out;
}

struct Fixture {
  Report report;
  std::vector<std::map<std::string, std::string>> records;  // independent view
  std::vector<ReportTable> tables;
  std::map<std::string, SendbackPackage> packages;
  std::map<std::string, std::string> county;  // "file\tsheet\trow" -> county (hukou)
};

const Fixture& fixture() {
  static Fixture f = [] {
    Fixture fx;
    ValidateOptions vo;
    vo.today = {2026, 11, 29};
    Validator validator(schema(), rules(), vo);
    Aggregator agg(schema(), {});
    Sendback sb(schema(), {});
    std::vector<Diagnostic> diags;
    for (const char* name : kFiles) {
      RecordSourceEvents ev;
      ev.record = [&](Record& r) {
        diags.clear();
        validator.check(r, &diags);
        agg.add(r, diags);
        sb.add(r, diags);
        auto m = flat(r.line);
        m["_src"] = r.src;
        fx.county[r.src + '\t' + r.sheet + '\t' + std::to_string(r.row)] = sb.countyOf(r);
        fx.records.push_back(std::move(m));
        return true;
      };
      ev.diagnostic = [](const Diagnostic&) {};
      std::string err;
      EXPECT_TRUE(readRecords(schema(), kSamples + "/" + name, {}, ev, &err)) << err;
    }
    fx.report = agg.finish();
    fx.tables = reportTables(fx.report, schema(), Lang::Zh);
    fx.packages = sb.packages();
    return fx;
  }();
  return f;
}

std::string get(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

TEST(Report, RecordsAndUnitCategoryCounts) {
  const Fixture& fx = fixture();
  ASSERT_EQ(fx.records.size(), 350u);
  EXPECT_EQ(fx.report.records, 350u);
  std::map<std::pair<std::string, std::string>, size_t> want;
  for (const auto& m : fx.records) ++want[{get(m, "unit"), get(m, "category")}];
  std::map<std::pair<std::string, std::string>, size_t> got;
  for (const auto& [u, st] : fx.report.units)
    for (const auto& [c, n] : st.by_category) got[{u, c}] = n;
  EXPECT_EQ(got, want);
  EXPECT_EQ(fx.report.units.size(), 3u);
  EXPECT_EQ(fx.report.units.at("431321").records, 150u);
  EXPECT_EQ(fx.report.units.at("431302").records, 100u);
  EXPECT_EQ(fx.report.units.at("431322").records, 100u);
}

TEST(Report, TownshipsAreTheSheetsOfTheWorkbook) {
  const Fixture& fx = fixture();
  std::map<std::tuple<std::string, std::string, std::string>, size_t> want;
  for (const auto& m : fx.records)
    if (!get(m, "_sheet").empty()) ++want[{get(m, "unit"), get(m, "_sheet"), get(m, "category")}];
  EXPECT_EQ(fx.report.townships, want);
  std::set<std::string> sheets;
  for (const auto& [k, n] : want) sheets.insert(std::get<1>(k));
  EXPECT_EQ(sheets.size(), 7u);  // seven township sheets; the hidden 代码表 is not data
}

TEST(Report, CompletenessCountsRequiredAndPresent) {
  const Fixture& fx = fixture();
  for (const Field& f : schema().fields()) {
    std::map<std::string, std::pair<size_t, size_t>> want;
    for (const auto& m : fx.records) {
      if (!schema().isRequired(f, get(m, "category"))) continue;
      auto& [req, pres] = want[get(m, "unit")];
      ++req;
      pres += m.count(f.id);
    }
    for (const auto& [u, st] : fx.report.units) {
      EXPECT_EQ(st.required[f.index], want[u].first) << f.id << " " << u;
      EXPECT_EQ(st.present[f.index], want[u].second) << f.id << " " << u;
    }
  }
  // The one missing name of 娄星区's sheet (its truth file lists it).
  const Field* name = schema().field("name");
  EXPECT_EQ(fx.report.units.at("431302").required[name->index] -
                fx.report.units.at("431302").present[name->index],
            1u);
}

TEST(Report, ProblemsPerRuleAndUnitMatchTheInjectedMistakes) {
  const Fixture& fx = fixture();
  std::map<std::string, std::string> unit_of;  // "file\tsheet\trow" -> unit
  for (const auto& m : fx.records)
    unit_of[get(m, "_src") + '\t' + get(m, "_sheet") + '\t' + get(m, "_row")] = get(m, "unit");
  std::map<std::pair<std::string, std::string>, size_t> want;
  std::set<std::string> faulty;
  for (const char* name : kFiles) {
    std::string stem = std::filesystem::path(name).stem().string();
    std::ifstream in(kSamples + "/truth/" + stem + ".jsonl");
    for (std::string line; std::getline(in, line);) {
      auto t = flat(line);
      std::string where = std::string(name) + '\t' + get(t, "sheet") + '\t' + get(t, "row");
      ASSERT_TRUE(unit_of.count(where)) << where;
      ++want[{unit_of[where], get(t, "code")}];
      faulty.insert(where);
    }
  }
  std::map<std::pair<std::string, std::string>, size_t> got;
  for (const auto& [u, st] : fx.report.units)
    for (const auto& [code, n] : st.problems) got[{u, code}] = n;
  EXPECT_EQ(got, want);
  EXPECT_EQ(fx.report.with_errors, faulty.size());
  EXPECT_EQ(fx.report.units.at("431322").with_errors, 0u);  // the clean file
}

TEST(Report, DistributionsCountEveryValue) {
  const Fixture& fx = fixture();
  for (const Distribution& d : fx.report.distributions) {
    std::map<std::string, size_t> want;
    size_t absent = 0;
    for (const auto& m : fx.records) {
      auto it = m.find(d.field->id);
      if (it == m.end()) {
        ++absent;
        continue;
      }
      std::string v = it->second;
      for (size_t pos = 0; pos <= v.size();) {  // set members are joined by \x1f
        size_t end = std::min(v.find('\x1f', pos), v.size());
        ++want[v.substr(pos, end - pos)];
        pos = end + 1;
      }
    }
    EXPECT_EQ(d.counts, want) << d.field->id;
    EXPECT_EQ(d.absent, absent) << d.field->id;
  }
  std::set<std::string> ids;
  for (const Distribution& d : fx.report.distributions) ids.insert(d.field->id);
  EXPECT_EQ(
      ids, (std::set<std::string>{"placement", "employment_status", "has_housing", "housing_nature",
                                  "benefit_types", "insurance", "dibao", "disability_subsidy"}));
}

// Occurrences of `phrase` in `text` as a whole clause: bounded by the ends or by a character
// that is not a CJK ideograph or ASCII letter/digit (a different test from the splitter's).
size_t clauseCount(const std::string& text, const std::string& phrase) {
  auto isWordAt = [&](size_t pos) {  // the character starting at pos
    unsigned char c = text[pos];
    if (c < 0x80) return std::isalnum(c) != 0;
    size_t p = pos;
    char32_t cp = decodeUtf8(text, &p);
    return cp >= 0x4E00 && cp <= 0x9FFF;
  };
  size_t n = 0;
  for (size_t pos = text.find(phrase); pos != std::string::npos; pos = text.find(phrase, pos + 1)) {
    bool left = true;
    if (pos > 0) {
      size_t b = pos - 1;
      while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
      left = !isWordAt(b);
    }
    size_t end = pos + phrase.size();
    bool right = end == text.size() || !isWordAt(end);
    n += left && right;
  }
  return n;
}

TEST(Report, AppealsCountRecordsAndPhrases) {
  const Fixture& fx = fixture();
  size_t with = 0;
  std::vector<std::string> appeals;
  for (const auto& m : fx.records) {
    std::string a = get(m, "appeals");
    if (a.empty() || a == "无" || a == "暂无") continue;
    ++with;
    appeals.push_back(a);
  }
  EXPECT_EQ(fx.report.appeals, with);
  ASSERT_EQ(fx.report.top_phrases.size(), 20u);
  for (size_t i = 0; i < fx.report.top_phrases.size(); ++i) {
    const auto& [phrase, count] = fx.report.top_phrases[i];
    size_t want = 0;
    for (const std::string& a : appeals) want += clauseCount(a, phrase);
    EXPECT_EQ(count, want) << phrase;
    if (i) {
      EXPECT_GE(fx.report.top_phrases[i - 1].second, count);
    }
  }
}

// The plaque is hung for veterans' and servicemen's families (《悬挂光荣牌工作实施办法》): the
// categories 11-16 and 21-24, not 17, 18 (no military status) or 31 (militia).
bool plaqueEntitled(const std::string& category) {
  static const std::set<std::string> kEntitled = {"11", "12", "13", "14", "15",
                                                  "16", "21", "22", "23", "24"};
  return kEntitled.count(category) > 0;
}

TEST(Report, PlaqueProgressPerUnitCountsOnlyEntitledCategories) {
  const Fixture& fx = fixture();
  std::map<std::string, std::array<size_t, 4>> want;
  size_t not_entitled = 0;
  for (const auto& m : fx.records) {
    if (!plaqueEntitled(get(m, "category"))) {
      ++not_entitled;
      continue;
    }
    auto& w = want[get(m, "unit")];
    ++w[0];
    w[1] += get(m, "plaque_hung") == "true";
    w[2] += get(m, "plaque_hung") == "false";
    w[3] += m.count("plaque_date");
  }
  EXPECT_GT(not_entitled, 0u);  // the samples hold such people: the rule is exercised
  for (const auto& [u, st] : fx.report.units) {
    EXPECT_EQ(st.plaque_entitled, want[u][0]) << u;
    EXPECT_EQ(st.plaque_hung, want[u][1]) << u;
    EXPECT_EQ(st.plaque_not_hung, want[u][2]) << u;
    EXPECT_EQ(st.plaque_dated, want[u][3]) << u;
  }
}

TEST(Report, PlaqueProgressPerTownship) {
  const Fixture& fx = fixture();
  std::map<std::pair<std::string, std::string>, std::array<size_t, 3>> want;
  for (const auto& m : fx.records) {
    if (get(m, "_sheet").empty() || !plaqueEntitled(get(m, "category"))) continue;
    auto& w = want[{get(m, "unit"), get(m, "_sheet")}];
    ++w[0];
    w[1] += get(m, "plaque_hung") == "true";
    w[2] += get(m, "plaque_hung") == "false";
  }
  std::map<std::pair<std::string, std::string>, std::array<size_t, 3>> got;
  for (const auto& [k, p] : fx.report.plaque_townships) got[k] = {p.entitled, p.hung, p.not_hung};
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.size(), 7u);
}

TEST(Report, PeopleByHukouCountyAndWhoCollectedThem) {
  const Fixture& fx = fixture();
  std::map<std::string, std::array<size_t, 2>> want;
  for (const auto& m : fx.records) {
    std::string h = get(m, "hukou_division"), county = h.size() == 6 ? h : "";
    auto& w = want[county];
    ++w[0];
    w[1] += !county.empty() && get(m, "unit") == county;
  }
  std::map<std::string, std::array<size_t, 2>> got;
  for (const auto& [c, h] : fx.report.hukou) got[c] = {h.records, h.own_unit};
  EXPECT_EQ(got, want);
  EXPECT_GT(got.size(), 3u);  // people registered in counties that did not collect them
}

TEST(Report, FillRateOfEveryItemOverTheRecordsItConcerns) {
  const Fixture& fx = fixture();
  const Field* phone = schema().field("phone");
  const Field* martyr = schema().field("related_name");
  const Field* plaque = schema().field("plaque_hung");
  ASSERT_TRUE(phone && martyr && plaque);
  for (const auto& [u, st] : fx.report.units) {
    size_t all = 0, phones = 0, family = 0, martyrs = 0, entitled = 0, plaques = 0, photos = 0;
    for (const auto& m : fx.records) {
      if (get(m, "unit") != u) continue;
      ++all;
      phones += m.count("phone");
      photos += m.count("photo");
      if (get(m, "category").starts_with("2")) ++family, martyrs += m.count("related_name");
      if (plaqueEntitled(get(m, "category"))) ++entitled, plaques += m.count("plaque_hung");
    }
    EXPECT_EQ(st.applicable[phone->index], all) << u;  // not required, concerns everyone
    EXPECT_EQ(st.filled[phone->index], phones) << u;
    EXPECT_EQ(st.applicable[martyr->index], family) << u;
    EXPECT_EQ(st.filled[martyr->index], martyrs) << u;
    EXPECT_EQ(st.applicable[plaque->index], entitled) << u;
    EXPECT_EQ(st.filled[plaque->index], plaques) << u;
    EXPECT_EQ(st.photo, photos) << u;
  }
}

TEST(Report, ProvenanceListsEveryBatch) {
  const Fixture& fx = fixture();
  ASSERT_EQ(fx.report.batches.size(), 3u);
  std::map<std::string, size_t> want;
  for (const auto& m : fx.records) ++want[get(m, "_src")];
  for (const BatchRow& b : fx.report.batches) {
    EXPECT_EQ(b.records, want[b.file]) << b.file;
    EXPECT_FALSE(b.verified_known);  // nothing verifies a stream's signature yet
  }
  EXPECT_EQ(fx.report.batches[0].unit, "431321");
}

TEST(Report, TablesTotalsAddUp) {
  const Fixture& fx = fixture();
  const ReportTable* t = nullptr;
  for (const ReportTable& x : fx.tables)
    if (x.id == "by_unit_category") t = &x;
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 4u);  // three units and the total
  EXPECT_EQ(t->rows.back().back().value, 350);
  // Every table with a total row: each column of counts adds up to its total.
  size_t checked = 0;
  for (const ReportTable& x : fx.tables) {
    if (!x.total_row) continue;
    ++checked;
    const auto& total = x.rows.back();
    for (size_t c = x.label_columns; c < total.size(); ++c) {
      if (total[c].kind != TableCell::Kind::Count) continue;
      double sum = 0;
      for (size_t r = 0; r + 1 < x.rows.size(); ++r) sum += x.rows[r][c].value;
      EXPECT_EQ(sum, total[c].value) << x.id << ": " << x.columns[c];
    }
  }
  EXPECT_GE(checked, 6u);  // units, townships, hukou, plaque, plaque by township, photo
}

TEST(Report, InfoNamesTheCityAndTheDates) {
  ReportOptions o;
  o.report_date = "2026-12-05";
  o.generated_at = "2026-12-05 16:07";
  Aggregator agg(schema(), o);
  Record r;
  r.fields.resize(schema().fields().size());
  FieldValue& unit = r.fields[schema().field("unit")->index];
  unit.kind = FieldValue::Kind::String;
  unit.text = "LD01";  // a zone of 431302, which has no code of its own
  agg.add(r, {});
  Report rep = agg.finish();
  auto tables = reportTables(rep, schema(), Lang::Zh);
  ASSERT_EQ(tables.front().id, "report_info");
  ASSERT_EQ(tables.front().rows.size(), 3u);
  EXPECT_EQ(tables.front().rows[0][1].text, "湖南省娄底市");
  EXPECT_EQ(tables.front().rows[1][1].text, "2026-12-05");
  EXPECT_EQ(tables.front().rows[2][1].text, "2026-12-05 16:07");
}

TEST(Report, TextTablesAlignChineseByDisplayWidth) {
  const Fixture& fx = fixture();
  std::string text;
  const ReportTable* t = nullptr;
  for (const ReportTable& x : fx.tables)
    if (x.id == "by_unit_category") t = &x;
  ASSERT_TRUE(t);
  writeTextReport({*t}, &text);
  std::vector<size_t> widths;
  size_t pos = text.find('\n', text.find("---"));  // the rows under the rule
  while (pos + 1 < text.size()) {
    size_t end = text.find('\n', pos + 1);
    widths.push_back(displayWidth(text.substr(pos + 1, end - pos - 1)));
    pos = end;
  }
  ASSERT_EQ(widths.size(), 4u);
  for (size_t w : widths) EXPECT_EQ(w, widths[0]);  // right-aligned totals end together
}

TEST(Report, JsonHasTheDocumentedKeys) {
  const Fixture& fx = fixture();
  std::string json;
  writeJsonReport(fx.report, schema(), &json);
  EXPECT_EQ(json.rfind("{\"records\":350,", 0), 0u);
  for (const char* key :
       {"\"by_unit_category\":[", "\"by_township\":[", "\"units\":[", "\"completeness\":[",
        "\"problems\":[", "\"distributions\":[", "\"appeals\":{", "\"plaque\":[", "\"batches\":["})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  EXPECT_NE(json.find("{\"unit\":\"431321\",\"category\":\"12\",\"count\":"), std::string::npos);
}

TEST(Sendback, EveryFindingGoesToTheCountyOfRegistration) {
  const Fixture& fx = fixture();
  size_t problems = 0, missing = 0;
  for (const auto& [county, p] : fx.packages) {
    problems += p.problems.size();
    missing += p.missing.size();
    for (const SendbackItem& it : p.problems) {
      EXPECT_EQ(fx.county.at(it.file + '\t' + it.sheet + '\t' + std::to_string(it.row)), county);
      EXPECT_NE(it.rule, "missing-value");
      // Masked: 4301**********1234.
      if (!it.id_number.empty()) {
        EXPECT_NE(it.id_number.find("****"), std::string::npos);
      }
    }
    for (const SendbackItem& it : p.missing) EXPECT_EQ(it.rule, "missing-value");
  }
  EXPECT_EQ(problems + missing, fx.report.errors + fx.report.warnings);
  EXPECT_EQ(missing, 2u);
  EXPECT_FALSE(fx.packages.count("431322"));  // the clean county gets nothing back
}

TEST(Sendback, CountyFallsBackToTheUnit) {
  Sendback by_hukou(schema(), {});
  Record r;
  r.fields.resize(schema().fields().size());
  auto set = [&](const char* id, const char* v) {
    FieldValue& f = r.fields[schema().field(id)->index];
    f.kind = FieldValue::Kind::String;
    f.text = v;
  };
  set("unit", "431321");
  EXPECT_EQ(by_hukou.countyOf(r), "431321");
  set("hukou_division", "431302");
  EXPECT_EQ(by_hukou.countyOf(r), "431302");
  set("hukou_division", "431300");  // the city: no county
  EXPECT_EQ(by_hukou.countyOf(r), "431321");
  set("hukou_division", "LD01");  // a zone: the division it lies in
  EXPECT_EQ(by_hukou.countyOf(r), "431302");
  SendbackOptions o;
  o.by = SendbackOptions::By::Unit;
  EXPECT_EQ(Sendback(schema(), o).countyOf(r), "431321");
}

TEST(Report, AppealPhrasesSplitAtPunctuationAndDropNumbering) {
  EXPECT_EQ(appealPhrases("1.住房困难\n2.医疗费用高"),
            (std::vector<std::string>{"住房困难", "医疗费用高"}));
  EXPECT_EQ(appealPhrases("配偶无工作,家庭收入低。"),
            (std::vector<std::string>{"配偶无工作", "家庭收入低"}));
  EXPECT_EQ(appealPhrases("希望落实“带病回乡”补助"),
            (std::vector<std::string>{"希望落实", "带病回乡", "补助"}));
  EXPECT_TRUE(appealPhrases("好").empty());
}

TEST(Report, PhraseTableIsCapped) {
  ReportOptions o;
  o.phrase_cap = 8;
  Aggregator agg(schema(), o);
  Record r;
  r.fields.resize(schema().fields().size());
  FieldValue& a = r.fields[schema().field("appeals")->index];
  a.kind = FieldValue::Kind::String;
  for (int i = 0; i < 100; ++i) {
    a.text = "常见诉求，罕见" + std::to_string(i);
    agg.add(r, {});
  }
  Report rep = agg.finish();
  EXPECT_TRUE(rep.phrases_pruned);
  ASSERT_FALSE(rep.top_phrases.empty());
  EXPECT_EQ(rep.top_phrases[0], (std::pair<std::string, size_t>{"常见诉求", 100}));
}

// Free text in the unit and category columns (a different value on every row) once made the
// unit-by-category table grow with the square of the input: 30,000 such records took 48 s.
// Past the first few unrecognised values the rest share one row and one column.
TEST(Report, UnrecognisedUnitsAndCategoriesAreCapped) {
  ReportOptions o;
  o.verbatim_shown = 5;
  Aggregator agg(schema(), o);
  Record r;
  r.fields.resize(schema().fields().size());
  FieldValue& unit = r.fields[schema().field("unit")->index];
  FieldValue& category = r.fields[schema().categoryField()->index];
  unit.kind = category.kind = FieldValue::Kind::String;
  for (int i = 0; i < 100; ++i) {
    unit.text = "某单位" + std::to_string(i);
    category.text = "某类别" + std::to_string(i);
    agg.add(r, {});
  }
  unit.text = "431302", category.text = "12";  // codes are never lumped together
  agg.add(r, {});
  Report rep = agg.finish();
  const std::string other = reportLabel(schema(), Lang::Zh, "other-values");
  ASSERT_EQ(rep.units.size(), 7u);  // five as typed, the rest, and 娄星区
  EXPECT_EQ(rep.units.at("某单位4").records, 1u);
  EXPECT_EQ(rep.units.count("某单位5"), 0u);
  EXPECT_EQ(rep.units.at(other).records, 95u);
  EXPECT_EQ(rep.units.at(other).by_category.at(other), 95u);
  EXPECT_EQ(rep.units.at("431302").by_category.at("12"), 1u);
  EXPECT_EQ(rep.records, 101u);
}

// --- the session: what vetreport runs, end to end in one process ---

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/report_session_XXXXXX";
    path = mkdtemp(tmpl) ? tmpl : "";
  }
  ~TempDir() {
    if (!path.empty()) std::filesystem::remove_all(path);
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ReportSessionOptions sessionOptions() {
  ReportSessionOptions o;
  o.validate.today = {2026, 11, 29};
  return o;
}

TEST(ReportSession, OneRunGivesTheReportOfTheAggregator) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::vector<Diagnostic> told;
  ReportSession session(schema(), rules(), sessionOptions(),
                        [&](const Diagnostic& d) { told.push_back(d); });
  std::string err;
  for (const char* name : kFiles) ASSERT_TRUE(session.run(kSamples + "/" + name, &err)) << err;
  EXPECT_FALSE(session.trouble());
  EXPECT_FALSE(session.sendingBack());
  EXPECT_TRUE(told.empty());  // column findings are vetvalidate's
  const std::string out = dir.path + "/report.json";
  ASSERT_EQ(session.writeReport(ReportFormat::Json, out, &err), ReportSession::Written::Yes) << err;
  std::string expected;
  writeJsonReport(fixture().report, schema(), &expected);
  EXPECT_EQ(slurp(out), expected);
  const Report& r = fixture().report;
  EXPECT_EQ(session.summaryLine(), "vetreport: " + std::to_string(r.records) + " 条记录，" +
                                       std::to_string(r.units.size()) + " 个单位，" +
                                       std::to_string(r.with_errors) + " 条有错误");
}

TEST(ReportSession, ALineThatIsNotARecordIsTroubleAndTold) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string stream = dir.path + "/batch.jsonl";
  std::ofstream(stream) << R"({"name":"李红","gender":"2","id_number":"430102197005061225"})"
                        << "\nnot a record\n";
  std::vector<Diagnostic> told;
  ReportSession session(schema(), rules(), sessionOptions(),
                        [&](const Diagnostic& d) { told.push_back(d); });
  std::string err;
  EXPECT_TRUE(session.run(stream, &err)) << err;
  EXPECT_TRUE(session.trouble());
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].code, "bad-line");
  EXPECT_FALSE(session.run(dir.path + "/missing.jsonl", &err));
  EXPECT_EQ(err.rfind(dir.path + "/missing.jsonl: ", 0), 0u) << err;
  ASSERT_EQ(session.writeReport(ReportFormat::Text, dir.path + "/r.txt", &err),
            ReportSession::Written::Yes);
  EXPECT_NE(session.summaryLine().find("vetreport: 1 条记录"), std::string::npos);
  EXPECT_EQ(session.writeReport(ReportFormat::Text, dir.path + "/no/such/dir/r.txt", &err),
            ReportSession::Written::Failed);
}

TEST(ReportSession, SendBackFilesEveryFindingUnderItsCounty) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  ReportSessionOptions o = sessionOptions();
  o.sendback.emplace();
  ReportSession session(schema(), rules(), o, nullptr);
  std::string err;
  for (const char* name : kFiles) ASSERT_TRUE(session.run(kSamples + "/" + name, &err)) << err;
  EXPECT_TRUE(session.sendingBack());
  ASSERT_TRUE(session.writeSendback(dir.path, &err)) << err;
  EXPECT_TRUE(std::filesystem::exists(dir.path + "/index.csv"));
  size_t problems = 0, missing = 0;
  for (const auto& [county, p] : fixture().packages) {
    problems += p.problems.size();
    missing += p.missing.size();
  }
  EXPECT_EQ(session.summaryLine(),
            "vetreport: 已写出 " + std::to_string(fixture().packages.size()) + " 个退回包（问题 " +
                std::to_string(problems) + " 条，缺失 " + std::to_string(missing) + " 条）到 " +
                dir.path);
}

// The report of a store files today's items (every finding of every person, issue 18: 4.5 GiB
// at 5M people) only when the store has send-back rounds to set them against.
TEST(ReportSession, AStoreWithoutRoundsIsCountedNotFiled) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string db = dir.path + "/city.sqlite";
  std::string err;
  {
    auto store = Store::openOrCreate(db, &err);
    ASSERT_TRUE(store) << err;
    ASSERT_TRUE(store->finish()) << store->error();
  }
  auto reportOf = [&](bool* filing) {
    ReportSession session(schema(), rules(), sessionOptions(), nullptr);
    ASSERT_TRUE(session.runStore(db, &err)) << err;
    *filing = session.filingItems();
    ASSERT_EQ(session.writeReport(ReportFormat::Text, dir.path + "/r.txt", &err),
              ReportSession::Written::Yes)
        << err;
  };
  bool filing = true;
  reportOf(&filing);
  EXPECT_FALSE(filing);
  {
    auto store = Store::openOrCreate(db, &err);
    ASSERT_TRUE(store) << err;
    SendbackRound round;
    round.sent_at = "2026-11-29 09:30", round.outdir = "退回";
    std::vector<SendbackLogItem> items{
        {"V0001", "431302", "problem", "id-checksum", "k", "", "", "431302", false}};
    ASSERT_TRUE(store->begin() &&
                store->sendbackLog()->addRound(
                    &round, {{"431302", "431302-娄星区.xlsx", std::string(64, 'a'), 1}}, items) &&
                store->commit() && store->finish())
        << store->error();
  }
  reportOf(&filing);
  EXPECT_TRUE(filing);
}

TEST(ReportSession, FormatFromTheOutputName) {
  EXPECT_EQ(reportFormatFromName("报告.html"), ReportFormat::Html);
  EXPECT_EQ(reportFormatFromName("out/报告.xlsx"), ReportFormat::Xlsx);
  EXPECT_EQ(reportFormatFromName("a.csv"), ReportFormat::Csv);
  EXPECT_EQ(reportFormatFromName("a.json"), ReportFormat::Json);
  EXPECT_EQ(reportFormatFromName("-"), ReportFormat::Text);
  EXPECT_EQ(reportFormatFromName(".html"), ReportFormat::Text);  // a name, not an extension
  EXPECT_EQ(reportFormatFromName("a.html.txt"), ReportFormat::Text);
}

}  // namespace
}  // namespace vetkit

// Issue 16 item 6: the cross-check tables add up. Each department's table has one row per
// county and a total row; every row's total is the sum of its kinds, the total row is the sum
// of the rows, and all departments together count every item once. A person two rosters name
// is one person to collect.
TEST(Report, CrossCheckTablesAddUp) {
  using namespace vetkit;
  std::vector<CrossItem> items;
  auto item = [&](std::string dept, std::string kind, std::string county, std::string key) {
    CrossItem c;
    c.id = "X" + std::to_string(items.size());
    c.dept = dept, c.department = dept == "gongan" ? "公安"
                                  : dept == "base" ? "初始数据"
                                                   : "军分区";
    c.kind = kind, c.county = county, c.key = key, c.name = "某" + key;
    items.push_back(c);
  };
  const char* counties[] = {"431302", "431321", "431322", ""};
  const char* kinds[] = {"disagree", "only-ours", "only-theirs", "not-collected"};
  for (int i = 0; i < 37; ++i)
    item("gongan", kinds[i % 4], counties[i % 3 + (i % 7 == 0)], "k" + std::to_string(i));
  for (int i = 0; i < 5; ++i) item("junfenqu", "not-collected", "431302", "r" + std::to_string(i));
  for (int i = 3; i < 9; ++i) item("base", "not-collected", "431302", "r" + std::to_string(i));
  item("base", "disagree", "431322", "k1");
  CrossSummary s;
  std::string err;
  ASSERT_TRUE(summarizeCross(items, &s, &err)) << err;
  EXPECT_EQ(s.items, items.size());
  ASSERT_EQ(s.departments.size(), 3u);
  size_t all = 0;
  for (const CrossDepartment& d : s.departments) all += d.total.total();
  EXPECT_EQ(all, items.size());
  // r3 and r4 are in both rosters: 9 people, 11 items.
  size_t gongan_not_collected = 37 / 4;  // i % 4 == 3 for i < 37
  EXPECT_EQ(s.not_collected_people, 9 + gongan_not_collected);

  std::vector<ReportTable> tables;
  appendCrossTables(s, vetkit::testing::schema(), Lang::Zh, &tables);
  ASSERT_EQ(tables.size(), 4u);
  size_t table_items = 0;
  for (size_t t = 0; t < 4; ++t) {
    const ReportTable& tb = tables[t];
    ASSERT_TRUE(tb.total_row);
    ASSERT_GE(tb.rows.size(), 2u);
    std::vector<double> sum(tb.columns.size(), 0);
    for (size_t r = 0; r + 1 < tb.rows.size(); ++r) {
      double kinds_sum = 0;
      for (size_t c = 1; c < tb.rows[r].size(); ++c) {
        sum[c] += tb.rows[r][c].value;
        if (t < 3 && c + 1 < tb.rows[r].size()) kinds_sum += tb.rows[r][c].value;
      }
      if (t < 3) {
        EXPECT_EQ(kinds_sum, tb.rows[r].back().value) << tb.title << " row " << r;
      }
    }
    for (size_t c = 1; c < tb.columns.size(); ++c)
      EXPECT_EQ(sum[c], tb.rows.back()[c].value) << tb.title << " column " << tb.columns[c];
    if (t < 3) table_items += size_t(tb.rows.back().back().value);
  }
  EXPECT_EQ(table_items, items.size());
  EXPECT_EQ(tables[3].rows.back().back().value, double(s.not_collected_people));
  EXPECT_NE(tables[0].title.find("公安"), std::string::npos);
  EXPECT_EQ(tables[0].columns[1], "不一致");

  items.back().kind = "agree";
  EXPECT_FALSE(summarizeCross(items, &s, &err));
  EXPECT_NE(err.find("agree"), std::string::npos);
}
