// vetimport: spreadsheets and CSV in, the record stream out.
static const char kUsage[] =
    R"(Read spreadsheets (.xlsx, .xls, .et, .ods) and CSV/TSV files as operators make them and write one
record stream: JSON Lines, one person per line, canonical field ids and values.

Every visible sheet of a workbook is read; the header row is found below title rows by its
labels (姓名, 公民身份号码, ...). CSV may be UTF-8 (with or without BOM), GBK/GB18030 or UTF-16
with BOM (Excel's "Unicode 文本"), which is detected. With no FILE, or FILE -, standard input is read as CSV. With --format csv the
same records are written as UTF-8 CSV under a header of field ids, then _src, _sheet, _row,
_id15 and _extra (as JSON).

Messages name files, sheets, cells and column headers, never a person's values, so there is
nothing to mask and vetimport has no --no-mask.

Examples:
  vetimport 双峰县退役军人信息采集表.xlsx > 双峰县.jsonl
  vetimport --sheet 乡镇A -o a.jsonl 双峰县.xlsx
  vetimport --encoding gbk 娄星区.csv | vetvalidate
  vetimport samples/*.xlsx samples/*.csv -q -o all.jsonl
  vetimport --profile schemas/profiles/hukou-extract.yaml 公安户籍.csv > hukou.jsonl
  vetimport --map '军人姓名=related_name' --map '低保户=dibao' 新化县.xlsx > 新化县.jsonl
  vetimport --format csv -o 娄星区-utf8.csv 娄星区-gbk.csv     # clean UTF-8 CSV
)";

#include "cli/common.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "import/importer.h"
#include "record/csv_output.h"
#include "schema/schema.h"

using namespace vetkit;

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetimport");
  CommonOptions common;
  std::vector<std::string> files;
  ImportOptions options;
  std::string encoding = "auto";
  common.format = "jsonl";
  addCommonOptions(app, &common, kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet,
                   "jsonl (the record stream) or csv (the same records as UTF-8 CSV)");
  app.get_option("--format")->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  app.add_option("files", files, "Spreadsheets, CSV or TSV files; - is standard input")
      ->type_name("FILE");
  app.add_option("--sheet", options.sheet, "Read only the sheet of this name")->type_name("NAME");
  app.add_option("--header-row", options.header_row,
                 "The header is on row N (default: found by its labels)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  MappingOptions mapping;
  addMappingOptions(app, &mapping);
  addMaxInflatedOption(app, &options.csv.max_inflated);
  app.add_option("--encoding", encoding, "CSV encoding: auto, utf-8 or gbk (gb18030)")
      ->capture_default_str()
      ->check([](const std::string& v) {
        TextEncoding e;
        return parseEncodingName(v, &e) ? std::string() : "unknown encoding '" + v + "'";
      });

  return runTool(app, argc, argv, [&] {
    parseEncodingName(encoding, &options.csv.encoding);
    options.lang = common.lang;
    if (files.empty()) files.push_back("-");

    std::string err;
    auto schema = common.loadSchema(&err);
    if (!schema) {
      printError("vetimport", err);
      return int(kExitTrouble);
    }
    Profile profile;
    if (!loadMappingOptions("vetimport", *schema, mapping, common.lang, &profile, &options))
      return int(kExitTrouble);
    AtomicFile out;
    if (!out.open(common.output, &err)) {
      printError("vetimport", err);
      return int(kExitTrouble);
    }
    // The CSV writer rewrites the importer's lines on their way to the file.
    CsvRecordOutput csv(*schema, {"_src", "_sheet", "_row", "_id15", "_extra"}, &out);
    LineOutput* sink = common.format == "csv" ? static_cast<LineOutput*>(&csv) : &out;
    ProgressDisplay progress("vetimport", schema->messages(), common.lang,
                             ProgressDisplay::wanted(common.quiet, common.output == "-"));
    Importer importer(*schema, options, sink,
                      [](const Diagnostic& d) { printDiagnostic("vetimport", d); });
    int status = kExitOk;
    for (const std::string& f : files) status = worstStatus(status, importer.importFile(f));
    progress.stop();

    size_t records = 0, failed = 0;
    for (const FileSummary& s : importer.summaries()) {
      records += s.records;
      if (s.status == kExitTrouble) ++failed;
      if (!common.quiet && s.status != kExitTrouble)
        std::fprintf(stderr, "%s\n",
                     schema->messages()
                         .format("import-file", common.lang,
                                 {{"file", s.path},
                                  {"sheets", std::to_string(s.sheets)},
                                  {"records", std::to_string(s.records)}})
                         .c_str());
    }
    // All inputs failed: leave no output file at all.
    if (failed == files.size() && common.output != "-") {
      out.abandon();
      return int(kExitTrouble);
    }
    if (common.format == "csv" && failed < files.size()) csv.finish();  // header of an empty set
    if (!out.commit(&err)) {
      printError("vetimport", err);
      return int(kExitTrouble);
    }
    if (!common.quiet && files.size() > 1)
      std::fprintf(stderr, "%s\n",
                   schema->messages()
                       .format("import-total", common.lang,
                               {{"files", std::to_string(files.size())},
                                {"failed", std::to_string(failed)},
                                {"records", std::to_string(records)}})
                       .c_str());
    return status;
  });
}
