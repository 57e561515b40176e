// Which unit a batch belongs to. A county's sheet does not always say it in a 采集单位 column,
// yet a batch stored without a unit is nobody's: the report's county column reads （未填）, its
// send-back package is unknown.xlsx and a cross-county warning names an empty county. So the
// unit is taken from the first of these that names one, and the source is recorded on the
// batch (batch.unit_source):
//   option    --unit CODE, the operator's word
//   records   the records' own 采集单位
//   note      the sheet's note row (填报单位：冷水江市退役军人事务局)
//   title     the sheet's title row (娄底市涟源市退役军人信息采集表)
//   signer    the unit of the key that sealed the batch (verified signatures only)
//   file-name a county's name or code in the file's name (双峰县…(最终版)(2).xlsx)
// Every other source that names a different unit is reported: someone must look.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/schema.h"

namespace vetkit {

enum class UnitSource { Option, Records, Note, Title, Signer, FileName, None };

/// The name a batch row records: "option", "records", "note", "title", "signer", "file-name",
/// or "none".
const char* unitSourceName(UnitSource source);

/// The unit `text` names: a unit's code (bounded by non-digits) or label found inside it.
/// Null when it names none, or several different units.
const CodeEntry* unitNamedIn(const CodeTable& units, std::string_view text);

/// What a batch says of its unit, each as found (empty: silent).
struct UnitClues {
  std::string option;   // --unit: a code or a label
  std::string records;  // the first record's unit
  std::string note, title;
  std::string signer;  // the verified signer's unit (a GB/T 2260 code)
  std::string file;    // the input's path
};

struct UnitAttribution {
  std::string unit;  // a code of the units table (or the option/records value as given)
  UnitSource source = UnitSource::None;
  /// The other sources that name a different unit, with the unit each names.
  std::vector<std::pair<UnitSource, std::string>> disagree;
};

/// The unit of a batch from its clues, in the order above.
UnitAttribution attributeUnit(const Schema& schema, const UnitClues& clues);

}  // namespace vetkit
