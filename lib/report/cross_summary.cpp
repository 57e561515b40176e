#include "report/cross_summary.h"

#include <set>
#include <utility>

#include "core/text_catalogue.h"
#include "report/table.h"

namespace vetkit {

const char* const kCrossKinds[4] = {"disagree", "only-ours", "only-theirs", "not-collected"};

bool summarizeCross(const std::vector<CrossItem>& items, CrossSummary* out, std::string* err) {
  *out = CrossSummary();
  std::map<std::string, size_t> index;  // dept -> place in departments
  // A person no county collected may be named by several rosters (军分区, the base data):
  // one person to collect. The key as written (masked or not) with the name tells them apart.
  std::set<std::pair<std::string, std::string>> seen;
  for (const CrossItem& c : items) {
    size_t kind = 0;
    while (kind < 4 && c.kind != kCrossKinds[kind]) ++kind;
    if (kind == 4)
      return *err = tr("finding {id}: unknown kind \"{kind}\"", {{"id", c.id}, {"kind", c.kind}}),
             false;
    auto [it, added] = index.emplace(c.dept, out->departments.size());
    if (added) out->departments.push_back({c.dept, c.department, {}, {}});
    CrossDepartment& d = out->departments[it->second];
    ++d.county[c.county].by_kind[kind];
    ++d.total.by_kind[kind];
    ++out->items;
    if (kind == 3 && seen.emplace(c.key, c.name).second) {
      ++out->not_collected[c.county];
      ++out->not_collected_people;
    }
  }
  return true;
}

}  // namespace vetkit

namespace vetkit {

namespace {

TableCell textCell(std::string s) {
  return {TableCell::Kind::Text, std::move(s), 0};
}
TableCell countCell(size_t n) {
  return {TableCell::Kind::Count, "", double(n)};
}

}  // namespace

void appendCrossTables(const CrossSummary& summary, const Schema& schema, Lang lang,
                       std::vector<ReportTable>* out) {
  if (summary.empty()) return;
  auto L = [&](const std::string& key) { return reportLabel(schema, lang, key); };
  auto county = [&](const std::string& code) {
    if (code.empty()) return L("unknown-county");
    std::string name = schema.divisions().shortName(code);
    return name.empty() ? code : name;
  };
  std::vector<std::string> columns{L("hukou-county")};
  for (const char* k : kCrossKinds)
    columns.push_back(schema.messages().format(std::string("cross-kind-") + k, lang, {}));
  columns.push_back(L("total"));
  for (const CrossDepartment& d : summary.departments) {
    ReportTable t{"cross_" + d.dept,
                  schema.messages().format("report-cross-dept", lang,
                                           {{"department", d.department}, {"dept", d.dept}}),
                  columns,
                  {},
                  1,
                  true};
    auto row = [&](std::string label, const CrossCounts& c) {
      std::vector<TableCell> r{textCell(std::move(label))};
      for (size_t n : c.by_kind) r.push_back(countCell(n));
      r.push_back(countCell(c.total()));
      t.rows.push_back(std::move(r));
    };
    for (const auto& [code, c] : d.county) row(county(code), c);
    row(L("total"), d.total);
    out->push_back(std::move(t));
  }
  ReportTable t{"not_collected_by_county",
                L("not-collected-by-county"),
                {L("hukou-county"), L("not-collected-people")},
                {},
                1,
                true};
  for (const auto& [code, n] : summary.not_collected)
    t.rows.push_back({textCell(county(code)), countCell(n)});
  t.rows.push_back({textCell(L("total")), countCell(summary.not_collected_people)});
  out->push_back(std::move(t));
}

}  // namespace vetkit
