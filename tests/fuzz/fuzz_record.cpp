// Fuzzes the record-stream parser on one line, against the real schema.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "record/record_reader.h"
#include "schema/schema.h"

using namespace vetkit;

namespace {
const Schema& schema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto loaded = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    if (!loaded) std::abort();
    return loaded;
  }();
  return *s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordReader reader(schema());
  Record record;
  std::string err;
  reader.parse(std::string_view(reinterpret_cast<const char*>(data), size), &record, &err);
  return 0;
}
