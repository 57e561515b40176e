#include "import/header.h"

#include <algorithm>

namespace vetkit {

namespace {

int countMapped(const Schema& schema, const Profile* profile, const Row& row) {
  int n = 0;
  for (const Cell& c : row.cells)
    if (fieldForHeader(schema, profile, c.text)) ++n;
  return n;
}

const Row* rowNumbered(const std::vector<Row>& rows, int number) {
  for (const Row& r : rows)
    if (r.number == number) return &r;
  return nullptr;
}

}  // namespace

int HeaderMap::mappedCount() const {
  return int(std::count_if(columns.begin(), columns.end(),
                           [](const HeaderColumn& c) { return c.field && !c.duplicate; }));
}

const HeaderColumn* HeaderMap::column(int col) const {
  auto it = std::lower_bound(columns.begin(), columns.end(), col,
                             [](const HeaderColumn& c, int v) { return c.col < v; });
  return it != columns.end() && it->col == col ? &*it : nullptr;
}

bool detectHeader(const Schema& schema, const Profile* profile, const std::vector<Row>& rows,
                  int forced_row, HeaderMap* out) {
  const Row* best = nullptr;
  int best_count = 0;
  if (forced_row > 0) {
    best = rowNumbered(rows, forced_row);
    if (!best) return false;
    best_count = countMapped(schema, profile, *best);
    if (best_count == 0) return false;
  } else {
    for (const Row& r : rows) {
      int n = countMapped(schema, profile, r);
      if (n > best_count) best = &r, best_count = n;
    }
    if (best_count < 2) return false;
  }

  // A two-row header: the neighbour must itself name at least two fields, so a group row such
  // as 个人基本信息 above the labels is not mistaken for one.
  const Row* other = nullptr;
  if (forced_row == 0) {
    for (int delta : {1, -1}) {
      const Row* n = rowNumbered(rows, best->number + delta);
      if (n && countMapped(schema, profile, *n) >= 2) {
        other = n;
        break;
      }
    }
  }

  std::vector<HeaderColumn> columns;
  auto add = [&](const Cell& c) {
    HeaderColumn h;
    h.col = c.col;
    h.text = c.text;
    h.field = fieldForHeader(schema, profile, c.text);
    h.ignored = !h.field && schema.isIgnoredColumn(c.text);
    columns.push_back(std::move(h));
  };
  for (const Cell& c : best->cells) add(c);
  if (other) {
    for (const Cell& c : other->cells) {
      auto it = std::find_if(columns.begin(), columns.end(),
                             [&](const HeaderColumn& h) { return h.col == c.col; });
      if (it == columns.end()) {
        add(c);
      } else if (!it->field && fieldForHeader(schema, profile, c.text)) {
        *it = HeaderColumn{};
        it->col = c.col;
        it->text = c.text;
        it->field = fieldForHeader(schema, profile, c.text);
      }
    }
  }
  std::sort(columns.begin(), columns.end(),
            [](const HeaderColumn& a, const HeaderColumn& b) { return a.col < b.col; });
  std::vector<bool> seen(schema.fields().size());
  for (HeaderColumn& h : columns) {
    if (!h.field) continue;
    if (seen[h.field->index]) h.duplicate = true;
    seen[h.field->index] = true;
  }
  out->columns = std::move(columns);
  out->row = other ? std::max(best->number, other->number) : best->number;
  out->first_row = other ? std::min(best->number, other->number) : best->number;
  return true;
}

}  // namespace vetkit
