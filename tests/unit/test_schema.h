// The bundled schema and rules, loaded once per test binary.
#pragma once

#include <gtest/gtest.h>

#include "schema/rules.h"
#include "schema/schema.h"

namespace vetkit::testing {

inline const Schema& schema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto loaded = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    EXPECT_TRUE(loaded) << err;
    return loaded;
  }();
  return *s;
}

inline const RuleSet& rules() {
  static RuleSet r = [] {
    RuleSet loaded;
    std::string err;
    EXPECT_TRUE(RuleSet::load(schema().rulesPath(), schema(), &loaded, &err)) << err;
    return loaded;
  }();
  return r;
}

}  // namespace vetkit::testing
