// The merge session's side of unit attribution: the clues one batch gives, and the warning
// when they disagree (the rules themselves: unit_attribution.h).
#include "core/text_catalogue.h"
#include "merge/session_impl.h"

namespace vetkit {

UnitAttribution MergeSession::Impl::batchUnit(const Record& first, const std::string& path) {
  UnitClues clues;
  clues.option = options.unit;
  if (unit_field != size_t(-1) && first.fields[unit_field].present())
    clues.records = first.fields[unit_field].text;
  clues.note = first.unit_note;
  clues.title = first.title;
  // A county key vouches for its county: the counted signer's unit is the batch's.
  for (const SignerResult& s : vouchers)
    if (s.owner_role == "county" && !s.owner_unit.empty()) {
      clues.signer = s.owner_unit;
      break;
    }
  clues.file = path;
  UnitAttribution a = attributeUnit(schema, clues);
  if (a.disagree.empty()) return a;
  const CodeTable* units = schema.table("units");
  auto shown = [&](const std::string& code) {
    const CodeEntry* e = units ? units->find(code) : nullptr;
    return e ? tr("{label} ({code})", {{"label", e->label}, {"code", code}}) : code;
  };
  auto sourceText = [&](UnitSource s) {
    return schema.messages().format(std::string("unit-source-") + unitSourceName(s), options.lang,
                                    {});
  };
  std::string others;
  for (const auto& [source, unit] : a.disagree) {
    std::string one =
        tr("{source}: {unit}", {{"source", sourceText(source)}, {"unit", shown(unit)}});
    others = others.empty() ? one : tr("{list}; {more}", {{"list", others}, {"more", one}});
  }
  report(Severity::Warning, path, first.sheet, 0, "unit-sources-disagree",
         {{"unit", shown(a.unit)}, {"source", sourceText(a.source)}, {"others", others}}, "unit");
  return a;
}

}  // namespace vetkit
