// vetmerge's options about the store and the city set — where it is, and what to read from
// it (--export, --history, --for, --extracts, the manifest and the province's check) — so
// that the tool's main stays thin. The merge's own options stay in the tool.
#pragma once

#include "merge/extract.h"
#include "merge/session.h"

namespace CLI {
class App;
}

namespace vetkit {

/// Adds --db, --export, --history, --manifest, --check-set, --inputs, --for and --extracts.
void addStoreOptions(CLI::App& app, MergeRequest* request, ExtractRequest* extract);

}  // namespace vetkit
