// The city set's manifest (issue 13, finding 8): which county batches are behind the current
// set. A countersignature covers only the batches of the run that made it; the set holds people
// from every batch ever merged. So the export writes, beside the set, a manifest naming every
// batch that still has a live version in it — file name, SHA-256, unit, signer, how the signer
// was established, its time — and the set's own SHA-256; the city seals the manifest with
// `vetsign sign` (role city). The province then checks, with the county batches at hand:
//   1. the manifest's seal verifies against its trust store, by a city key;
//   2. the manifest names this set (its SHA-256);
//   3. each batch it names is there with that SHA-256, and its county seal verifies (a county
//      key, for the batch's unit);
//   4. each record of the set comes from (`_sources`: batch ids) a batch of the manifest that
//      passed 3. A record with no such batch is a finding;
//   5. each value of each record occurs in that person's row of one of the batches it names
//      (set_values.h). A value no such row holds was changed after the county seal: a finding.
//
// Format, one JSON object a line (UTF-8):
//   {"manifest":"vetkit-city-set/1","set":"city.jsonl","set_sha256":"…","records":N,"batches":M}
//   {"batch":7,"file":"双峰县.xlsx","sha256":"…","unit":"431321","records":N,
//    "signer":"…","key_id":"…","signer_status":"verified","signed_at":"…"}   -- one per batch
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/diag.h"
#include "import/importer.h"
#include "merge/identity.h"
#include "schema/messages.h"
#include "sign/trust.h"
#include "store/store.h"

namespace vetkit {

/// Collects, line by line, what a manifest says of the set being exported.
class SetManifestWriter {
 public:
  SetManifestWriter();
  ~SetManifestWriter();
  /// One exported line of the set (with its newline), as written.
  void add(std::string_view line);
  /// Writes the manifest of the set named `set_name` to `path` (atomically), with each batch
  /// seen from `store`; false with `err`.
  bool write(StoreReader& store, const std::string& set_name, const std::string& path,
             std::string* err);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SetCheckRequest {
  std::string set, manifest, inputs;  // manifest: empty = SET.manifest; inputs: empty = beside
  const TrustStore* trust = nullptr;
  Lang lang = Lang::Zh;
  KeySpec key;           // the identity key the city merged on
  ImportOptions import;  // how the batches are read (--profile, --map, --sheet)
  bool mask = true;      // identity numbers masked in findings
};

struct SetCheckCounts {
  size_t records = 0, batches = 0, bad_batches = 0, uncovered = 0;
  size_t forged = 0;  // values that no row of the record's batches holds (step 5)
};

/// Checks the set against its manifest (steps 1–5 above), reporting each finding to `sink`.
/// Returns the exit status: 0 every record covered by a verified batch and every value found
/// in one, 1 findings, 2 trouble.
int checkSetManifest(const SetCheckRequest& request, const Schema& schema,
                     const DiagnosticSink& sink, SetCheckCounts* counts);

}  // namespace vetkit
