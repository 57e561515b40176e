// Header detection, value normalisation, CSV reading and the importer end to end in-process.
#include <gtest/gtest.h>

#include "test_schema.h"

#include <fstream>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "import/header.h"
#include "import/importer.h"
#include "import/normalize.h"
#include "import/sheet_note.h"
#include "io/csv_reader.h"

using namespace vetkit;

namespace {

using vetkit::testing::schema;

Row row(int number, std::vector<std::string> texts) {
  Row r;
  r.number = number;
  for (size_t i = 0; i < texts.size(); ++i)
    if (!texts[i].empty()) r.cells.push_back(Cell{int(i), Cell::Kind::Text, texts[i]});
  return r;
}

// The JSON of one normalised value, for compact expectations.
std::string norm(const char* field, const char* text, Cell::Kind kind = Cell::Kind::Text) {
  Normalizer n(schema());
  Normalized v;
  Cell cell{0, kind, text};  // the value may be a view into the cell: keep it alive
  n.normalize(*schema().field(field), cell, &v);
  std::string out;
  switch (v.kind) {
    case Normalized::Kind::Empty:
      return "<empty>";
    case Normalized::Kind::String:
      out = '"' + std::string(v.value) + '"';
      break;
    case Normalized::Kind::Number:
      out = std::string(v.value);
      break;
    case Normalized::Kind::Bool:
      out = v.boolean ? "true" : "false";
      break;
    case Normalized::Kind::Array:
      out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) out += (i ? "," : "") + v.items[i];
      out += "]";
      break;
  }
  return v.verbatim ? out + " (verbatim)" : out;
}

std::string writeTemp(const std::string& name, const std::string& bytes) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ImportResult {
  int status;
  std::string output;
  std::vector<Diagnostic> diags;
};

ImportResult import(const std::string& path, ImportOptions options = {}) {
  ImportResult r;
  // ctest runs tests as parallel processes: each needs its own output file.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string out_path = ::testing::TempDir() + "/" + info->name() + ".out.jsonl", err;
  AtomicFile out;
  EXPECT_TRUE(out.open(out_path, &err)) << err;
  options.lang = Lang::En;
  Importer imp(schema(), options, &out, [&](const Diagnostic& d) { r.diags.push_back(d); });
  r.status = imp.importFile(path);
  EXPECT_TRUE(out.commit(&err)) << err;
  r.output = slurp(out_path);
  return r;
}

bool hasCode(const ImportResult& r, const std::string& code) {
  for (const Diagnostic& d : r.diags)
    if (d.code == code) return true;
  return false;
}

}  // namespace

// --- header detection ------------------------------------------------------------------

TEST(Header, FoundBelowATitleAndANoteRow) {
  std::vector<Row> rows = {row(1, {"娄底市退役军人和其他优抚对象信息采集表"}),
                           row(2, {"填报单位：双峰县", "", "", "填报日期：2026年11月"}),
                           row(3, {"序号", "姓名", "性别", "公民身份号码", "备注"}),
                           row(4, {"1", "张三", "男", "11010519491231002X"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.row, 3);
  EXPECT_EQ(h.mappedCount(), 3);
  EXPECT_TRUE(h.column(0)->ignored);
  EXPECT_EQ(h.column(3)->field->id, "id_number");
  EXPECT_EQ(h.column(4)->field, nullptr);
}

// --- what a sheet says of its unit above the header (issue 15) -------------------------

TEST(SheetNote, UnitFromTheNoteRowAndTheTitle) {
  std::vector<Row> rows = {row(1, {"娄底市冷水江市退役军人信息采集表"}),
                           row(2, {"填报单位：冷水江市退役军人事务局   填报日期：2026年11月"}),
                           row(3, {"姓名", "性别", "公民身份号码"})};
  SheetNote n = findSheetNote(rows, 3);
  EXPECT_EQ(n.unit, "冷水江市退役军人事务局");
  EXPECT_EQ(n.title, "娄底市冷水江市退役军人信息采集表");
  // The name in the next cell; an ASCII colon; the label 采集单位.
  EXPECT_EQ(findSheetNote({row(1, {"填报单位：", "双峰县"}), row(2, {"姓名"})}, 2).unit, "双峰县");
  EXPECT_EQ(findSheetNote({row(1, {"采集单位: 涟源市", "", "日期：2026-11"})}, 2).unit, "涟源市");
  // Nothing above the header, or rows of it: nothing.
  SheetNote none = findSheetNote({row(1, {"姓名", "性别"}), row(2, {"张三", "男"})}, 1);
  EXPECT_TRUE(none.unit.empty());
  EXPECT_TRUE(none.title.empty());
}

TEST(SheetNote, TheImporterPassesItOnWhenTheSheetHasNoUnitColumn) {
  ImportResult r = import(writeTemp("note.csv",
                                    "填报单位：冷水江市退役军人事务局\n"
                                    "姓名,性别,公民身份号码\n"
                                    "张三,男,11010519491231002X\n"
                                    "李四,男,440524188001010014\n"));
  EXPECT_NE(r.output.find(R"("_unit_note":"冷水江市退役军人事务局")"), std::string::npos)
      << r.output;
  // On the sheet's first record only.
  EXPECT_EQ(r.output.find("_unit_note", r.output.find('\n')), std::string::npos);
  // A sheet with its own 采集单位 column says it there: nothing more is passed on.
  ImportResult own = import(writeTemp("note-unit.csv",
                                      "填报单位：冷水江市退役军人事务局\n"
                                      "姓名,公民身份号码,采集单位\n"
                                      "张三,11010519491231002X,双峰县\n"));
  EXPECT_EQ(own.output.find("_unit_note"), std::string::npos) << own.output;
}

TEST(Header, SplitOverTwoRowsUnderAGroupHeading) {
  std::vector<Row> rows = {row(1, {"个人基本信息", "", "", "服役情况"}),
                           row(2, {"姓名", "性别", "公民身份号码", "服役情况"}),
                           row(3, {"", "", "", "入伍时间", "退伍时间"}),
                           row(4, {"张三", "男", "11010519491231002X", "1968.03", "1972.12"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.row, 3);  // data starts below the second header row
  EXPECT_EQ(h.first_row, 2);
  EXPECT_EQ(h.column(3)->field->id, "enlist_date");
  EXPECT_EQ(h.column(4)->field->id, "discharge_date");
  EXPECT_EQ(h.mappedCount(), 5);
}

TEST(Header, NoHeaderInNotesSheet) {
  std::vector<Row> rows = {row(1, {"填表说明"}), row(2, {"1. 身份证号码请填写18位"})};
  HeaderMap h;
  EXPECT_FALSE(detectHeader(schema(), nullptr, rows, 0, &h));
}

TEST(Header, ForcedRowAndDuplicateColumns) {
  std::vector<Row> rows = {row(1, {"姓名", "性别"}), row(2, {"姓名", "联系电话", "手机号码"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 2, &h));
  EXPECT_EQ(h.row, 2);
  EXPECT_FALSE(h.column(1)->duplicate);
  EXPECT_TRUE(h.column(2)->duplicate);  // 手机号码 is phone again
  EXPECT_FALSE(detectHeader(schema(), nullptr, rows, 5, &h));
}

// Header labels as people write them (issue 14): matched on meaning through the schema's
// folding, synonyms and filler words, else by a scored resemblance that is reported.
std::string matched(const char* header) {
  HeaderMatcher m(schema(), nullptr);
  HeaderMatcher::Match r = m.match(header);
  const char* how[] = {"none", "label", "synonym", "resemblance"};
  std::string out = how[int(r.how)];
  if (r.field) out += " " + r.field->id;
  if (r.nearest) out += " nearest " + r.nearest->id;
  return out;
}

TEST(HeaderMatch, LabelsFoldedFromWidthBlanksNotesAndMarks) {
  EXPECT_EQ(matched("姓　名"), "label name");
  EXPECT_EQ(matched("性别\n（必填）"), "label gender");
  EXPECT_EQ(matched("身份证号码（18位）"), "label id_number");
  EXPECT_EQ(matched("「*」对象类别"), "synonym category");
  EXPECT_EQ(matched("★出生日期："), "synonym birth_date");
  EXPECT_EQ(matched("〔必填〕民族"), "synonym ethnicity");
}

TEST(HeaderMatch, SynonymsAndFillersDeclaredInTheSchema) {
  EXPECT_EQ(matched("退役时间"), "label discharge_date");  // also a listed label
  EXPECT_EQ(matched("复员年月"), "synonym discharge_date");
  EXPECT_EQ(matched("入伍年月日"), "synonym enlist_date");
  EXPECT_EQ(matched("参军时间"), "synonym enlist_date");
  EXPECT_EQ(matched("出生\n时间"), "label birth_date");
  EXPECT_EQ(matched("采集年月"), "synonym collected_at");
  EXPECT_EQ(matched("光荣牌悬挂时间"), "synonym plaque_date");
  EXPECT_EQ(matched("工作单位及职务"), "synonym employer");
  EXPECT_EQ(matched("低保情况"), "synonym dibao");
  EXPECT_EQ(matched("是否享受低保"), "synonym dibao");
  EXPECT_EQ(matched("有无残疾人两项补贴"), "synonym disability_subsidy");
  EXPECT_EQ(matched("户口所在地"), "synonym hukou_division");
  EXPECT_EQ(matched("家庭地址"), "label hukou_address");
  EXPECT_EQ(matched("残疾性质"), "synonym disability_nature");
  EXPECT_EQ(matched("住房性质情况"), "synonym housing_nature");
  EXPECT_EQ(matched("住房类型"), "synonym housing_nature");  // not 有无住房
  EXPECT_EQ(matched("转业时间"), "synonym discharge_date");
  EXPECT_EQ(matched("伤残级别"), "synonym disability_grade");
  EXPECT_EQ(matched("家庭详细住址"), "synonym hukou_address");
}

TEST(HeaderMatch, ResemblanceMapsOnlyAClearBestField) {
  EXPECT_EQ(matched("光荣牌悬挂情况"), "resemblance plaque_hung");
  EXPECT_EQ(matched("居民身份证号码"), "resemblance id_number");
  EXPECT_EQ(matched("原工作单位及职务"), "resemblance employer");
  EXPECT_EQ(matched("城乡低保"), "resemblance dibao");
  EXPECT_EQ(matched("服役部队番号及代号"), "resemblance service_unit");
}

TEST(HeaderMatch, NoFieldIsGuessedForWhatIsNone) {
  EXPECT_EQ(matched("备注"), "none");
  EXPECT_EQ(matched("银行账号"), "none");
  EXPECT_EQ(matched("所在村组"), "none");
  EXPECT_EQ(matched("娄底市退役军人和其他优抚对象信息采集表"), "none");
  EXPECT_EQ(matched("入党时间"), "none");  // 入伍 is one word: 入 alone is no resemblance
  // Near a field but not surely it: unknown, naming the nearest field.
  EXPECT_EQ(matched("户籍所在乡镇"), "none nearest hukou_division");
  EXPECT_EQ(matched("单位").substr(0, 13), "none nearest ");  // 采集, 工作 or 服役单位?
}

TEST(Header, GroupHeadingNeverOverridesASubHeaderThatMaps) {
  // Issue 14, item 1: 享受待遇 (itself a label of benefit_types) merged over 是否低保 and
  // 光荣牌悬挂情况; the 是否低保 column is 低保, not 享受国家抚恤和补助.
  std::vector<Row> rows = {
      row(1, {"娄底市退役军人和其他优抚对象信息采集表"}),
      row(2, {"序号", "姓名", "性别", "公民身份号码", "享受待遇", "", "服役情况", "", "备注"}),
      row(3, {"", "", "", "", "是否低保", "光荣牌悬挂情况", "入伍时间", "退役时间"}),
      row(4, {"1", "张三", "男", "11010519491231002X", "否", "是", "1968.03", "1972.12"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.first_row, 2);
  EXPECT_EQ(h.row, 3);
  ASSERT_NE(h.column(4)->field, nullptr);
  EXPECT_EQ(h.column(4)->field->id, "dibao");
  EXPECT_FALSE(h.column(4)->guessed);
  ASSERT_NE(h.column(5)->field, nullptr);
  EXPECT_EQ(h.column(5)->field->id, "plaque_hung");
  EXPECT_TRUE(h.column(5)->guessed);
  EXPECT_EQ(h.column(6)->field->id, "enlist_date");
  EXPECT_EQ(h.column(7)->field->id, "discharge_date");
  EXPECT_EQ(h.column(8)->field, nullptr);
  for (const HeaderColumn& c : h.columns)
    EXPECT_FALSE(c.field && c.field->id == "benefit_types") << c.text;
}

TEST(Header, SubHeaderReadUnderItsGroupHeading) {
  // 是否悬挂 alone names nothing; under 光荣牌 it is the plaque. A sub-header with no field of
  // its own under a heading that is a field (享受待遇) stays unknown rather than taking it.
  std::vector<Row> rows = {row(1, {"姓名", "性别", "光荣牌", "", "享受待遇", ""}),
                           row(2, {"", "", "是否悬挂", "悬挂日期", "金额", "发放方式"}),
                           row(3, {"张三", "男", "是", "2019.08", "100", "现金"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.row, 2);
  ASSERT_NE(h.column(2)->field, nullptr);
  EXPECT_EQ(h.column(2)->field->id, "plaque_hung");
  EXPECT_EQ(h.column(2)->text, "是否悬挂");
  ASSERT_NE(h.column(3)->field, nullptr);
  EXPECT_EQ(h.column(3)->field->id, "plaque_date");
  EXPECT_EQ(h.column(4)->field, nullptr);
  EXPECT_EQ(h.column(5)->field, nullptr);
}

TEST(Header, ANoteRowAboveIsNoSecondHeaderRow) {
  std::vector<Row> rows = {row(1, {"填报单位：双峰县", "", "", "", "填报日期：2026年11月"}),
                           row(2, {"姓名", "性别", "公民身份号码", "联系电话"}),
                           row(3, {"张三", "男", "11010519491231002X", "13807381234"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.first_row, 2);
  EXPECT_EQ(h.column(4), nullptr);
}

TEST(Header, AResemblanceToAFieldAlreadyMappedIsLeftUnknown) {
  std::vector<Row> rows = {row(1, {"姓名", "性别", "配偶姓名"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  EXPECT_EQ(h.column(2)->field, nullptr);
  EXPECT_FALSE(h.column(2)->duplicate);
}

// --- value normalisation ----------------------------------------------------------------

TEST(Normalize, Codes) {
  EXPECT_EQ(norm("ethnicity", "汉"), "\"01\"");
  EXPECT_EQ(norm("ethnicity", " 汉族 "), "\"01\"");
  EXPECT_EQ(norm("gender", "２"), "\"2\"");
  EXPECT_EQ(norm("category", "退役士兵"), "\"12\"");
  EXPECT_EQ(norm("political_status", "中共党员"), "\"01\"");
  EXPECT_EQ(norm("ethnicity", "火星族"), "\"火星族\" (verbatim)");
  EXPECT_EQ(norm("ethnicity", "  "), "<empty>");
  EXPECT_EQ(norm("disability_grade", "无"), "<empty>");  // not applicable
  EXPECT_EQ(norm("enlist_date", "/"), "<empty>");
  EXPECT_EQ(norm("has_housing", "无"), "false");  // but 无 is an answer to 有无住房
  EXPECT_EQ(norm("phone", "'13807381234"), "\"13807381234\"");
}

TEST(Normalize, CodeSetsWithEverySeparator) {
  EXPECT_EQ(norm("benefit_types", "伤残抚恤、定期抚恤"), "[1,2]");
  EXPECT_EQ(norm("benefit_types", "伤残抚恤，定期生活补助;其他"), "[1,3,9]");
  EXPECT_EQ(norm("insurance", "基本医疗保险 职工养老保险"), "[1,3]");
  EXPECT_EQ(norm("insurance", "新农合,新农保,新农合"), "[2,5]");
  EXPECT_EQ(norm("benefit_types", "1、2"), "[1,2]");
  EXPECT_EQ(norm("benefit_types", "伤残抚恤、发红包"), "[1,发红包] (verbatim)");
}

TEST(Normalize, DatesKeepTheirPrecision) {
  EXPECT_EQ(norm("birth_date", "1978.03"), "\"1978-03\"");
  EXPECT_EQ(norm("birth_date", "１９７８年３月５日"), "\"1978-03-05\"");
  EXPECT_EQ(norm("birth_date", "1978-03-05", Cell::Kind::Date), "\"1978-03-05\"");
  EXPECT_EQ(norm("birth_date", "1978-03-05T00:00:00", Cell::Kind::Date), "\"1978-03-05\"");
  EXPECT_EQ(norm("birth_date", "1978-02-30"), "\"1978-02-30\" (verbatim)");
  // A number cell holding 1978.1 was typed as 1978.10.
  EXPECT_EQ(norm("enlist_date", "1978.1", Cell::Kind::Number), "\"1978-10\"");
  EXPECT_EQ(norm("enlist_date", "1978.1"), "\"1978-01\"");
}

TEST(Normalize, NumbersYesNoIdsPhonesDivisions) {
  EXPECT_EQ(norm("housing_area", "85.5"), "85.5");
  EXPECT_EQ(norm("housing_area", "８５平方米"), "85");
  EXPECT_EQ(norm("housing_area", "120㎡"), "120");
  EXPECT_EQ(norm("housing_area", "085"), "85");
  EXPECT_EQ(norm("housing_area", "约80"), "\"约80\" (verbatim)");
  EXPECT_EQ(norm("dibao", "是"), "true");
  EXPECT_EQ(norm("has_housing", "无"), "false");
  EXPECT_EQ(norm("plaque_hung", "√"), "true");
  EXPECT_EQ(norm("dibao", "不清楚"), "\"不清楚\" (verbatim)");
  EXPECT_EQ(norm("id_number", "１１０１０５１９４９１２３１００２ｘ"), "\"11010519491231002X\"");
  EXPECT_EQ(norm("id_number", "4.30102E+17"), "\"4.30102E+17\"");
  EXPECT_EQ(norm("phone", "138 1234 5678"), "\"13812345678\"");
  EXPECT_EQ(norm("hukou_division", "431321"), "\"431321\"");
  EXPECT_EQ(norm("hukou_division", "双峰县"), "\"431321\"");
  EXPECT_EQ(norm("hukou_division", "娄底经开区"), "\"431302\"");
  EXPECT_EQ(norm("unit", "娄底经开区"), "\"LD01\"");
  EXPECT_EQ(norm("hukou_division", "火星"), "\"火星\" (verbatim)");
  EXPECT_EQ(norm("hukou_division", "湖南省娄底市双峰县永丰镇"), "\"431321\"");
  EXPECT_EQ(norm("hukou_division", "双峰县井字镇"), "\"431321\"");
  EXPECT_EQ(norm("hukou_division", "娄底经开区大科街道"), "\"431302\"");
  EXPECT_EQ(norm("unit", "双峰县退役军人事务局"), "\"431321\"");
  EXPECT_EQ(norm("unit", "火星县民政局"), "\"火星县民政局\" (verbatim)");
}

TEST(Normalize, SmallReadingsOfIssue14) {
  // A month of 00 is no month: not the year 1981, kept as typed for the validator to reject.
  EXPECT_EQ(norm("enlist_date", "1981.00"), "\"1981.00\" (verbatim)");
  // The ideographic space at either end is trimmed also in a field kept as typed, so 无　is
  // 无 (an empty value) and 生活困难　is 生活困难.
  EXPECT_EQ(norm("appeals", "无\u3000"), "<empty>");
  EXPECT_EQ(norm("appeals", "\u3000生活困难\u3000"), "\"生活困难\"");
  EXPECT_EQ(norm("appeals", "生活困难\u00A0"), "\"生活困难\"");
  EXPECT_EQ(norm("name", "张三\u3000"), "\"张三\"");
  EXPECT_EQ(norm("dibao", "否\u3000"), "false");
}

TEST(Normalize, ANumberCellReadAsOctoberCarriesANote) {
  Normalizer n(schema());
  Normalized v;
  Cell number{0, Cell::Kind::Number, "1996.1"};
  n.normalize(*schema().field("enlist_date"), number, &v);
  EXPECT_EQ(v.value, "1996-10");
  ASSERT_NE(v.note, nullptr);
  EXPECT_STREQ(v.note, "date-from-number");
  Cell text{0, Cell::Kind::Text, "1996.1"};  // typed as text: January, nothing to say
  n.normalize(*schema().field("enlist_date"), text, &v);
  EXPECT_EQ(v.value, "1996-01");
  EXPECT_EQ(v.note, nullptr);
  Cell twelve{0, Cell::Kind::Number, "1996.12"};
  n.normalize(*schema().field("enlist_date"), twelve, &v);
  EXPECT_EQ(v.value, "1996-12");
  EXPECT_EQ(v.note, nullptr);
}

TEST(Normalize, FifteenDigitIdKeepsTheOriginal) {
  Normalizer n(schema());
  Normalized v;
  Cell cell{0, Cell::Kind::Text, "610104620927690"};
  n.normalize(*schema().field("id_number"), cell, &v);
  EXPECT_EQ(v.value, "610104196209276908");
  EXPECT_EQ(v.id15, "610104620927690");
}

// --- the importer on CSV ---------------------------------------------------------------

TEST(Import, GbkCsvWithCrlfAndATitleRow) {
  // 娄底市采集表 / 姓名,性别,公民身份号码 / 张三,男,11010519491231002X — in GBK.
  std::string gbk =
      "\xC2\xA6\xB5\xD7\xCA\xD0\xB2\xC9\xBC\xAF\xB1\xED,,\r\n"
      "\xD0\xD5\xC3\xFB,\xD0\xD4\xB1\xF0,\xB9\xAB\xC3\xF1\xC9\xED\xB7\xDD\xBA\xC5\xC2\xEB\r\n"
      "\xD5\xC5\xC8\xFD,\xC4\xD0,11010519491231002X\r\n";
  ImportResult r = import(writeTemp("gbk.csv", gbk));
  EXPECT_EQ(r.output,
            "{\"name\":\"张三\",\"gender\":\"1\",\"id_number\":\"11010519491231002X\","
            "\"_columns\":{\"name\":\"A\",\"gender\":\"B\",\"id_number\":\"C\"},"
            // The sheet has no 采集单位 column: its title is passed on for the merge.
            "\"_title\":\"娄底市采集表\",\"_src\":\"gbk.csv\",\"_row\":3}\n");
  EXPECT_TRUE(hasCode(r, "missing-column"));  // no 对象类别, 出生日期
  EXPECT_EQ(r.status, kExitFindings);
}

TEST(Import, RowNumbersCountBlankLinesAndQuotedNewlines) {
  std::string csv =
      "\xEF\xBB\xBF对象类别,姓名,性别,出生日期,公民身份号码\n"
      "12,\"张\n三\",男,1949.12.31,11010519491231002X\n"
      "\n"
      "12,李四,女,1949-12-31,11010519491231002X\n";
  ImportResult r = import(writeTemp("rows.csv", csv));
  EXPECT_NE(r.output.find("\"name\":\"张\\n三\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"_row\":2}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"_row\":4}"), std::string::npos) << r.output;
  EXPECT_EQ(r.status, kExitOk);
}

TEST(Import, CrlfBlankLinesDoNotShiftRows) {
  std::string csv = "对象类别,姓名,性别,出生日期,公民身份号码\r\n\r\n12,李四,女,1949,X\r\n";
  ImportResult r = import(writeTemp("crlf.csv", csv));
  EXPECT_NE(r.output.find("\"_row\":3}"), std::string::npos) << r.output;
}

TEST(Import, UnknownColumnsKeptUnderExtraAndReportedOnce) {
  std::string csv =
      "对象类别,姓名,性别,出生日期,公民身份号码,备注\n12,甲,男,1950,1,说明一\n12,乙,男,1950,2,\n";
  ImportResult r = import(writeTemp("extra.csv", csv));
  EXPECT_NE(r.output.find("\"_extra\":{\"备注\":\"说明一\"}"), std::string::npos) << r.output;
  int unknown = 0;
  for (const Diagnostic& d : r.diags) unknown += d.code == "unknown-column";
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(r.status, kExitFindings);
}

// A set typed over several columns, as forms lay it out: 医疗保险 | 养老保险 under a heading
// 社会保险, and one column per benefit under 享受国家抚恤和补助 with a mark (√) where it
// applies. Every column joins the one set; none is lost to _extra or called a duplicate.
TEST(Import, ASetOverSeveralColumnsIsOneSet) {
  std::string csv =
      "姓名,性别,公民身份号码,出生日期,对象类别,社会保险,,享受国家抚恤和补助,,,低保\n"
      ",,,,,医疗保险,养老保险,伤残抚恤,定期生活补助,其他,\n"
      "甲,男,110105194912310038,1949-12-31,12,城乡居民医保,城乡居民养老,√,,,是\n"
      "乙,男,110105194912310054,1949-12-31,12,新农合,,,√,✓,否\n"
      "丙,男,110105194912310070,1949-12-31,12,,职工养老,否,,,否\n";
  ImportResult r = import(writeTemp("set-columns.csv", csv));
  for (const Diagnostic& d : r.diags) ADD_FAILURE() << d.code << " " << d.column << " " << d.value;
  EXPECT_NE(r.output.find(R"("benefit_types":["1"],"insurance":["1","4"])"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(R"("benefit_types":["3","9"],"insurance":["2"])"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(R"("insurance":["3"],"dibao":false)"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("_extra"), std::string::npos) << r.output;
  // Located by the set's first column.
  EXPECT_NE(r.output.find(R"("insurance":"F")"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(R"("benefit_types":"H")"), std::string::npos) << r.output;
}

// A member's column standing alone (新农合, with 是/否) is that member; a header that is only a
// code (1) or a short word any table has (其他) is not; a non-set field is still one column.
TEST(Header, MemberColumnsOfASet) {
  std::vector<Row> rows = {row(1, {"姓名", "性别", "新农合", "其他", "联系电话", "手机号码"})};
  HeaderMap h;
  ASSERT_TRUE(detectHeader(schema(), nullptr, rows, 0, &h));
  ASSERT_TRUE(h.column(2)->field);  // columns count from 0
  EXPECT_EQ(h.column(2)->field->id, "insurance");
  ASSERT_TRUE(h.column(2)->member);
  EXPECT_EQ(h.column(2)->member->code, "2");
  EXPECT_FALSE(h.column(3)->member);
  EXPECT_TRUE(h.column(5)->duplicate);  // 手机号码 is phone again: one column only
  EXPECT_FALSE(h.column(5)->part);
}

TEST(Import, HeaderMessagesNameTheColumnTheOperatorsTextAndTheField) {
  std::string csv =
      "对象类别,姓名,性别,出生年月,公民身份号码,光荣牌悬挂情况,户籍所在乡镇,银行账号\n"
      "12,甲,男,1950,1,是,永丰镇,6222\n";
  ImportResult r = import(writeTemp("variants.csv", csv));
  EXPECT_NE(r.output.find("\"birth_date\":\"1950\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"plaque_hung\":true"), std::string::npos) << r.output;
  std::map<std::string, const Diagnostic*> by_column;
  for (const Diagnostic& d : r.diags) by_column[d.column] = &d;
  ASSERT_TRUE(by_column.count("F"));
  EXPECT_EQ(by_column["F"]->code, "header-guessed");
  EXPECT_EQ(by_column["F"]->value, "光荣牌悬挂情况");
  EXPECT_NE(by_column["F"]->message.find("plaque_hung"), std::string::npos);
  ASSERT_TRUE(by_column.count("G"));
  EXPECT_EQ(by_column["G"]->code, "unknown-column-near");
  EXPECT_EQ(by_column["G"]->value, "户籍所在乡镇");
  EXPECT_NE(by_column["G"]->message.find("hukou_division"), std::string::npos);
  // The option that maps it, ready to copy: the operator's header and the field.
  EXPECT_NE(by_column["G"]->message.find("--map '户籍所在乡镇=hukou_division'"), std::string::npos)
      << by_column["G"]->message;
  ASSERT_TRUE(by_column.count("H"));
  EXPECT_EQ(by_column["H"]->code, "unknown-column");
  EXPECT_NE(r.output.find("\"_extra\":{\"户籍所在乡镇\":\"永丰镇\",\"银行账号\":\"6222\"}"),
            std::string::npos)
      << r.output;
}

TEST(Import, LibreOfficeWorkbookWithMergedGroupHeadingsAndVariantLabels) {
  // tests/fixtures/make/make_headers.py: merged title, a two-row header with 享受待遇 and
  // 服役情况 merged over their sub-columns, labels with notes, line breaks and 「*」.
  ImportResult r = import(VETKIT_FIXTURES "/xlsx/libreoffice_headers.xlsx");
  std::istringstream lines(r.output);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  for (const char* want : {"\"category\":\"21\"", "\"name\":\"李秀英\"", "\"gender\":\"2\"",
                           "\"birth_date\":\"1949-12\"", "\"id_number\":\"11010519491231002X\"",
                           "\"enlist_date\":\"1968-03\"", "\"discharge_date\":\"1972-12\"",
                           "\"employer\":\"娄底市钢铁厂 工人\"", "\"dibao\":true",
                           "\"plaque_hung\":true", "\"phone\":\"13807381234\"", "\"_row\":4"})
    EXPECT_NE(first.find(want), std::string::npos) << want << " in " << first;
  EXPECT_EQ(first.find("benefit_types"), std::string::npos) << first;
  for (const char* want :
       {"\"dibao\":false", "\"plaque_hung\":false", "\"enlist_date\":\"1996-10\"", "\"_row\":5"})
    EXPECT_NE(second.find(want), std::string::npos) << want << " in " << second;
  EXPECT_EQ(second.find("employer"), std::string::npos) << second;  // 无　is 无: empty
  std::map<std::string, std::string> codes;                         // column -> code
  for (const Diagnostic& d : r.diags) codes[d.column + std::to_string(d.row)] = d.code;
  EXPECT_EQ(codes["H3"], "header-guessed");
  EXPECT_EQ(codes["I5"], "date-from-number");
  EXPECT_EQ(codes["M3"], "unknown-column");
  EXPECT_EQ(codes["N3"], "unknown-column");
  EXPECT_EQ(codes["O3"], "unknown-column");
  EXPECT_EQ(r.diags.size(), 5u);
}

TEST(Import, NoiseRowsAreNotPeople) {
  std::string csv =
      "对象类别,姓名,性别,出生日期,公民身份号码\n1,2,3,4,5\n12,甲,男,1950,1\n"
      "对象类别,姓名,性别,出生日期,公民身份号码\n,,,,\n合计：1人,,,,\n"
      "填表人：张三  审核人：李四,,,,\n"
      // Footers spread over several cells, as templates lay them out.
      "合计,3人,,,\n填表人：张三,,审核人：李四,,填表日期：2026年11月\n";
  ImportResult r = import(writeTemp("noise.csv", csv));
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(Import, BadInputsAreTroubleAndLeaveNothing) {
  EXPECT_EQ(import(writeTemp("binary.csv", std::string("ab\0cd", 5))).status, kExitTrouble);
  ImportResult missing = import(::testing::TempDir() + "/does-not-exist.csv");
  EXPECT_EQ(missing.status, kExitTrouble);
  EXPECT_EQ(missing.output, "");
  ImportResult empty = import(writeTemp("empty.csv", ""));
  EXPECT_EQ(empty.status, kExitFindings);  // an upload with nothing in it is a finding
  EXPECT_TRUE(hasCode(empty, "empty"));
  EXPECT_EQ(empty.output, "");
}

TEST(Import, StrayInvalidBytesInUtf8AreReplacedNotMisdecoded) {
  // Valid UTF-8 header, then a byte that is neither UTF-8 nor GB18030 in a later chunk.
  std::string csv = "对象类别,姓名,性别,出生日期,公民身份号码\n12,\xFF甲,男,1950,1\n";
  ImportResult r = import(writeTemp("bad-utf8.csv", csv));
  EXPECT_TRUE(hasCode(r, "encoding")) << r.output;
  EXPECT_NE(r.output.find("\"name\":\"\xEF\xBF\xBD甲\""), std::string::npos) << r.output;
  EXPECT_EQ(r.status, kExitFindings);
}

TEST(Import, ForcedEncodingAndSemicolons) {
  std::string csv = "对象类别;姓名;性别;出生日期;公民身份号码\n12;甲;男;1950;1\n";
  ImportOptions o;
  ASSERT_TRUE(parseEncodingName("utf-8", &o.csv.encoding));
  ImportResult r = import(writeTemp("semi.csv", csv), o);
  EXPECT_NE(r.output.find("\"name\":\"甲\""), std::string::npos) << r.output;
}

// The quote-free fast path and libcsv must read every input the same way.
TEST(CsvReader, FastPathAgreesWithLibcsv) {
  const char* inputs[] = {
      "a,b,c\n1,2,3\n",
      "a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n",
      "a, b ,c\n\"x,1\",\"y\"\"z\",3\n plain , row ,\n",
      "a,b\n\"multi\nline\",2\n\n3,4",
      "a,b\n\"multi\r\nline\",2\r\nx,y\r\n",
      "a,b\n5'10\",tall\nnext,row\n",  // a stray quote inside an unquoted field
      "a;b;c\n1;;3\n;;\n",
      "only\n\n\n",
      ",,,\n,,x\n",
      "a,b\r\nno newline at end",
      "a,b\rc,d\n",  // a lone CR
      // Lines long enough for the sixteen-byte blocks of the splitter: delimiters, quotes and
      // carriage returns on both sides of each block edge, and lines of exactly one block.
      "h1,h2,h3,h4\n0123456789abcde,0123456789abcdef,x,y\n",
      "h1,h2,h3,h4\n0123456789abcdef,0123456789abcde,,\n",
      "h1,h2\n0123456789abcdefghij\"k,2\n0123456789abcdefghijklmnop,q\n",
      "h1,h2\n0123456789abcdefg\r,x\n0123456789abcdefghijklmnopqrstuvwxyz,1\n",
      "h1,h2\n0123456789abcd,e\n0123456789abcdefghijklmnopqrstu,\n",
      "h1,h2,h3\n\"x,y\",0123456789abcdef,z\n",          // a quoted delimiter in the first block
      "h1,h2\n0123\r456789abcdefgh,0123456789abcdef\n",  // a lone CR in the first block
      "h1\th2\th3\n0123456789abcdef\t0123456789abcdef\t0123456789\n",
      "姓名,出生日期,公民身份号码\n张三丰,1978-03-05,430102197803051234\n , 李四 ,  \n",
  };
  for (const char* text : inputs) {
    std::string path = writeTemp("diff.csv", text);
    std::string results[2];
    for (int fast = 0; fast < 2; ++fast) {
      CsvOptions o;
      o.fast_path = fast;
      std::string err;
      auto wb = openCsv(path, o, &err);
      ASSERT_TRUE(wb) << err;
      ASSERT_TRUE(wb->readSheet(
          0,
          [&](const Row& r) {
            results[fast] += std::to_string(r.number) + ":";
            for (const Cell& c : r.cells)
              results[fast] += std::to_string(c.col) + "=" + c.text + "|";
            results[fast] += "\n";
            return true;
          },
          &err))
          << err;
    }
    EXPECT_EQ(results[0], results[1]) << "input: " << text;
    EXPECT_FALSE(results[1].empty()) << "input: " << text;
  }
}

// Chunks are 1 MiB: a character cut at the boundary must come out whole, in both encodings.
TEST(CsvReader, CharactersCutAtTheChunkBoundary) {
  for (const char* encoding : {"utf-8", "gbk"}) {
    for (size_t shift = 0; shift < 4; ++shift) {
      std::string name = std::string(encoding) == "gbk" ? "\xD0\xD5\xC3\xFB" : "姓名";
      std::string han = std::string(encoding) == "gbk" ? "\xBA\xBA" : "汉";
      std::string text = name + ",x\n";
      // Pad so that `han` straddles the 1 MiB mark.
      size_t target = (1 << 20) - 1 - shift;
      while (text.size() + 10 < target) text += "abcdefghi\n";
      text += std::string(target - text.size(), 'z') + han + "\n";
      std::string path = writeTemp("boundary.csv", text);
      CsvOptions o;
      ASSERT_TRUE(parseEncodingName(encoding, &o.encoding));
      std::string err, last;
      auto wb = openCsv(path, o, &err);
      ASSERT_TRUE(wb) << err;
      ASSERT_TRUE(wb->readSheet(
          0,
          [&](const Row& r) {
            last = r.cells.empty() ? "" : r.cells[0].text;
            return true;
          },
          &err));
      EXPECT_TRUE(last.ends_with("汉")) << encoding << " shift " << shift;
      EXPECT_TRUE(wb->warnings.empty()) << encoding << " shift " << shift;
    }
  }
}

// --- hidden sheets, --map and --profile (issue 14 items 3 and 4) ----------------------------

// A hidden sheet with people in it is read, and named with its record count: never silently.
TEST(Import, HiddenSheetWithPeopleIsReadAndNamed) {
  for (const char* ext : {"xlsx", "xls", "ods"}) {
    SCOPED_TRACE(ext);
    ImportResult r = import(std::string(VETKIT_FIXTURES "/formats/hidden.") + ext);
    EXPECT_NE(r.output.find("\"name\":\"张三\""), std::string::npos);
    EXPECT_NE(r.output.find("\"name\":\"李四\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"name\":\"王五\""), std::string::npos);
    const Diagnostic* hidden = nullptr;
    for (const Diagnostic& d : r.diags)
      if (d.code == "hidden-sheet") hidden = &d;
    ASSERT_NE(hidden, nullptr);
    EXPECT_EQ(hidden->sheet, "隐藏名单");
    EXPECT_EQ(hidden->severity, Severity::Warning);
    EXPECT_NE(hidden->message.find("2 record"), std::string::npos) << hidden->message;
  }
}

// --skip-hidden leaves its records out, but still names the sheet and how many it held.
TEST(Import, SkipHiddenLeavesTheRecordsOutButSaysSo) {
  ImportOptions o;
  o.skip_hidden = true;
  ImportResult r = import(VETKIT_FIXTURES "/formats/hidden.xlsx", o);
  EXPECT_NE(r.output.find("\"name\":\"张三\""), std::string::npos);
  EXPECT_EQ(r.output.find("\"name\":\"李四\""), std::string::npos) << r.output;
  EXPECT_FALSE(hasCode(r, "hidden-sheet"));
  const Diagnostic* skipped = nullptr;
  for (const Diagnostic& d : r.diags)
    if (d.code == "hidden-sheet-skipped") skipped = &d;
  ASSERT_NE(skipped, nullptr);
  EXPECT_NE(skipped->message.find("'隐藏名单'"), std::string::npos) << skipped->message;
  EXPECT_NE(skipped->message.find("2 record"), std::string::npos) << skipped->message;
  // The skipped sheet's own header findings are not reported.
  int missing = 0;
  for (const Diagnostic& d : r.diags) missing += d.code == "missing-column";
  EXPECT_EQ(missing, 1);
}

// --map: a column the matcher cannot know is read as the field named, by id or by label, and
// the sheet keeps every missing-column check.
TEST(Import, MappedColumnsAndTheMissingColumnChecksStay) {
  Profile mapping;
  std::string err;
  ASSERT_TRUE(mapping.addMapping("烈属对应军人=related_name", schema(), &err)) << err;
  ASSERT_TRUE(mapping.addMapping(" 身份号 = 公民身份号码 ", schema(), &err)) << err;
  ImportOptions o;
  o.profile = &mapping;
  ImportResult r =
      import(writeTemp("mapped.csv", "姓名,身份号,烈属对应军人\n甲,11010519491231002X,乙\n"), o);
  EXPECT_NE(r.output.find("\"related_name\":\"乙\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"id_number\":\"11010519491231002X\""), std::string::npos);
  EXPECT_TRUE(hasCode(r, "missing-column"));  // 对象类别 is still required
}

TEST(Profile, MappingsAreCheckedAndAMistypedFieldGetsASuggestion) {
  Profile p;
  std::string err;
  EXPECT_FALSE(p.addMapping("军人姓名", schema(), &err, Lang::En));
  EXPECT_NE(err.find("'HEADER=FIELD'"), std::string::npos) << err;
  EXPECT_FALSE(p.addMapping("=name", schema(), &err, Lang::En));
  EXPECT_FALSE(p.addMapping("军人姓名=nmae", schema(), &err, Lang::En));
  EXPECT_NE(err.find("did you mean 'name'"), std::string::npos) << err;
  EXPECT_FALSE(p.addMapping("军人姓名=nmae", schema(), &err));
  EXPECT_NE(err.find("没有名为「nmae」的字段（是不是「name」？）"), std::string::npos) << err;
  EXPECT_TRUE(p.empty());
  // A header holding '=' splits at the last one.
  EXPECT_TRUE(p.addMapping("得分=A=name", schema(), &err)) << err;
  EXPECT_EQ(p.fieldForHeader("得分=A"), schema().field("name"));
  EXPECT_FALSE(p.partial());
}

// A profile is complete unless it says `partial: true`; refusals are in the operator's language.
TEST(Profile, CompleteUnlessItSaysPartialAndRefusedInChinese) {
  Profile p;
  std::string err;
  ASSERT_TRUE(
      Profile::load(writeTemp("full.yaml", "columns: {军人: related_name}\n"), schema(), &p, &err))
      << err;
  EXPECT_FALSE(p.partial());
  EXPECT_EQ(p.fieldForHeader("军人"), schema().field("related_name"));
  Profile q;
  ASSERT_TRUE(Profile::load(writeTemp("part.yaml", "partial: true\ncolumns: {号: id_number}\n"),
                            schema(), &q, &err));
  EXPECT_TRUE(q.partial());
  Profile bad;
  EXPECT_FALSE(Profile::load(writeTemp("bad.yaml", "名字: name\n"), schema(), &bad, &err));
  EXPECT_NE(err.find("映射文件需要一节 columns:"), std::string::npos) << err;
  EXPECT_FALSE(Profile::load(::testing::TempDir() + "/none.yaml", schema(), &bad, &err));
  EXPECT_NE(err.find("无法打开映射文件"), std::string::npos) << err;
}
