// Fuzzes the record-stream parser on one line, against the real schema.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "record/record_reader.h"
#include "schema/schema.h"
#include "shipped_schema.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordReader reader(fuzz::shippedSchema());
  Record record;
  std::string err;
  reader.parse(std::string_view(reinterpret_cast<const char*>(data), size), &record, &err);
  return 0;
}
