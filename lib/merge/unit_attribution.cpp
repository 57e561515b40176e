#include "merge/unit_attribution.h"

#include "core/path.h"

namespace vetkit {

const char* unitSourceName(UnitSource source) {
  switch (source) {
    case UnitSource::Option:
      return "option";
    case UnitSource::Records:
      return "records";
    case UnitSource::Note:
      return "note";
    case UnitSource::Title:
      return "title";
    case UnitSource::Signer:
      return "signer";
    case UnitSource::FileName:
      return "file-name";
    case UnitSource::None:
      break;
  }
  return "none";
}

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// `code` inside `text` as a whole number: 431381 in 冷水江市-431381.csv, not in 4313810.
bool containsCode(std::string_view text, std::string_view code) {
  if (code.size() < 4) return false;  // a short local code would match by accident
  for (size_t at = text.find(code); at != std::string_view::npos; at = text.find(code, at + 1)) {
    bool before = at > 0 && isDigit(text[at - 1]);
    bool after = at + code.size() < text.size() && isDigit(text[at + code.size()]);
    if (!before && !after) return true;
  }
  return false;
}

}  // namespace

const CodeEntry* unitNamedIn(const CodeTable& units, std::string_view text) {
  if (text.empty()) return nullptr;
  if (const CodeEntry* e = units.lookup(text)) return e;
  const CodeEntry* found = nullptr;
  for (const CodeEntry& e : units.entries) {
    bool named = (e.label.size() > 3 && text.find(e.label) != std::string_view::npos) ||
                 containsCode(text, e.code);
    if (!named || found == &e) continue;
    if (found) return nullptr;  // two units: the text does not say which
    found = &e;
  }
  return found;
}

UnitAttribution attributeUnit(const Schema& schema, const UnitClues& clues) {
  const CodeTable* units = schema.table("units");
  // Each clue as the unit it names (a code of the table when it names one).
  auto resolve = [&](const std::string& text, bool free_text) -> std::string {
    if (text.empty()) return {};
    if (&text == &clues.signer) {  // a signer of the city (431300) names no collecting unit
      const CodeEntry* e = units ? units->find(text) : nullptr;
      return e ? e->code : std::string();
    }
    if (!units) return free_text ? std::string() : text;
    if (const CodeEntry* e = units->lookup(text)) return e->code;
    if (free_text) {
      const CodeEntry* e = unitNamedIn(*units, text);
      return e ? e->code : std::string();
    }
    return text;  // a unit typed outside the table is still the records' word
  };
  std::pair<UnitSource, std::string> named[] = {
      {UnitSource::Option, resolve(clues.option, false)},
      {UnitSource::Records, resolve(clues.records, false)},
      {UnitSource::Note, resolve(clues.note, true)},
      {UnitSource::Title, resolve(clues.title, true)},
      {UnitSource::Signer, resolve(clues.signer, false)},
      {UnitSource::FileName, resolve(std::string(baseName(clues.file)), true)},
  };
  // A zone's batch sealed by the key of the district it lies in agrees with it.
  auto same = [&](const std::string& x, const std::string& y) {
    if (x == y) return true;
    const CodeEntry* ex = units ? units->find(x) : nullptr;
    const CodeEntry* ey = units ? units->find(y) : nullptr;
    return (ex && ex->local && ex->division == y) || (ey && ey->local && ey->division == x);
  };
  UnitAttribution a;
  for (const auto& [source, unit] : named) {
    if (unit.empty()) continue;
    if (a.unit.empty()) {
      a.unit = unit, a.source = source;
      continue;
    }
    if (!same(unit, a.unit)) a.disagree.emplace_back(source, unit);
  }
  return a;
}

}  // namespace vetkit
