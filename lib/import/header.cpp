#include "import/header.h"

#include <algorithm>
#include <map>

#include "text/fold.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

// Synonym groups become one private-use character each, so that 日期 and 时间 are one
// "letter" when labels are compared, and count as much as any other.
constexpr char32_t kSynonymBase = 0xF0000;
// Longer cells are notes or data, not labels: never compared by resemblance.
constexpr size_t kMaxHeaderBytes = 150;
constexpr size_t kMaxCompared = 40;  // characters, after folding
// Resemblances tried per sheet: a sheet of thousands of stray columns stays fast.
constexpr int kResemblanceBudget = 512;

bool isOpenBracket(char32_t c) {
  switch (c) {
    case '(':
    case '[':
    case '{':
    case 0x3010:
    case 0x3014:
    case 0x300C:
    case 0x300E:
    case 0x3008:
    case 0x300A:
    case 0x3016:
      return true;
    default:
      return false;
  }
}

bool isCloseBracket(char32_t c) {
  switch (c) {
    case ')':
    case ']':
    case '}':
    case 0x3011:
    case 0x3015:
    case 0x300D:
    case 0x300F:
    case 0x3009:
    case 0x300B:
    case 0x3017:
      return true;
    default:
      return false;
  }
}

// Punctuation and symbols: they never tell one field from another (※, ★, ：, 、, “”).
bool isMark(char32_t c) {
  return (c >= 0x80 && c < 0xC0) || (c >= 0x2000 && c < 0x2070) || (c >= 0x2190 && c < 0x2C00) ||
         (c >= 0x3000 && c < 0x3040 && c != 0x3007) || (c >= 0xFE30 && c < 0xFE70) ||
         (c >= 0xFF00 && c < 0xFF10) || c == 0xFFFD;
}

// Folded letters: NFKC, ASCII lower-cased, blanks, punctuation and notes in brackets gone
// (a cell that is all note, such as （平方米）, keeps the note's words).
std::u32string foldLetters(std::string_view text) {
  std::string n = nfkc(text);
  auto pass = [&](bool drop_notes) {
    std::u32string out;
    int depth = 0;
    size_t i = 0;
    while (i < n.size()) {
      char32_t c = decodeUtf8(n, &i);
      if (isOpenBracket(c)) {
        ++depth;
      } else if (isCloseBracket(c)) {
        if (depth > 0) --depth;
      } else if (drop_notes && depth > 0) {
        continue;
      } else if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
          out.push_back(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
          out.push_back(c);
      } else if (!isMark(c)) {
        out.push_back(c);
      }
    }
    return out;
  };
  std::u32string out = pass(true);
  return out.empty() ? pass(false) : out;
}

size_t longestCommonSubsequence(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (char32_t x : a) {
    for (size_t j = 0; j < b.size(); ++j)
      cur[j + 1] = x == b[j] ? prev[j] + 1 : std::max(prev[j + 1], cur[j]);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

size_t commonLetters(const std::u32string& a, std::u32string b) {
  size_t n = 0;
  for (char32_t x : a) {
    auto it = std::find(b.begin(), b.end(), x);
    if (it != b.end()) ++n, *it = 0;
  }
  return n;
}

// How much header `h` looks like label `l`, both canonical: 0..1. Letters shared in order
// (出生年月 ~ 出生日期), in any order (光荣牌悬挂 ~ 悬挂光荣牌), or the label inside the header
// (工作单位及职务, 居民身份证号码) or the header inside the label (部队番号 in 服役部队番号).
double resemblance(const std::u32string& h, const std::u32string& l) {
  if (h.empty() || l.empty()) return 0;
  double total = double(h.size() + l.size());
  double s = 2.0 * double(longestCommonSubsequence(h, l)) / total;
  s = std::max(s, 0.85 * 2.0 * double(commonLetters(h, l)) / total);
  // One letter says little, unless it is a synonym group (身份证号码).
  auto telling = [](const std::u32string& x) { return x.size() >= 2 || x[0] >= kSynonymBase; };
  if (telling(l) && h.find(l) != std::u32string::npos)
    s = std::max(s, 0.7 + 0.3 * double(l.size()) / double(h.size()));
  else if (telling(h) && l.find(h) != std::u32string::npos)
    s = std::max(s, 0.6 + 0.3 * double(h.size()) / double(l.size()));
  return s;
}

bool isTextCell(const Cell& c) {
  return c.kind == Cell::Kind::Text && !c.text.empty();
}

}  // namespace

HeaderMatcher::HeaderMatcher(const Schema& schema, const Profile* profile)
    : schema_(schema), profile_(profile), config_(schema.headerMatching()) {
  for (size_t g = 0; g < config_.synonyms.size(); ++g)
    for (const std::string& word : config_.synonyms[g]) {
      std::u32string w = foldLetters(word);
      if (!w.empty()) synonyms_.emplace_back(std::move(w), kSynonymBase + char32_t(g));
    }
  std::stable_sort(synonyms_.begin(), synonyms_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  auto words = [&](std::vector<std::u32string>* out, const std::vector<std::string>& in) {
    for (const std::string& w : in) {
      std::u32string f = synonymous(foldLetters(w));
      if (!f.empty() && std::find(out->begin(), out->end(), f) == out->end()) out->push_back(f);
    }
  };
  const auto& fields = schema.fields();
  variant_of_.resize(fields.size());
  labels_.resize(fields.size());
  for (const Field& f : fields) {
    Variant v;
    for (const auto& [type, ignore] : config_.ignore) {
      if (type != "all" && type != fieldTypeName(f.type)) continue;
      words(&v.words, ignore.words);
      words(&v.endings, ignore.endings);
    }
    auto same = [&](const Variant& o) { return o.words == v.words && o.endings == v.endings; };
    auto it = std::find_if(variants_.begin(), variants_.end(), same);
    if (it == variants_.end()) it = variants_.insert(variants_.end(), std::move(v));
    variant_of_[f.index] = size_t(it - variants_.begin());
    for (const std::string& label : f.labels) {
      std::u32string c = canonical(*it, synonymous(foldLetters(label)));
      if (c.empty()) continue;
      labels_[f.index].push_back(c);
      auto& named = it->fields[c];
      if (std::find(named.begin(), named.end(), &f) == named.end()) named.push_back(&f);
    }
  }
}

std::u32string HeaderMatcher::synonymous(const std::u32string& s) const {
  if (synonyms_.empty()) return s;
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto it = std::find_if(synonyms_.begin(), synonyms_.end(), [&](const auto& w) {
      return s.compare(i, w.first.size(), w.first) == 0;
    });
    if (it != synonyms_.end()) {
      out.push_back(it->second);
      i += it->first.size();
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::u32string HeaderMatcher::canonical(const Variant& v, std::u32string s) const {
  // A filler is dropped only while something is left: 是否 alone stays 是否.
  for (const std::u32string& w : v.words)
    for (size_t at; s.size() > w.size() && (at = s.find(w)) != std::u32string::npos;)
      s.erase(at, w.size());
  for (bool again = true; again;) {
    again = false;
    for (const std::u32string& e : v.endings)
      if (s.size() > e.size() && s.ends_with(e)) s.resize(s.size() - e.size()), again = true;
  }
  return s;
}

HeaderMatcher::Match HeaderMatcher::certain(std::string_view header) const {
  if (const Field* f = fieldForHeader(schema_, profile_, header))
    return {f, How::Label, 1, nullptr};
  if (header.size() > kMaxHeaderBytes) return {};
  std::u32string s = synonymous(foldLetters(header));
  if (s.empty()) return {};
  const Field* found = nullptr;
  for (const Variant& v : variants_) {
    auto it = v.fields.find(canonical(v, s));
    if (it == v.fields.end()) continue;
    for (const Field* f : it->second) {
      if (found && found != f) return {nullptr, How::None, 0, found};  // two fields: ask
      found = f;
    }
  }
  if (found) return {found, How::Synonym, 1, nullptr};
  return {};
}

HeaderMatcher::Match HeaderMatcher::match(std::string_view header) const {
  Match m = certain(header);
  if (m.field || m.nearest || header.size() > kMaxHeaderBytes) return m;
  std::u32string s = synonymous(foldLetters(header));
  if (s.empty() || s.size() > kMaxCompared) return m;
  std::vector<std::u32string> forms;
  for (const Variant& v : variants_) forms.push_back(canonical(v, s));
  const Field* best = nullptr;
  double best_score = 0, second = 0;
  for (const Field& f : schema_.fields()) {
    const std::u32string& h = forms[variant_of_[f.index]];
    double score = 0;
    for (const std::u32string& l : labels_[f.index]) score = std::max(score, resemblance(h, l));
    if (score > best_score) {
      second = best_score, best_score = score, best = &f;
    } else if (score > second) {
      second = score;
    }
  }
  constexpr double kEpsilon = 1e-9;  // 0.7 + 0.3 / 3 is 0.8 to a person
  if (best_score + kEpsilon >= config_.accept && best_score - second + kEpsilon >= config_.margin)
    return {best, How::Resemblance, best_score, nullptr};
  if (best_score + kEpsilon >= config_.suggest) return {nullptr, How::None, best_score, best};
  return m;
}

int HeaderMap::mappedCount() const {
  return int(std::count_if(columns.begin(), columns.end(),
                           [](const HeaderColumn& c) { return c.field && !c.duplicate; }));
}

const HeaderColumn* HeaderMap::column(int col) const {
  auto it = std::lower_bound(columns.begin(), columns.end(), col,
                             [](const HeaderColumn& c, int v) { return c.col < v; });
  return it != columns.end() && it->col == col ? &*it : nullptr;
}

namespace {

const Row* rowNumbered(const std::vector<Row>& rows, int number) {
  for (const Row& r : rows)
    if (r.number == number) return &r;
  return nullptr;
}

// One pass over a sheet's candidate header rows, with the resemblance budget.
class Detector {
 public:
  Detector(const Schema& schema, const Profile* profile)
      : schema_(schema), matcher_(schema, profile) {}

  int certainCount(const Row& r) const {
    int n = 0;
    for (const Cell& c : r.cells)
      if (isTextCell(c) && matcher_.certain(c.text).field) ++n;
    return n;
  }

  HeaderMatcher::Match match(std::string_view text) {
    return budget_-- > 0 ? matcher_.match(text) : matcher_.certain(text);
  }

  // A second header row beside `best`: one of its cells names a field for certain, and most
  // of them name one, or it leaves empty most columns `best` names (sub-headers stand under
  // group headings only) — not a note row (填报单位：双峰县) or a row of data.
  bool isHeaderRow(const Row& r, const Row& best) {
    if (certainCount(r) == 0) return false;
    int cells = 0, mapped = 0, under = 0;
    auto named = [&](int col) {
      return std::any_of(best.cells.begin(), best.cells.end(),
                         [&](const Cell& c) { return c.col == col && isTextCell(c); });
    };
    for (const Cell& c : r.cells) {
      if (!isTextCell(c) || schema_.isIgnoredColumn(c.text)) continue;
      ++cells;
      if (named(c.col)) ++under;
      if (match(c.text).field) ++mapped;
    }
    int best_cells = int(std::count_if(best.cells.begin(), best.cells.end(), isTextCell));
    return 2 * mapped >= cells || 2 * under <= best_cells;
  }

  // The set field and member a header names as one of its codes: of `heading` when given (a
  // set field), else of the one set field whose table has it, spelled in three characters or
  // more (其他 or 医保 alone could be anything).
  std::pair<const Field*, const CodeEntry*> memberOf(const Field* heading, std::string_view text) {
    if (heading) {
      const CodeTable* t = heading->type == FieldType::CodeSet ? heading->table : nullptr;
      const CodeEntry* e = t ? t->lookup(text) : nullptr;
      return {e ? heading : nullptr, e};
    }
    if (foldLetters(text).size() < 3) return {};
    std::pair<const Field*, const CodeEntry*> found{};
    for (const Field& f : schema_.fields()) {
      const CodeTable* t = f.type == FieldType::CodeSet ? f.table : nullptr;
      const CodeEntry* e = t ? t->lookup(text) : nullptr;
      if (!e || e->code == text) continue;  // a bare code (1, 2) is no header
      if (found.first) return {};
      found = {&f, e};
    }
    return found;
  }

  HeaderColumn column(int col, const std::string& text) {
    HeaderColumn h;
    h.col = col;
    h.text = text;
    HeaderMatcher::Match m = matcher_.certain(text);
    if (!m.field && !m.nearest && schema_.isIgnoredColumn(text)) {
      h.ignored = true;
      return h;
    }
    if (!m.field) {
      if (auto [field, entry] = memberOf(nullptr, text); field) {
        h.field = field, h.member = entry;
        return h;
      }
    }
    if (!m.field && !m.nearest) m = match(text);
    h.field = m.field;
    h.guessed = m.how == HeaderMatcher::How::Resemblance;
    h.nearest = m.nearest;
    return h;
  }

  // A column of a two-row header. `group` is the heading above it (its own upper cell, or the
  // one a merged heading left in the first column of its span); `spans` when that heading
  // stands over more than this column.
  HeaderColumn subColumn(int col, const std::string& group, const std::string& sub, bool spans) {
    // A member of the set its heading names (伤残抚恤 under 享受国家抚恤和补助, 其他 too).
    if (!group.empty() && !matcher_.certain(sub).field) {
      if (auto [field, entry] = memberOf(matcher_.certain(group).field, sub); field) {
        HeaderColumn h;
        h.col = col, h.text = sub, h.field = field, h.member = entry;
        return h;
      }
    }
    HeaderColumn h = column(col, sub);
    if (h.field || h.ignored || group.empty()) return h;
    // The sub-header alone names nothing: read it under its heading (光荣牌 + 是否悬挂,
    // 住房面积 + （平方米）) — but a heading over several columns that is itself a field
    // (享受待遇) is not what each of them holds, unless the sub-header alone is near it.
    HeaderColumn joined = column(col, group + sub);
    const Field* heading = spans ? matcher_.certain(group).field : nullptr;
    if (joined.field && (joined.field != heading || h.nearest == heading)) {
      joined.text = sub;
      return joined;
    }
    if (!h.nearest) h.nearest = joined.field ? joined.field : joined.nearest;
    return h;
  }

 private:
  const Schema& schema_;
  HeaderMatcher matcher_;
  int budget_ = kResemblanceBudget;
};

}  // namespace

bool detectHeader(const Schema& schema, const Profile* profile, const std::vector<Row>& rows,
                  int forced_row, HeaderMap* out) {
  Detector d(schema, profile);
  const Row* best = nullptr;
  if (forced_row > 0) {
    best = rowNumbered(rows, forced_row);
    if (!best) return false;
    bool any = std::any_of(best->cells.begin(), best->cells.end(),
                           [&](const Cell& c) { return isTextCell(c) && d.match(c.text).field; });
    if (!any) return false;
  } else {
    int best_count = 0;
    for (const Row& r : rows) {
      int n = d.certainCount(r);
      if (n > best_count) best = &r, best_count = n;
    }
    if (best_count < 2) return false;
  }

  // A two-row header: the row below first (sub-headers under group headings), else above.
  const Row* other = nullptr;
  if (forced_row == 0) {
    for (int delta : {1, -1}) {
      const Row* n = rowNumbered(rows, best->number + delta);
      if (n && d.isHeaderRow(*n, *best)) {
        other = n;
        break;
      }
    }
  }

  std::vector<HeaderColumn> columns;
  if (!other) {
    for (const Cell& c : best->cells)
      if (isTextCell(c)) columns.push_back(d.column(c.col, c.text));
  } else {
    const Row& upper = best->number < other->number ? *best : *other;
    const Row& lower = best->number < other->number ? *other : *best;
    std::map<int, std::pair<std::string, std::string>> texts;  // column -> upper, lower
    for (const Cell& c : upper.cells)
      if (isTextCell(c)) texts[c.col].first = c.text;
    for (const Cell& c : lower.cells)
      if (isTextCell(c)) texts[c.col].second = c.text;
    for (auto it = texts.begin(); it != texts.end(); ++it) {
      const auto& [col, pair] = *it;
      const auto& [up, sub] = pair;
      if (sub.empty()) {  // a label over both rows (a merged cell), or a heading over nothing
        columns.push_back(d.column(col, up));
        continue;
      }
      // The heading over this column: its own upper cell, or the nearest one to the left
      // across sub-header cells with nothing above them (a merged heading's span).
      std::string group = up;
      auto left = it;
      int expect = col - 1;
      while (group.empty() && left != texts.begin()) {
        --left;
        if (left->first != expect || left->second.second.empty()) break;
        group = left->second.first;
        --expect;
      }
      auto right = std::next(it);
      bool spans = !up.empty() && right != texts.end() && right->first == col + 1 &&
                   right->second.first.empty() && !right->second.second.empty();
      spans = spans || up.empty();  // inherited from the left: the heading spans columns
      columns.push_back(d.subColumn(col, group, sub, spans));
    }
  }

  // One column per field: a label or synonym before a resemblance, then left to right. A
  // resemblance to a field already mapped is left unknown, naming that field.
  std::vector<bool> seen(schema.fields().size());
  for (bool guessed : {false, true})
    for (HeaderColumn& h : columns) {
      if (!h.field || h.guessed != guessed) continue;
      if (seen[h.field->index]) {
        if (guessed) {
          h.nearest = h.field, h.field = nullptr, h.guessed = false;
          continue;
        }
        if (h.field->type == FieldType::CodeSet)
          h.part = true;
        else
          h.duplicate = true;
      }
      seen[h.field->index] = true;
    }
  out->columns = std::move(columns);
  out->row = other ? std::max(best->number, other->number) : best->number;
  out->first_row = other ? std::min(best->number, other->number) : best->number;
  return true;
}

}  // namespace vetkit
