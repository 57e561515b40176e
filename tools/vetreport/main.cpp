// vetreport: the collection report for the city, and the send-back packages per county.
static const char kUsage[] =
    R"(Summarise records for the report upward: counts by unit, category and township,
completeness of required fields, validation problems per rule, living conditions and
benefits, main appeals, honour plaques, and the batches included. With --split-by, write
instead one workbook per county of the problem and missing data to send back.

FILE is a record stream (vetimport's JSON Lines) or a spreadsheet / CSV, read through the
same importer; with no FILE, the stream is read from standard input. Problems are found by
the validator itself (the rules of vetvalidate). Identity and phone numbers are masked.

Examples:
  vetreport city.jsonl                                  # aligned tables on the terminal
  vetreport --format html -o 报告.html city.jsonl        # one self-contained page, with charts
  vetreport -o 报告.xlsx city.jsonl                      # a workbook (format from the name)
  vetreport --format json --lang en city.jsonl | jq .by_unit_category
  vetreport --split-by hukou --outdir 退回 city.jsonl    # 根据对象户籍下发各地
  vetreport --db city.sqlite --format html -o 报告.html  # the store: its set and its batches
  vetimport *.xlsx | vetreport --format csv > 报告.csv
)";

#include "cli/common.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "import/record_source.h"
#include "merge/store_source.h"
#include "report/aggregate.h"
#include "report/output.h"
#include "report/sendback.h"
#include "schema/rules.h"
#include "validate/validator.h"

using namespace vetkit;

namespace {

// The format a file name asks for when --format is not given.
std::string formatFromName(const std::string& path) {
  for (const char* ext : {"html", "xlsx", "csv", "json"}) {
    std::string dot = std::string(".") + ext;
    if (path.size() > dot.size() && path.compare(path.size() - dot.size(), dot.size(), dot) == 0)
      return ext;
  }
  return "text";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetreport");
  CommonOptions common;
  std::vector<std::string> files;
  std::string split_by, outdir, today, config_path, encoding = "auto";
  ImportOptions import;
  ReportOptions report_options;
  addCommonOptions(app, &common,
                   kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet | kOptNoMask,
                   "text, csv, json, html or xlsx (default: from -o's extension, else text)");
  app.get_option("--format")->check(CLI::IsMember({"text", "csv", "json", "html", "xlsx"}));
  app.add_option("files", files, "Record streams, spreadsheets or CSV files; - is stdin")
      ->type_name("FILE");
  std::string db;
  app.add_option("--db", db,
                 "Report on the city store (vetmerge --db): its current set and batches")
      ->type_name("STORE");
  app.add_option("--split-by", split_by,
                 "Write send-back packages per county: hukou (household registration) or unit")
      ->check(CLI::IsMember({"hukou", "unit"}));
  app.add_option("--outdir", outdir, "With --split-by: the directory for the packages")
      ->type_name("DIR");
  app.add_option("--top", report_options.top_phrases, "Appeal phrases listed")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--config", config_path, "Site rule overrides (as vetvalidate --config)")
      ->type_name("FILE");
  app.add_option("--today", today, "Judge future dates against DATE (default: today)")
      ->type_name("DATE");
  addEncodingOption(app, &encoding);
  addMaxInflatedOption(app, &import.csv.max_inflated);

  return runTool(app, argc, argv, [&]() -> int {
    const std::string tool = "vetreport";
    if (!split_by.empty() && outdir.empty()) {
      printError(tool, "--split-by needs --outdir DIR");
      return kExitTrouble;
    }
    if (split_by.empty() && !outdir.empty()) {
      printError(tool, "--outdir is only used with --split-by hukou|unit");
      return kExitTrouble;
    }
    if (common.format.empty()) common.format = formatFromName(common.output);
    if (common.format == "xlsx" && common.output == "-") {
      printError(tool, "--format xlsx needs -o FILE.xlsx");
      return kExitTrouble;
    }
    if (!parseEncodingOption(tool, encoding, &import.csv.encoding)) return kExitTrouble;
    ValidateOptions validate;
    validate.lang = import.lang = report_options.lang = common.lang;
    validate.mask = !common.no_mask;
    if (!parseTodayOption(tool, today, &validate.today)) return kExitTrouble;

    std::string err;
    auto schema = Schema::load(common.schemaPath(), &err);
    RuleSet rules;
    if (!schema || !RuleSet::loadForSite(*schema, config_path, &rules, &err)) {
      printError(tool, err);
      return kExitTrouble;
    }

    Validator validator(*schema, rules, validate);
    Aggregator aggregator(*schema, report_options);
    SendbackOptions sb_options;
    sb_options.by = split_by == "unit" ? SendbackOptions::By::Unit : SendbackOptions::By::Hukou;
    sb_options.lang = common.lang;
    sb_options.mask = !common.no_mask;
    Sendback sendback(*schema, sb_options);
    bool splitting = !split_by.empty();

    int status = kExitOk;
    std::vector<Diagnostic> diags;
    auto onRecord = [&](Record& r) {
      diags.clear();
      validator.check(r, &diags);
      aggregator.add(r, diags);
      if (splitting) sendback.add(r, diags);
      return true;
    };
    if (!db.empty()) {
      if (!files.empty()) return printError(tool, "--db reads the store: give no FILE"), 2;
      RecordSourceEvents events;
      events.record = onRecord;
      // vetmerge records a signer only after the batch's seal verified.
      auto onBatch = [&](int64_t, const BatchInfo& b) {
        BatchRow row{b.source, b.sha256,          b.unit, b.merged_at,      b.signer,
                     b.key_id, size_t(b.records), true,   !b.signer.empty()};
        aggregator.addBatch(row);
      };
      if (!readStoreRecords(*schema, db, events, onBatch, &err)) {
        printError(tool, err);
        return int(kExitTrouble);
      }
    }
    if (files.empty() && db.empty()) files.push_back("-");
    // The report is written after all is read: the terminal is free for the line meanwhile.
    ProgressDisplay progress(tool, schema->messages(), common.lang,
                             ProgressDisplay::wanted(common.quiet, false));
    for (const std::string& f : files) {
      RecordSourceEvents events;
      events.record = onRecord;
      // Importer findings about columns are vetvalidate's to report; a stream line that is
      // not a record means the report would be incomplete.
      events.diagnostic = [&](const Diagnostic& d) {
        if (d.code != "bad-line") return;
        printDiagnostic(tool, d);
        status = kExitTrouble;
      };
      if (!readRecords(*schema, f, import, events, &err)) {
        printError(tool, f + ": " + err);
        status = kExitTrouble;
      }
    }
    progress.stop();
    Report report = aggregator.finish();

    if (splitting) {
      if (!sendback.write(outdir, &err)) {
        printError(tool, err);
        return int(kExitTrouble);
      }
      size_t problems = 0, missing = 0;
      for (const auto& [county, p] : sendback.packages()) {
        problems += p.problems.size();
        missing += p.missing.size();
      }
      if (!common.quiet)
        std::fprintf(stderr, "%s\n",
                     schema->messages()
                         .format("report-sendback-done", common.lang,
                                 {{"packages", std::to_string(sendback.packages().size())},
                                  {"problems", std::to_string(problems)},
                                  {"missing", std::to_string(missing)},
                                  {"dir", outdir}})
                         .c_str());
      // Something to send back is a finding: exit 1, so that a script sees the lists close.
      return worstStatus(status, sendback.packages().empty() ? kExitOk : kExitFindings);
    }

    std::vector<ReportTable> tables = reportTables(report, *schema, common.lang);
    if (common.format == "xlsx") {
      if (!writeXlsxReport(report, tables, common.output, &err)) {
        printError(tool, err);
        return int(kExitTrouble);
      }
    } else {
      std::string text;
      if (common.format == "json")
        writeJsonReport(report, *schema, &text);
      else if (common.format == "csv")
        writeCsvReport(tables, &text);
      else if (common.format == "html")
        writeHtmlReport(report, *schema, common.lang, tables, &text);
      else
        writeTextReport(tables, &text);
      AtomicFile out;
      if (!out.open(common.output, &err)) return printError(tool, err), int(kExitTrouble);
      out.write(text);
      if (!out.commit(&err)) {
        if (out.brokenPipe()) return status;
        printError(tool, err);
        return int(kExitTrouble);
      }
    }
    if (!common.quiet)
      std::fprintf(stderr, "%s\n",
                   schema->messages()
                       .format("report-done", common.lang,
                               {{"records", std::to_string(report.records)},
                                {"units", std::to_string(report.units.size())},
                                {"with_errors", std::to_string(report.with_errors)}})
                       .c_str());
    return status;
  });
}
