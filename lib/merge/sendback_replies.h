// A county's returned send-back package read as a correction batch (vetmerge --db S --replies
// PACKAGE.xlsx; issue 16, item 4). The package is the workbook vetreport --split-by wrote
// for the county; the county filled 核实结果 / 修订值 / 说明 in its rows and sealed it (vetsign)
// like any batch. Each answered row names its item (问题编号); the item must be one of that
// county's packages in the store's log (store/sendback_log.h) and its person that county's
// (hukou or collecting unit), or the row is refused (a finding). Each 修订值 is normalised
// as the importer would read it and applied to the person's field: one new version per
// person, their current record with the values revised, merged as a batch of the county's
// unit. Every answered row's reply is recorded on its item with the batch.
#pragma once

#include <string>
#include <vector>

#include "import/record_source.h"
#include "schema/messages.h"
#include "schema/schema.h"
#include "store/store.h"

namespace vetkit {

/// A row refused: where, and why (a message code of messages.yaml and its arguments).
struct ReplyRefusal {
  std::string sheet;
  long row = 0;
  const char* code = "";
  MessageArgs args;
};

struct RepliesRead {
  std::vector<SendbackReply> replies;  // `batch` left 0: the caller knows it
  std::vector<ReplyRefusal> refused;
};

/// The county a returned package is from: `unit` when given, else the six-digit code its
/// file name begins with (431321-双峰县.xlsx, as vetreport names it); "" when neither.
std::string repliesCounty(const std::string& unit, const std::string& path);

/// Reads the package at `path` (`shown` names it in provenance) against the log and the
/// current set of `store` (inside the batch's transaction), sends the revised records to
/// `events.record` and fills `out`. False with `err` when the package cannot be read or the
/// store fails.
bool readReplies(const Schema& schema, Store& store, const std::string& path,
                 const std::string& shown, const std::string& county,
                 const RecordSourceEvents& events, RepliesRead* out, std::string* err);

}  // namespace vetkit
