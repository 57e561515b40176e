// Fuzzes every validation rule on one record: the input is parsed as a line of the record
// stream and, when it is a record, checked as vetvalidate checks it. A rule that loops, reads
// past a value or trips the sanitizers on an odd value shows here (-timeout catches a hang:
// a name check once stopped advancing on a wrong character).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "record/record_reader.h"
#include "schema/rules.h"
#include "schema/schema.h"
#include "shipped_schema.h"
#include "validate/validator.h"

using namespace vetkit;

namespace {

const RuleSet& rules() {
  static RuleSet r = [] {
    RuleSet loaded;
    std::string err;
    if (!RuleSet::load(fuzz::shippedSchema().rulesPath(), fuzz::shippedSchema(), &loaded, &err))
      std::abort();
    return loaded;
  }();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordReader reader(fuzz::shippedSchema());
  // One validator for the whole run, as in vetvalidate: its duplicate table grows with the
  // distinct identity numbers seen, which stays small next to -rss_limit_mb.
  static Validator validator(fuzz::shippedSchema(), rules(),
                             ValidateOptions{Lang::Zh, true, "", {2026, 11, 29}});
  Record record;
  std::string err;
  if (!reader.parse(std::string_view(reinterpret_cast<const char*>(data), size), &record, &err))
    return 0;
  std::vector<Diagnostic> diags;
  validator.check(record, &diags);
  return 0;
}
