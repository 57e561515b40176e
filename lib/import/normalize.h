// Turning a cell as typed into the record stream's canonical value for its field (DOMAIN.md
// §5): codes from labels and aliases, ISO dates at the precision given, JSON numbers and
// booleans, folded identity numbers. What cannot be normalised is kept as typed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/sheet.h"
#include "schema/schema.h"

namespace vetkit {

struct Normalized {
  enum class Kind { Empty, String, Number, Bool, Array };
  Kind kind = Kind::Empty;
  /// String and Number (a JSON number literal): a view into the cell, the schema or `text`,
  /// valid while the cell is and until the next normalize() into this object. Most values are
  /// the cell's own text or a code of the schema, and are not copied at all.
  std::string_view value;
  std::string text;  // the value, when it had to be built
  bool boolean = false;
  std::vector<std::string> items;  // Array: codes, or members kept as typed
  bool verbatim = false;           // (part of) the value could not be normalised
  std::string id15;                // the original of an identity number upgraded from 15 digits
  std::string original;            // the cell as typed, when normalising dropped part of it
  /// A message code (messages.yaml) when the value was read with a caveat the operator should
  /// see (a number cell 1996.1 read as 1996-10); nullptr otherwise.
  const char* note = nullptr;
};

class Normalizer {
 public:
  explicit Normalizer(const Schema& schema)
      : schema_(schema), cache_(schema.fields().size() * kCacheWays) {
    for (const std::string& sep : schema.setSeparators())
      if (!sep.empty()) separator_leads_[static_cast<unsigned char>(sep[0])] = true;
  }
  /// Normalises `cell` for `field` into `out` (reused between calls to spare allocations).
  void normalize(const Field& field, const Cell& cell, Normalized* out) const;

 private:
  void date(const Cell& cell, std::string_view folded, Normalized* out) const;
  void codeSet(const Field& field, std::string_view folded, Normalized* out) const;
  void number(const Field& field, std::string_view folded, Normalized* out) const;
  // Code and yes/no values repeat endlessly (男, 汉族, 是): a small direct-mapped cache per
  // field spares the hash-table look-up and the folding behind it.
  static constexpr size_t kCacheWays = 64;
  struct CacheEntry {
    bool filled = false;
    std::string text;
    const CodeEntry* code = nullptr;
    std::optional<bool> yesno;
  };
  size_t cacheSlot(const Field& field, std::string_view text) const;
  const CodeEntry* lookupCached(const Field& field, std::string_view text) const;
  std::optional<bool> yesnoCached(const Field& field, std::string_view text) const;
  void division(const Field& field, std::string_view folded, Normalized* out) const;

  const Schema& schema_;
  std::array<bool, 256> separator_leads_{};  // first bytes of the set separators
  mutable std::vector<CacheEntry> cache_;    // kCacheWays slots per field
};

}  // namespace vetkit
