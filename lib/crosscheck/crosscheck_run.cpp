#include "crosscheck/crosscheck_run.h"

#include "core/atomic_file.h"
#include "core/exit_status.h"
#include "store/store_source.h"

namespace vetkit {

namespace {

// --stat: only counts.
class NoFindings : public CrossSink {
 public:
  void finding(const CrossFinding&) override {}
  void finish(const CrossStats&) override {}
};

}  // namespace

int runCrossCheck(const Schema& schema, CrossRun* r, const DiagnosticSink& diag, std::string* err) {
  const CrossRun& run = *r;
  DepartmentProfile dept;
  if (!DepartmentProfile::load(DepartmentProfile::resolve(run.profile, run.schema_path), schema,
                               &dept, err))
    return kExitTrouble;
  AtomicFile out;
  if (!out.open(run.output, err)) return kExitTrouble;
  std::unique_ptr<CrossSink> sink =
      run.stat ? std::make_unique<NoFindings>() : makeCrossWriter(schema, dept, run.out, &out);
  CrossOptions check;
  check.import = run.import;
  if (!run.db.empty())
    check.read_ours = [&](const std::string&, const RecordSourceEvents& events, std::string* e) {
      return readStoreRecords(schema, run.db, events, nullptr, e, run.out.lang);
    };
  CrossStats stats;
  int status = crossCheck(schema, dept, run.ours, run.theirs, check, sink.get(), diag, &stats, err);
  if (status == kExitTrouble && !err->empty()) return kExitTrouble;  // the output is abandoned
  r->summary = crossSummary(schema, dept, stats, run.out.lang);
  if (run.stat) {
    std::string line = r->summary + "\n";
    out.write(line);
  }
  if (!out.commit(err)) return kExitTrouble;
  return status;
}

}  // namespace vetkit
