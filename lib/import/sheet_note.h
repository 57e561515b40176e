// What a sheet says about itself above its header: the note row that names who filled it in
// (填报单位：冷水江市退役军人事务局, 采集单位：双峰县) and the title row (娄底市涟源市退役军人信息
// 采集表). A sheet without a 采集单位 column still belongs to a unit, and these rows are where
// the operator wrote it; the importer passes them on (`_unit_note`, `_title` on the sheet's
// first record) for the merge to attribute the batch (merge/unit_attribution.h).
#pragma once

#include <string>
#include <vector>

#include "io/sheet.h"

namespace vetkit {

struct SheetNote {
  std::string unit;   // the text after 填报单位/采集单位 (and its colon), trimmed
  std::string title;  // the first row above the header when it is one cell of text
};

/// Reads the rows of `head` above `header_row`.
SheetNote findSheetNote(const std::vector<Row>& head, int header_row);

}  // namespace vetkit
