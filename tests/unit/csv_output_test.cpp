// --format csv: record stream lines rewritten as CSV rows on their way out.
#include "record/csv_output.h"

#include <gtest/gtest.h>

#include "core/line_output.h"
#include "test_schema.h"

namespace vetkit {
namespace {

// Collects what reaches the file, with marks and rollback like AtomicFile's.
class StringOutput : public LineOutput {
 public:
  void wrote() override {}
  size_t mark() const override { return buffer_.size(); }
  bool rollback(size_t mark) override {
    buffer_.resize(mark);
    return true;
  }
  const std::string& text() const { return buffer_; }
};

std::string header(const std::string& tail) {
  std::string h;
  for (const Field& f : testing::schema().fields()) h += f.id + ",";
  return h + tail + "\n";
}

// The row a record gives: `cells` by field id, every other field empty.
std::string row(const std::vector<std::pair<std::string, std::string>>& cells,
                const std::string& tail) {
  std::string r;
  for (const Field& f : testing::schema().fields()) {
    for (const auto& [id, text] : cells)
      if (id == f.id) r += text;
    r += ",";
  }
  return r + tail + "\n";
}

void write(LineOutput& out, const std::string& lines) {
  out.buffer()->append(lines);
  out.wrote();
}

TEST(CsvOutput, QuotesOnlyWhatNeedsIt) {
  std::string s;
  appendCsvField(&s, "张三");
  s += '|';
  appendCsvField(&s, "a,b");
  s += '|';
  appendCsvField(&s, "say \"hi\"");
  s += '|';
  appendCsvField(&s, "two\nlines");
  s += '|';
  appendCsvField(&s, " padded");
  EXPECT_EQ(s, "张三|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\" padded\"");
}

// What Excel, WPS and LibreOffice would run as a formula gets a leading ': = + - @, tab, CR
// and their full-width forms; numbers that are really numbers stay as they are.
TEST(CsvOutput, NeutralisesFormulasButNotNumbers) {
  auto field = [](std::string_view v) {
    std::string s;
    appendCsvField(&s, v);
    return s;
  };
  EXPECT_EQ(field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(field("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(field("+1+cmd"), "'+1+cmd");
  EXPECT_EQ(field("-2+3"), "'-2+3");
  EXPECT_EQ(field("\t=1"), "'\t=1");
  EXPECT_EQ(field("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(field("＝1+1"), "'＝1+1");
  EXPECT_EQ(field("＋1"), "'＋1");
  EXPECT_EQ(field("－1"), "'－1");
  EXPECT_EQ(field("＠A1"), "'＠A1");
  EXPECT_EQ(field("-"), "-");  // vetreport's "no value": nothing to run
  EXPECT_EQ(field("+86 138 0000 0000"), "'+86 138 0000 0000");
  for (const char* number : {"-3", "+1", "-1.5", "+2.5e3", "-7E-2", "0", "36.5", "1979-01-29"})
    EXPECT_EQ(field(number), number) << number;
  EXPECT_EQ(field("张=三"), "张=三");  // only a leading sign matters
  EXPECT_EQ(field(""), "");
}

TEST(CsvOutput, RowsUnderTheFieldIds) {
  StringOutput file;
  CsvRecordOutput csv(testing::schema(), {"_src", "_row", "_extra"}, &file);
  write(csv,
        "{\"category\":\"12\",\"name\":\"张三\",\"birth_date\":\"1978-03\",\"has_housing\":true,"
        "\"housing_area\":85.50,\"benefit_types\":[\"1\",\"3\"],\"_extra\":{\"备注\":\"户口已迁\"},"
        "\"_columns\":{\"name\":\"C\"},\"_issues\":[1],\"_src\":\"a.csv\",\"_row\":2}\n");
  write(csv, "{\"name\":\"李, 四\",\"dibao\":false,\"_src\":\"a.csv\",\"_row\":3}\n");
  EXPECT_EQ(file.text(), header("_src,_row,_extra") +
                             row({{"category", "12"},
                                  {"name", "张三"},
                                  {"birth_date", "1978-03"},
                                  {"has_housing", "true"},
                                  {"housing_area", "85.50"},
                                  {"benefit_types", "\"1,3\""}},
                                 "a.csv,2,\"{\"\"备注\"\":\"\"户口已迁\"\"}\"") +
                             row({{"name", "\"李, 四\""}, {"dibao", "false"}}, "a.csv,3,"));
}

TEST(CsvOutput, AnEmptySetIsAHeader) {
  StringOutput file;
  CsvRecordOutput csv(testing::schema(), {"_src"}, &file);
  csv.finish();
  csv.finish();
  EXPECT_EQ(file.text(), header("_src"));
}

TEST(CsvOutput, RollbackToBeforeTheFirstRowTakesTheHeaderWithIt) {
  // vetimport rolls back an input that fails half-way; if it was the first, the header goes
  // too, and comes back with the next row.
  StringOutput file;
  CsvRecordOutput csv(testing::schema(), {"_src"}, &file);
  size_t start = csv.mark();
  write(csv, "{\"name\":\"甲\",\"_src\":\"bad.xlsx\"}\n");
  ASSERT_TRUE(csv.rollback(start));
  EXPECT_EQ(file.text(), "");
  size_t second = csv.mark();
  write(csv, "{\"name\":\"乙\",\"_src\":\"good.csv\"}\n");
  size_t third = csv.mark();
  write(csv, "{\"name\":\"丙\",\"_src\":\"bad2.csv\"}\n");
  ASSERT_TRUE(csv.rollback(third));
  EXPECT_EQ(second, 0u);
  EXPECT_EQ(file.text(), header("_src") + row({{"name", "乙"}}, "good.csv"));
}

}  // namespace
}  // namespace vetkit
