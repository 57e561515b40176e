// One run of vetreport: inputs (record streams, spreadsheets, or the city store) read once,
// each record validated, counted and — with send-back — filed under its county; then the
// report written in one of its forms, or the send-back packages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/importer.h"
#include "import/record_source.h"
#include "report/aggregate.h"
#include "report/sendback.h"
#include "report/sendback_status.h"
#include "schema/rules.h"
#include "validate/validator.h"

namespace vetkit {

enum class ReportFormat { Text, Csv, Json, Html, Xlsx };

struct ReportSessionOptions {
  ValidateOptions validate;
  ImportOptions import;
  ReportOptions report;
  std::optional<SendbackOptions> sendback;  // set: send-back packages instead of the report
};

class ReportSession {
 public:
  /// Problems with inputs (a stream line that is not a record) go to `diagnostics`.
  ReportSession(const Schema& schema, const RuleSet& rules, ReportSessionOptions options,
                DiagnosticSink diagnostics);

  /// Reads one input; "-" is standard input read as a record stream. False with `err` when
  /// the input could not be read (the report would be incomplete; trouble() says so after).
  bool run(const std::string& path, std::string* err);
  /// Reads what the merge left to people (vetmerge --conflicts and --candidates files; either
  /// may be empty): tables in the report, and with send-back, a conflict between units filed
  /// under each of them. False with `err` when a file cannot be read or is not the merge's.
  bool readMergeFindings(const std::string& conflicts, const std::string& candidates,
                         std::string* err);
  /// Reads findings of cross-checks with departments (vetdiff --dept --format json files):
  /// tables in the report; with send-back, each is filed under the county it names. False with
  /// `err` when a file cannot be read or is not such findings.
  bool readCrossFindings(const std::vector<std::string>& files, std::string* err);
  /// Reads the city store (vetmerge --db): its current set, and its batches for the report.
  bool runStore(const std::string& db, std::string* err);

  enum class Written { Yes, ReaderGone, Failed };
  /// The report of everything read, in `format`, to `path` ("-" standard output); Failed with
  /// `err` when it could not be written, ReaderGone when standard output's reader went away.
  Written writeReport(ReportFormat format, const std::string& path, std::string* err);
  /// The send-back packages into `dir`; false with `err` on the first failure. Read from the
  /// store (runStore()), the round is recorded in it: the time, each package's SHA-256 and
  /// every item (store/sendback_log.h).
  bool writeSendback(const std::string& dir, std::string* err);
  /// Where the send-back loop stands (report/sendback_status.h): the store's rounds and
  /// replies against the items filed in this run, in `format` (text, CSV, JSON or HTML).
  Written writeSendbackStatus(ReportFormat format, const std::string& path, std::string* err);

  /// An input could not be read completely.
  bool trouble() const { return trouble_; }
  /// Send-back packages were filed (something goes back to a county).
  bool sendingBack() const { return sendback_ && !sendback_->packages().empty(); }
  /// Each finding is being filed as a send-back item, whose memory grows with the findings:
  /// with send-back, or reading a store that has recorded rounds (the table of where the loop
  /// stands); never for a plain report, which only counts.
  bool filingItems() const { return sendback_ || status_now_; }
  /// The closing line in the chosen language: the report's counts, or the packages written.
  std::string summaryLine() const;

  /// Counts one record (the events every reader calls).
  void add(Record& r);
  /// Declares a batch known from elsewhere (the store).
  void addBatch(const BatchRow& batch);

 private:
  RecordSourceEvents events();
  // In session_store.cpp: the round written to `dir` recorded in the store; its log read.
  bool recordRound(const std::string& dir, std::string* err);
  bool readSendbackHistory(SendbackHistory* out, std::string* err);

  const Schema& schema_;
  ReportSessionOptions options_;
  DiagnosticSink diagnostics_;
  Validator validator_;
  Aggregator aggregator_;
  std::optional<Sendback> sendback_;
  // A report of the store (no send-back written): today's items, filed as a round would file
  // them, for the table of where the loop stands when the store has rounds.
  std::optional<Sendback> status_now_;
  std::optional<Report> report_;
  std::vector<Diagnostic> diags_;
  MergeFindings merge_;
  std::vector<CrossItem> cross_;  // --findings, counted into the report's tables
  std::string outdir_;
  std::string db_;  // the store read (runStore()), where a send-back round is recorded
  bool trouble_ = false;
};

/// The format a file name asks for (.html, .xlsx, .csv, .json) when none is given; else Text.
ReportFormat reportFormatFromName(const std::string& path);
/// The format --format names (text, csv, json, html, xlsx); with `name` empty, the one `path`
/// asks for (reportFormatFromName()).
ReportFormat reportFormatFor(const std::string& name, const std::string& path);

}  // namespace vetkit
