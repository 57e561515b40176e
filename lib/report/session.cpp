#include "report/session.h"

#include "core/atomic_file.h"
#include "report/output.h"

namespace vetkit {

ReportSession::ReportSession(const Schema& schema, const RuleSet& rules,
                             ReportSessionOptions options, DiagnosticSink diagnostics)
    : schema_(schema),
      options_(std::move(options)),
      diagnostics_(std::move(diagnostics)),
      validator_(schema, rules, options_.validate),
      aggregator_(schema, options_.report) {
  if (options_.sendback) sendback_.emplace(schema, *options_.sendback);
}

void ReportSession::add(Record& r) {
  diags_.clear();
  validator_.check(r, &diags_);
  aggregator_.add(r, diags_);
  if (sendback_) sendback_->add(r, diags_);
  if (status_now_) status_now_->add(r, diags_);
}

void ReportSession::addBatch(const BatchRow& batch) {
  aggregator_.addBatch(batch);
}

RecordSourceEvents ReportSession::events() {
  RecordSourceEvents events;
  events.record = [this](Record& r) {
    add(r);
    return true;
  };
  // Importer findings about columns are vetvalidate's to report; a stream line that is not a
  // record means the report would be incomplete.
  events.diagnostic = [this](const Diagnostic& d) {
    if (d.code != "bad-line") return;
    if (diagnostics_) diagnostics_(d);
    trouble_ = true;
  };
  return events;
}

bool ReportSession::run(const std::string& path, std::string* err) {
  if (readRecords(schema_, path, options_.import, events(), err)) return true;
  *err = path + ": " + *err;
  trouble_ = true;
  return false;
}

bool ReportSession::readMergeFindings(const std::string& conflicts, const std::string& candidates,
                                      std::string* err) {
  if (!conflicts.empty() && !readConflicts(conflicts, &merge_, err)) return false;
  if (!candidates.empty() && !readCandidates(candidates, &merge_, err)) return false;
  if (sendback_)
    for (const MergeConflict& c : merge_.conflicts) sendback_->addConflict(c);
  return true;
}

bool ReportSession::readCrossFindings(const std::vector<std::string>& files, std::string* err) {
  std::vector<CrossItem> items;
  for (const std::string& f : files)
    if (!readCrossItems(f, &items, err)) return false;
  CrossSummary check;  // an unknown kind is refused before anything is filed
  if (!summarizeCross(items, &check, err)) return false;
  if (sendback_)
    for (const CrossItem& c : items) sendback_->addCross(c);
  else
    cross_.insert(cross_.end(), std::make_move_iterator(items.begin()),
                  std::make_move_iterator(items.end()));
  return true;
}

ReportSession::Written ReportSession::writeReport(ReportFormat format, const std::string& path,
                                                  std::string* err) {
  SendbackHistory history;
  if (status_now_ && !readSendbackHistory(&history, err)) return Written::Failed;
  report_ = aggregator_.finish();
  if (!history.rounds.empty())
    report_->sendback_status = sendbackStatus(history, status_now_->logItems());
  report_->merge = std::move(merge_);
  if (!summarizeCross(cross_, &report_->cross, err)) return Written::Failed;
  report_->mask_keys = options_.validate.mask;
  const Report& report = *report_;
  Lang lang = options_.report.lang;
  std::vector<ReportTable> tables = reportTables(report, schema_, lang);
  if (format == ReportFormat::Xlsx)
    return writeXlsxReport(report, tables, path, err) ? Written::Yes : Written::Failed;
  std::string text;
  switch (format) {
    case ReportFormat::Json:
      writeJsonReport(report, schema_, &text);
      break;
    case ReportFormat::Csv:
      writeCsvReport(tables, &text);
      break;
    case ReportFormat::Html:
      writeHtmlReport(report, schema_, lang, tables, &text);
      break;
    default:
      writeTextReport(tables, &text);
      break;
  }
  AtomicFile out;
  if (!out.open(path, err)) return Written::Failed;
  out.write(text);
  if (out.commit(err)) return Written::Yes;
  return out.brokenPipe() ? Written::ReaderGone : Written::Failed;
}

bool ReportSession::writeSendback(const std::string& dir, std::string* err) {
  outdir_ = dir;
  return sendback_->write(dir, err) && (db_.empty() || recordRound(dir, err));
}

ReportSession::Written ReportSession::writeSendbackStatus(ReportFormat format,
                                                          const std::string& path,
                                                          std::string* err) {
  SendbackHistory history;
  if (!readSendbackHistory(&history, err)) return Written::Failed;
  std::vector<SendbackStatusRow> rows = sendbackStatus(history, sendback_->logItems());
  Lang lang = options_.report.lang;
  std::vector<ReportTable> tables{sendbackStatusTable(rows, schema_, lang)};
  if (format == ReportFormat::Xlsx)
    return writeXlsxReport(Report{}, tables, path, err) ? Written::Yes : Written::Failed;
  std::string text;
  if (format == ReportFormat::Json)
    writeSendbackStatusJson(rows, schema_, lang, &text);
  else if (format == ReportFormat::Html)
    writeHtmlTables(schema_, lang, tables.front().title, tables, &text);
  else if (format == ReportFormat::Csv)
    writeCsvReport(tables, &text);
  else
    writeTextReport(tables, &text);
  AtomicFile out;
  if (!out.open(path, err)) return Written::Failed;
  out.write(text);
  if (out.commit(err)) return Written::Yes;
  return out.brokenPipe() ? Written::ReaderGone : Written::Failed;
}

std::string ReportSession::summaryLine() const {
  Lang lang = options_.report.lang;
  if (sendback_) {
    size_t problems = 0, missing = 0;
    for (const auto& [county, p] : sendback_->packages()) {
      problems += p.problems.size();
      missing += p.missing.size();
    }
    return schema_.messages().format("report-sendback-done", lang,
                                     {{"packages", std::to_string(sendback_->packages().size())},
                                      {"problems", std::to_string(problems)},
                                      {"missing", std::to_string(missing)},
                                      {"dir", outdir_}});
  }
  if (!report_) return "";
  return schema_.messages().format("report-done", lang,
                                   {{"records", std::to_string(report_->records)},
                                    {"units", std::to_string(report_->units.size())},
                                    {"with_errors", std::to_string(report_->with_errors)}});
}

ReportFormat reportFormatFromName(const std::string& path) {
  static const std::pair<const char*, ReportFormat> kExtensions[] = {{".html", ReportFormat::Html},
                                                                     {".xlsx", ReportFormat::Xlsx},
                                                                     {".csv", ReportFormat::Csv},
                                                                     {".json", ReportFormat::Json}};
  for (const auto& [dot, format] : kExtensions) {
    std::string_view ext = dot;
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
      return format;
  }
  return ReportFormat::Text;
}

ReportFormat reportFormatFor(const std::string& name, const std::string& path) {
  static const std::pair<const char*, ReportFormat> kNames[] = {{"text", ReportFormat::Text},
                                                                {"csv", ReportFormat::Csv},
                                                                {"json", ReportFormat::Json},
                                                                {"html", ReportFormat::Html},
                                                                {"xlsx", ReportFormat::Xlsx}};
  for (const auto& [n, format] : kNames)
    if (name == n) return format;
  return reportFormatFromName(path);
}

}  // namespace vetkit
