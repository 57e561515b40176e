// Every rule of rules.yaml: a record that must trigger it, and a near-identical correct one
// that must not. The base record is a correct 退役士兵 with every field filled.
#include <gtest/gtest.h>

#include "test_schema.h"

#include <filesystem>
#include <fstream>

#include "record/record_reader.h"
#include "validate/validator.h"

using namespace vetkit;

namespace {

using vetkit::testing::schema;

using vetkit::testing::rules;

// A correct discharged soldier: born 1968-03-05 (ID 430102196803051238 is valid, male).
const char* kBase =
    R"({"category":"12","name":"张建国","gender":"1","ethnicity":"01","birth_date":"1968-03-05",)"
    R"("id_number":"430102196803051238","political_status":"01","phone":"13807381234",)"
    R"("hukou_division":"431302","unit":"431302","enlist_date":"1986-10","discharge_date":"1990-03",)"
    R"("service_identity":"3","placement":"1","employment_status":"2","employer":"娄底钢铁厂",)"
    R"("has_housing":true,"housing_nature":"1","housing_area":85,"benefit_types":["3"],)"
    R"("insurance":["1","3"],"dibao":false,"collected_at":"2026-11-02","collection_mode":"2",)"
    R"("_columns":{"category":"B","name":"C","gender":"D","ethnicity":"E","birth_date":"F",)"
    R"("id_number":"G","phone":"H","enlist_date":"I","discharge_date":"J",)"
    R"("political_status":"K","hukou_division":"L","unit":"M","service_identity":"N",)"
    R"("placement":"O","employment_status":"P","employer":"Q","has_housing":"R",)"
    R"("housing_nature":"S","housing_area":"T","benefit_types":"U","disability_grade":"V",)"
    R"("insurance":"W","dibao":"X","related_name":"Y","relation":"Z","collected_at":"AA",)"
    R"("collection_mode":"AB","photo":"AC"},"_src":"t.xlsx","_sheet":"乡镇A","_row":4})";

// kBase with `edits` applied: "key":value pairs replacing or adding keys; a null value removes.
std::string edit(const std::string& edits) {
  // Edits are applied by re-serialising through a tiny merge: later keys win in our reader,
  // so appending them before the closing brace is enough; removal is by a sentinel value.
  std::string line = kBase;
  line.pop_back();
  if (!edits.empty()) line += "," + edits;
  line += "}";
  return line;
}

std::vector<Diagnostic> check(const std::string& line, ValidateOptions o = {}) {
  RecordReader reader(schema());
  Record r;
  std::string err;
  EXPECT_TRUE(reader.parse(line, &r, &err)) << err << "\n" << line;
  if (o.today.year == 0) o.today = {2026, 11, 29};
  Validator v(schema(), rules(), o);
  std::vector<Diagnostic> out;
  v.check(r, &out);
  return out;
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

const Diagnostic* find(const std::vector<Diagnostic>& ds, const std::string& code) {
  for (const Diagnostic& d : ds)
    if (d.code == code) return &d;
  return nullptr;
}

}  // namespace

TEST(Validate, TheBaseRecordIsCorrect) {
  EXPECT_EQ(codes(check(kBase)), std::vector<std::string>{});
}

struct RuleCase {
  const char* code;
  const char* bad;   // edits that must trigger `code`
  const char* good;  // near-identical edits that must not
};

class EveryRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(EveryRule, TriggersOnTheBadRecordOnly) {
  const RuleCase& c = GetParam();
  auto bad = check(edit(c.bad));
  EXPECT_NE(find(bad, c.code), nullptr) << c.code << " not raised by " << c.bad;
  auto good = check(edit(c.good));
  EXPECT_EQ(codes(good), std::vector<std::string>{}) << "edits: " << c.good;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, EveryRule,
    ::testing::Values(
        RuleCase{"missing-value", R"("name":null)", R"("name":"张建国")"},
        RuleCase{"missing-value", R"("employer":null)",
                 R"("employer":null,"employment_status":"5")"},
        RuleCase{"missing-value", R"("housing_nature":null)",
                 R"("housing_nature":null,"has_housing":false,"housing_area":null)"},
        RuleCase{"missing-value", R"("category":"21")",
                 R"("category":"21","related_name":"张大山","relation":"4")"},
        RuleCase{"missing-value", R"("benefit_types":["1","3"])",
                 R"("benefit_types":["1","3"],"disability_grade":"6")"},
        RuleCase{
            "missing-value",
            R"("category":"31","enlist_date":null,"discharge_date":null,"service_identity":null,"placement":null)",
            R"("category":"31","enlist_date":null,"discharge_date":null,"service_identity":null,"placement":null,"disability_grade":"8")"},
        RuleCase{"unknown-code", R"("ethnicity":"火星族")", R"("ethnicity":"06")"},
        RuleCase{"unknown-code", R"("insurance":["1","发红包"])", R"("insurance":["1"])"},
        // A code set given as one string (a hand-edited stream), not as a list.
        RuleCase{"unknown-code", R"("insurance":"发红包")", R"("insurance":"1")"},
        RuleCase{"unknown-code", R"("dibao":"不清楚")", R"("dibao":true)"},
        RuleCase{"unknown-code", R"("hukou_division":"火星")", R"("hukou_division":"432501")"},
        RuleCase{"bad-date", R"("enlist_date":"1986-02-30")", R"("enlist_date":"1986-02-28")"},
        RuleCase{"bad-number", R"("housing_area":"约80")", R"("housing_area":80)"},
        RuleCase{"out-of-range", R"("housing_area":-5)", R"("housing_area":5)"},
        RuleCase{"out-of-range", R"("housing_area":12000)", R"("housing_area":300)"},
        RuleCase{"out-of-range", R"("housing_area":0)", R"("housing_area":0.5)"},
        RuleCase{"out-of-range", R"("benefit_types":["1"],"disability_grade":"12")",
                 R"("benefit_types":["1"],"disability_grade":"10")"},
        RuleCase{"id-format", R"("id_number":"4.30102E+17")",
                 R"("id_number":"430102196803051238")"},
        RuleCase{"id-format", R"("id_number":"43010219680305123")",
                 R"("id_number":"430102196803051238")"},
        RuleCase{"id-checksum", R"("id_number":"430102196803051231")",
                 R"("id_number":"430102196803051238")"},
        RuleCase{"id-birthdate", R"("id_number":"430102196802301231","birth_date":"1968-02")",
                 R"("id_number":"430102196803051238","birth_date":"1968-03")"},
        RuleCase{"id-region", R"("id_number":"990102196803051237")",
                 R"("id_number":"432501196803051235")"},  // 娄底地区娄底市: historical, valid
        RuleCase{"id-birth-mismatch", R"("birth_date":"1968-03-06")", R"("birth_date":"1968-03")"},
        RuleCase{"id-birth-mismatch", R"("birth_date":"1968-03-04")", R"("birth_date":"1968")"},
        RuleCase{"id-birth-mismatch", R"("birth_date":"1968-02")", R"("birth_date":"1968-03-05")"},
        RuleCase{"id-gender-mismatch", R"("gender":"2")", R"("gender":"1")"},
        RuleCase{"date-order", R"("enlist_date":"1991-01")", R"("enlist_date":"1990-03")"},
        RuleCase{"date-order", R"("discharge_date":"2026-12")", R"("discharge_date":"2026-11")"},
        // Strict pairs: the same day is already out of order; full days alone are not.
        RuleCase{"date-order", R"("enlist_date":"1968-03-05")", R"("enlist_date":"1986-10-05")"},
        RuleCase{
            "date-order",
            R"("category":"31","enlist_date":null,"discharge_date":null,"service_identity":null,"placement":null,"disability_grade":"8","collected_at":"1968-03-05")",
            R"("category":"31","enlist_date":null,"discharge_date":null,"service_identity":null,"placement":null,"disability_grade":"8","collected_at":"1968-03-06")"},
        // A non-strict pair: the same day is in order (discharged and collected on one day).
        RuleCase{"date-order", R"("discharge_date":"2026-11-03","collected_at":"2026-11-02")",
                 R"("discharge_date":"2026-11-02","collected_at":"2026-11-02")"},
        // Month lengths: day 31 of a 30-day month, 29 February outside a leap year.
        RuleCase{"bad-date", R"("enlist_date":"1986-04-31")", R"("enlist_date":"1986-04-30")"},
        RuleCase{"bad-date", R"("enlist_date":"1986-06-31")", R"("enlist_date":"1986-07-31")"},
        RuleCase{"bad-date", R"("collected_at":"2026-09-31")", R"("collected_at":"2026-10-31")"},
        RuleCase{"bad-date", R"("collected_at":"2026-11-31")", R"("collected_at":"2026-11-29")"},
        RuleCase{"bad-date", R"("enlist_date":"1986-02-29")", R"("enlist_date":"1988-02-29")"},
        RuleCase{"id-birthdate", R"("id_number":"430102196806311234","birth_date":"1968-06")",
                 R"("id_number":"430102196805311232","birth_date":"1968-05")"},
        RuleCase{"future-date", R"("collected_at":"2026-12-01","discharge_date":"1990-03")",
                 R"("collected_at":"2026-11-29")"},
        RuleCase{"enlist-age", R"("enlist_date":"1982-01")", R"("enlist_date":"1984-04")"},
        RuleCase{"category-identity", R"("service_identity":"1")", R"("service_identity":"2")"},
        RuleCase{"placement-identity", R"("placement":"2")", R"("placement":"4")"},
        RuleCase{"placement-identity", R"("placement":"3")",
                 R"("placement":"3","discharge_date":"2012-03","enlist_date":"2010-03")"},
        RuleCase{
            "category-era",
            R"("category":"16","birth_date":"1930","id_number":"432501193002151232","enlist_date":"1955-03","discharge_date":"1958-01","placement":null,"employment_status":"7","employer":null)",
            R"("category":"16","birth_date":"1930","id_number":"432501193002151232","enlist_date":"1954-10","discharge_date":"1958-01","placement":null,"employment_status":"7","employer":null)"},
        RuleCase{"insurance-conflict", R"("insurance":["1","2"])", R"("insurance":["2","5"])"},
        RuleCase{"phone-format", R"("phone":"1380738123")", R"("phone":"0738-8221234")"},
        RuleCase{"phone-format", R"("phone":"12807381234")",
                 R"("phone":"13807381234/07388221234")"},
        RuleCase{"phone-format", R"("phone":"8221234")", R"("phone":"010-12345678")"},
        RuleCase{"phone-format", R"("phone":"+8712807381234")", R"("phone":"+8613807381234")"},
        RuleCase{"phone-format", R"("phone":"138-0738-12345")", R"("phone":"138-0738-1234")"},
        RuleCase{"phone-format", R"("phone":"0738-82212x4")", R"("phone":"(0738)8221234")"},
        RuleCase{"name-format", R"("name":"张3")", R"("name":"阿依古丽·买买提")"},
        RuleCase{"name-format", R"("name":"张")", R"("name":"Alim Tursun")"},
        // A wrong character before the last once stopped the scan from advancing: a hang
        // (found on a footer row "合计 | 3人" read as a person named 3人).
        RuleCase{"name-format", R"("name":"3人")", R"("name":"三人")"},
        RuleCase{"name-format", R"("name":"张3三")", R"("name":"张三三")"},
        RuleCase{"bad-type", R"("name":12)", R"("name":"十二")"}));

TEST(Validate, LocatesTheCellAndMasksNumbers) {
  auto ds = check(edit(R"("id_number":"430102196803051231")"));
  const Diagnostic* d = find(ds, "id-checksum");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->file, "t.xlsx");
  EXPECT_EQ(d->sheet, "乡镇A");
  EXPECT_EQ(d->row, 4);
  EXPECT_EQ(d->column, "G");
  EXPECT_EQ(d->field, "id_number");
  EXPECT_EQ(d->severity, Severity::Error);
  EXPECT_EQ(d->value, "4301**********1231");
  EXPECT_EQ(d->message, "公民身份号码校验位错误（应为 8）");
  ValidateOptions o;
  o.mask = false;
  o.lang = Lang::En;
  d = find(ds = check(edit(R"("id_number":"430102196803051231")"), o), "id-checksum");
  EXPECT_EQ(d->value, "430102196803051231");
  EXPECT_EQ(d->message, "id_number: check character wrong (expected 8)");
  auto phone = check(edit(R"("phone":"1380738123")"));
  EXPECT_EQ(find(phone, "phone-format")->value, "138***8123");
}

TEST(Validate, BirthMismatchShowsBothDates) {
  auto ds = check(edit(R"("birth_date":"1968-03-06")"));
  const Diagnostic* d = find(ds, "id-birth-mismatch");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->column, "F");
  EXPECT_EQ(d->value, "1968-03-06 / 19680305");
  EXPECT_EQ(d->message, "出生日期与身份证号码不一致");
}

// One rule for a value the category requires (issue 14 item 5): the same missing-value
// error whether the cell is empty, the sheet has no such column, or the record comes without
// any layout (a merged stream) — so precheck, merge, send-back and report agree.
TEST(Validate, MissingValueWhetherOrNotTheSheetHasTheColumn) {
  std::string line = edit(R"("employer":null)");
  size_t at = line.find(R"("employer":"Q",)");
  ASSERT_NE(at, std::string::npos);
  line.erase(at, std::string(R"("employer":"Q",)").size());
  EXPECT_EQ(codes(check(line)), std::vector<std::string>{"missing-value"});
  std::string bare = edit(R"("employer":null)");
  bare.erase(bare.find(R"("_columns")"),
             bare.find("},", bare.find(R"("_columns")")) + 2 - bare.find(R"("_columns")"));
  EXPECT_EQ(codes(check(bare)), std::vector<std::string>{"missing-value"});
  // A family member on a sheet with no 关联军人姓名 column: both family fields are missing.
  std::string family = edit(R"("category":"21","relation":"1","related_name":null)");
  family.erase(family.find(R"("related_name":"Y",)"), std::string(R"("related_name":"Y",)").size());
  auto ds = check(family);
  ASSERT_EQ(codes(ds), std::vector<std::string>{"missing-value"});
  EXPECT_EQ(ds[0].field, "related_name");
  EXPECT_EQ(ds[0].severity, Severity::Error);
}

TEST(Validate, DuplicatesAcrossRecordsNameTheFirstRow) {
  RecordReader reader(schema());
  Validator v(schema(), rules(), ValidateOptions{Lang::Zh, true, "", {2026, 11, 29}});
  Record a, b, c;
  std::string err;
  ASSERT_TRUE(reader.parse(kBase, &a, &err));
  std::string second = edit(R"("_row":9)");
  ASSERT_TRUE(reader.parse(second, &b, &err));
  // The same person by an old 15-digit number: the importer upgrades it, keeping _id15.
  std::vector<Diagnostic> out;
  v.check(a, &out);
  EXPECT_TRUE(out.empty());
  v.check(b, &out);
  ASSERT_EQ(codes(out), std::vector<std::string>{"duplicate-id"});
  EXPECT_EQ(out[0].row, 9);
  EXPECT_EQ(out[0].message, "同一人重复出现（首次见第 4 行）");
}

TEST(Validate, SeveritiesComeFromTheRulesAndASiteConfig) {
  RuleSet site = rules();
  std::string path = ::testing::TempDir() + "/site.yaml";
  std::ofstream(path) << "rules:\n  id-gender-mismatch: warning\n  phone-format: off\n";
  std::string err;
  ASSERT_TRUE(site.overlay(path, &err)) << err;
  RecordReader reader(schema());
  Record r;
  ASSERT_TRUE(reader.parse(edit(R"("gender":"2","phone":"123")"), &r, &err));
  Validator v(schema(), site, ValidateOptions{Lang::Zh, true, "", {2026, 11, 29}});
  std::vector<Diagnostic> out;
  v.check(r, &out);
  ASSERT_EQ(codes(out), std::vector<std::string>{"id-gender-mismatch"});
  EXPECT_EQ(out[0].severity, Severity::Warning);
  std::ofstream(path) << "rules:\n  no-such-rule: off\n";
  EXPECT_FALSE(site.overlay(path, &err));
  EXPECT_NE(err.find("no rule 'no-such-rule'"), std::string::npos) << err;
}

TEST(Validate, PhotosAreCheckedByTheirBytes) {
  std::string dir = ::testing::TempDir() + "/photos";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/good.jpg", std::ios::binary) << "\xFF\xD8\xFF\xE0rest";
  std::ofstream(dir + "/fake.jpg", std::ios::binary) << "GIF89a";
  ValidateOptions o;
  o.photos_dir = dir;
  EXPECT_EQ(codes(check(edit(R"("photo":"good.jpg")"), o)), std::vector<std::string>{});
  EXPECT_EQ(codes(check(edit(R"("photo":"fake.jpg")"), o)),
            std::vector<std::string>{"photo-invalid"});
  EXPECT_EQ(codes(check(edit(R"("photo":"gone.jpg")"), o)),
            std::vector<std::string>{"photo-missing"});
  EXPECT_EQ(codes(check(edit(R"("photo":"../etc/passwd")"), o)),
            std::vector<std::string>{"photo-missing"});
}

namespace {

// The messages of `line` (one record read alone) in `lang`.
std::vector<std::string> messages(const std::string& line, Lang lang = Lang::Zh) {
  ValidateOptions o;
  o.lang = lang;
  std::vector<std::string> out;
  for (const Diagnostic& d : check(line, o)) out.push_back(d.message);
  return out;
}

}  // namespace

TEST(Validate, MessagesQuoteTheOperatorsOwnHeader) {
  // A 军属 row whose column was headed 军人姓名: the message names that column, and the
  // field it was read as; with no `_headers` entry, the field's label as before.
  std::string family = edit(
      R"("category":"21","relation":"1","_headers":{"related_name":"军人姓名","id_number":"身份证号"})");
  EXPECT_EQ(messages(family), std::vector<std::string>{"「军人姓名」（按烈士姓名读取）不能为空"});
  EXPECT_EQ(
      messages(family, Lang::En),
      std::vector<std::string>{"column 军人姓名 (read as related_name) is empty but required"});
  EXPECT_EQ(messages(edit(R"("category":"21","relation":"1")")),
            std::vector<std::string>{"烈士姓名不能为空"});
  // Fixed field names in messages give way to the header too.
  std::string bad_id =
      edit(R"("id_number":"430102196803051239","_headers":{"id_number":"身份证号"})");
  EXPECT_EQ(messages(bad_id),
            std::vector<std::string>{"「身份证号」（按公民身份号码读取）校验位错误（应为 8）"});
}

TEST(Validate, ANameFormatMessageSaysWhatIsWrong) {
  EXPECT_EQ(messages(edit(R"("name":"张3")")),
            std::vector<std::string>{"姓名格式错误：含有数字「3」"});
  EXPECT_EQ(messages(edit(R"("name":"张")")),
            std::vector<std::string>{"姓名格式错误：只有 1 个字，至少要 2 个"});
  EXPECT_TRUE(messages(edit(R"("name":"张三、李四")"))[0].starts_with(
      "姓名格式错误：含有不允许的字符「、」（U+3001）"));
  EXPECT_EQ(messages(edit(R"("name":"张3")"), Lang::En),
            std::vector<std::string>{"name malformed: it holds the digit 3"});
  std::string long_name(31 * 3, 'x');
  for (size_t i = 0; i < 31; ++i) long_name.replace(i * 3, 3, "张");
  auto m = messages(edit("\"name\":\"" + long_name + "\""));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("有 31 个字，超过 30 个"), std::string::npos) << m[0];
}

TEST(Validate, ADuplicateElsewhereIsNamedInWords) {
  RecordReader reader(schema());
  Validator v(schema(), rules(), ValidateOptions{Lang::Zh, true, "", {2026, 11, 29}});
  Validator en(schema(), rules(), ValidateOptions{Lang::En, true, "", {2026, 11, 29}});
  Record a, b, c;
  std::string err;
  ASSERT_TRUE(reader.parse(kBase, &a, &err));
  ASSERT_TRUE(reader.parse(edit(R"("_sheet":"乡镇B","_row":7)"), &b, &err));
  ASSERT_TRUE(reader.parse(edit(R"("_src":"u.csv","_sheet":"","_row":3)"), &c, &err));
  std::vector<Diagnostic> out, out_en;
  for (const Record* r : {&a, &b, &c}) v.check(*r, &out), en.check(*r, &out_en);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].message, "同一人重复出现（与工作表「乡镇A」第 4 行重复）");
  EXPECT_EQ(out[1].message, "同一人重复出现（与文件「t.xlsx」工作表「乡镇A」第 4 行重复）");
  EXPECT_EQ(out_en[1].message,
            "the same person appears twice (also at file t.xlsx, sheet 乡镇A, row 4)");
}
