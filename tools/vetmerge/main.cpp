// vetmerge: one person once — county batches merged into one stream or the city's store.
static const char kUsage[] =
    R"(Merge batches of records into one record per person, keyed on the identity number,
and report every disagreement, possible duplicate and repeated person.

Usage: vetmerge [OPTIONS] FILE...
       vetmerge --db STORE [OPTIONS] FILE...      merge into the city database
       vetmerge --db STORE --export [-o FILE [--manifest M]]  its current merged set
       vetmerge --db STORE --export --for PROFILE -o FILE.xlsx  a department's extract
       vetmerge --db STORE --history KEY          every version of one person
       vetmerge --check-set --trusted DIR [--inputs DIR] SET   the province's check

FILE is a record stream or a spreadsheet / CSV; - is standard input. With --db each FILE
is one batch of one unit, merged in one transaction, oldest first; vetmerge(1) tells how its
unit is found, signatures checked, absent people kept and the city's manifest written.

Examples:
  vetmerge --conflicts conflicts.jsonl --candidates pairs.jsonl *.jsonl > city.jsonl
  vetmerge --db city.sqlite --export --for gongan -o 公安.xlsx  # logged: vetmerge --extracts
  vetmerge --db city.sqlite --trusted keys/ --require-signed 娄星区.jsonl  # signed batches only
  vetmerge --check-set --trusted keys/ --inputs batches/ city.jsonl  # vs city.jsonl.manifest)";

#include "cli/common.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "merge/extract_run.h"
#include "merge/session.h"
#include "merge/store_options.h"
#include "record/csv_output.h"

using namespace vetkit;

int main(int argc, char** argv) {
  CLI::App app(kUsage, "vetmerge");
  CommonOptions common;
  MergeRequest req;
  std::string key = "id_number", policy_path, conflicts_path, candidates_path, encoding = "auto";
  MergeOptions options;
  MappingOptions mapping;
  common.format = "jsonl";
  addCommonOptions(app, &common,
                   kOptOutput | kOptSchema | kOptFormat | kOptLang | kOptQuiet | kOptNoMask,
                   "jsonl (the record stream) or csv (the same records as UTF-8 CSV)");
  app.get_option("--format")->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  app.add_option("files", req.files, "Record streams, spreadsheets or CSV files; - is stdin")
      ->type_name("FILE");
  app.add_option("--key", key, "The identity key: a field, or fields joined by commas")
      ->type_name("FIELD[,FIELD]")
      ->capture_default_str();
  app.add_option("--policy", policy_path,
                 "Survivorship rules (default: merge-policy.yaml beside the schema)")
      ->type_name("FILE");
  app.add_option("--conflicts", conflicts_path, "Write one JSON object per conflicting field")
      ->type_name("FILE");
  app.add_option("--candidates", candidates_path,
                 "Write one JSON object per possible duplicate pair")
      ->type_name("FILE");
  app.add_option("--decisions", req.decisions,
                 "Adjudicated pairs ({a, b, decision: same|different}) to apply")
      ->type_name("FILE");
  app.add_option("--unit", options.unit,
                 "The unit these batches belong to (default: their records' 采集单位, else "
                 "the sheet's 填报单位 note or title, the signer's unit, the file name)")
      ->type_name("CODE");
  app.add_flag("--allow-no-unit", options.allow_no_unit,
               "With --db: store a batch whose unit no source names (refused otherwise)");
  app.add_flag("--retire-absent", options.retire_absent,
               "With --db: a re-submission retires the people of its unit it leaves out");
  app.add_option("--signer", options.signer, "With --db: record who sealed the batches")
      ->type_name("NAME");
  app.add_option("--key-id", options.key_id, "With --db: record the sealing key's id")
      ->type_name("ID");
  app.add_option("--trusted", req.trusted,
                 "With --db: verify each FILE against FILE.vsig with the keys in DIR (or a "
                 "trust file) and record its signers")
      ->type_name("DIR");
  app.add_flag("--require-signed", options.require_signed,
               "With --trusted: refuse a batch without a valid signature (exit 1)");
  app.add_flag("--replies", options.replies, "With --db: FILEs are returned send-back packages");
  app.add_flag("--allow-older", options.allow_older,
               "With --db: merge a batch older than its unit's newest merged batch");
  addSpreadsheetOptions(app, &options.import.sheet, &options.import.header_row, &encoding);
  addMaxInflatedOption(app, &options.import.csv.max_inflated);
  addMappingOptions(app, &mapping);
  ExtractRequest extract;
  addStoreOptions(app, &req, &extract);
  return runTool(app, argc, argv, [&]() -> int {
    const std::string tool = "vetmerge";
    auto usage = [&](const std::string& msg) { return printError(tool, msg), int(kExitTrouble); };
    if (!parseEncodingOption(tool, encoding, &options.import.csv.encoding)) return kExitTrouble;
    std::string err;
    MergeSetup setup;
    options.lang = options.import.lang = common.lang;
    common.speak();
    if (!setup.load(common.schemaPath(), policy_path, key, "", &options, &err)) return usage(err);
    const Schema* schema = setup.schema.get();
    Profile profile;
    if (!loadMappingOptions(tool, *schema, mapping, common.lang, &profile, &options.import))
      return kExitTrouble;
    if (extract.wanted())
      return runExtract(
          extract,
          {schema, common.schemaPath(), &req, common.output, encoding, common.lang, common.quiet},
          [&](const std::string& m) { printError(tool, m); });
    if (!req.check(options, common.output, common.format, schema->messages(), &err) ||
        !setup.loadTrust(req.trusted, &options, &err))
      return usage(err);
    bool reading = req.reading();
    req.output = common.output;
    options.mask = !common.no_mask;
    AtomicFile records, conflicts, candidates;
    MergeOutputs outputs;
    bool to_stdout = req.db.empty() || reading;
    if (to_stdout && !records.open(common.output, &err)) return usage(err);
    if (!conflicts_path.empty() && !conflicts.open(conflicts_path, &err)) return usage(err);
    if (!candidates_path.empty() && !candidates.open(candidates_path, &err)) return usage(err);
    CsvRecordOutput csv(*schema, {"_id15", "_extra", "_sources", "_absent_from", "_version"},
                        &records);
    outputs.records = common.format == "csv" ? static_cast<LineOutput*>(&csv) : &records;
    if (!conflicts_path.empty()) outputs.conflicts = &conflicts;
    if (!candidates_path.empty()) outputs.candidates = &candidates;
    bool bad_lines = false;  // a stream line not a record: trouble (exit 2), the rest merged
    outputs.diagnostic = [&](const Diagnostic& d) {
      if (d.code == "bad-line") bad_lines = true;
      printDiagnostic(tool, d);
    };
    MergeSession session(*schema, setup.policy, options, outputs);
    ProgressDisplay progress(
        tool, schema->messages(), common.lang,
        !reading && ProgressDisplay::wanted(common.quiet, to_stdout && common.output == "-"));
    if (!req.decisions.empty() && !session.loadDecisions(req.decisions, &err)) return usage(err);
    std::unique_ptr<Store> store;  // a missing one is built aside, in place when complete
    if (!req.db.empty() && !(store = session.openStore(req.db, &err))) return usage(err);
    int status = session.run(req, store.get());
    progress.stop();
    if (bad_lines) status = worstStatus(status, kExitTrouble);
    if (to_stdout && common.format == "csv") csv.finish();
    if ((to_stdout && !records.commit(&err)) ||
        (!conflicts_path.empty() && !conflicts.commit(&err)) ||
        (!candidates_path.empty() && !candidates.commit(&err)))
      return usage(err);
    if (!common.quiet && (!reading || req.check_set))
      std::fprintf(stderr, "%s\n", session.summaryLine().c_str());
    return status;
  });
}
