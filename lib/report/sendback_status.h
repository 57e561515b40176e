// Where the send-back loop stands (vetreport --sendback-status): per round and county, the
// items sent, those closed (the store no longer yields them: the re-submitted data no longer
// has the problem, the person got collected), those answered but still open (the county
// replied to that round's package or a later one, the problem is still there), those still open
// without a reply, and those new since that round (yielded now, not in it). An item is closed as
// soon as no county's package of today would hold it: a cross-county item closes when either county
// fixes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/table.h"
#include "schema/schema.h"
#include "store/sendback_log.h"

namespace vetkit {

/// What the store's log says was sent and answered, against the items the store yields now.
struct SendbackHistory {
  std::vector<SendbackRound> rounds;
  std::vector<std::pair<int64_t, SendbackLogItem>> items;  // round, item
  std::vector<SendbackReply> replies;
};

/// One row per round and county of that round (and per county with new items only), by round
/// then county code.
std::vector<SendbackStatusRow> sendbackStatus(const SendbackHistory& history,
                                              const std::vector<SendbackLogItem>& now);
/// The rows as a report table (text, CSV, HTML).
ReportTable sendbackStatusTable(const std::vector<SendbackStatusRow>& rows, const Schema& schema,
                                Lang lang);
/// The rows as JSON: {"rounds":[{"round":1,"sent_at":…,"counties":[{"county":…,"name":…,
/// "sent":…,"closed":…,"answered":…,"open":…,"new":…}]}]} and a newline.
void writeSendbackStatusJson(const std::vector<SendbackStatusRow>& rows, const Schema& schema,
                             Lang lang, std::string* out);

}  // namespace vetkit
