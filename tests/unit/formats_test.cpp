// The readers of .ods, .xls/.et and UTF-16 text: what they make of cells, repeats and
// encodings, on files written here (temp dirs only) and on the LibreOffice fixtures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/input.h"
#include "io/ods_reader.h"
#include "io/xls_reader.h"
#include "io/zip_file.h"

namespace vetkit {
namespace {

namespace fs = std::filesystem;

class FormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vetkit-formats-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string ods(const std::string& tables, const std::string& styles = "") {
    std::string content =
        R"(<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" )"
        R"(xmlns:style="s" xmlns:table="t" xmlns:text="x"><office:automatic-styles>)" +
        styles + "</office:automatic-styles><office:body><office:spreadsheet>" + tables +
        "</office:spreadsheet></office:body></office:document-content>";
    std::string path = (dir_ / "t.ods").string(), err;
    EXPECT_TRUE(writeZip(
        path,
        {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", content}},
        &err))
        << err;
    return path;
  }

  std::string file(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
};

struct Read {
  std::vector<std::string> lines;  // "row:col:kind:text" per cell
  std::string err;
  bool ok = false;
};

Read readAll(Workbook& wb, size_t sheet = 0) {
  Read r;
  r.ok = wb.readSheet(
      sheet,
      [&](const Row& row) {
        for (const Cell& c : row.cells)
          r.lines.push_back(std::to_string(row.number) + ":" + columnLetter(c.col) + ":" +
                            std::to_string(int(c.kind)) + ":" + c.text);
        return true;
      },
      &r.err);
  return r;
}

const std::string kRow = "<table:table-row>";
const std::string kEnd = "</table:table-row>";
std::string cell(const std::string& attrs, const std::string& inner = "") {
  return "<table:table-cell " + attrs + ">" + inner + "</table:table-cell>";
}

TEST_F(FormatsTest, OdsCellKindsRepeatsCoveredAndAnnotations) {
  std::string t =
      "<table:table table:name=\"A\">" + kRow +
      cell("office:value-type=\"string\"", "<text:p>张<text:s text:c=\"2\"/>三</text:p>") +
      cell("office:value-type=\"date\" office:date-value=\"1978-03-05T00:00:00\"",
           "<text:p>1978年3月5日</text:p>") +
      cell("office:value-type=\"float\" office:value=\"85.5\"", "<text:p>85.50</text:p>") +
      cell("office:value-type=\"boolean\" office:boolean-value=\"true\"") +
      cell("table:number-columns-repeated=\"3\"") +  // empty: only moves the column
      cell("office:value-type=\"string\"",
           "<office:annotation><text:p>note</text:p></office:annotation><text:p>a</text:p>"
           "<text:p>b</text:p>") +
      "<table:covered-table-cell office:value-type=\"string\"><text:p>hidden by a merge</text:p>"
      "</table:covered-table-cell>" +
      cell("office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"2\"") +
      kEnd + "</table:table>";
  std::string openErr;
  auto wb = openOds(ods(t), &openErr);
  ASSERT_TRUE(wb);
  Read r = readAll(*wb);
  ASSERT_TRUE(r.ok) << r.err;
  std::vector<std::string> want = {"1:A:0:张  三", "1:B:2:1978-03-05", "1:C:1:85.5", "1:D:3:TRUE",
                                   "1:H:0:a\nb",   "1:J:1:1",          "1:K:1:1"};
  EXPECT_EQ(r.lines, want);
}

TEST_F(FormatsTest, OdsHiddenTableFromItsStyle) {
  std::string styles =
      "<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties "
      "table:display=\"false\"/></style:style>";
  std::string t =
      "<table:table table:name=\"见\"/><table:table table:name=\"藏\" "
      "table:style-name=\"ta2\"/>";
  std::string err;
  auto wb = openOds(ods(t, styles), &err);
  ASSERT_TRUE(wb) << err;
  ASSERT_EQ(wb->sheets().size(), 2u);
  EXPECT_FALSE(wb->sheets()[0].hidden);
  EXPECT_TRUE(wb->sheets()[1].hidden);
  EXPECT_EQ(wb->sheets()[1].name, "藏");
}

// Sheets read in order share one pass (the parser suspends at each table's end); any order
// still gives each sheet its own rows.
TEST_F(FormatsTest, OdsSheetsInAnyOrder) {
  std::string t;
  for (const char* name : {"a", "b", "c"})
    t += std::string("<table:table table:name=\"") + name + "\">" + kRow +
         cell("", std::string("<text:p>") + name + "</text:p>") + kEnd + "</table:table>";
  std::string path = ods(t), err;
  for (std::vector<size_t> order : {std::vector<size_t>{0, 1, 2}, {2, 0, 1}, {1, 1, 2}}) {
    auto wb = openOds(path, &err);
    ASSERT_TRUE(wb) << err;
    for (size_t i : order) {
      Read r = readAll(*wb, i);
      ASSERT_TRUE(r.ok) << r.err;
      EXPECT_EQ(r.lines, std::vector<std::string>{"1:A:0:" + std::string(1, char('a' + i))});
    }
  }
}

// With the ODF namespaces bound as every writer binds them, the sheet list comes from a byte
// scan; a character reference makes it give up and expat list the sheets: both the same.
TEST_F(FormatsTest, OdsSheetListByScanAndByExpat) {
  for (const char* name : {"甲&amp;乙", "甲&#x26;乙"}) {
    std::string content =
        std::string(
            R"(<?xml version="1.0" encoding="UTF-8"?><!-- <table:table table:name="no"> -->)") +
        R"(<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" )"
        R"(xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" )"
        R"(xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" )"
        R"(xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:automatic-styles>)"
        R"(<style:style style:name="ta2" style:family="table"><style:table-properties )"
        R"(table:display="false"/></style:style></office:automatic-styles><office:body>)"
        R"(<office:spreadsheet><table:table table:name=")" +
        std::string(name) +
        R"(" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string" )"
        R"(office:string-value="a>b"><text:p>x</text:p></table:table-cell></table:table-row>)"
        R"(</table:table><table:table table:name="丙"/></office:spreadsheet></office:body>)"
        R"(</office:document-content>)";
    std::string path = (dir_ / "s.ods").string(), err;
    ASSERT_TRUE(writeZip(path, {{"content.xml", content}}, &err)) << err;
    auto wb = openOds(path, &err);
    ASSERT_TRUE(wb) << err;
    ASSERT_EQ(wb->sheets().size(), 2u) << name;
    EXPECT_EQ(wb->sheets()[0].name, "甲&乙");
    EXPECT_TRUE(wb->sheets()[0].hidden);
    EXPECT_EQ(wb->sheets()[1].name, "丙");
    EXPECT_FALSE(wb->sheets()[1].hidden);
    Read r = readAll(*wb);
    EXPECT_EQ(r.lines, std::vector<std::string>{"1:A:0:a>b"});
  }
}

// LibreOffice ends a sheet with an empty row repeated to the sheet's edge: a counter, not a
// million rows (this would take seconds and gigabytes if it were expanded).
TEST_F(FormatsTest, OdsEmptyRepeatsCostNothing) {
  std::string t = "<table:table table:name=\"A\">" + kRow + cell("", "<text:p>x</text:p>") + kEnd +
                  "<table:table-row table:number-rows-repeated=\"1048575\">" +
                  cell("table:number-columns-repeated=\"16384\"") + kEnd +
                  "<table:table-row table:number-rows-repeated=\"4000000000\">" +
                  cell("table:number-columns-repeated=\"99999999\"") + kEnd + "</table:table>";
  std::string err;
  auto wb = openOds(ods(t), &err);
  ASSERT_TRUE(wb) << err;
  auto start = std::chrono::steady_clock::now();
  Read r = readAll(*wb);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(r.lines, std::vector<std::string>{"1:A:0:x"});
}

TEST_F(FormatsTest, OdsRepeatedContentIsExpandedWithinABudget) {
  // Three copies of a row are three rows.
  std::string small =
      "<table:table table:name=\"A\"><table:table-row "
      "table:number-rows-repeated=\"3\">" +
      cell("", "<text:p>x</text:p>") + kEnd + "</table:table>";
  std::string openErr;
  auto wb = openOds(ods(small), &openErr);
  ASSERT_TRUE(wb);
  Read r = readAll(*wb);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"1:A:0:x", "2:A:0:x", "3:A:0:x"}));
  // A few bytes asking for a million rows of 16,384 filled cells are refused, quickly.
  std::string bomb =
      "<table:table table:name=\"A\"><table:table-row "
      "table:number-rows-repeated=\"1048576\">" +
      cell("table:number-columns-repeated=\"16384\"", "<text:p>x</text:p>") + kEnd +
      "</table:table>";
  wb = openOds(ods(bomb), &openErr);
  ASSERT_TRUE(wb);
  auto start = std::chrono::steady_clock::now();
  size_t rows = 0;
  std::string err;
  EXPECT_FALSE(wb->readSheet(
      0,
      [&](const Row&) {
        ++rows;
        return true;
      },
      &err));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(rows, 0u);
  EXPECT_NE(err.find("repeated rows and cells"), std::string::npos) << err;
}

TEST_F(FormatsTest, Utf16WithBomIsReadAsTabSeparatedText) {
  // "姓名\t出生日期\r\n张三\t😀\r\n" with a lone high surrogate at the end, in LE and BE.
  std::u16string text = u"姓名\t备注\r\n张三\t\U0001F600\r\n";
  for (bool be : {false, true}) {
    std::string bytes = be ? "\xFE\xFF" : "\xFF\xFE";
    auto put = [&](char16_t u) {
      char hi = char(u >> 8), lo = char(u & 0xFF);
      bytes += be ? std::string{hi, lo} : std::string{lo, hi};
    };
    for (char16_t u : text) put(u);
    put(0xD800);
    std::string err;
    auto wb = openTable(file(be ? "be.txt" : "le.txt", bytes), CsvOptions{}, &err);
    ASSERT_TRUE(wb) << err;
    Read r = readAll(*wb);
    ASSERT_TRUE(r.ok) << r.err;
    std::vector<std::string> want = {"1:A:0:姓名", "1:B:0:备注", "2:A:0:张三", "2:B:0:\U0001F600",
                                     "3:A:0:\xEF\xBF\xBD"};
    EXPECT_EQ(r.lines, want);
    ASSERT_EQ(wb->warnings.size(), 1u);
    EXPECT_EQ(wb->warnings[0].args[1].second, "UTF-16");
  }
}

TEST(XlsNumber, AsExcelShowsThem) {
  EXPECT_EQ(formatXlsNumber(1996.1), "1996.1");
  EXPECT_EQ(formatXlsNumber(13807381234.0), "13807381234");
  EXPECT_EQ(formatXlsNumber(85.5), "85.5");
  EXPECT_EQ(formatXlsNumber(-3), "-3");
  EXPECT_EQ(formatXlsNumber(430102197803051234.0), "4.30102197803051E+17");
  EXPECT_EQ(formatXlsNumber(0.1 + 0.2), "0.3");
}

TEST(XlsReader, LibreOfficeFixtureDatesNumbersAndHiddenSheets) {
  std::string err, code;
  auto wb = openTable(VETKIT_FIXTURES "/formats/formats.xls", CsvOptions{}, &err, &code);
  ASSERT_TRUE(wb) << err;
  Read r = readAll(*wb);
  ASSERT_TRUE(r.ok) << r.err;
  auto has = [&](const std::string& s) {
    return std::find(r.lines.begin(), r.lines.end(), s) != r.lines.end();
  };
  EXPECT_TRUE(has("4:E:2:1978-03-05"));          // a date cell
  EXPECT_TRUE(has("4:F:0:430102197803051235"));  // an ID kept as text
  EXPECT_TRUE(has("4:J:1:85.5"));                // a number
  EXPECT_TRUE(has("2:H:0:服役情况"));            // the group heading of the two-row header
  wb = openTable(VETKIT_FIXTURES "/formats/hidden.xls", CsvOptions{}, &err, &code);
  ASSERT_TRUE(wb) << err;
  ASSERT_EQ(wb->sheets().size(), 2u);
  EXPECT_FALSE(wb->sheets()[0].hidden);
  EXPECT_TRUE(wb->sheets()[1].hidden);
  EXPECT_EQ(wb->sheets()[1].name, "隐藏名单");
}

TEST_F(FormatsTest, UnreadableXlsHasAMessageOfItsOwn) {
  std::string bytes("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  bytes.resize(512, '\0');
  std::string err, code;
  EXPECT_FALSE(openTable(file("bad.xls", bytes), CsvOptions{}, &err, &code));
  EXPECT_EQ(code, "xls-unreadable");
  EXPECT_FALSE(err.empty());
}

}  // namespace
}  // namespace vetkit
