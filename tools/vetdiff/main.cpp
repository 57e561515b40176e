// vetdiff: who was added, removed or changed between two batches, and exactly which fields.
static const char kUsage[] =
    R"(Compare two batches of records field by field: who was added, removed or changed.

Usage: vetdiff [OPTIONS] OLD NEW
       vetdiff --dept PROFILE [OPTIONS] OURS THEIRS

OLD and NEW are record streams, spreadsheets or CSV files; - is standard input (for one of
them). Records are paired by the identity number or --key and compared on canonical values
(vetdiff(1) tells what is no change); a key seen twice on one side is reported on stderr.

Examples:
  vetdiff 2026-10.jsonl 2026-11.jsonl                 # this month against last
  vetdiff --format csv -o 变更.csv 县报.xlsx 市存.jsonl  # for the auditor's sheet
  vetdiff --db city.sqlite 3 8          # two batches of the city store (ids or file names)
  vetdiff --dept gongan 市库.jsonl 公安户籍.csv        # cross-check with 公安 户籍
  vetdiff --dept renshe --format json -o 人社.jsonl --db city.sqlite - 人社参保.xlsx)";

#include <unistd.h>

#include <cstdlib>

#include "cli/common.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "core/text_catalogue.h"
#include "crosscheck/crosscheck_run.h"
#include "diff/diff.h"
#include "diff/diff_output.h"
#include "store/store_source.h"

using namespace vetkit;

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetdiff");
  CommonOptions common;
  common.format = "text";
  std::vector<std::string> files;
  std::string key_list, ignore_list, only_list, color = "auto", encoding = "auto";
  bool stat = false;
  DiffOptions options;
  addCommonOptions(app, &common,
                   kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet | kOptNoMask,
                   "text (+ added, - removed, ~ changed field), json (one object per record) or "
                   "csv (one row per changed cell, for Excel)");
  app.get_option("--format")
      ->check(CLI::IsMember({"text", "json", "csv", "html"}))
      ->capture_default_str();
  app.add_option("files", files, "OLD and NEW: record streams, spreadsheets or CSV; - is stdin")
      ->type_name("FILE")
      ->expected(2)
      ->required();
  app.add_option("--key", key_list, "Pair records by these fields (default: the identity number)")
      ->type_name("FIELD[,FIELD]");
  auto* ignore = app.add_option("--ignore", ignore_list, "Do not compare these fields")
                     ->type_name("FIELD,...");
  app.add_option("--only", only_list, "Compare only these fields")
      ->type_name("FIELD,...")
      ->excludes(ignore);
  app.add_flag("--stat", stat, "Print counts (added, removed, changed, unchanged, per field)");
  app.add_option("--color", color, "Colour text output: auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  std::string db;
  app.add_option("--db", db,
                 "OLD and NEW are batches of this city store (vetmerge --db): ids or file names")
      ->type_name("STORE");
  CrossRun cross;
  app.add_option("--dept", cross.profile,
                 "Cross-check OURS against a department's extract THEIRS through its profile "
                 "(schemas/departments/NAME.yaml, or a file)")
      ->type_name("PROFILE")
      ->excludes("--key", "--only", ignore);
  addSpreadsheetOptions(app, &options.import.sheet, &options.import.header_row, &encoding);
  addMaxInflatedOption(app, &options.import.csv.max_inflated);
  MappingOptions mapping;
  addMappingOptions(app, &mapping);
  return runTool(app, argc, argv, [&]() -> int {
    const std::string tool = "vetdiff";
    std::string err;
    if (!parseEncodingOption(tool, encoding, &options.import.csv.encoding)) return kExitTrouble;
    if (files[0] == "-" && files[1] == "-")
      return printError(tool, tr("OLD and NEW cannot both be standard input")), int(kExitTrouble);
    auto schema = common.loadSchema(&err);
    if (!schema) return printError(tool, err), int(kExitTrouble);
    Profile profile;
    if (!loadMappingOptions(tool, *schema, mapping, common.lang, &profile, &options.import))
      return kExitTrouble;

    std::vector<const Field*> ignored, only;
    for (auto [option, list, fields] :
         {std::tuple{"--key", &key_list, &options.key},
          std::tuple{"--ignore", &ignore_list, &ignored}, std::tuple{"--only", &only_list, &only}})
      if (!list->empty() && !schema->fields(*list, fields, &err))
        return printError(tool, std::string(option) + ": " + err), int(kExitTrouble);
    size_t n = schema->fields().size();
    options.compared.assign(n, only.empty());
    for (const Field* f : only) options.compared[f->index] = true;
    for (const Field* f : ignored) options.compared[f->index] = false;
    options.extras = only.empty();  // --only names what is compared: nothing else
    options.import.lang = common.lang;
    options.mask = !common.no_mask;
    if (!cross.profile.empty()) {  // the cross-check with a department
      cross.schema_path = common.schemaPath(), cross.ours = files[0], cross.theirs = files[1];
      cross.output = common.output, cross.db = db, cross.stat = stat, cross.import = options.import;
      cross.out = {diffFormatNamed(common.format), common.lang, !common.no_mask};
      int status = runCrossCheck(
          *schema, &cross, [&](const Diagnostic& d) { printDiagnostic(tool, d); }, &err);
      if (status == kExitTrouble && !err.empty()) return printError(tool, err), int(kExitTrouble);
      if (!common.quiet && !stat) std::fprintf(stderr, "%s\n", cross.summary.c_str());
      return status;
    }
    if (!db.empty())
      options.read = [&](const std::string& batch, const RecordSourceEvents& events,
                         std::string* read_err) {
        return readBatchRecords(*schema, db, batch, events, read_err, common.lang);
      };

    bool colour = color == "always" || (color == "auto" && common.output == "-" && isatty(1) &&
                                        !std::getenv("NO_COLOR"));
    DiffOutputOptions out_options{
        diffFormatNamed(common.format), stat, common.lang, !common.no_mask, colour, options.key};

    AtomicFile out;
    if (!out.open(common.output, &err)) return printError(tool, err), int(kExitTrouble);
    auto writer = makeDiffWriter(*schema, out_options, &out);
    DiffStats stats;
    ProgressDisplay progress(
        tool, schema->messages(), common.lang,
        db.empty() && ProgressDisplay::wanted(common.quiet, common.output == "-"));
    int status = diffBatches(
        *schema, files[0], files[1], options, writer.get(),
        [&](const Diagnostic& d) { printDiagnostic(tool, d); }, &stats, &err);
    progress.stop();
    if (status == kExitTrouble && !err.empty()) {
      printError(tool, err);
      return int(kExitTrouble);  // the output is abandoned: a diff of half a batch misleads
    }
    if (!out.commit(&err)) return printError(tool, err), int(kExitTrouble);
    if (!common.quiet && !stat) {
      std::string line = diffSummary(*schema, stats, common.lang) + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
    return status;
  });
}
