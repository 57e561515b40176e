// The city store read as records, for the tools that consume what vetmerge kept
// (vetreport --db, vetdiff --db): the current merged set, and the batches behind it.
#pragma once

#include <functional>
#include <string>

#include "import/record_source.h"
#include "store/store.h"

namespace vetkit {

/// Reads every current record of the store `path` names (which must exist: a report never
/// creates a store), parsed like any other input; `batch` is called for each batch merged.
/// Returns false with `err` set when the store cannot be read.
bool readStoreRecords(const Schema& schema, const std::string& path,
                      const RecordSourceEvents& events,
                      const std::function<void(int64_t id, const BatchInfo&)>& batch,
                      std::string* err, Lang lang = Lang::Zh);

/// Reads the records one batch of the store brought (as vetmerge kept them), for comparing
/// two batches: `batch` is its id or its source file's name as the batch table holds it.
bool readBatchRecords(const Schema& schema, const std::string& path, const std::string& batch,
                      const RecordSourceEvents& events, std::string* err, Lang lang = Lang::Zh);

}  // namespace vetkit
