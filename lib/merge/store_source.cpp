#include "merge/store_source.h"

#include <sys/stat.h>

#include "record/record_reader.h"

namespace vetkit {

bool readStoreRecords(const Schema& schema, const std::string& path,
                      const RecordSourceEvents& events,
                      const std::function<void(int64_t, const BatchInfo&)>& batch,
                      std::string* err) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    *err = path + ": no such store";
    return false;
  }
  Store store;
  if (!store.open(path, err)) return false;
  if (batch && !store.forEachBatch(batch)) {
    *err = path + ": " + store.error();
    return false;
  }
  RecordReader reader(schema);
  Record rec;
  std::string why;
  bool ok =
      store.exportCurrent([&](std::string_view, std::string_view merged, std::string_view json,
                              std::string_view, int64_t, std::string_view, int64_t) {
        std::string_view line = merged.empty() ? json : merged;
        if (!reader.parse(line, &rec, &why)) return true;  // the store holds what vetmerge wrote
        return events.record(rec);
      });
  if (!ok) *err = path + ": " + store.error();
  return ok;
}

}  // namespace vetkit
