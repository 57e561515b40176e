// vetmerge's engine: batches in, one record per person out — merged into a stream, or into
// the city's store — with every disagreement, possible duplicate and repeated key reported.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/line_output.h"
#include "import/importer.h"
#include "merge/identity.h"
#include "merge/survivorship.h"
#include "schema/schema.h"
#include "sign/trust.h"
#include "store/store.h"

namespace vetkit {

struct MergeOptions {
  KeySpec key;
  std::string unit;  // the unit whose batches these are; empty: attributed (unit_attribution.h)
  // With a store: a batch whose unit no source names is stored all the same (unit "") instead
  // of being refused.
  bool allow_no_unit = false;
  ImportOptions import;
  Lang lang = Lang::Zh;
  // A corrected re-submission that leaves out people its unit sent before: retire them
  // (true), or keep them current, marked `_absent_from` and reported (false, the default).
  bool retire_absent = false;
  std::string signer, key_id;  // recorded with each batch when no signature is checked
  // With a trust store each batch's FILE.vsig is verified and its signers recorded; a batch
  // whose signature fails is refused, and so is an unsigned one when signatures are required.
  const TrustStore* trust = nullptr;
  bool require_signed = false;
  // A batch older than its unit's newest merged batch is refused (batch_order.h) unless this.
  bool allow_older = false;
  // Test hook: called with a batch's path once its bytes are taken and its seal verified,
  // before its records are read (a test swaps the file there).
  std::function<void(const std::string& path)> after_verify;
  // Each FILE is a county's returned send-back package (sendback_replies.h): its revised
  // values merged as a batch of the county (--unit, else the file name's code), its replies
  // recorded on the items; nobody is absent for it.
  bool replies = false;
  std::string now;   // merged_at (UTC, ISO 8601); empty: the clock
  bool mask = true;  // mask identity numbers in diagnostics
};

struct MergeOutputs {
  LineOutput* records = nullptr;     // the merged stream (or the export)
  LineOutput* conflicts = nullptr;   // optional
  LineOutput* candidates = nullptr;  // optional
  DiagnosticSink diagnostic;         // duplicate keys, unit conflicts, absent people ...
};

struct MergeCounts {
  size_t inputs = 0, failed = 0, records = 0, people = 0, merged = 0;
  size_t conflicts = 0, candidates = 0, duplicates = 0, unit_conflicts = 0, absent = 0;
  size_t retired = 0;
  size_t refused = 0;    // batches refused for their signature (or a unit it may not vouch for)
  size_t replayed = 0;   // batches skipped: the same bytes were merged before
  size_t older = 0;      // batches refused: older than their unit's newest merged batch
  size_t no_unit = 0;    // batches refused: no source names their unit (--allow-no-unit)
  size_t corrected = 0;  // people brought back under the valid form of their number
  // The most people a merge into a store held in memory at once: those its batches and
  // decisions touched and those of a batch's unit it left out, never the whole store (issue 18).
  size_t held = 0;
};

/// What one vetmerge run is asked to do: merge FILEs into a stream (no store) or into the
/// store `db` names, or read that store (its current set, or one person's history).
struct MergeRequest {
  std::vector<std::string> files;
  std::string db, history, decisions, trusted;
  bool do_export = false;
  // The city set's manifest (set_manifest.h): written with --export to `output`, or read by
  // the province's check of the set FILE (check_set), county batches in `inputs`.
  std::string manifest, inputs, output = "-";
  bool check_set = false;

  bool reading() const { return do_export || !history.empty() || check_set; }
  /// False with `why` (a usage error, from `messages` in options.lang) for combinations that
  /// make no run; `output` and `format` are the -o and --format given.
  bool check(const MergeOptions& options, const std::string& output, const std::string& format,
             const Messages& messages, std::string* why) const;
};

/// What a merge needs beside its options, read from files: the schema, the survivorship
/// policy and, to check signatures, the trust store.
struct MergeSetup {
  std::unique_ptr<Schema> schema;
  MergePolicy policy;
  TrustStore trust;
  /// Loads the schema at `schema_path`, the policy (`policy_path`, or merge-policy.yaml beside
  /// the schema when empty), the key fields `key` into options->key and, when `trusted` is
  /// not empty, the trust store (options->trust then points at it); false with `err`.
  bool load(const std::string& schema_path, const std::string& policy_path, const std::string& key,
            const std::string& trusted, MergeOptions* options, std::string* err);
  /// The trust store `trusted` names (nothing when empty); options->trust then points at it.
  bool loadTrust(const std::string& trusted, MergeOptions* options, std::string* err);
};

class MergeSession {
 public:
  MergeSession(const Schema& schema, const MergePolicy& policy, MergeOptions options,
               MergeOutputs outputs);
  ~MergeSession();

  /// Reads adjudicated pairs (one JSON object a line: a, b — keys or candidate objects —
  /// and decision "same" or "different"); false with `err` for an unreadable or bad file.
  bool loadDecisions(const std::string& path, std::string* err);
  /// The store `--db` names, opened (or built aside when new), its own reasons worded in the
  /// session's language; null with `err`.
  std::unique_ptr<Store> openStore(const std::string& where, std::string* err) const;
  /// Does what `request` asks, in `store` (null: a stream merge). Returns the exit status.
  int run(const MergeRequest& request, Store* store);
  /// Merges `files` in memory and writes the merged stream. Returns the exit status.
  int mergeToStream(const std::vector<std::string>& files);
  /// Merges each file as one batch into `store`, one transaction per batch.
  int mergeToStore(Store& store, const std::vector<std::string>& files);
  /// Writes the store's current merged set.
  int exportStore(Store& store);
  /// Checks a city set against its sealed manifest (set_manifest.h). Returns the exit status.
  int checkSet(const MergeRequest& request);
  /// Writes every version of `key` in the store, oldest first, with its batch.
  int historyOf(Store& store, const std::string& key);

  const MergeCounts& counts() const { return counts_; }
  /// One line for people: what was merged and found.
  std::string summaryLine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  MergeCounts counts_;
};

}  // namespace vetkit
