// The collection report's numbers, gathered in one pass over the records: counts by unit,
// category and township, completeness of required fields, validator findings per rule,
// the distributions the notice asks about, honour-plaque progress, and the batches read.
// Memory grows with the number of units, townships, rules and batches, never with records
// (the appeal phrases are counted in a capped table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/diag.h"
#include "record/record.h"
#include "report/cross_summary.h"
#include "report/merge_findings.h"
#include "schema/schema.h"

namespace vetkit {

struct ReportOptions {
  Lang lang = Lang::Zh;
  std::string report_date;     // the date the report speaks of (YYYY-MM-DD)
  std::string generated_at;    // when it was made, Beijing time (YYYY-MM-DD HH:MM)
  size_t top_phrases = 20;     // appeal phrases listed
  size_t phrase_cap = 20000;   // distinct phrases counted before rare ones are dropped
  size_t verbatim_shown = 50;  // unrecognised units and categories shown as typed, per kind
};

/// Everything the report says about one collecting unit.
struct UnitStats {
  size_t records = 0, with_errors = 0, with_warnings = 0;
  std::map<std::string, size_t> by_category;  // category code (verbatim when not a code)
  std::vector<size_t> required, present;      // by field index: required for the category,
                                              // and of those, present
  std::map<std::string, size_t> problems;     // rule code -> findings
  std::vector<size_t> applicable, filled;     // by field index: records the item concerns
                                              // (Schema::applies), and of those, filled in
  // The plaque: records of the categories it is hung for, and of those, hung or not.
  size_t plaque_entitled = 0, plaque_hung = 0, plaque_not_hung = 0, plaque_dated = 0;
  size_t photo = 0;  // records with a photo
};

/// The honour plaque's progress in one township of one unit.
struct PlaqueProgress {
  size_t entitled = 0, hung = 0, not_hung = 0;
};

/// The people of one hukou county: how many, and how many its own office collected.
struct HukouStats {
  size_t records = 0, own_unit = 0;
};

/// How the values of one field are spread: members of a code set count once each.
struct Distribution {
  const Field* field = nullptr;
  std::map<std::string, size_t> counts;  // code, "true"/"false" for yes/no, verbatim otherwise
  size_t absent = 0;
};

/// One batch (input file) in the report: from `_src` for streams, from the store's batch table.
struct BatchRow {
  std::string file, sha256, unit, time, signer, key_id;
  size_t records = 0;
  bool verified_known = false, verified = false;
  // From the store: "verified", "declared" or "none" (how the merge established the signer);
  // empty for a stream, where verified_known/verified say what was checked.
  std::string signer_status;
  // From the store: where the merge took the batch's unit from (BatchInfo::unit_source:
  // option, records, note, title, signer, file-name, none); empty when not recorded.
  std::string unit_source;
};

/// One round and county of the send-back loop (report/sendback_status.h).
struct SendbackStatusRow {
  int64_t round = 0;
  std::string sent_at, county;
  size_t sent = 0, closed = 0, answered = 0, open = 0, fresh = 0;
};

struct Report {
  size_t records = 0, with_errors = 0, with_warnings = 0, errors = 0, warnings = 0;
  std::map<std::string, UnitStats> units;  // unit code; "" when the record names none
  // (unit, township = the sheet name, category) -> records; only records read from a sheet.
  std::map<std::tuple<std::string, std::string, std::string>, size_t> townships;
  // (unit, township) -> the plaque's progress there; only records read from a sheet.
  std::map<std::pair<std::string, std::string>, PlaqueProgress> plaque_townships;
  // hukou county code ("" when the record's hukou names none) -> its people.
  std::map<std::string, HukouStats> hukou;
  std::map<std::string, Severity> rule_severity;  // as the validator reported it
  std::string report_date, generated_at;          // from ReportOptions
  std::vector<Distribution> distributions;
  size_t appeals = 0;  // records with an appeal
  std::vector<std::pair<std::string, size_t>> top_phrases;
  bool phrases_pruned = false;  // the cap was reached: counts of rare phrases are lower bounds
  std::vector<BatchRow> batches;
  MergeFindings merge;    // what the merge could not settle (vetreport --conflicts/--candidates)
  CrossSummary cross;     // cross-checks with departments (vetreport --findings)
  bool mask_keys = true;  // identity numbers in the merge tables masked
  // The send-back loop per round and county, when the store read has rounds (vetreport --db).
  std::vector<SendbackStatusRow> sendback_status;
};

/// The fields whose distributions the report shows (those the schema has).
std::vector<const Field*> distributionFields(const Schema& schema);

/// The clauses an appeal text is split into: at punctuation, blanks and line breaks, with
/// list numbering (1. 2、) dropped; clauses of fewer than 2 characters are skipped.
std::vector<std::string> appealPhrases(std::string_view text);

class Aggregator {
 public:
  Aggregator(const Schema& schema, ReportOptions options);

  /// Counts one record with the validator's findings about it.
  void add(const Record& r, const std::vector<Diagnostic>& diags);
  /// Declares a batch known from elsewhere (the store); records of streams name their own.
  void addBatch(const BatchRow& batch);
  /// The report; the aggregator is spent afterwards.
  Report finish();

 private:
  void countPhrases(std::string_view text);
  std::string bucket(std::string value, bool known, std::set<std::string>* verbatim) const;

  const Schema& schema_;
  ReportOptions options_;
  Report report_;
  const Field *category_ = nullptr, *unit_ = nullptr, *plaque_ = nullptr, *plaque_date_ = nullptr,
              *appeals_ = nullptr, *hukou_ = nullptr, *photo_ = nullptr;
  std::map<std::string, size_t> batch_index_;  // file -> index into report_.batches
  std::map<std::string, size_t> phrases_;
  std::set<std::string> verbatim_units_, verbatim_categories_;
  std::string last_src_;
  size_t last_batch_ = 0;
  bool declared_batches_ = false;
};

}  // namespace vetkit
