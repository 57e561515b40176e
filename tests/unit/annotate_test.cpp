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

// The cellXfs entry of cell `ref` of worksheet `n` (1-based, as in sheetN.xml): "no cell",
// "" for a cell without a style, or the <xf ...> start tag.
std::string cellXf(const std::string& xlsx, int n, const std::string& ref) {
  std::string sheet = entry(xlsx, "xl/worksheets/sheet" + std::to_string(n) + ".xml");
  size_t p = sheet.find("<c r=\"" + ref + "\"");
  if (p == std::string::npos) return "no cell";
  std::string s = attribute(sheet.substr(p, sheet.find('>', p) - p), "s");
  auto xfs = elements(entry(xlsx, "xl/styles.xml"), "cellXfs", "xf");
  size_t xf = std::stoul("0" + s);
  if (xf >= xfs.size()) return "bad style";
  return xfs[xf].substr(0, xfs[xf].find('>') + 1);
}

// The fill colour of cell `ref` of worksheet `n` (1-based, as in sheetN.xml), or "" when the
// cell has no colour of its own.
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
  // The rebuilt copy (CSV) colours the text too; the marked package keeps the cell's font.
  return font_rgb.empty() ? fill_rgb : fill_rgb + "/" + font_rgb;
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

  // Converts `files` (names in the work directory) with headless LibreOffice to lo/NAME-SHEET.csv;
  // false with its `log` when it fails. Its own profile, so parallel tests and a user's running
  // LibreOffice do not collide; -1 as the last CSV filter token writes one file per sheet.
  bool libreOfficeToCsv(const std::string& files, std::string* log) {
    fs::create_directories(path("lo"));
    std::string cmd =
        "cd '" + dir_.string() + "' && HOME='" + path("lo") +
        "' soffice -env:UserInstallation=file://" + path("lo/profile") +
        " --headless --convert-to "
        "'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'"
        " --outdir lo " +
        files + " >lo/log 2>&1";
    int rc = std::system(cmd.c_str());
    // Under a loaded parallel ctest a first headless start has been seen to exit at once (0.6 s,
    // before converting anything); once more is LibreOffice's start-up, not the package, so a
    // second failure still fails the test.
    if (rc != 0) rc = std::system(cmd.c_str());
    std::ifstream log_in(path("lo/log"));
    log->assign(std::istreambuf_iterator<char>(log_in), {});
    return rc == 0;
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
  EXPECT_EQ(sum.at("A4"),
            "身份证号码校验位错误（id-checksum）");  // the rule by its name  // errors first, the
                                                     // commonest first
  EXPECT_EQ(sum.at("D4"), "B2");  // the first example, where the operator finds it
  EXPECT_EQ(summaryCounts(sum), (std::map<std::string, std::string>{
                                    {"身份证号码校验位错误（id-checksum） 错误", "2"},
                                    {"出生日期与身份证号码不一致（id-birth-mismatch） 错误", "1"},
                                    {"duplicate-person 错误", "1"},
                                    {"联系电话格式错误（phone-format） 警告", "1"},
                                    {"必填项为空（missing-value） 警告", "1"},
                                    {"无法识别的列（unknown-column） 警告", "1"},
                                    {"文字编码问题（encoding） 警告", "1"},
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

// The part of the sheet named `name` in a package: workbook.xml names its relationship,
// the workbook's rels its target.
std::string sheetPart(const std::string& xlsx, const std::string& name) {
  std::string wb = entry(xlsx, "xl/workbook.xml");
  size_t p = wb.find("name=\"" + name + "\"");
  if (p == std::string::npos) return "";
  size_t start = wb.rfind('<', p);
  std::string tag = wb.substr(start, wb.find('>', p) - start);
  std::string id = attribute(tag, "r:id");
  std::string rels = entry(xlsx, "xl/_rels/workbook.xml.rels");
  size_t r = rels.find("Id=\"" + id + "\"");
  if (r == std::string::npos) return "";
  size_t rs = rels.rfind('<', r);
  std::string target = attribute(rels.substr(rs, rels.find('>', r) - rs), "Target");
  return "xl/" + target;
}

// The cells of the summary sheet `name`, read from its XML (the reader skips that sheet).
Cells summaryCells(const std::string& xlsx, const std::string& name) {
  std::string xml = entry(xlsx, sheetPart(xlsx, name));
  Cells out;
  for (size_t p = xml.find("<c r=\""); p != std::string::npos; p = xml.find("<c r=\"", p + 1)) {
    std::string ref = xml.substr(p + 6, xml.find('"', p + 6) - p - 6);
    size_t end = xml.find("</c>", p);
    std::string body = xml.substr(p, end - p);
    size_t t = body.find("<t");
    size_t v = body.find("<v>");
    if (t != std::string::npos) {
      size_t from = body.find('>', t) + 1;
      out[ref] = body.substr(from, body.find("</t>", from) - from);
    } else if (v != std::string::npos) {
      out[ref] = body.substr(v + 3, body.find("</v>", v) - v - 3);
    }
  }
  return out;
}

TEST_F(AnnotateTest, XlsxCopyIsTheOperatorsPackageWithMarks) {
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

  // Read back, the copy is the workbook itself: the summary is recognised and skipped.
  std::vector<SheetCopy> orig = readBook(in);
  std::vector<SheetCopy> copy = readBook(out);
  ASSERT_EQ(copy.size(), orig.size());
  for (size_t i = 0; i < orig.size(); ++i) {
    EXPECT_EQ(copy[i].name, orig[i].name);
    EXPECT_EQ(copy[i].hidden, orig[i].hidden) << orig[i].name;
    EXPECT_EQ(copy[i].cells, orig[i].cells) << orig[i].name;
  }
  EXPECT_EQ(copy[0].cells.at("F3"), "430102197803051234");
  EXPECT_EQ(copy[0].cells.at("E3"), "1978-03-05");  // still a date cell

  // The summary is the last sheet, marked by its defined name.
  std::string wb = entry(out, "xl/workbook.xml");
  EXPECT_NE(wb.find("<definedName name=\"_vetkit_summary\" localSheetId=\"" +
                    std::to_string(orig.size()) + "\" hidden=\"1\">"),
            std::string::npos)
      << wb;
  EXPECT_NE(wb.find("<sheet name=\"Summary\" sheetId=\"4\" r:id=\""), std::string::npos) << wb;
  // docProps/app.xml lists it as a fourth worksheet.
  std::string app = entry(out, "docProps/app.xml");
  EXPECT_NE(app.find("<vt:i4>4</vt:i4>"), std::string::npos) << app;
  EXPECT_NE(app.find("<vt:vector size=\"4\" baseType=\"lpstr\">"), std::string::npos) << app;
  EXPECT_NE(app.find("<vt:lpstr>说明</vt:lpstr><vt:lpstr>Summary</vt:lpstr></vt:vector>"),
            std::string::npos)
      << app;
  // The sheet's <legacyDrawing> uses the r: prefix the sheet declares.
  EXPECT_NE(entry(out, "xl/worksheets/sheet1.xml").find("<legacyDrawing r:id=\""),
            std::string::npos);
  Cells sum = summaryCells(out, "Summary");
  EXPECT_EQ(summaryCounts(sum), (std::map<std::string, std::string>{
                                    {"ID check digit (id-checksum) error", "1"},
                                    {"duplicate-person error", "1"},
                                    {"phone number format (phone-format) error", "1"},
                                    {"birth-range warning", "1"},
                                    {"x-sheet warning", "1"},
                                    {"name-space note", "1"},
                                    {"Total error", "3"},
                                    {"Total warning", "2"},
                                    {"Total note", "1"},
                                    {"Total all", "6"},
                                }));
  EXPECT_NE(entry(out, sheetPart(out, "Summary")).find("location=\"&apos;城关镇&apos;!F4\""),
            std::string::npos);

  EXPECT_EQ(colours(out, 1, "E3"), kWarningFill);
  EXPECT_EQ(colours(out, 1, "F4"), kErrorFill);
  // A finding about the row sits on its first cell that holds something.
  EXPECT_EQ(colours(out, 1, "A4"), kErrorFill);
  EXPECT_EQ(colours(out, 2, "G3"), kErrorFill);
  EXPECT_EQ(colours(out, 2, "B3"), "") << "a note is commented, not coloured";
  EXPECT_EQ(comment(out, 1, "F4"), "[id-checksum] 身份证号码校验位错误");
  EXPECT_EQ(comment(out, 1, "A4"), "[duplicate-person] 重复");
  EXPECT_EQ(comment(out, 2, "G3"), "[phone-format] 联系电话格式不正确");
  EXPECT_EQ(comment(out, 2, "B3"), "[name-space] 姓名含空格");
  // The date cell keeps its date format under the fill.
  EXPECT_EQ(attribute(cellXf(out, 1, "E3"), "numFmtId"),
            attribute(cellXf(in, 1, "E3"), "numFmtId"));
  EXPECT_EQ(attribute(cellXf(out, 1, "E3"), "fontId"), attribute(cellXf(in, 1, "E3"), "fontId"));

  // Every part marking does not need is copied byte for byte.
  std::string zerr;
  auto zin = ZipFile::open(in, &zerr);
  ASSERT_TRUE(zin) << zerr;
  for (const std::string& name : zin->names()) {
    if (name == "xl/worksheets/sheet1.xml" || name == "xl/worksheets/sheet2.xml" ||
        name == "xl/styles.xml" || name == "xl/workbook.xml" || name == "docProps/app.xml" ||
        name == "xl/_rels/workbook.xml.rels" || name == "[Content_Types].xml")
      continue;
    EXPECT_EQ(entry(out, name), entry(in, name)) << name;
  }
  EXPECT_EQ(entry(out, "xl/worksheets/sheet3.xml"), entry(in, "xl/worksheets/sheet3.xml"));
}

// LibreOffice's workbook with what operators put in theirs: every format survives, the
// styles of marked cells are their own with a fill, and the marked copy reads as the original.
TEST_F(AnnotateTest, XlsxCopyKeepsMergedCellsWidthsFormatsAndHiddenSheets) {
  std::string in = path("双峰县.xlsx");
  fs::copy_file(kFixtures + "libreoffice_marked.xlsx", in);
  std::vector<Diagnostic> diags = {
      diag(Severity::Warning, in, "花名册", 2, "G", "unknown-column", "表头不是采集表的字段"),
      diag(Severity::Error, in, "花名册", 2, "", "missing-column", "缺少列"),
      diag(Severity::Error, in, "花名册", 3, "F", "birth-range", "出生日期不对"),
      diag(Severity::Error, in, "花名册", 4, "D", "id-checksum", "校验位错误"),
      diag(Severity::Error, in, "花名册", 5, "B", "missing-value", "姓名不能为空"),
      diag(Severity::Error, in, "花名册", 9, "C", "past-the-end", "末尾之后"),
  };
  std::string out = path("标注.xlsx");
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, out, options(), &err_)) << err_;

  std::string before = entry(in, "xl/worksheets/sheet1.xml");
  std::string after = entry(out, "xl/worksheets/sheet1.xml");
  for (const char* kept :
       {"<mergeCell ref=\"A1:G1\"/>", "<cols>", "customWidth=\"true\"", "<sheetFormatPr"}) {
    size_t a = after.find(kept), b = before.find(kept);
    ASSERT_NE(b, std::string::npos) << kept;
    EXPECT_EQ(after.substr(a, after.find('>', a) - a), before.substr(b, before.find('>', b) - b));
  }
  size_t cols = before.find("<cols>");
  EXPECT_NE(after.find(before.substr(cols, before.find("</cols>") - cols)), std::string::npos);
  // Only the marked cells' styles changed, and a cell was inserted for the empty name.
  EXPECT_EQ(cellXf(in, 1, "B5"), "no cell");
  EXPECT_EQ(colours(out, 1, "B5"), kErrorFill);
  EXPECT_EQ(colours(out, 1, "C9"), kErrorFill);
  EXPECT_EQ(colours(out, 1, "G2"), kWarningFill);
  EXPECT_EQ(colours(out, 1, "A2"), kErrorFill) << "a header finding sits on a header cell";
  EXPECT_EQ(comment(out, 1, "A2"), "[missing-column] 缺少列");
  EXPECT_EQ(cellXf(out, 1, "A1"), cellXf(in, 1, "A1"));
  EXPECT_EQ(cellXf(out, 1, "F4"), cellXf(in, 1, "F4"));
  // The marked date keeps its 年月 format, its font and the rest of its style.
  std::string xf_in = cellXf(in, 1, "F3"), xf_out = cellXf(out, 1, "F3");
  for (const char* a : {"numFmtId", "fontId", "borderId", "xfId"})
    EXPECT_EQ(attribute(xf_out, a), attribute(xf_in, a)) << a;
  EXPECT_NE(attribute(xf_out, "fillId"), attribute(xf_in, "fillId"));
  EXPECT_NE(entry(out, "xl/styles.xml").find("formatCode=\"yyyy\\年m\\月\""), std::string::npos);
  // The hidden sheet is there, hidden, untouched.
  EXPECT_NE(entry(out, "xl/workbook.xml").find("name=\"备用\" sheetId=\"2\" state=\"hidden\""),
            std::string::npos);
  EXPECT_EQ(entry(out, "xl/worksheets/sheet2.xml"), entry(in, "xl/worksheets/sheet2.xml"));

  // Read back, every sheet holds what it held.
  std::vector<SheetCopy> orig = readBook(in), copy = readBook(out);
  ASSERT_EQ(copy.size(), orig.size());
  for (size_t i = 0; i < orig.size(); ++i) {
    EXPECT_EQ(copy[i].name, orig[i].name);
    EXPECT_EQ(copy[i].hidden, orig[i].hidden);
    EXPECT_EQ(copy[i].cells, orig[i].cells) << orig[i].name;
  }

  // The operator's own comments stay; a finding on a commented cell is added to its comment,
  // the others get comments (and note shapes in the sheet's own drawing) of their own.
  EXPECT_EQ(comment(out, 1, "E3"), "已电话核实");
  EXPECT_EQ(comment(out, 1, "D4"), "号码待核\n[id-checksum] 校验位错误");
  EXPECT_EQ(comment(out, 1, "B5"), "[missing-value] 姓名不能为空");
  std::string vml = entry(out, "xl/drawings/vmlDrawing1.vml");
  EXPECT_NE(vml.find("<x:Row>4</x:Row><x:Column>1</x:Column>"), std::string::npos) << vml;
  EXPECT_EQ(vml.find("<x:Row>3</x:Row><x:Column>3</x:Column>"),
            vml.rfind("<x:Row>3</x:Row><x:Column>3</x:Column>"))
      << "the commented cell keeps its one shape";
  EXPECT_EQ(entry(out, "xl/worksheets/_rels/sheet1.xml.rels"),
            entry(in, "xl/worksheets/_rels/sheet1.xml.rels"));

  // Marking the marked copy again: its summary is not taken for a sheet of the operator's.
  std::string again = path("again.xlsx");
  ASSERT_TRUE(writeAnnotatedWorkbook(out, {}, again, options(), &err_)) << err_;
  EXPECT_EQ(readBook(again).size(), orig.size());
}

// Sheet XML as other writers make it: a namespace prefix, rows written empty, a sheet with
// no rows at all, cells without references; the copy must still be well-formed and exact.
TEST_F(AnnotateTest, XlsxSheetXmlVariantsAreMarkedInPlace) {
  std::string in = path("v.xlsx");
  Parts parts = book({{"甲", "<row r=\"1\">" + inlineCell("A1", "姓名") + inlineCell("C1", "x") +
                                 "</row><row r=\"2\"/><row r=\"4\"><c t=\"inlineStr\"><is><t>a</t>"
                                 "</is></c><c><v>5</v></c></row>"},
                      {"乙", ""}});
  // The first sheet with an x: prefix on every element.
  std::string& xml = parts[0].second;
  xml = std::string("<x:worksheet xmlns:x=\"") + kMain +
        "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>姓名</x:t></x:is>"
        "</x:c><x:c r=\"C1\" t=\"inlineStr\"><x:is><x:t>x</x:t></x:is></x:c></x:row>"
        "<x:row r=\"2\"/><x:row r=\"4\"><x:c t=\"inlineStr\"><x:is><x:t>a</x:t></x:is></x:c>"
        "<x:c><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>";
  parts[1].second = std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData/></worksheet>";
  ASSERT_TRUE(writeZip(in, parts, &err_));
  std::vector<Diagnostic> diags = {
      diag(Severity::Error, in, "甲", 1, "B", "e1", "B1 is empty"),
      diag(Severity::Warning, in, "甲", 2, "A", "w1", "row 2 was written empty"),
      diag(Severity::Error, in, "甲", 3, "", "e2", "a row that is not there"),
      diag(Severity::Error, in, "甲", 4, "B", "e3", "the second cell, without a reference"),
      diag(Severity::Error, in, "乙", 2, "C", "e4", "a sheet with no rows"),
  };
  std::string out = path("out.xlsx");
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, out, options(), &err_)) << err_;
  std::string a = entry(out, "xl/worksheets/sheet1.xml");
  EXPECT_NE(a.find("<x:c r=\"B1\" s=\""), std::string::npos) << a;
  EXPECT_NE(a.find("<x:row r=\"2\"><x:c r=\"A2\" s=\""), std::string::npos) << a;
  EXPECT_EQ(a.find("r=\"A3\""), std::string::npos) << "a row finding never makes a cell";
  EXPECT_NE(a.find("<x:c s=\""), std::string::npos) << a;
  EXPECT_NE(a.find("<x:legacyDrawing "), std::string::npos) << a;
  EXPECT_NE(entry(out, "xl/worksheets/sheet2.xml").find("<sheetData><row r=\"2\"><c r=\"C2\""),
            std::string::npos);
  std::vector<SheetCopy> orig = readBook(in), copy = readBook(out);
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[0].cells, orig[0].cells);
  EXPECT_EQ(copy[1].cells, orig[1].cells);
  EXPECT_EQ(comment(out, 1, "B4"), "[e3] the second cell, without a reference");
  EXPECT_EQ(comment(out, 2, "C2"), "[e4] a sheet with no rows");
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
    ASSERT_EQ(copy.size(), 2u);
    EXPECT_EQ(copy[0].name, "summary");
    EXPECT_EQ(copy[1].name, "汇总");
    EXPECT_EQ(copy[1].cells, (Cells{{"B2", "县汇总"}}));
    EXPECT_EQ(comment(path(file), 2, "B2"), "[c1] m1");
    EXPECT_EQ(summaryCells(path(file), summary).at("A4"), "c1") << file;
  }
}

TEST_F(AnnotateTest, FailureLeavesNoFile) {
  std::string csv = writeText("a.csv", kCsv);
  EXPECT_FALSE(writeAnnotatedWorkbook(csv, {}, path("no/such/dir/a.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("no/such/dir/a.xlsx"), std::string::npos) << err_;
  EXPECT_FALSE(writeAnnotatedWorkbook(path("missing.csv"), {}, path("b.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("missing.csv"), std::string::npos) << err_;

  // A marked sheet whose rows are out of order cannot be streamed: refused whole, not copied
  // in part.
  std::string bad = path("bad.xlsx");
  ASSERT_TRUE(writeZip(bad,
                       book({{"S", "<row r=\"5\">" + inlineCell("A5", "x") + "</row><row r=\"3\">" +
                                       inlineCell("A3", "y") + "</row>"}}),
                       &err_));
  std::vector<Diagnostic> on_s = {diag(Severity::Error, "bad.xlsx", "S", 3, "A", "c", "m")};
  EXPECT_FALSE(writeAnnotatedWorkbook(bad, on_s, path("c.xlsx"), options(), &err_));
  EXPECT_NE(err_.find("row 3"), std::string::npos) << err_;
  EXPECT_EQ(files(), (std::vector<std::string>{"a.csv", "bad.xlsx"}));

  // An earlier copy stays as it was when a new one fails.
  writeText("c.xlsx", "old");
  EXPECT_FALSE(writeAnnotatedWorkbook(bad, on_s, path("c.xlsx"), options(), &err_));
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
  std::string log;
  ASSERT_TRUE(libreOfficeToCsv("annotated.xlsx", &log)) << log;
  std::ifstream summary(path("lo/annotated-汇总.csv"));
  std::string s((std::istreambuf_iterator<char>(summary)), {});
  EXPECT_NE(s.find("身份证号码校验位错误（id-checksum）,错误,1"), std::string::npos) << s << log;
  std::ifstream data(path("lo/annotated-双峰县.csv"));
  std::string d((std::istreambuf_iterator<char>(data)), {});
  EXPECT_NE(d.find("张三,430521198001011234,1980-01-01,13800000000"), std::string::npos)
      << d << log;
}

// The date cells of every sheet of `path`, as {"Sheet!F3": "1978-03-05"}.
std::map<std::string, std::string> dateCells(const std::string& path) {
  std::string err;
  auto wb = openTable(path, CsvOptions{}, &err);
  EXPECT_TRUE(wb) << err;
  std::map<std::string, std::string> out;
  if (!wb) return out;
  for (size_t i = 0; i < wb->sheets().size(); ++i)
    wb->readSheet(
        i,
        [&](const Row& r) {
          for (const Cell& c : r.cells)
            if (c.kind == Cell::Kind::Date)
              out[wb->sheets()[i].name + "!" + columnLetter(c.col) + std::to_string(r.number)] =
                  c.text;
          return true;
        },
        &err);
  return out;
}

// A workbook that is not an .xlsx (.ods here) is rebuilt, and its date cells stay dates.
TEST_F(AnnotateTest, RebuiltCopyKeepsDateCellsAsDates) {
  std::string in = path("formats.ods");
  fs::copy_file(std::string(VETKIT_FIXTURES) + "/formats/formats.ods", in);
  std::map<std::string, std::string> dates = dateCells(in);
  ASSERT_FALSE(dates.empty());
  std::string first = dates.begin()->first;
  std::string sheet = first.substr(0, first.find('!'));
  std::string ref = first.substr(first.find('!') + 1);
  std::vector<Diagnostic> diags = {
      diag(Severity::Warning, in, sheet, std::stoi(ref.substr(ref.find_first_of("0123456789"))),
           ref.substr(0, ref.find_first_of("0123456789")), "w", "a marked date")};
  ASSERT_TRUE(writeAnnotatedWorkbook(in, diags, path("copy.xlsx"), options(), &err_)) << err_;
  EXPECT_EQ(dateCells(path("copy.xlsx")), dates);
}

// LibreOffice opens the marked package (headless, so a repair would fail the conversion) and
// finds every value the original holds, sheet by sheet, plus the summary.
TEST_F(AnnotateTest, LibreOfficeOpensTheMarkedPackage) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "soffice (LibreOffice) is not installed";
  fs::copy_file(kFixtures + "libreoffice_marked.xlsx", path("orig.xlsx"));
  std::vector<Diagnostic> diags = {
      diag(Severity::Error, "orig.xlsx", "花名册", 3, "D", "id-checksum", "身份证号码校验位错误"),
      diag(Severity::Error, "orig.xlsx", "花名册", 5, "B", "missing-value", "姓名不能为空"),
  };
  ASSERT_TRUE(
      writeAnnotatedWorkbook(path("orig.xlsx"), diags, path("marked.xlsx"), options(), &err_))
      << err_;
  std::string log;
  ASSERT_TRUE(libreOfficeToCsv("orig.xlsx marked.xlsx", &log)) << log;
  auto slurp = [&](const std::string& name) {
    std::ifstream f(path("lo/" + name));
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  for (const char* sheet : {"花名册", "备用"}) {
    std::string a = slurp(std::string("orig-") + sheet + ".csv");
    EXPECT_FALSE(a.empty()) << sheet << slurp("log");
    EXPECT_EQ(slurp(std::string("marked-") + sheet + ".csv"), a) << sheet;
  }
  std::string summary = slurp("marked-汇总.csv");
  EXPECT_NE(summary.find("身份证号码校验位错误（id-checksum）,错误,1"), std::string::npos)
      << summary << slurp("log");
  EXPECT_NE(summary.find("合计,全部,2"), std::string::npos) << summary;
}

}  // namespace
}  // namespace vetkit
