// The one place where the report reads the city store: its current set as records, and each
// batch merged as a row of the report's batch table.
#include "report/session.h"
#include "store/store_source.h"

namespace vetkit {

bool ReportSession::runStore(const std::string& db, std::string* err) {
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
  RecordSourceEvents records = events();
  records.diagnostic = nullptr;  // the store's rows were records when they were merged
  if (readStoreRecords(schema_, db, records, onBatch, err, options_.report.lang)) return true;
  trouble_ = true;
  return false;
}

}  // namespace vetkit
