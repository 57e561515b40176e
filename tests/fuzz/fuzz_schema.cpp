// Fuzzes the schema loader (yaml-cpp and the checks on top of it) and the rules loader. The
// input is written as veteran.yaml in a private directory, with the real divisions table and
// messages beside it, since the loader reads those from the schema's folder.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "schema/rules.h"
#include "schema/schema.h"
#include "shipped_schema.h"

using namespace vetkit;
namespace fs = std::filesystem;

namespace {
const fs::path& dir() {
  static fs::path d = [] {
    fs::path p = fs::temp_directory_path() / ("vetkit-fuzz-schema." + std::to_string(getpid()));
    fs::create_directories(p);
    for (const auto& e : fs::directory_iterator(VETKIT_SCHEMAS))
      if (e.path().filename() != "veteran.yaml" && e.path().filename() != "rules.yaml")
        fs::copy(e.path(), p / e.path().filename(), fs::copy_options::recursive);
    return p;
  }();
  return d;
}

void writeFile(const fs::path& p, const uint8_t* data, size_t size) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string err;
  if (data[0] & 1) {
    fs::path p = dir() / "rules.yaml";
    writeFile(p, data + 1, size - 1);
    RuleSet rules;
    RuleSet::load(p.string(), fuzz::shippedSchema(), &rules, &err);
  } else {
    fs::path p = dir() / "veteran.yaml";
    writeFile(p, data + 1, size - 1);
    Schema::load(p.string(), &err);
  }
  return 0;
}
