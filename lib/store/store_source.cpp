#include "store/store_source.h"

#include "record/record_reader.h"
#include "store/sheet_layouts.h"

namespace vetkit {

bool readStoreRecords(const Schema& schema, const std::string& path,
                      const RecordSourceEvents& events,
                      const std::function<void(int64_t, const BatchInfo&)>& batch, std::string* err,
                      Lang lang) {
  std::unique_ptr<StoreReader> opened = openStoreReader(path, err, {&schema.messages(), lang});
  if (!opened) return false;
  StoreReader& store = *opened;
  if (batch && !store.forEachBatch(batch)) {
    *err = path + ": " + store.error();
    return false;
  }
  // Read in key order, a record seldom follows its sheet's first: each gets its sheet's layout.
  SheetLayouts layouts(schema);
  if (!layouts.load(store)) {
    *err = path + ": " + store.error();
    return false;
  }
  RecordReader reader(schema);
  Record rec;
  std::string why;
  std::string flagged;
  bool ok = store.exportCurrent([&](const CurrentRecord& c) {
    std::string_view line = c.merged.empty() ? c.json : c.merged;
    // A person their unit's re-submission left out says so, as vetmerge --export writes it.
    if (c.absent_from && line.size() > 1 && line.back() == '}') {
      flagged.assign(line.substr(0, line.size() - 1));
      flagged += ",\"_absent_from\":" + std::to_string(c.absent_from) + "}";
      line = flagged;
    }
    if (!reader.parse(line, &rec, &why)) return true;  // the store holds what vetmerge wrote
    layouts.apply(c.batch, &rec);
    return events.record(rec);
  });
  if (!ok) *err = path + ": " + store.error();
  return ok;
}

bool readBatchRecords(const Schema& schema, const std::string& path, const std::string& batch,
                      const RecordSourceEvents& events, std::string* err, Lang lang) {
  std::unique_ptr<StoreReader> opened = openStoreReader(path, err, {&schema.messages(), lang});
  if (!opened) return false;
  StoreReader& store = *opened;
  int64_t id = -1;
  bool all_digits = !batch.empty() && batch.find_first_not_of("0123456789") == std::string::npos;
  bool listed = store.forEachBatch([&](int64_t bid, const BatchInfo& b) {
    std::string base = b.source.substr(b.source.rfind('/') + 1);  // npos + 1 == 0
    if ((all_digits && std::to_string(bid) == batch) || b.source == batch || base == batch)
      id = bid;
  });
  if (!listed || id < 0) {
    *err = path + ": " +
           (listed ? schema.messages().format("store-no-batch", lang, {{"batch", batch}})
                   : store.error());
    return false;
  }
  RecordReader reader(schema);
  Record rec;
  std::string why;
  bool ok = store.forEachBatchRecord(id, [&](std::string_view json) {
    if (!reader.parse(json, &rec, &why)) return true;
    return events.record(rec);
  });
  if (!ok) *err = path + ": " + store.error();
  return ok;
}

}  // namespace vetkit
