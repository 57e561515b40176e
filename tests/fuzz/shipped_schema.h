// The schema vetkit ships, loaded once: the harnesses that parse or check records run them
// against the real fields, code tables and rules.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "schema/schema.h"

namespace vetkit::fuzz {

inline const Schema& shippedSchema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto loaded = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    if (!loaded) std::abort();
    return loaded;
  }();
  return *s;
}

}  // namespace vetkit::fuzz
