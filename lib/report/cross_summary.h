// The report's tables of cross-checks with departments (issue 16 item 6): what vetdiff --dept
// found (vetreport --findings FILE…), counted per department by kind and by the hukou county
// each item goes back to, and the people no county collected (不漏一人), per county. Every
// item counts once in its department's table; the not-collected table counts people, once
// each whatever the departments that name them.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "core/lang.h"
#include "report/merge_findings.h"

namespace vetkit {

struct CrossCounts {
  // disagree, only-ours, only-theirs, not-collected (the order of kCrossKinds).
  std::array<size_t, 4> by_kind{};
  size_t total() const { return by_kind[0] + by_kind[1] + by_kind[2] + by_kind[3]; }
  CrossCounts& operator+=(const CrossCounts& o) {
    for (size_t i = 0; i < by_kind.size(); ++i) by_kind[i] += o.by_kind[i];
    return *this;
  }
};

/// The kinds as vetdiff --dept writes them, in the tables' column order.
extern const char* const kCrossKinds[4];

struct CrossDepartment {
  std::string dept, department;               // gongan, 公安
  std::map<std::string, CrossCounts> county;  // county code ("" unknown) -> items
  CrossCounts total;
};

struct CrossSummary {
  std::vector<CrossDepartment> departments;     // in the order first seen
  std::map<std::string, size_t> not_collected;  // county code -> people
  size_t not_collected_people = 0;
  size_t items = 0;
  bool empty() const { return items == 0; }
};

/// Counts `items`; false with `err` naming an item whose kind is none of kCrossKinds.
bool summarizeCross(const std::vector<CrossItem>& items, CrossSummary* out, std::string* err);

}  // namespace vetkit

namespace vetkit {

struct ReportTable;
class Schema;

/// The tables of `summary` (one per department, then not-collected people per county), each
/// with a total row, appended to `out`; nothing when it is empty.
void appendCrossTables(const CrossSummary& summary, const Schema& schema, Lang lang,
                       std::vector<ReportTable>* out);

}  // namespace vetkit
