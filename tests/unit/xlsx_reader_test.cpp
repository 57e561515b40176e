// Tests of the streaming xlsx reader: small workbooks written part by part in the test, so each
// shows one rule, and fixtures made by SheetJS and LibreOffice (tests/fixtures/make) to show
// the reader agrees with writers it was not written against.
#include "io/xlsx_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "io/zip_file.h"

namespace vetkit {
namespace {

namespace fs = std::filesystem;
using Parts = std::vector<std::pair<std::string, std::string>>;

const std::string kFixtures = std::string(VETKIT_FIXTURES) + "/xlsx/";
const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const char* kPkgRel = "http://schemas.openxmlformats.org/package/2006/relationships";

// Everything a caller can see of reading a workbook: the open error, or per sheet its rows (as
// "number|col:kind:text|...") and how the read ended.
struct Reading {
  std::string openError;
  std::vector<std::string> sheets;
  bool operator==(const Reading& o) const { return openError == o.openError && sheets == o.sheets; }
};

std::ostream& operator<<(std::ostream& os, const Reading& r) {
  os << "open: '" << r.openError << "'";
  for (const auto& s : r.sheets) os << "\n  sheet: " << s.substr(0, 2000);
  return os;
}

std::string serialize(const Row& r) {
  std::string s = std::to_string(r.number);
  for (const Cell& c : r.cells)
    s += "|" + std::to_string(c.col) + ":" + std::to_string(int(c.kind)) + ":" + c.text;
  return s + "\n";
}

// Reads every sheet of `file` with VETKIT_XLSX_READER set to `reader` ("expat", "fast", or
// anything else for the default: fast with expat to fall back on). `stopAfter` rows per sheet
// end each read early, as a sink may.
Reading readWith(const std::string& file, const char* reader, size_t stopAfter = SIZE_MAX) {
  const char* before = std::getenv("VETKIT_XLSX_READER");
  std::string saved = before ? before : "";
  setenv("VETKIT_XLSX_READER", reader, 1);
  Reading out;
  std::string err;
  auto wb = openXlsx(file, &err);
  if (!wb) {
    out.openError = err;
  } else {
    for (size_t i = 0; i < wb->sheets().size(); ++i) {
      std::string rows;
      size_t n = 0;
      err.clear();
      bool ok = wb->readSheet(
          i,
          [&](const Row& r) {
            rows += serialize(r);
            return ++n < stopAfter;
          },
          &err);
      out.sheets.push_back(rows + (ok ? "ok" : "error: " + err));
    }
  }
  if (before)
    setenv("VETKIT_XLSX_READER", saved.c_str(), 1);
  else
    unsetenv("VETKIT_XLSX_READER");
  return out;
}

// The default reader must be indistinguishable from expat alone: same rows, same errors.
void expectSameAsExpat(const std::string& file, size_t stopAfter = SIZE_MAX) {
  EXPECT_EQ(readWith(file, "auto", stopAfter), readWith(file, "expat", stopAfter)) << file;
}

class XlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetkit-xlsx-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  // Every workbook a test wrote, well-formed or not, is also a differential case.
  void TearDown() override {
    for (const auto& f : written_) expectSameAsExpat(f);
    fs::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const Parts& parts) {
    std::string err;
    EXPECT_TRUE(writeZip(path(name), parts, &err)) << err;
    written_.push_back(path(name));
    return path(name);
  }

  std::string writeBytes(const std::string& name, const std::string& bytes) {
    std::ofstream(path(name), std::ios::binary) << bytes;
    written_.push_back(path(name));
    return path(name);
  }

  fs::path dir_;
  std::vector<std::string> written_;
};

std::string rel(const std::string& id, const std::string& type, const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + kRel + "/" + type + "\" Target=\"" + target +
         "\"/>";
}

std::string rels(const std::string& body) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"") +
         kPkgRel + "\">" + body + "</Relationships>";
}

std::string worksheet(const std::string& sheetData) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"") + kMain +
         "\" xmlns:r=\"" + kRel + "\">\n<sheetData>" + sheetData + "</sheetData></worksheet>";
}

std::string sst(const std::string& items) {
  return std::string("<sst xmlns=\"") + kMain + "\">" + items + "</sst>";
}

// Styles whose cellXfs index i has number format ids[i]; cellStyleXfs and dxfs carry date
// formats on purpose, to show they are not mistaken for cell formats.
std::string styles(const std::vector<int>& ids, const std::string& numFmts = "") {
  std::string s = std::string("<styleSheet xmlns=\"") + kMain + "\">";
  if (!numFmts.empty()) s += "<numFmts>" + numFmts + "</numFmts>";
  s += "<cellStyleXfs><xf numFmtId=\"14\"/><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>";
  for (int id : ids) s += "<xf numFmtId=\"" + std::to_string(id) + "\" xfId=\"1\"/>";
  s += "</cellXfs><dxfs><dxf><numFmt numFmtId=\"200\" formatCode=\"0.00\"/></dxf></dxfs>";
  return s + "</styleSheet>";
}

struct BookSpec {
  std::string sheetData;
  std::string sharedStrings;  // whole sharedStrings.xml, or empty for none
  std::string styles;         // whole styles.xml, or empty for none
  std::string workbookPr;     // e.g. <workbookPr date1904="1"/>
};

// The smallest workbook Excel itself would open: one sheet named Sheet1.
Parts book(const BookSpec& b) {
  std::string wbRels = rel("rId1", "worksheet", "worksheets/sheet1.xml");
  if (!b.sharedStrings.empty()) wbRels += rel("rId2", "sharedStrings", "sharedStrings.xml");
  if (!b.styles.empty()) wbRels += rel("rId3", "styles", "styles.xml");
  Parts p = {
      {"_rels/.rels", rels(rel("rId1", "officeDocument", "xl/workbook.xml"))},
      {"xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                              "\">" + b.workbookPr +
                              "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels", rels(wbRels)},
      {"xl/worksheets/sheet1.xml", worksheet(b.sheetData)},
  };
  if (!b.sharedStrings.empty()) p.emplace_back("xl/sharedStrings.xml", b.sharedStrings);
  if (!b.styles.empty()) p.emplace_back("xl/styles.xml", b.styles);
  return p;
}

std::vector<Row> readRows(Workbook& wb, size_t sheet, std::string* err) {
  std::vector<Row> rows;
  bool ok = wb.readSheet(
      sheet,
      [&](const Row& r) {
        rows.push_back(r);
        return true;
      },
      err);
  if (!ok && err->empty()) *err = "readSheet failed without a reason";
  if (ok) err->clear();
  return rows;
}

// All cells as {"B3": "n:42"}, kind letters t(ext) n(umber) d(ate) b(ool) e(rror).
using Cells = std::map<std::string, std::string>;

Cells cells(const std::vector<Row>& rows) {
  Cells out;
  for (const Row& r : rows) {
    int prev = -1;
    for (const Cell& c : r.cells) {
      EXPECT_GT(c.col, prev) << "cells out of column order in row " << r.number;
      prev = c.col;
      const char* k = c.kind == Cell::Kind::Text     ? "t:"
                      : c.kind == Cell::Kind::Number ? "n:"
                      : c.kind == Cell::Kind::Date   ? "d:"
                      : c.kind == Cell::Kind::Bool   ? "b:"
                                                     : "e:";
      out[columnLetter(c.col) + std::to_string(r.number)] = k + c.text;
    }
  }
  return out;
}

// Reads sheet `sheet` of `file`, failing the test on any error.
Cells readCells(const std::string& file, size_t sheet = 0) {
  std::string err;
  auto wb = openXlsx(file, &err);
  EXPECT_TRUE(wb) << err;
  if (!wb) return {};
  auto rows = readRows(*wb, sheet, &err);
  EXPECT_EQ(err, "");
  return cells(rows);
}

std::string openError(const std::string& file) {
  std::string err;
  auto wb = openXlsx(file, &err);
  EXPECT_FALSE(wb);
  return err;
}

std::string readError(const std::string& file, size_t sheet = 0) {
  std::string err;
  auto wb = openXlsx(file, &err);
  EXPECT_TRUE(wb) << err;
  if (!wb) return err;
  readRows(*wb, sheet, &err);
  return err;
}

std::string fileBytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(XlsxTest, SharedStringsJoinRichRunsAndSkipPhonetics) {
  BookSpec b;
  b.sharedStrings =
      sst("<si><t>姓名</t></si>"
          "<si><r><rPr><b/></rPr><t>欧阳</t></r><r><t xml:space=\"preserve\">修 </t></r>"
          "<rPh sb=\"0\" eb=\"2\"><t>ouyang</t></rPh><phoneticPr fontId=\"1\"/></si>"
          "<si><t></t></si>"
          "<si><t xml:space=\"preserve\">  李四 </t><rPh sb=\"0\" eb=\"1\"><t>li</t></rPh></si>");
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "t:姓名"}, {"B1", "t:欧阳修 "}, {"D1", "t:  李四 "}}));
}

TEST_F(XlsxTest, EscapesDecodedInSharedAndInlineStrings) {
  BookSpec b;
  b.sharedStrings =
      sst("<si><t>第一行_x000D_\n第二行</t></si>"
          "<si><t>a_x005F_x000D_b</t></si>"
          "<si><t>_x0041__xD83D__xDE00__x00zz_</t></si>");
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c>"
      "<c r=\"D1\" t=\"inlineStr\"><is><t>x_x0009_y</t></is></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c["A1"], "t:第一行\r\n第二行");
  EXPECT_EQ(c["B1"], "t:a_x000D_b");
  EXPECT_EQ(c["C1"], "t:A\xF0\x9F\x98\x80_x00zz_");
  EXPECT_EQ(c["D1"], "t:x\ty");
}

TEST_F(XlsxTest, InlineStrings) {
  BookSpec b;
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>张三</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><r><t>湖南</t></r><r><rPr/><t>娄底</t></r>"
      "<rPh><t>hunan</t></rPh></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> 430102199001011234 </t></is>"
      "</c><c r=\"D1\" t=\"inlineStr\"><is><t></t></is></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "t:张三"}, {"B1", "t:湖南娄底"}, {"C1", "t: 430102199001011234 "}}));
}

TEST_F(XlsxTest, NumbersKeptVerbatim) {
  BookSpec b;
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\"><v>430102199001011234</v></c><c r=\"B1\"><v>4.30102E+17</v></c>"
      "<c r=\"C1\" t=\"n\"><v>0.10000000000000001</v></c><c r=\"D1\"><v>13807381234</v></c>"
      "<c r=\"E1\" s=\"0\"><v>1E-3</v></c><c r=\"F1\"><v>-0</v></c><c r=\"G1\"/></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "n:430102199001011234"},
                      {"B1", "n:4.30102E+17"},
                      {"C1", "n:0.10000000000000001"},
                      {"D1", "n:13807381234"},
                      {"E1", "n:1E-3"},
                      {"F1", "n:-0"}}));
}

TEST_F(XlsxTest, BooleansAndErrors) {
  BookSpec b;
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>1</v></c><c r=\"B1\" t=\"b\"><v>0</v></c>"
      "<c r=\"C1\" t=\"e\"><v>#N/A</v></c><c r=\"D1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "b:TRUE"}, {"B1", "b:FALSE"}, {"C1", "e:#N/A"}, {"D1", "e:#DIV/0!"}}));
}

TEST_F(XlsxTest, FormulasGiveCachedValues) {
  BookSpec b;
  b.sharedStrings = sst("<si><t>x</t></si>");
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\"><f>1+1</f><v>2</v></c>"
      "<c r=\"B1\" t=\"str\"><f>\"湘\"&amp;\"H\"</f><v>湘H</v></c>"
      "<c r=\"C1\"><f>NOW()</f></c>"
      "<c r=\"D1\"><f t=\"shared\" ref=\"D1:D2\" si=\"0\">A1*2</f><v>4</v></c>"
      "<c r=\"E1\" t=\"s\"><f>T(\"x\")</f><v>0</v></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "n:2"}, {"B1", "t:湘H"}, {"D1", "n:4"}, {"E1", "t:x"}}));
}

TEST_F(XlsxTest, DateFormatsBuiltinAndCustom) {
  BookSpec b;
  // 28554 = 1978-03-05.
  std::vector<int> ids = {0,   14,  31,  57, 58, 164, 165, 166, 167, 168,
                          169, 170, 171, 49, 22, 172, 173, 174, 175, 176};
  b.styles = styles(ids,
                    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d"
                    "&quot;日&quot;\"/>"
                    "<numFmt numFmtId=\"165\" formatCode=\"yyyy.mm.dd\"/>"
                    "<numFmt numFmtId=\"166\" formatCode=\"0.00\"/>"
                    "<numFmt numFmtId=\"167\" formatCode=\"General\"/>"
                    "<numFmt numFmtId=\"168\" formatCode=\"[Red]#,##0.00_);(#,##0.00)\"/>"
                    "<numFmt numFmtId=\"169\" formatCode=\"[h]:mm:ss\"/>"
                    "<numFmt numFmtId=\"170\" formatCode=\"0.00E+00\"/>"
                    "<numFmt numFmtId=\"171\" formatCode=\"[$-804]General\"/>"
                    "<numFmt numFmtId=\"172\" formatCode=\"yyyy\\-mm\\-dd\"/>"
                    "<numFmt numFmtId=\"173\" formatCode=\"0&quot;天(days)&quot;\"/>"
                    "<numFmt numFmtId=\"174\" formatCode=\"[DBNum1][$-804]yyyy年m月\"/>"
                    "<numFmt numFmtId=\"175\" formatCode=\"\\d0\"/>"
                    "<numFmt numFmtId=\"176\" formatCode=\"@\"/>");
  std::string row = "<row r=\"1\">";
  for (size_t i = 0; i < ids.size(); ++i)
    row +=
        "<c r=\"" + columnLetter(int(i)) + "1\" s=\"" + std::to_string(i) + "\"><v>28554</v></c>";
  b.sheetData = row + "</row><row r=\"2\"><c r=\"A2\" s=\"14\"><v>28554.5</v></c>" +
                "<c r=\"B2\" s=\"14\"><v>28554.999999999</v></c>" +
                "<c r=\"C2\" s=\"1\"><v>28554.00000001</v></c>" +
                "<c r=\"D2\" s=\"99\"><v>28554</v></c>" +
                "<c r=\"E2\" s=\"1\" t=\"s\"><v>0</v></c></row>";
  b.sharedStrings = sst("<si><t>1978年3月5日</t></si>");
  Cells c = readCells(write("a.xlsx", book(b)));
  const std::string date = "d:1978-03-05", num = "n:28554";
  EXPECT_EQ(c["A1"], num);          // 0 General
  EXPECT_EQ(c["B1"], date);         // 14
  EXPECT_EQ(c["C1"], date);         // 31 yyyy"年"m"月"d"日" in zh-CN
  EXPECT_EQ(c["D1"], "d:1978-03");  // 57 yyyy"年"m"月": shown as a month, read as one
  EXPECT_EQ(c["E1"], date);         // 58
  EXPECT_EQ(c["F1"], date);         // yyyy"年"m"月"d"日"
  EXPECT_EQ(c["G1"], date);         // yyyy.mm.dd
  EXPECT_EQ(c["H1"], num);          // 0.00
  EXPECT_EQ(c["I1"], num);          // General
  EXPECT_EQ(c["J1"], num);          // [Red] colour and _) padding
  EXPECT_EQ(c["K1"], date);         // [h]:mm:ss elapsed time
  EXPECT_EQ(c["L1"], num);          // 0.00E+00
  EXPECT_EQ(c["M1"], num);          // [$-804]General
  EXPECT_EQ(c["N1"], num);          // 49 text
  EXPECT_EQ(c["O1"], date);         // 22 m/d/yy h:mm
  EXPECT_EQ(c["P1"], date);         // LibreOffice's yyyy\-mm\-dd
  EXPECT_EQ(c["Q1"], num);          // 0"天(days)": letters in quotes are no date
  EXPECT_EQ(c["R1"], "d:1978-03");  // bare 年/月 after DBNum and locale brackets: a month
  EXPECT_EQ(c["S1"], num);          // \d is an escaped literal
  EXPECT_EQ(c["T1"], num);          // @
  EXPECT_EQ(c["A2"], "d:1978-03-05T12:00:00");
  EXPECT_EQ(c["B2"], "d:1978-03-06");  // rounds to the second, into the next day
  EXPECT_EQ(c["C2"], date);
  EXPECT_EQ(c["D2"], num);  // style index past cellXfs
  EXPECT_EQ(c["E2"], "t:1978年3月5日");
}

// A date cell reads at the precision its format shows: 1986年10月 is a month, not
// 1986-10-01 (merge and diff compare dates by precision); a time shows a day.
TEST_F(XlsxTest, DateCellsReadAtThePrecisionTheirFormatShows) {
  BookSpec b;
  std::vector<int> ids = {17, 27, 36, 50, 52, 164, 165, 166, 167, 168, 31, 28, 14};
  b.styles = styles(ids,
                    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\"/>"
                    "<numFmt numFmtId=\"165\" formatCode=\"yyyy\\-mm\"/>"
                    "<numFmt numFmtId=\"166\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/>"
                    "<numFmt numFmtId=\"167\" formatCode=\"yyyy/m/d h:mm\"/>"
                    "<numFmt numFmtId=\"168\" formatCode=\"h:mm\"/>");
  std::string row = "<row r=\"1\">";
  for (size_t i = 0; i < ids.size(); ++i)
    row +=
        "<c r=\"" + columnLetter(int(i)) + "1\" s=\"" + std::to_string(i) + "\"><v>28554</v></c>";
  b.sheetData = row + "</row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c["A1"], "d:1978-03");     // 17 mmm-yy
  EXPECT_EQ(c["B1"], "d:1978-03");     // 27 yyyy"年"m"月" (zh-CN)
  EXPECT_EQ(c["C1"], "d:1978-03");     // 36
  EXPECT_EQ(c["D1"], "d:1978-03");     // 50
  EXPECT_EQ(c["E1"], "d:1978-03");     // 52
  EXPECT_EQ(c["F1"], "d:1978");        // yyyy
  EXPECT_EQ(c["G1"], "d:1978-03");     // yyyy\-mm (LibreOffice)
  EXPECT_EQ(c["H1"], "d:1978-03");     // yyyy"年"m"月"
  EXPECT_EQ(c["I1"], "d:1978-03-05");  // yyyy/m/d h:mm
  EXPECT_EQ(c["J1"], "d:1978-03-05");  // h:mm: a time shows the day
  EXPECT_EQ(c["K1"], "d:1978-03-05");  // 31 yyyy"年"m"月"d"日"
  EXPECT_EQ(c["L1"], "d:1978-03-05");  // 28 m"月"d"日"
  EXPECT_EQ(c["M1"], "d:1978-03-05");  // 14
}

TEST_F(XlsxTest, Excel1900LeapYearBug) {
  BookSpec b;
  b.styles = styles({0, 14});
  std::string row = "<row r=\"1\">";
  const char* serials[] = {"1", "59", "60", "61", "0", "-1", "0.25", "2958465", "2958466", "1e300"};
  for (int i = 0; i < 10; ++i)
    row += "<c r=\"" + columnLetter(i) + "1\" s=\"1\"><v>" + serials[i] + "</v></c>";
  b.sheetData = row + "</row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c["A1"], "d:1900-01-01");
  EXPECT_EQ(c["B1"], "d:1900-02-28");
  EXPECT_EQ(c["C1"], "n:60");  // Excel's 1900-02-29 never existed
  EXPECT_EQ(c["D1"], "d:1900-03-01");
  EXPECT_EQ(c["E1"], "n:0");
  EXPECT_EQ(c["F1"], "n:-1");
  EXPECT_EQ(c["G1"], "n:0.25");
  EXPECT_EQ(c["H1"], "d:9999-12-31");
  EXPECT_EQ(c["I1"], "n:2958466");
  EXPECT_EQ(c["J1"], "n:1e300");
}

TEST_F(XlsxTest, Date1904System) {
  for (const char* flag : {"1", "true"}) {
    BookSpec b;
    b.styles = styles({0, 14});
    b.workbookPr = std::string("<workbookPr date1904=\"") + flag + "\"/>";
    b.sheetData =
        "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>34519</v></c>"
        "<c r=\"C1\" s=\"1\"><v>27092.75</v></c></row>";
    Cells c = readCells(write("a.xlsx", book(b)));
    EXPECT_EQ(
        c, (Cells{{"A1", "d:1904-01-01"}, {"B1", "d:1998-07-05"}, {"C1", "d:1978-03-05T18:00:00"}}))
        << flag;
  }
}

// The 1904 system shifts every serial by 1462 days, read by the fast scanner and by expat
// (a processing instruction sends the sheet to expat), and only when the workbook says so.
TEST_F(XlsxTest, Date1904SystemOnBothReadersAndOnlyWhenSet) {
  for (const char* pi : {"", "<?pi x?>"}) {
    for (const char* flag : {"1", "0", "false", ""}) {
      BookSpec b;
      b.styles = styles({0, 14});
      if (*flag) b.workbookPr = std::string("<workbookPr date1904=\"") + flag + "\"/>";
      b.sheetData = std::string(pi) +
                    "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>26727</v></c>"
                    "<c r=\"B2\" s=\"1\"><v>1</v></c><c r=\"C2\" s=\"1\"><v>2957003</v></c>"
                    "<c r=\"D2\" s=\"1\"><v>2957004</v></c></row>";
      Cells c = readCells(write("a.xlsx", book(b)));
      bool is1904 = std::string(flag) == "1";
      SCOPED_TRACE(std::string("date1904=") + flag + (*pi ? " via expat" : ""));
      EXPECT_EQ(c["A2"], is1904 ? "d:1977-03-05" : "d:1973-03-04");
      EXPECT_EQ(c["B2"], is1904 ? "d:1904-01-02" : "d:1900-01-01");
      EXPECT_EQ(c["C2"], is1904 ? "d:9999-12-31" : "d:9995-12-30");
      EXPECT_EQ(c["D2"], is1904 ? "n:2957004" : "d:9995-12-31");  // past 9999-12-31 in 1904
    }
  }
}

TEST_F(XlsxTest, IsoDateCells) {
  BookSpec b;
  b.sheetData =
      "<row r=\"1\"><c r=\"A1\" t=\"d\"><v>1978-03-05T00:00:00Z</v></c>"
      "<c r=\"B1\" t=\"d\"><v>1978-03-05T08:30:00.000</v></c>"
      "<c r=\"C1\" t=\"d\"><v>1978-03-05</v></c><c r=\"D1\" t=\"d\"><v>三月</v></c></row>";
  Cells c = readCells(write("a.xlsx", book(b)));
  EXPECT_EQ(c, (Cells{{"A1", "d:1978-03-05"},
                      {"B1", "d:1978-03-05T08:30:00"},
                      {"C1", "d:1978-03-05"},
                      {"D1", "t:三月"}}));
}

TEST_F(XlsxTest, RowsAndCellsWithoutReferences) {
  BookSpec b;
  b.sheetData =
      "<row><c><v>1</v></c><c><v>2</v></c></row>"
      "<row><c r=\"C2\"><v>3</v></c><c><v>4</v></c></row>"
      "<row r=\"5\"><c r=\"B5\"><v>5</v></c></row>"
      "<row><c><v>6</v></c></row>"
      "<row r=\"8\"><c r=\"A8\"/></row>"
      "<row><c r=\"Z10\"><v>7</v></c></row>"
      "<row r=\"11\"><c r=\"C11\"><v>8</v></c><c r=\"A11\"><v>9</v></c></row>";
  std::string err;
  auto wb = openXlsx(write("a.xlsx", book(b)), &err);
  ASSERT_TRUE(wb) << err;
  auto rows = readRows(*wb, 0, &err);
  ASSERT_EQ(err, "");
  std::vector<int> numbers;
  for (const Row& r : rows) numbers.push_back(r.number);
  EXPECT_EQ(numbers, (std::vector<int>{1, 2, 5, 6, 10, 11}));  // the empty row 8 is dropped
  EXPECT_EQ(cells(rows), (Cells{{"A1", "n:1"},
                                {"B1", "n:2"},
                                {"C2", "n:3"},
                                {"D2", "n:4"},
                                {"B5", "n:5"},
                                {"A6", "n:6"},
                                {"Z10", "n:7"},
                                {"A11", "n:9"},
                                {"C11", "n:8"}}));
}

TEST_F(XlsxTest, NamespacePrefixedParts) {
  const std::string x = std::string(" xmlns:x=\"") + kMain + "\"";
  Parts p = {
      {"_rels/.rels", std::string("<pr:Relationships xmlns:pr=\"") + kPkgRel +
                          "\"><pr:Relationship Id=\"r1\" Type=\"" + kRel +
                          "/officeDocument\" Target=\"xl/workbook.xml\"/></pr:Relationships>"},
      {"xl/workbook.xml", "<x:workbook" + x + " xmlns:r=\"" + kRel +
                              "\"><x:sheets><x:sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</x:sheets></x:workbook>"},
      {"xl/_rels/workbook.xml.rels", rels(rel("rId1", "worksheet", "worksheets/sheet1.xml") +
                                          rel("rId2", "sharedStrings", "sharedStrings.xml"))},
      {"xl/sharedStrings.xml",
       "<x:sst" + x + "><x:si><x:r><x:t>王</x:t></x:r><x:r><x:t>五</x:t></x:r></x:si></x:sst>"},
      {"xl/worksheets/sheet1.xml",
       "<x:worksheet" + x +
           "><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c>"
           "<x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>男</x:t></x:is></x:c>"
           "<x:c r=\"C1\"><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>"},
  };
  std::string err;
  auto wb = openXlsx(write("a.xlsx", p), &err);
  ASSERT_TRUE(wb) << err;
  ASSERT_EQ(wb->sheets().size(), 1u);
  EXPECT_EQ(wb->sheets()[0].name, "数据");
  auto rows = readRows(*wb, 0, &err);
  EXPECT_EQ(err, "");
  EXPECT_EQ(cells(rows), (Cells{{"A1", "t:王五"}, {"B1", "t:男"}, {"C1", "n:42"}}));
}

// Zip order puts sheetA first; the workbook lists 乙 (sheetB) first, then hidden and very
// hidden sheets, and a chartsheet that must not be listed. Targets are absolute, and the
// entry names are in the odd case and backslash form some writers produce.
Parts orderedBook() {
  std::string wb = std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                   "\"><sheets>"
                   "<sheet name=\"乙\" sheetId=\"2\" r:id=\"rId2\"/>"
                   "<sheet name=\"图表\" sheetId=\"5\" r:id=\"rId5\"/>"
                   "<sheet name=\"甲\" sheetId=\"1\" r:id=\"rId1\" state=\"hidden\"/>"
                   "<sheet name=\"丙\" sheetId=\"3\" r:id=\"rId3\" state=\"veryHidden\"/>"
                   "<sheet name=\"丁\" sheetId=\"4\" r:id=\"rId4\" state=\"visible\"/>"
                   "</sheets></workbook>";
  std::string wbRels = rels(rel("rId1", "worksheet", "/xl/worksheets/sheetA.xml") +
                            rel("rId2", "worksheet", "/xl/worksheets/sheetB.xml") +
                            rel("rId3", "worksheet", "worksheets/../worksheets/sheetC.xml") +
                            rel("rId4", "worksheet", "worksheets\\sheetD.xml") +
                            rel("rId5", "chartsheet", "chartsheets/sheet1.xml"));
  auto one = [](const std::string& v) {
    return worksheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + v +
                     "</t></is></c></row>");
  };
  return {
      {"XL\\Worksheets\\SheetA.XML", one("a")},
      {"xl/worksheets/sheetB.xml", one("b")},
      {"xl/worksheets/sheetC.xml", one("c")},
      {"xl/worksheets/sheetD.xml", one("d")},
      {"xl/chartsheets/sheet1.xml", "<chartsheet/>"},
      {"xl\\_rels\\workbook.xml.rels", wbRels},
      {"XL/Workbook.xml", wb},
  };
}

TEST_F(XlsxTest, SheetOrderHiddenStateAndTargets) {
  std::string err;
  auto wb = openXlsx(write("a.xlsx", orderedBook()), &err);
  ASSERT_TRUE(wb) << err;
  std::vector<std::string> names;
  std::vector<bool> hidden;
  for (const SheetInfo& s : wb->sheets()) {
    names.push_back(s.name);
    hidden.push_back(s.hidden);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"乙", "甲", "丙", "丁"}));
  EXPECT_EQ(hidden, (std::vector<bool>{false, true, true, false}));
  const char* expect[] = {"t:b", "t:a", "t:c", "t:d"};
  for (size_t i = 0; i < 4; ++i) {
    auto rows = readRows(*wb, i, &err);
    EXPECT_EQ(err, "") << i;
    EXPECT_EQ(cells(rows), (Cells{{"A1", expect[i]}})) << i;
  }
  EXPECT_FALSE(wb->readSheet(
      4, [](const Row&) { return true; }, &err));
  EXPECT_NE(err, "");
}

TEST_F(XlsxTest, SinkCanStopEarly) {
  BookSpec b;
  for (int i = 1; i <= 100; ++i)
    b.sheetData +=
        "<row r=\"" + std::to_string(i) + "\"><c><v>" + std::to_string(i) + "</v></c></row>";
  std::string err;
  auto wb = openXlsx(write("a.xlsx", book(b)), &err);
  ASSERT_TRUE(wb) << err;
  int seen = 0;
  EXPECT_TRUE(wb->readSheet(
      0, [&](const Row&) { return ++seen < 3; }, &err))
      << err;
  EXPECT_EQ(seen, 3);
  // The same sheet reads again in full afterwards.
  seen = 0;
  EXPECT_TRUE(wb->readSheet(
      0, [&](const Row&) { return ++seen > 0; }, &err))
      << err;
  EXPECT_EQ(seen, 100);
}

TEST_F(XlsxTest, ExceptionInSinkBecomesError) {
  BookSpec b;
  b.sheetData = "<row r=\"1\"><c><v>1</v></c></row>";
  std::string err;
  auto wb = openXlsx(write("a.xlsx", book(b)), &err);
  ASSERT_TRUE(wb) << err;
  EXPECT_FALSE(wb->readSheet(
      0, [](const Row&) -> bool { throw std::runtime_error("boom"); }, &err));
  EXPECT_EQ(err, "sheet 'Sheet1': boom");
}

TEST_F(XlsxTest, ErrorNotAZip) {
  EXPECT_EQ(openError(writeBytes("empty.xlsx", "")), "not a zip file (empty file)");
  std::string noise;
  for (int i = 0; i < 5000; ++i) noise.push_back(char((i * 7919 + 13) % 251));
  EXPECT_EQ(openError(writeBytes("noise.xlsx", noise)), "not a zip file");
  EXPECT_EQ(openError(writeBytes("old.xlsx", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) +
                                                 std::string(600, '\0'))),
            "not a zip file (a legacy .xls or a password-protected workbook)");
  EXPECT_EQ(openError(path("missing.xlsx")).rfind("cannot open file: ", 0), 0u);
  EXPECT_EQ(openError(dir_.string()), "cannot read file: Is a directory");
}

TEST_F(XlsxTest, ErrorTruncated) {
  std::string whole = fileBytes(kFixtures + "sheetjs_loudi.xlsx");
  ASSERT_GT(whole.size(), 1000u);
  EXPECT_EQ(openError(writeBytes("half.xlsx", whole.substr(0, whole.size() / 2))),
            "truncated or corrupt zip file (no central directory)");
}

TEST_F(XlsxTest, ErrorZipWithoutWorkbook) {
  EXPECT_EQ(openError(write("a.xlsx", {{"readme.txt", "这不是工作簿"}})),
            "not an xlsx workbook: no xl/workbook.xml");
  EXPECT_EQ(openError(write("b.xlsx", {{"mimetype", "application/vnd.oasis.opendocument"},
                                       {"content.xml", "<x/>"}})),
            "not an xlsx workbook: no xl/workbook.xml (an OpenDocument .ods file?)");
}

TEST_F(XlsxTest, ErrorMalformedSheetXml) {
  BookSpec b;
  b.sheetData = "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n<row r=\"2\"><c></row>";
  std::string file = write("a.xlsx", book(b));
  std::string err;
  auto wb = openXlsx(file, &err);
  ASSERT_TRUE(wb) << err;
  std::vector<Row> rows;
  EXPECT_FALSE(wb->readSheet(
      0,
      [&](const Row& r) {
        rows.push_back(r);
        return true;
      },
      &err));
  EXPECT_EQ(err, "sheet 'Sheet1': malformed XML at line 4: mismatched tag");
  EXPECT_EQ(rows.size(), 1u);  // rows before the damage were delivered
}

TEST_F(XlsxTest, ErrorMalformedWorkbookAndSharedStrings) {
  BookSpec b;
  b.sheetData = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>";
  b.sharedStrings = "<sst><si><t>x</si></sst>";
  EXPECT_EQ(readError(write("a.xlsx", book(b))),
            "shared strings: malformed XML at line 1: mismatched tag");
  Parts p = book(BookSpec{});
  p[1].second = "<workbook><sheets>";
  EXPECT_EQ(openError(write("b.xlsx", p)),
            "workbook.xml: malformed XML at line 1: no element found");
}

TEST_F(XlsxTest, ErrorSharedStringOutOfRange) {
  BookSpec b;
  b.sharedStrings = sst("<si><t>x</t></si>");
  b.sheetData = "<row r=\"7\"><c r=\"A7\" t=\"s\"><v>1</v></c></row>";
  EXPECT_EQ(readError(write("a.xlsx", book(b))),
            "sheet 'Sheet1': shared string index '1' out of range in row 7");
}

// Shared string indexes at and past both ends of the table, on the fast scanner and on expat:
// the last string is read, anything past it is an error naming the row, never a crash.
TEST_F(XlsxTest, SharedStringIndexBounds) {
  for (const char* pi : {"", "<?pi x?>"}) {
    SCOPED_TRACE(*pi ? "via expat" : "fast scanner");
    BookSpec b;
    b.sharedStrings = sst("<si><t>甲</t></si><si><t>乙</t></si><si><t>丙</t></si>");
    b.sheetData = std::string(pi) +
                  "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>2</v></c>"
                  "<c r=\"C3\" t=\"s\"><v> 1 </v></c></row>";
    EXPECT_EQ(readCells(write("ok.xlsx", book(b))),
              (Cells{{"A3", "t:甲"}, {"B3", "t:丙"}, {"C3", "t:乙"}}));
    for (const char* index : {"3", "4", "-1", "1e0", "18446744073709551616", "4294967296"}) {
      b.sheetData = std::string(pi) +
                    "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>0</v></c></row>"
                    "<row r=\"9\"><c r=\"A9\" t=\"s\"><v>" +
                    index + "</v></c></row>";
      EXPECT_EQ(
          readError(write("bad.xlsx", book(b))),
          std::string("sheet 'Sheet1': shared string index '") + index + "' out of range in row 9")
          << index;
    }
  }
  // No shared strings part at all: index 0 is already out of range.
  BookSpec none;
  none.sheetData = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>";
  EXPECT_EQ(readError(write("none.xlsx", book(none))),
            "sheet 'Sheet1': shared string index '0' out of range in row 1");
}

// Offsets of the CRC fields of `name` in its local header and its central directory record.
std::vector<size_t> crcOffsets(const std::string& zip, const std::string& name) {
  std::vector<size_t> out;
  for (auto [sig, nameAt, crcAt] : {std::tuple{"PK\x03\x04", 30, 14}, {"PK\x01\x02", 46, 16}}) {
    for (size_t pos = 0; (pos = zip.find(sig, pos)) != std::string::npos; pos += 4)
      if (zip.compare(pos + nameAt, name.size(), name) == 0) out.push_back(pos + crcAt);
  }
  return out;
}

TEST_F(XlsxTest, ErrorCorruptEntry) {
  BookSpec b;
  for (int i = 1; i <= 2000; ++i)
    b.sheetData +=
        "<row r=\"" + std::to_string(i) + "\"><c><v>" + std::to_string(i) + "</v></c></row>";
  std::string bytes = fileBytes(write("good.xlsx", book(b)));

  std::string badCrc = bytes;
  auto crcs = crcOffsets(badCrc, "xl/worksheets/sheet1.xml");
  ASSERT_EQ(crcs.size(), 2u);
  for (size_t at : crcs) badCrc[at] ^= 0x55;
  EXPECT_EQ(readError(writeBytes("crc.xlsx", badCrc)),
            "sheet 'Sheet1': zip entry 'xl/worksheets/sheet1.xml': crc mismatch");

  // Zeroing the middle of the deflate stream makes it undecodable or wrong; either is an error.
  std::string badData = bytes;
  size_t local = badData.find("xl/worksheets/sheet1.xml");
  ASSERT_NE(local, std::string::npos);
  for (size_t i = local + 60; i < local + 400; ++i) badData[i] = '\0';
  std::string err = readError(writeBytes("data.xlsx", badData));
  EXPECT_EQ(err.rfind("sheet 'Sheet1': zip entry 'xl/worksheets/sheet1.xml': ", 0), 0u) << err;
}

TEST_F(XlsxTest, ZipFileLookupAndChunks) {
  std::string big(200000, 'x');
  std::string err;
  auto zip = ZipFile::open(write("a.zip", {{"Dir\\File.TXT", big}, {"b", "y"}}), &err);
  ASSERT_TRUE(zip) << err;
  EXPECT_EQ(zip->names(), (std::vector<std::string>{"Dir\\File.TXT", "b"}));
  EXPECT_EQ(zip->find("/dir/file.txt"), 0);
  EXPECT_EQ(zip->find("B"), 1);
  EXPECT_EQ(zip->find("c"), -1);
  size_t chunks = 0, total = 0;
  EXPECT_TRUE(zip->read(
      0,
      [&](const char*, size_t n) {
        ++chunks, total += n;
        return true;
      },
      &err));
  EXPECT_EQ(total, big.size());
  EXPECT_GE(chunks, 4u);  // 64 KiB at a time, never the whole entry
  std::string all;
  EXPECT_TRUE(zip->readAll(1, &all, &err));
  EXPECT_EQ(all, "y");
  EXPECT_FALSE(zip->readAll(0, &all, &err, 1000));
}

TEST(XlsxFixture, SheetJsWorkbook) {
  std::string err;
  auto wb = openXlsx(kFixtures + "sheetjs_loudi.xlsx", &err);
  ASSERT_TRUE(wb) << err;
  ASSERT_EQ(wb->sheets().size(), 3u);
  EXPECT_EQ(wb->sheets()[0].name, "城关镇");
  EXPECT_EQ(wb->sheets()[1].name, "石井镇");
  EXPECT_EQ(wb->sheets()[2].name, "说明");
  EXPECT_FALSE(wb->sheets()[0].hidden);
  EXPECT_TRUE(wb->sheets()[2].hidden);

  auto rows = readRows(*wb, 0, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].number, 1);
  ASSERT_EQ(rows[0].cells.size(), 1u);  // the merged title holds its text in A1 only
  EXPECT_EQ(rows[1].number, 2);
  Cells c = cells(rows);
  EXPECT_EQ(c["A1"], "t:娄底市退役军人和其他优抚对象信息采集表");
  EXPECT_EQ(c["B2"], "t:姓名");
  EXPECT_EQ(c["F2"], "t:公民身份号码");
  EXPECT_EQ(c["A3"], "n:1");
  EXPECT_EQ(c["B3"], "t:张三");
  EXPECT_EQ(c["E3"], "d:1978-03-05");  // yyyy"年"m"月"d"日"
  EXPECT_EQ(c["F3"], "t:430102197803051234");
  EXPECT_EQ(c["G3"], "t:13807381234");
  EXPECT_EQ(c["H3"], "d:1996-12-01");  // yyyy.mm.dd
  EXPECT_EQ(c["B4"], "t:李四 ");
  EXPECT_EQ(c["F4"], "t:43130219900101002X");
  EXPECT_EQ(c["G4"], "n:13907385678");
  EXPECT_EQ(c["H4"], "d:2008-09-15");

  Cells s2 = cells(readRows(*wb, 1, &err));
  ASSERT_EQ(err, "");
  EXPECT_EQ(s2["E3"], "d:1965-10-01");
  // An ID typed as a number went through a double in SheetJS; we keep what it wrote.
  EXPECT_EQ(s2["G3"], "n:430102196510010050");
  Cells s3 = cells(readRows(*wb, 2, &err));
  EXPECT_EQ(s3, (Cells{{"A1", "t:填表说明"}, {"A2", "t:本页隐藏，请勿修改"}}));
}

TEST(XlsxFixture, SheetJsInlineStrings) {
  Cells c = readCells(kFixtures + "sheetjs_inline.xlsx");
  EXPECT_EQ(c, (Cells{{"A1", "t:姓名"},
                      {"B1", "t:公民身份号码"},
                      {"C1", "t:是否伤残"},
                      {"A2", "t:赵六"},
                      {"B2", "t:430102198001010011"},
                      {"C2", "b:TRUE"}}));
}

TEST(XlsxFixture, LibreOfficeFromCsv) {
  std::string err;
  auto wb = openXlsx(kFixtures + "libreoffice_loudi.xlsx", &err);
  ASSERT_TRUE(wb) << err;
  ASSERT_EQ(wb->sheets().size(), 1u);
  EXPECT_EQ(wb->sheets()[0].name, "loudi");
  auto rows = readRows(*wb, 0, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].number, 4);
  Cells c = cells(rows);
  EXPECT_EQ(c["A1"], "t:姓名");
  EXPECT_EQ(c["E1"], "t:公民身份号码");
  EXPECT_EQ(c["D2"], "d:1978-03-05");  // Calc made a date of it, styled yyyy\-mm\-dd
  // Calc read the 18-digit ID as a number and wrote 15 significant digits.
  EXPECT_EQ(c["E2"], "n:4.30102197803051E+017");
  EXPECT_EQ(c["F2"], "n:13807381234");
  EXPECT_EQ(c["E3"], "t:43130219900101002X");
  EXPECT_EQ(c["F3"], "t:0738-8221234");
  EXPECT_EQ(c["D4"], "d:1965-10-01");
  EXPECT_EQ(c["G4"], "d:1983-11-20");
  EXPECT_EQ(c["H4"], "t:住址：娄底市娄星区, 乐坪街道");
  EXPECT_EQ(c.count("H2"), 0u);  // empty CSV field, no cell
}

// ---- The fast worksheet scanner against expat ----

TEST(XlsxDifferential, FixturesReadTheSameFastAndWithExpat) {
  for (const char* f : {"sheetjs_loudi.xlsx", "sheetjs_inline.xlsx", "libreoffice_loudi.xlsx"}) {
    std::string file = kFixtures + f;
    Reading expat = readWith(file, "expat");
    // "fast" fails a sheet the scanner gives up on, so this also shows it read them itself.
    EXPECT_EQ(readWith(file, "fast"), expat) << f;
    EXPECT_EQ(readWith(file, "auto"), expat) << f;
    for (size_t stop : {1, 2, 3}) expectSameAsExpat(file, stop);
  }
}

// A sheet with every construct the scanner handles itself, in the forms writers use and a few
// odd but valid ones.
std::string variedSheetData(int rows) {
  std::string d;
  for (int i = 1; i <= rows; ++i) {
    std::string n = std::to_string(i);
    switch (i % 8) {
      case 0:
        d += "<row r=\"" + n + "\" spans=\"1:5\"><c r=\"A" + n + "\" t=\"s\"><v>" +
             std::to_string(i % 3) + "</v></c><c r='B" + n + "' t='inlineStr'><is><t>张&amp;三" +
             n + "</t></is></c><c t=\"inlineStr\" r=\"C" + n +
             "\" s=\"1\"><is><r><t>湖南</t></r><r><rPr><b/></rPr><t>娄底</t></r>"
             "<rPh sb=\"0\"><t>hunan</t></rPh></is></c><c r=\"D" +
             n + "\" s=\"1\"><v>28554</v></c><c r=\"E" + n + "\"/></row>";
        break;
      case 1:
        d += "<row><c><v>" + n +
             "</v></c><c t=\"b\"><v>1</v></c><c t=\"e\"><v>#N/A</v></c>"
             "<c t=\"str\"><f>A1&amp;\"x\"</f><v>a_x000D_b</v></c></row>";
        break;
      case 2:
        d += "<row r = \"" + n + "\" ><c r = \"C" + n + "\" ><v>&#51;</v></c ><c r=\"A" + n +
             "\"><v>2</v></c></row >";
        break;
      case 3:
        d += "<x:row r=\"" + n + "\"><x:c r=\"A" + n +
             "\" t=\"inlineStr\"><x:is><x:t>&#x4e2d;&#20013;&lt;&gt;&quot;&apos;\r\n</x:t>"
             "</x:is></x:c><x:c r=\"B" +
             n + "\"><x:v>1.5E+3</x:v></x:c></x:row>";
        break;
      case 4:
        d += "<row r=\"" + n + "\"><c r=\"A" + n +
             "\" t=\"d\"><v>1978-03-05T00:00:00Z</v></c>"
             "<c r=\"B" +
             n + "\" t=\"s\"><v>1</v></c><!-- a comment --><c r=\"C" + n +
             "\" s=\"1\"><v>28554.5</v></c></row>\n  ";
        break;
      case 5:
        d += "<row r=\"" + n + "\" customHeight=\"1\"><c r=\"AB" + n +
             "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">  空格 \t</t></is></c></row>";
        break;
      case 6:
        d += "<row r=\"" + n + "\"/><row r=\"" + n + "\"><c r=\"A" + n + "\" s=\"0\"><v>" +
             std::string(size_t(i % 50), '9') + "</v></c></row>";
        break;
      case 7:
        d += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"inlineStr\"><is><t>" +
             std::string(size_t(i % 300), 'x') + "😀</t></is></c></row>";
        break;
    }
  }
  return d;
}

BookSpec variedBook(int rows) {
  BookSpec b;
  b.sharedStrings = sst("<si><t>甲</t></si><si><t>乙</t></si><si><t>丙</t></si>");
  b.styles = styles({0, 14});
  b.sheetData = variedSheetData(rows);
  return b;
}

TEST_F(XlsxTest, DifferentialVariedSheet) {
  std::string file = write("varied.xlsx", book(variedBook(64)));
  Reading expat = readWith(file, "expat");
  EXPECT_EQ(readWith(file, "fast"), expat);
  ASSERT_EQ(expat.sheets.size(), 1u);
  EXPECT_EQ(expat.sheets[0].substr(expat.sheets[0].size() - 2), "ok");
}

// Big enough to cross many read chunks, so tokens are cut at the chunk ends.
TEST_F(XlsxTest, DifferentialLargeSheet) {
  std::string file = write("large.xlsx", book(variedBook(30000)));
  Reading expat = readWith(file, "expat");
  EXPECT_EQ(readWith(file, "fast"), expat);
  for (size_t stop : {1000, 29000}) expectSameAsExpat(file, stop);
}

// Damage and fallback far into a big sheet: the fast reader has delivered thousands of rows
// when it gives up, and expat must take over without repeating or losing any.
TEST_F(XlsxTest, DifferentialLateFallback) {
  Parts base = book(variedBook(20000));
  std::string& sheet = base[3].second;
  ASSERT_EQ(base[3].first, "xl/worksheets/sheet1.xml");
  size_t late = sheet.find("<row r=\"15000\"");
  ASSERT_NE(late, std::string::npos);
  std::vector<std::pair<std::string, std::string>> variants = {
      {"cdata", sheet.substr(0, late) +
                    "<row r=\"14999\"><c r=\"A14999\" t=\"str\"><v>"
                    "<![CDATA[<x>&]]></v></c></row>" +
                    sheet.substr(late)},
      {"pi", sheet.substr(0, late) + "<?pi x?>" + sheet.substr(late)},
      {"mismatch", sheet.substr(0, late) + "<row><c></row>" + sheet.substr(late)},
      {"badutf8", sheet.substr(0, late) +
                      "<row><c t=\"inlineStr\"><is><t>\xFF</t></is></c>"
                      "</row>" +
                      sheet.substr(late)},
      {"truncated", sheet.substr(0, late + 1000)},
      {"junk-after-root", sheet + "<extra/>"},
  };
  for (const auto& [name, xml] : variants) {
    Parts p = base;
    p[3].second = xml;
    std::string file = write(name + ".xlsx", p);
    expectSameAsExpat(file);
    EXPECT_NE(readWith(file, "fast").sheets[0].find("the fast reader gave up"), std::string::npos)
        << name;
  }
}

// Random damage to a varied sheet, each mutant read both ways.
TEST_F(XlsxTest, DifferentialMutations) {
  Parts base = book(variedBook(24));
  const std::string sheet = base[3].second;
  std::mt19937 rng(7);
  const std::string specials = "<>/&;#x\"'= \r\n\t]!?-:\xE4\xB8\xAD\x80\xFF";
  const char* snippets[] = {"&lt;",
                            "&#x41;",
                            "<!--c-->",
                            "<![CDATA[y]]>",
                            "]]>",
                            "</c>",
                            "<c>",
                            "/>",
                            "<v>1</v>",
                            "&#0;",
                            "<row r=\"3\">",
                            "</row>",
                            "<is><t>z</t></is>",
                            "<c r=\"A1\"/>"};
  for (int k = 0; k < 300; ++k) {
    std::string m = sheet;
    int edits = 1 + int(rng() % 2);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 5) {
        case 0:
          m[at] = char(m[at] ^ (1 << (rng() % 8)));
          break;
        case 1:
          m.resize(at);
          break;
        case 2:
          m.insert(at, 1, specials[rng() % specials.size()]);
          break;
        case 3:
          m.erase(at, 1 + rng() % 4);
          break;
        case 4:
          m.insert(at, snippets[rng() % (sizeof snippets / sizeof *snippets)]);
          break;
      }
    }
    Parts p = base;
    p[3].second = m;
    std::string err;
    ASSERT_TRUE(writeZip(path("m.xlsx"), p, &err)) << err;
    expectSameAsExpat(path("m.xlsx"));
    if (HasFailure()) {
      ADD_FAILURE() << "mutant " << k << ": " << m;
      return;
    }
  }
}

// A row's cells are reused by the next row (readers count on it to spare allocations): what
// clear() leaves behind must never show, and a copy holds just the row's own cells.
TEST(CellList, ClearedCellsComeBackEmptyAndCopiesHoldOnlyTheRow) {
  CellList cells;
  Cell& a = cells.emplace_back();
  a.col = 3;
  a.kind = Cell::Kind::Number;
  a.text = std::string(100, '7');
  cells.push_back(Cell{4, Cell::Kind::Date, "1978-03-05"});
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells.back().text, "1978-03-05");
  cells.clear();
  EXPECT_TRUE(cells.empty());
  EXPECT_EQ(cells.begin(), cells.end());
  Cell& reused = cells.emplace_back();
  EXPECT_EQ(reused.col, 0);
  EXPECT_EQ(reused.kind, Cell::Kind::Text);
  EXPECT_EQ(reused.text, "");
  EXPECT_GE(reused.text.capacity(), 100u);  // the buffer came back
  reused.text = "x";
  CellList copy = cells;
  ASSERT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy[0].text, "x");
  CellList assigned;
  assigned.push_back(Cell{9, Cell::Kind::Text, "stale"});
  assigned.push_back(Cell{10, Cell::Kind::Text, "stale"});
  assigned = cells;
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].text, "x");
}

}  // namespace
}  // namespace vetkit
