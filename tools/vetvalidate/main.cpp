// vetvalidate: every rule of the domain, located to the cell, in the operator's language.
static const char kUsage[] =
    R"(Check records against every rule of the schema and say which cells are wrong and
why — in Chinese by default.

FILE is a record stream (vetimport's JSON Lines) or a spreadsheet / CSV, read through the
same importer. With no FILE, the record stream is read from standard input. Diagnostics are
the product: they go to standard output (or -o). With --pass, standard output carries the
records instead and diagnostics go to standard error (or --report).

Examples:
  vetvalidate 双峰县退役军人信息采集表.xlsx                 # the operator's check
  vetvalidate --annotate 双峰县-标注.xlsx 双峰县.xlsx        # a copy with bad cells marked
  vetimport *.xlsx | vetvalidate --pass valid | vetmerge -  # in a pipeline
  vetvalidate --format json --lang en batch.jsonl > findings.jsonl
)";

#include "cli/common.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "schema/rules.h"
#include "validate/annotate.h"
#include "validate/session.h"

using namespace vetkit;

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetvalidate");
  CommonOptions common;
  common.format = "text";
  std::vector<std::string> files;
  SessionOptions options;
  std::string pass = "none", report_path, annotate_path, config_path, today, encoding = "auto";
  addCommonOptions(app, &common,
                   kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet | kOptNoMask,
                   "text (compiler-style lines) or json (one object per line)");
  app.get_option("--format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  app.add_option("files", files, "Record streams, spreadsheets or CSV files; - is stdin")
      ->type_name("FILE");
  app.add_option("--pass", pass,
                 "Write records on to the output: all (with _issues), valid or invalid")
      ->check(CLI::IsMember({"none", "all", "valid", "invalid"}))
      ->capture_default_str();
  app.add_option("--report", report_path, "With --pass, write diagnostics to FILE, not stderr")
      ->type_name("FILE");
  app.add_option("--annotate", annotate_path,
                 "Write a copy of the (single) spreadsheet input with faulty cells marked")
      ->type_name("OUT.xlsx");
  app.add_option("--max-errors", options.max_errors, "Stop after N errors")->type_name("N");
  app.add_option("--config", config_path, "Site rule overrides (rules: {code: error|warning|off})")
      ->type_name("FILE");
  app.add_option("--photos", options.validate.photos_dir,
                 "Check each record's photo file in DIR (photo-missing, photo-invalid)")
      ->type_name("DIR");
  app.add_option("--today", today, "Judge future dates against DATE (default: today)")
      ->type_name("DATE");
  addSpreadsheetOptions(app, &options.import.sheet, &options.import.header_row, &encoding);
  addMaxInflatedOption(app, &options.import.csv.max_inflated);
  MappingOptions mapping;
  addMappingOptions(app, &mapping);

  return runTool(app, argc, argv, [&]() -> int {
    const std::string tool = "vetvalidate";
    if (!parseEncodingOption(tool, encoding, &options.import.csv.encoding)) return kExitTrouble;
    if (!parseTodayOption(tool, today, &options.validate.today)) return kExitTrouble;
    if (files.empty()) files.push_back("-");
    if (!annotate_path.empty() && (files.size() != 1 || isRecordStream(files[0]))) {
      printError(tool, "--annotate needs exactly one spreadsheet or CSV input");
      return kExitTrouble;
    }
    options.pass = pass == "all"       ? PassMode::All
                   : pass == "valid"   ? PassMode::Valid
                   : pass == "invalid" ? PassMode::Invalid
                                       : PassMode::None;
    options.format = common.format == "json" ? DiagFormat::Json : DiagFormat::Text;
    options.validate.lang = options.import.lang = common.lang;
    options.validate.mask = !common.no_mask;
    options.keep = !annotate_path.empty();

    std::string err;
    auto schema = common.loadSchema(&err);
    RuleSet rules;
    if (!schema || !RuleSet::loadForSite(*schema, config_path, &rules, &err)) {
      printError(tool, err);
      return kExitTrouble;
    }
    Profile profile;
    if (!loadMappingOptions(tool, *schema, mapping, common.lang, &profile, &options.import))
      return kExitTrouble;

    // Diagnostics are the product on stdout, unless records are passed on there.
    AtomicFile diagnostics, records;
    bool passing = options.pass != PassMode::None;
    if (passing) {
      if (!records.open(common.output, &err)) return printError(tool, err), int(kExitTrouble);
      if (report_path.empty()) {
        diagnostics.openDescriptor(2);
      } else if (!diagnostics.open(report_path, &err)) {
        return printError(tool, err), int(kExitTrouble);
      }
    } else if (!diagnostics.open(report_path.empty() ? common.output : report_path, &err)) {
      return printError(tool, err), int(kExitTrouble);
    }

    ValidationSession session(*schema, rules, options, &diagnostics, passing ? &records : nullptr);
    // No progress line while diagnostics go to standard error (--pass without --report), or
    // while what is written goes to the terminal.
    bool diagnostics_on_stderr = passing && report_path.empty();
    bool to_stdout = common.output == "-" && (passing || report_path.empty());
    ProgressDisplay progress(
        tool, schema->messages(), common.lang,
        !diagnostics_on_stderr && ProgressDisplay::wanted(common.quiet, to_stdout));
    for (const std::string& f : files) session.run(f);
    progress.stop();

    int status = session.exitStatus();
    if (!annotate_path.empty()) {
      AnnotateOptions annotate;
      annotate.lang = common.lang;
      annotate.messages = &schema->messages();
      annotate.csv = options.import.csv;
      if (!writeAnnotatedWorkbook(files[0], session.kept(), annotate_path, annotate, &err)) {
        printError(tool, err);
        status = kExitTrouble;
      }
    }
    if (!diagnostics.commit(&err) || (passing && !records.commit(&err))) {
      printError(tool, err);
      return int(kExitTrouble);
    }
    if (!common.quiet) std::fprintf(stderr, "%s\n", session.summaryLine().c_str());
    return status;
  });
}
