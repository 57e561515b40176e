// Tests of the annotated copy: it is read back with vetkit's own reader to show every cell is
// where the operator left it, and unzipped to show the colours and comments are on the cells
// the diagnostics name. LibreOffice, when installed, shows a real spreadsheet program opens it.
#include "validate/annotate.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/input.h"
#include "io/sheet.h"
#include "io/zip_file.h"

namespace vetkit {
namespace {

namespace fs = std::filesystem;
using Parts = std::vector<std::pair<std::string, std::string>>;
// Cells of a sheet as {"B3": "text"}; the reader delivers non-empty cells only.
using Cells = std::map<std::string, std::string>;

const std::string kFixtures = std::string(VETKIT_FIXTURES) + "/xlsx/";

// The labels of the summary sheet come from the shipped messages.
const Messages& messages() {
  static const Messages m = [] {
    Messages loaded;
    std::string err;
    if (!loaded.load(std::string(VETKIT_SCHEMAS) + "/messages.yaml", &err)) std::abort();
    return loaded;
  }();
  return m;
}

AnnotateOptions options(Lang lang = Lang::Zh) {
  AnnotateOptions o;
  o.lang = lang;
  o.messages = &messages();
  return o;
}
const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const char* kPkgRel = "http://schemas.openxmlformats.org/package/2006/relationships";

// The colours an operator knows from Excel's "light red fill with dark red text" rule.
const char* kErrorFill = "FFFFC7CE";
const char* kErrorFont = "FF9C0006";
const char* kWarningFill = "FFFFEB9C";
const char* kWarningFont = "FF9C5700";

struct SheetCopy {
  std::string name;
  bool hidden = false;
  Cells cells;
};

std::vector<SheetCopy> readBook(const std::string& path) {
  std::string err;
  auto wb = openTable(path, CsvOptions{}, &err);
  EXPECT_TRUE(wb) << err;
  if (!wb) return {};
  std::vector<SheetCopy> out;
  for (size_t i = 0; i < wb->sheets().size(); ++i) {
    SheetCopy s{wb->sheets()[i].name, wb->sheets()[i].hidden, {}};
    bool ok = wb->readSheet(
        i,
        [&](const Row& r) {
          for (const Cell& c : r.cells)
            s.cells[columnLetter(c.col) + std::to_string(r.number)] = c.text;
          return true;
        },
        &err);
    EXPECT_TRUE(ok) << err;
    out.push_back(std::move(s));
  }
  return out;
}

// The summary as {code: "severity count"} plus {"合计 错误": "n"} rows, from the header down.
std::map<std::string, std::string> summaryCounts(const Cells& c) {
  std::map<std::string, std::string> out;
  for (int row = 4; row < 100; ++row) {
    std::string r = std::to_string(row);
    if (!c.count("A" + r) || !c.count("B" + r) || !c.count("C" + r)) continue;
    out[c.at("A" + r) + " " + c.at("B" + r)] = c.at("C" + r);
  }
  return out;
}

std::string entry(const std::string& xlsx, const std::string& name) {
  std::string err, data;
  auto zip = ZipFile::open(xlsx, &err);
  EXPECT_TRUE(zip) << err;
  if (!zip) return "";
  int i = zip->find(name);
  if (i < 0) return "";
  EXPECT_TRUE(zip->readAll(i, &data, &err)) << err;
  return data;
}

// The elements named `tag` inside the first <list>...</list> of `xml`, each as its text.
std::vector<std::string> elements(const std::string& xml, const std::string& list,
                                  const std::string& tag) {
  std::vector<std::string> out;
  size_t begin = xml.find("<" + list);
  size_t end = xml.find("</" + list + ">", begin);
  if (begin == std::string::npos || end == std::string::npos) return out;
  for (size_t p = xml.find("<" + tag, begin); p < end; p = xml.find("<" + tag, p + 1)) {
    if (xml[p + tag.size() + 1] != ' ' && xml[p + tag.size() + 1] != '>' &&
        xml[p + tag.size() + 1] != '/')
      continue;  // <fonts> while looking for <font>
    size_t close = xml.find("</" + tag + ">", p);
    size_t self = xml.find("/>", p);
    size_t stop = std::min(close == std::string::npos ? end : close + tag.size() + 3,
                           xml.find('>', p) == self + 1 ? self + 2 : std::string::npos);
    out.push_back(xml.substr(p, stop - p));
  }
  return out;
}

std::string attribute(const std::string& element, const std::string& name) {
  size_t p = element.find(" " + name + "=\"");
  if (p == std::string::npos) return "";
  p += name.size() + 3;
  return element.substr(p, element.find('"', p) - p);
}

// The fill and font colours of cell `ref` of worksheet `n` (1-based, as in sheetN.xml), as
// "fill/font", or "" when the cell has no colour of its own.
std::string colours(const std::string& xlsx, int n, const std::string& ref) {
  std::string sheet = entry(xlsx, "xl/worksheets/sheet" + std::to_string(n) + ".xml");
  size_t p = sheet.find("<c r=\"" + ref + "\"");
  if (p == std::string::npos) return "no cell";
  std::string cell = sheet.substr(p, sheet.find('>', p) - p);
  std::string s = attribute(cell, "s");
  if (s.empty()) return "";
  std::string styles = entry(xlsx, "xl/styles.xml");
  auto xfs = elements(styles, "cellXfs", "xf");
  auto fills = elements(styles, "fills", "fill");
  auto fonts = elements(styles, "fonts", "font");
  size_t xf = std::stoul(s);
  if (xf >= xfs.size()) return "bad style";
  size_t fill = std::stoul("0" + attribute(xfs[xf], "fillId"));
  size_t font = std::stoul("0" + attribute(xfs[xf], "fontId"));
  std::string fill_rgb = fill < fills.size() ? attribute(fills[fill], "rgb") : "";
  std::string font_rgb = font < fonts.size() ? attribute(fonts[font], "rgb") : "";
  if (fill_rgb.empty()) return "";
  return fill_rgb + "/" + font_rgb;
}

// The text of the comment on cell `ref` of worksheet `n`, "" when there is none.
std::string comment(const std::string& xlsx, int n, const std::string& ref) {
  std::string rels = entry(xlsx, "xl/worksheets/_rels/sheet" + std::to_string(n) + ".xml.rels");
  size_t p = rels.find("../comments");
  if (p == std::string::npos) return "";
  std::string target = rels.substr(p + 3, rels.find('"', p) - p - 3);
  std::string xml = entry(xlsx, "xl/" + target);
  p = xml.find("<comment ref=\"" + ref + "\"");
  if (p == std::string::npos) return "";
  std::string body = xml.substr(p, xml.find("</comment>", p) - p);
  std::string text;
  for (size_t t = body.find("<t"); t != std::string::npos; t = body.find("<t", t + 1)) {
    if (body[t + 2] != '>' && body[t + 2] != ' ') continue;
    size_t start = body.find('>', t) + 1;
    text += body.substr(start, body.find("</t>", start) - start);
  }
  for (auto [from, to] : {std::pair<std::string, std::string>{"&lt;", "<"},
                          {"&gt;", ">"},
                          {"&quot;", "\""},
                          {"&amp;", "&"}})
    for (size_t q = text.find(from); q != std::string::npos; q = text.find(from, q + 1))
      text.replace(q, from.size(), to);
  return text;
}

Diagnostic diag(Severity s, const std::string& file, const std::string& sheet, int row,
                const std::string& col, const std::string& code, const std::string& message,
                const std::string& value = "") {
  Diagnostic d;
  d.severity = s;
  d.file = file;
  d.sheet = sheet;
  d.row = row;
  d.column = col;
  d.code = code;
  d.message = message;
  d.value = value;
  return d;
}

class AnnotateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vetkit-annotate-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string writeText(const std::string& name, const std::string& text) {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  // Every file in the work directory, to show a failure left nothing behind.
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  std::string err_;
};

std::string rel(const std::string& id, const std::string& type, const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + kRel + "/" + type + "\" Target=\"" + target +
         "\"/>";
}

std::string rels(const std::string& body) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"") +
         kPkgRel + "\">" + body + "</Relationships>";
}

// A workbook of sheets (name, sheetData) holding inline strings, as the reader tests build.
Parts book(const std::vector<std::pair<std::string, std::string>>& sheets) {
  std::string wb_rels, list;
  Parts p;
  for (size_t i = 0; i < sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    wb_rels += rel("rId" + n, "worksheet", "worksheets/sheet" + n + ".xml");
    list += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    p.emplace_back("xl/worksheets/sheet" + n + ".xml", std::string("<worksheet xmlns=\"") + kMain +
                                                           "\"><sheetData>" + sheets[i].second +
                                                           "</sheetData></worksheet>");
  }
  p.emplace_back("_rels/.rels", rels(rel("rId1", "officeDocument", "xl/workbook.xml")));
  p.emplace_back("xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" +
                                        kRel + "\"><sheets>" + list + "</sheets></workbook>");
  p.emplace_back("xl/_rels/workbook.xml.rels", rels(wb_rels));
  return p;
}

std::string inlineCell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

// A CSV as a county exports it: a blank line, an empty cell, an 18-digit ID number.
const char* kCsv =
    "姓名,公民身份号码,出生日期,联系电话\n"
    "张三,430521198001011234,1980-01-01,13800000000\n"
    "李四,43052119800101123X,,13900000000\n"
    "\n"
    "王五,430521195001011234,1950-01-01,abc\n";

TEST_F(AnnotateTest, CsvCopyKeepsEveryCellAndMarksTheFindings) {
  std::string csv = writeText("双峰县.csv", kCsv);
  std::string file = "incoming/双峰县.csv";  // as given on the command line: the path differs
  std::vector<Diagnostic> diags = {
      diag(Severity::Error, file, "", 2, "B", "id-checksum", "身份证号码校验位错误",
           "430521198001011234"),
      diag(Severity::Warning, file, "", 5, "D", "phone-format", "联系电话格式不正确", "abc"),
      // Two on one cell, the empty birth date: one comment, coloured as the worse.
      diag(Severity::Warning, file, "", 3, "C", "missing-value", "缺少出生日期"),
      diag(Severity::Error, file, "", 3, "C", "id-birth-mismatch", "出生日期与身份证号码不一致"),
      // About the whole row: its first cell carries it.
      diag(Severity::Error, file, "", 5, "", "duplicate-person", "与第 2 行重复"),
      // A column far to the right, and a row past the end of the data.
      diag(Severity::Warning, file, "", 2, "AA", "unknown-column", "未知的列"),
      diag(Severity::Error, file, "", 9, "B", "id-checksum", "身份证号码校验位错误"),
      // About the whole file: the summary only.
      diag(Severity::Warning, file, "", 0, "", "encoding", "已替换无效字节"),
      // Another file's finding must not leak into this copy.
      diag(Severity::Error, "娄星区.csv", "", 2, "A", "id-checksum", "别的文件"),
  };
  std::string out = path("双峰县-标注.xlsx");
  std::string err;
  ASSERT_TRUE(writeAnnotatedWorkbook(csv, diags, out, options(), &err)) << err;

  struct stat st;
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "personal data: the copy is private like the input";
  EXPECT_EQ(files(), (std::vector<std::string>{"双峰县-标注.xlsx", "双峰县.csv"}));

  std::vector<SheetCopy> in = readBook(csv);
  std::vector<SheetCopy> copy = readBook(out);
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[0].name, "汇总");
  EXPECT_EQ(copy[1].name, "双峰县");
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(copy[1].cells, in[0].cells);
  EXPECT_EQ(copy[1].cells.at("B2"), "430521198001011234");
  EXPECT_EQ(copy[1].cells.at("A5"), "王五");  // the blank line keeps its place

  const Cells& sum = copy[0].cells;
  EXPECT_EQ(sum.at("A1"), "文件");
  EXPECT_EQ(sum.at("B1"), "双峰县.csv");
  EXPECT_EQ(sum.at("A3"), "规则代码");
  EXPECT_EQ(sum.at("A4"), "id-checksum");  // errors first, the commonest first
  EXPECT_EQ(sum.at("D4"), "B2");           // the first example, where the operator finds it
  EXPECT_EQ(summaryCounts(sum), (std::map<std::string, std::string>{
                                    {"id-checksum 错误", "2"},
                                    {"id-birth-mismatch 错误", "1"},
                                    {"duplicate-person 错误", "1"},
                                    {"phone-format 警告", "1"},
                                    {"missing-value 警告", "1"},
                                    {"unknown-column 警告", "1"},
                                    {"encoding 警告", "1"},
                                    {"合计 错误", "4"},
                                    {"合计 警告", "4"},
                                    {"合计 全部", "8"},
                                }));
  bool whole_file = false;
  for (const auto& [ref, text] : sum) whole_file |= text == "（整个文件）";
  EXPECT_TRUE(whole_file);

  std::string error = std::string(kErrorFill) + "/" + kErrorFont;
  std::string warning = std::string(kWarningFill) + "/" + kWarningFont;
  EXPECT_EQ(colours(out, 2, "B2"), error);
  EXPECT_EQ(colours(out, 2, "D5"), warning);
  EXPECT_EQ(colours(out, 2, "C3"), error);
  EXPECT_EQ(colours(out, 2, "A5"), error);
  EXPECT_EQ(colours(out, 2, "AA2"), warning);
  EXPECT_EQ(colours(out, 2, "B9"), error);
  EXPECT_EQ(colours(out, 2, "A2"), "");
  EXPECT_EQ(colours(out, 2, "B3"), "");

  EXPECT_EQ(comment(out, 2, "B2"), "[id-checksum] 身份证号码校验位错误 (430521198001011234)");
  EXPECT_EQ(comment(out, 2, "C3"),
            "[missing-value] 缺少出生日期\n[id-birth-mismatch] 出生日期与身份证号码不一致");
  EXPECT_EQ(comment(out, 2, "A5"), "[duplicate-person] 与第 2 行重复");
  EXPECT_EQ(comment(out, 2, "D5"), "[phone-format] 联系电话格式不正确 (abc)");
  EXPECT_EQ(comment(out, 2, "A2"), "");
  std::string all = entry(out, "xl/comments1.xml");
  EXPECT_EQ(all.find("别的文件"), std::string::npos);
  EXPECT_EQ(entry(out, "xl/worksheets/sheet2.xml").find("pane"), std::string::npos)
      << "nothing frozen";
}

TEST_F(AnnotateTest, XlsxCopyKeepsSheetsPositionsAndTheHiddenSheet) {
  std::string in = path("娄底.xlsx");
  fs::copy_file(kFixtures + "sheetjs_loudi.xlsx", in);
  std::vector<Diagnostic> diags = {
      diag(Severity::Warning, in, "城关镇", 3, "E", "birth-range", "出生日期不在合理范围"),
      diag(Severity::Error, in, "城关镇", 4, "F", "id-checksum", "身份证号码校验位错误"),
      diag(Severity::Error, in, "城关镇", 4, "", "duplicate-person", "重复"),
      diag(Severity::Error, in, "石井镇", 3, "G", "phone-format", "联系电话格式不正确"),
      diag(Severity::Note, in, "石井镇", 3, "B", "name-space", "姓名含空格"),
      diag(Severity::Warning, in, "不存在", 3, "B", "x-sheet", "没有这个工作表"),
  };
  std::string out = path("标注.xlsx");
  std::string err;
  AnnotateOptions opt = options(Lang::En);
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, out, opt, &err)) << err;

  std::vector<SheetCopy> orig = readBook(in);
  std::vector<SheetCopy> copy = readBook(out);
  ASSERT_EQ(copy.size(), orig.size() + 1);
  EXPECT_EQ(copy[0].name, "Summary");
  for (size_t i = 0; i < orig.size(); ++i) {
    EXPECT_EQ(copy[i + 1].name, orig[i].name);
    EXPECT_EQ(copy[i + 1].hidden, orig[i].hidden) << orig[i].name;
    EXPECT_EQ(copy[i + 1].cells, orig[i].cells) << orig[i].name;
  }
  EXPECT_EQ(copy[1].cells.at("F3"), "430102197803051234");
  EXPECT_EQ(copy[1].cells.at("E3"), "1978-03-05");

  EXPECT_EQ(summaryCounts(copy[0].cells), (std::map<std::string, std::string>{
                                              {"id-checksum error", "1"},
                                              {"duplicate-person error", "1"},
                                              {"phone-format error", "1"},
                                              {"birth-range warning", "1"},
                                              {"x-sheet warning", "1"},
                                              {"name-space note", "1"},
                                              {"Total error", "3"},
                                              {"Total warning", "2"},
                                              {"Total note", "1"},
                                              {"Total all", "6"},
                                          }));
  // The example location links to the cell in the copy.
  std::string summary_rels = entry(out, "xl/worksheets/sheet1.xml");
  EXPECT_NE(summary_rels.find("location=\"'城关镇'!F4\""), std::string::npos);

  EXPECT_EQ(colours(out, 2, "E3"), std::string(kWarningFill) + "/" + kWarningFont);
  EXPECT_EQ(colours(out, 2, "F4"), std::string(kErrorFill) + "/" + kErrorFont);
  EXPECT_EQ(colours(out, 2, "A4"), std::string(kErrorFill) + "/" + kErrorFont);
  EXPECT_EQ(colours(out, 3, "G3"), std::string(kErrorFill) + "/" + kErrorFont);
  EXPECT_EQ(colours(out, 3, "B3"), "") << "a note is commented, not coloured";
  EXPECT_EQ(comment(out, 2, "F4"), "[id-checksum] 身份证号码校验位错误");
  EXPECT_EQ(comment(out, 2, "A4"), "[duplicate-person] 重复");
  EXPECT_EQ(comment(out, 3, "G3"), "[phone-format] 联系电话格式不正确");
  EXPECT_EQ(comment(out, 3, "B3"), "[name-space] 姓名含空格");
}

TEST_F(AnnotateTest, SummaryGivesWayToAnInputSheetOfTheSameName) {
  std::string in = path("book.xlsx");
  ASSERT_TRUE(writeZip(in,
                       book({{"summary", "<row r=\"1\">" + inlineCell("A1", "mine") + "</row>"},
                             {"汇总", "<row r=\"2\">" + inlineCell("B2", "县汇总") + "</row>"}}),
                       &err_));
  std::vector<Diagnostic> diags = {
      diag(Severity::Error, "book.xlsx", "汇总", 2, "B", "c1", "m1"),
  };
  AnnotateOptions en = options(Lang::En);
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, path("en.xlsx"), en, &err_)) << err_;
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, path("zh.xlsx"), options(), &err_)) << err_;
  for (auto [file, summary] : {std::pair<std::string, std::string>{"en.xlsx", "Validation summary"},
                               {"zh.xlsx", "校验汇总"}}) {
    std::vector<SheetCopy> copy = readBook(path(file));
    ASSERT_EQ(copy.size(), 3u);
    EXPECT_EQ(copy[0].name, summary);
    EXPECT_EQ(copy[1].name, "summary");
    EXPECT_EQ(copy[2].name, "汇总");
    EXPECT_EQ(copy[2].cells, (Cells{{"B2", "县汇总"}}));
    EXPECT_EQ(comment(path(file), 3, "B2"), "[c1] m1");
  }
}

TEST_F(AnnotateTest, FailureLeavesNoFile) {
  std::string csv = writeText("a.csv", kCsv);
  EXPECT_FALSE(writeAnnotatedWorkbook(csv, {}, path("no/such/dir/a.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("no/such/dir/a.xlsx"), std::string::npos) << err_;
  EXPECT_FALSE(writeAnnotatedWorkbook(path("missing.csv"), {}, path("b.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("missing.csv"), std::string::npos) << err_;

  // Rows out of order cannot be streamed: refused whole, not copied in part.
  std::string bad = path("bad.xlsx");
  ASSERT_TRUE(writeZip(bad,
                       book({{"S", "<row r=\"5\">" + inlineCell("A5", "x") + "</row><row r=\"3\">" +
                                       inlineCell("A3", "y") + "</row>"}}),
                       &err_));
  EXPECT_FALSE(writeAnnotatedWorkbook(bad, {}, path("c.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("row 3"), std::string::npos) << err_;
  EXPECT_EQ(files(), (std::vector<std::string>{"a.csv", "bad.xlsx"}));

  // An earlier copy stays as it was when a new one fails.
  writeText("c.xlsx", "old");
  EXPECT_FALSE(writeAnnotatedWorkbook(bad, {}, path("c.xlsx"), options(), &err_));
  std::ifstream old(path("c.xlsx"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old), {}), "old");
}

TEST_F(AnnotateTest, RefusesToReplaceTheInput) {
  std::string csv = writeText("a.csv", kCsv);
  EXPECT_FALSE(writeAnnotatedWorkbook(csv, {}, csv, options(), &err_));
  EXPECT_NE(err_.find("input"), std::string::npos) << err_;
  std::ifstream in(csv);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), kCsv);
  EXPECT_FALSE(writeAnnotatedWorkbook("-", {}, path("x.xlsx"), options(), &err_));
  EXPECT_FALSE(writeAnnotatedWorkbook(csv, {}, "-", options(), &err_));
}

TEST_F(AnnotateTest, ManyFindingsOnOneCellAreCappedAndDeduplicated) {
  std::string csv = writeText("a.csv", "x,y\n1,2\n");
  std::vector<Diagnostic> diags;
  for (int i = 0; i < 30; ++i)
    diags.push_back(diag(Severity::Warning, "a.csv", "", 2, "B", "w" + std::to_string(i), "m"));
  diags.push_back(diag(Severity::Warning, "a.csv", "", 2, "B", "w0", "m"));  // repeated
  ASSERT_TRUE(writeAnnotatedWorkbook(csv, diags, path("a.xlsx"), options(), &err_)) << err_;
  std::string text = comment(path("a.xlsx"), 2, "B2");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 20) << text;
  EXPECT_NE(text.find("另有 10 条"), std::string::npos) << text;
  EXPECT_EQ(summaryCounts(readBook(path("a.xlsx"))[0].cells).at("合计 全部"), "31");
}

// A real spreadsheet program must open the copy: LibreOffice converts every sheet to CSV,
// and the ID numbers come out with all their digits.
TEST_F(AnnotateTest, LibreOfficeOpensIt) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "soffice (LibreOffice) is not installed";
  std::string csv = writeText("双峰县.csv", kCsv);
  std::vector<Diagnostic> diags = {
      diag(Severity::Error, "双峰县.csv", "", 2, "B", "id-checksum", "身份证号码校验位错误"),
      diag(Severity::Warning, "双峰县.csv", "", 3, "C", "missing-value", "缺少出生日期"),
  };
  std::string out = path("annotated.xlsx");
  ASSERT_TRUE(writeAnnotatedWorkbook(csv, diags, out, options(), &err_)) << err_;
  fs::create_directory(path("lo"));
  // Its own profile, so parallel tests and a user's running LibreOffice do not collide; -1
  // as the last CSV filter token writes one file per sheet.
  std::string cmd =
      "cd '" + dir_.string() + "' && HOME='" + path("lo") +
      "' soffice -env:UserInstallation=file://" + path("lo/profile") +
      " --headless --convert-to "
      "'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'"
      " --outdir lo annotated.xlsx >lo/log 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream log_in(path("lo/log"));
  std::string log((std::istreambuf_iterator<char>(log_in)), {});
  ASSERT_EQ(rc, 0) << log;
  std::ifstream summary(path("lo/annotated-汇总.csv"));
  std::string s((std::istreambuf_iterator<char>(summary)), {});
  EXPECT_NE(s.find("id-checksum,错误,1"), std::string::npos) << s << log;
  std::ifstream data(path("lo/annotated-双峰县.csv"));
  std::string d((std::istreambuf_iterator<char>(data)), {});
  EXPECT_NE(d.find("张三,430521198001011234,1980-01-01,13800000000"), std::string::npos)
      << d << log;
}

}  // namespace
}  // namespace vetkit
