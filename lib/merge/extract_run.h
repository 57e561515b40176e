// vetmerge's --for and --extracts (extract.h) run from the command line (store_options.h
// adds the options), so that the tool's main stays thin.
#pragma once

#include <functional>
#include <string>

#include "merge/extract.h"
#include "merge/session.h"

namespace vetkit {

/// What else the command line said that an extract needs.
struct ExtractContext {
  const Schema* schema = nullptr;
  std::string schema_path;              // --schema: departments/ is beside it
  const MergeRequest* merge = nullptr;  // --db, --export, FILEs, --history …
  std::string output;                   // -o
  std::string encoding;                 // --encoding: gbk writes a GB18030 CSV
  Lang lang = Lang::Zh;
  bool quiet = false;
};

/// Runs `request` (request.wanted()): the extract, recorded in the store, or the log to
/// standard output. Errors go to `error` (usage errors in `lang`, from messages.yaml).
/// Returns the exit status: 0, or 2 for trouble.
int runExtract(const ExtractRequest& request, const ExtractContext& context,
               const std::function<void(const std::string&)>& error);

}  // namespace vetkit
