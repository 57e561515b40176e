#include "store/sheet_layouts.h"

#include <cstdlib>

#include "record/json_writer.h"

namespace vetkit {

bool firstStoredSource(std::string_view line, StoredSource* out) {
  size_t start = line.rfind("\"_sources\":[{");
  if (start == std::string_view::npos) return false;
  size_t end = line.find('}', start);
  std::string_view src = line.substr(start, end == std::string_view::npos ? end : end - start);
  auto text = [&](std::string_view key, std::string* to) {
    size_t k = src.find(key);
    if (k == std::string_view::npos) return;
    size_t b = k + key.size(), e = src.find('"', b);
    if (e != std::string_view::npos) to->assign(src.substr(b, e - b));
  };
  auto number = [&](std::string_view key) -> int64_t {
    size_t k = src.find(key);
    if (k == std::string_view::npos) return 0;
    return std::strtoll(std::string(src.substr(k + key.size(), 20)).c_str(), nullptr, 10);
  };
  text("\"file\":\"", &out->file);
  text("\"sheet\":\"", &out->sheet);
  out->row = int(number("\"row\":"));
  out->batch = number("\"batch\":");
  return true;
}

SheetLayouts::SheetLayouts(const Schema& schema) : schema_(schema), reader_(schema) {}

void SheetLayouts::learn(int64_t batch, std::string_view src, std::string_view sheet,
                         std::string_view columns, std::string_view headers) {
  std::string line = "{\"_src\":";
  JsonWriter::appendQuoted(&line, src);
  line += ",\"_sheet\":";
  JsonWriter::appendQuoted(&line, sheet);
  line += ",\"_columns\":";
  line += columns;
  if (!headers.empty()) line += ",\"_headers\":", line += headers;
  line += '}';
  std::string why;
  if (!reader_.parse(line, &scratch_, &why) || !scratch_.columns) return;
  layouts_[{batch, std::string(src), std::string(sheet)}] = {scratch_.columns, scratch_.headers};
}

bool SheetLayouts::load(StoreReader& store) {
  layouts_.clear();
  return store.forEachSheetLayout(
      [&](const SheetLayoutRow& l) { learn(l.batch, l.src, l.sheet, l.columns, l.headers); });
}

std::string SheetLayouts::toJson(const ColumnMap* map) const {
  std::string out = "{";
  if (map)
    for (const Field& f : schema_.fields()) {
      if (f.index >= map->size() || (*map)[f.index].empty()) continue;
      if (out.size() > 1) out += ',';
      JsonWriter::appendQuoted(&out, f.id);
      out += ':';
      JsonWriter::appendQuoted(&out, (*map)[f.index]);
    }
  return out + '}';
}

bool SheetLayouts::keep(StoreWriter& store, int64_t batch, const Record& r) {
  if (!r.has_columns_key || !r.columns) return true;
  return keep(store, batch, r.line, r.columns, r.headers);
}

bool SheetLayouts::keep(StoreWriter& store, int64_t batch, std::string_view line,
                        const std::shared_ptr<const ColumnMap>& columns,
                        const std::shared_ptr<const ColumnMap>& headers) {
  if (!columns) return true;
  // The sheet as the stored line names it (the merge may have renamed the record's `src`).
  std::string why;
  if (!reader_.parse(line, &scratch_, &why)) return true;
  std::string src = scratch_.src, sheet = scratch_.sheet;
  std::string columns_json = toJson(columns.get()), headers_json;
  if (headers) headers_json = toJson(headers.get());
  if (!store.addSheetLayout({batch, src, sheet, columns_json, headers_json})) return false;
  layouts_[{batch, src, sheet}] = {columns, headers};
  return true;
}

void SheetLayouts::apply(int64_t batch, Record* r) const {
  if (layouts_.empty()) return;
  StoredSource first;
  Key key;
  if (r->src.empty() && firstStoredSource(r->line, &first)) {
    if (!first.batch) return;
    key = {first.batch, first.file, first.sheet};
  } else {
    key = {batch, r->src, r->sheet};
  }
  auto it = layouts_.find(key);
  if (it == layouts_.end()) return;
  r->columns = it->second.columns;
  r->headers = it->second.headers;
}

}  // namespace vetkit
