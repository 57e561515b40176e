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
  vetreport --split-by hukou --outdir 退回 --findings 公安.jsonl 民政.jsonl -- city.jsonl
  vetreport --db city.sqlite --format html -o 报告.html  # the store: its set and its batches
  vetreport --db city.sqlite --conflicts c.jsonl --candidates d.jsonl -o 报告.xlsx
  vetreport --db city.sqlite --sendback-status --findings 公安.jsonl  # the loop, per county
  vetimport *.xlsx | vetreport --format csv > 报告.csv
)";

#include "cli/common.h"
#include "cli/progress.h"
#include "core/exit_status.h"
#include "report/session.h"

using namespace vetkit;

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetreport");
  CommonOptions common;
  std::vector<std::string> files;
  std::string split_by, outdir, today, config_path, db, encoding = "auto", conflicts, candidates;
  ReportSessionOptions options;
  addCommonOptions(app, &common,
                   kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet | kOptNoMask,
                   "text, csv, json, html or xlsx (default: from -o's extension, else text)");
  app.get_option("--format")->check(CLI::IsMember({"text", "csv", "json", "html", "xlsx"}));
  app.add_option("files", files, "Record streams, spreadsheets or CSV files; - is stdin")
      ->type_name("FILE");
  app.add_option("--db", db,
                 "Report on the city store (vetmerge --db): its current set and batches")
      ->type_name("STORE");
  app.add_option("--split-by", split_by,
                 "Write send-back packages per county: hukou (household registration) or unit")
      ->check(CLI::IsMember({"hukou", "unit"}));
  app.add_option("--outdir", outdir, "With --split-by: the directory for the packages")
      ->type_name("DIR");
  app.add_option("--conflicts", conflicts,
                 "vetmerge's --conflicts file: a table of them; with --split-by, conflicts "
                 "between units go back to each")
      ->type_name("FILE");
  std::vector<std::string> findings;
  app.add_option("--findings", findings,
                 "Findings of vetdiff --dept --format json: tables per department (with "
                 "--split-by: sent back)")
      ->type_name("FILE");
  bool status = false;
  app.add_flag("--sendback-status", status,
               "With --db: per county and round, the send-back items closed, open and new");
  app.add_option("--candidates", candidates,
                 "vetmerge's --candidates file: a table of the possible duplicates")
      ->type_name("FILE");
  app.add_option("--top", options.report.top_phrases, "Appeal phrases listed")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--config", config_path, "Site rule overrides (as vetvalidate --config)")
      ->type_name("FILE");
  app.add_option("--today", today, "Judge future dates against DATE (default: today)")
      ->type_name("DATE");
  addEncodingOption(app, &encoding);
  addMaxInflatedOption(app, &options.import.csv.max_inflated);
  MappingOptions mapping;
  addMappingOptions(app, &mapping);

  return runTool(app, argc, argv, [&]() -> int {
    const std::string tool = "vetreport";
    if (status && (db.empty() || !outdir.empty()))
      return printError(tool, "--sendback-status reads the store (--db) and writes no --outdir"), 2;
    if (status && split_by.empty()) split_by = "hukou";  // today's items, as a round files them
    if (!status && split_by.empty() != outdir.empty())
      return printError(tool, outdir.empty() ? "--split-by needs --outdir DIR"
                                             : "--outdir is only used with --split-by hukou|unit"),
             2;
    ReportFormat format = reportFormatFor(common.format, common.output);
    if (format == ReportFormat::Xlsx && common.output == "-")
      return printError(tool, "--format xlsx needs -o FILE.xlsx"), 2;
    if (!db.empty() && !files.empty())
      return printError(tool, "--db reads the store: give no FILE"), 2;
    if (!parseEncodingOption(tool, encoding, &options.import.csv.encoding)) return kExitTrouble;
    if (!parseTodayOption(tool, today, &options.validate.today)) return kExitTrouble;
    options.report.report_date = formatIsoDate(options.validate.today);
    options.report.generated_at = beijingNow();
    options.validate.lang = options.import.lang = options.report.lang = common.lang;
    options.validate.mask = !common.no_mask;
    if (!split_by.empty()) {
      options.sendback.emplace();
      options.sendback->by =
          split_by == "unit" ? SendbackOptions::By::Unit : SendbackOptions::By::Hukou;
      options.sendback->lang = common.lang;
      options.sendback->mask = !common.no_mask;
    }

    std::string err;
    auto schema = common.loadSchema(&err);
    RuleSet rules;
    if (!schema || !RuleSet::loadForSite(*schema, config_path, &rules, &err))
      return printError(tool, err), int(kExitTrouble);
    Profile profile;
    if (!loadMappingOptions(tool, *schema, mapping, common.lang, &profile, &options.import))
      return kExitTrouble;
    ReportSession session(*schema, rules, options,
                          [&](const Diagnostic& d) { printDiagnostic(tool, d); });
    if (!session.readMergeFindings(conflicts, candidates, &err))
      return printError(tool, err), int(kExitTrouble);
    if (!findings.empty() && !session.readCrossFindings(findings, &err))
      return printError(tool, err), int(kExitTrouble);
    if (!db.empty() && !session.runStore(db, &err)) return printError(tool, err), int(kExitTrouble);
    if (files.empty() && db.empty()) files.push_back("-");
    {
      // The report is written after all is read: the terminal is free for the line meanwhile.
      ProgressDisplay progress(tool, schema->messages(), common.lang,
                               ProgressDisplay::wanted(common.quiet, false));
      for (const std::string& f : files)
        if (!session.run(f, &err)) printError(tool, err);
    }
    int exit_status = session.trouble() ? kExitTrouble : kExitOk;
    if (!split_by.empty() && !status) {
      if (!session.writeSendback(outdir, &err)) return printError(tool, err), int(kExitTrouble);
      if (!common.quiet) std::fprintf(stderr, "%s\n", session.summaryLine().c_str());
      // Something to send back is a finding: exit 1, so that a script sees the lists close.
      return worstStatus(exit_status, session.sendingBack() ? kExitFindings : kExitOk);
    }
    switch (status ? session.writeSendbackStatus(format, common.output, &err)
                   : session.writeReport(format, common.output, &err)) {
      case ReportSession::Written::Failed:
        return printError(tool, err), int(kExitTrouble);
      case ReportSession::Written::ReaderGone:
        return exit_status;
      case ReportSession::Written::Yes:
        break;
    }
    if (!common.quiet && !status) std::fprintf(stderr, "%s\n", session.summaryLine().c_str());
    return worstStatus(exit_status, status && session.sendingBack() ? kExitFindings : kExitOk);
  });
}
