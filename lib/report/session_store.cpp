// The one place where the report reads the city store: its current set as records, and each
// batch merged as a row of the report's batch table.
#include "core/text_catalogue.h"
#include "report/session.h"
#include "sign/digest.h"
#include "store/store_source.h"

namespace vetkit {

namespace {

// False only when the store can be read and has recorded no send-back round. Any doubt (no
// such store, a store without the log, an error) says true: the items are filed as before
// and the same error is met where it was.
bool mayHaveRounds(const std::string& db) {
  std::string err;
  std::unique_ptr<StoreReader> store = openStoreReader(db, &err);
  SendbackLog* log = store ? store->sendbackLog() : nullptr;
  bool any = false;
  return !log || !log->forEachRound([&](const SendbackRound&) { any = true; }) || any;
}

}  // namespace

bool ReportSession::runStore(const std::string& db, std::string* err) {
  db_ = db;
  auto onBatch = [this](int64_t, const BatchInfo& b) {
    BatchRow row;
    row.file = b.source;
    row.sha256 = b.sha256;
    row.unit = b.unit;
    row.time = b.merged_at;
    row.signer = b.signer;
    row.key_id = b.key_id;
    row.records = size_t(b.records);
    // Exactly what the merge recorded: a typed signer is not a verified one.
    row.signer_status = b.signer_status;
    row.unit_source = b.unit_source;
    row.verified_known = b.signer_status == "verified";
    row.verified = row.verified_known;
    addBatch(row);
  };
  // The report of a store shows where the send-back loop stands (writeReport()): today's
  // items as a round by hukou county would file them, merge and cross-check findings too.
  // Filed only when the store has rounds to set them against: the items grow with the
  // findings (every person's, in a store of many), and without rounds the table is not shown.
  if (!sendback_ && mayHaveRounds(db)) {
    status_now_.emplace(schema_, SendbackOptions{SendbackOptions::By::Hukou, options_.report.lang,
                                                 options_.validate.mask});
    for (const MergeConflict& c : merge_.conflicts) status_now_->addConflict(c);
    for (const CrossItem& c : cross_) status_now_->addCross(c);
  }
  RecordSourceEvents records = events();
  records.diagnostic = nullptr;  // the store's rows were records when they were merged
  if (readStoreRecords(schema_, db, records, onBatch, err, options_.report.lang)) return true;
  trouble_ = true;
  return false;
}

// The round just written, in the store: its time, each package's digest, every item. In the
// store's own write transaction (it waits for a merge), all or nothing.
bool ReportSession::recordRound(const std::string& dir, std::string* err) {
  std::unique_ptr<Store> store =
      Store::openOrCreate(db_, err, {&schema_.messages(), options_.report.lang});
  if (!store) return false;
  SendbackLog* log = store->sendbackLog();
  if (!log) return *err = db_ + ": " + tr("this store keeps no send-back rounds"), false;
  std::vector<SendbackLogPackage> packages;
  for (const auto& [county, p] : sendback_->packages()) {
    FileDigest digest;
    if (!digestFile(DigestAlgorithm::Sha256, dir + "/" + p.file, &digest, err)) return false;
    packages.push_back(
        {county, p.file, digest.hex,
         int64_t(p.problems.size() + p.missing.size() + p.cross.size() + p.to_collect.size())});
  }
  SendbackRound round;
  round.sent_at = options_.report.generated_at;
  round.outdir = dir;
  if (store->begin() && log->addRound(&round, packages, sendback_->logItems()) && store->commit() &&
      store->finish())
    return true;
  *err =
      db_ + ": " + tr("cannot record the send-back round: {reason}", {{"reason", store->error()}});
  store->rollback();
  return false;
}

bool ReportSession::readSendbackHistory(SendbackHistory* out, std::string* err) {
  std::unique_ptr<StoreReader> store =
      openStoreReader(db_, err, {&schema_.messages(), options_.report.lang});
  if (!store) return false;
  SendbackLog* log = store->sendbackLog();
  if (!log) return *err = db_ + ": " + tr("this store keeps no send-back rounds"), false;
  if (log->forEachRound([&](const SendbackRound& r) { out->rounds.push_back(r); }) &&
      log->forEachItem(
          [&](int64_t round, const SendbackLogItem& it) { out->items.emplace_back(round, it); }) &&
      log->forEachReply([&](const SendbackReply& r) { out->replies.push_back(r); }))
    return true;
  *err = db_ + ": " + store->error();
  return false;
}

}  // namespace vetkit
