// The library's own texts (core/text_catalogue.h): every tr() in lib/ and tools/ has its Chinese in
// schemas/messages.yaml with the same placeholders, a tool that speaks Chinese gets it, one
// that speaks English (or a unit test, with nothing installed) gets the English.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text_catalogue.h"
#include "schema/messages.h"

namespace vetkit {
namespace {

namespace fs = std::filesystem;

Messages shipped() {
  Messages m;
  std::string err;
  EXPECT_TRUE(m.load(VETKIT_SCHEMAS "/messages.yaml", &err)) << err;
  return m;
}

// The placeholder names of a template, in order of first appearance.
std::set<std::string> placeholders(const std::string& tmpl) {
  std::set<std::string> out;
  for (size_t open = tmpl.find('{'); open != std::string::npos; open = tmpl.find('{', open + 1)) {
    size_t close = tmpl.find('}', open);
    if (close == std::string::npos) break;
    out.insert(tmpl.substr(open + 1, close - open - 1));
  }
  return out;
}

// The English of every tr("…" "…", …) in `src`: adjacent literals joined, simple escapes read.
std::vector<std::string> trLiterals(const std::string& src) {
  std::vector<std::string> out;
  for (size_t at = src.find("tr("); at != std::string::npos; at = src.find("tr(", at + 3)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(src[at - 1])) || src[at - 1] == '_'))
      continue;  // str(, attr(, …
    size_t i = at + 3;
    std::string text;
    bool any = false;
    for (;;) {
      while (i < src.size() && std::isspace(static_cast<unsigned char>(src[i]))) ++i;
      if (i >= src.size() || src[i] != '"') break;
      any = true;
      for (++i; i < src.size() && src[i] != '"'; ++i) {
        if (src[i] == '\\' && i + 1 < src.size()) {
          ++i;
          text += src[i] == 'n' ? '\n' : src[i];
        } else {
          text += src[i];
        }
      }
      ++i;
    }
    if (any) out.push_back(text);
  }
  return out;
}

TEST(TextCatalogue, EveryLibraryTextHasItsChineseWithTheSamePlaceholders) {
  Messages m = shipped();
  m.speak(Lang::Zh);
  const TextCatalogue* zh = installedTextCatalogue();
  ASSERT_NE(zh, nullptr);
  size_t seen = 0;
  std::vector<fs::path> sources;
  for (const char* dir : {VETKIT_SCHEMAS "/../lib", VETKIT_SCHEMAS "/../tools"})
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.path().extension() == ".cpp") sources.push_back(entry.path());
  for (const fs::path& source : sources) {
    std::ifstream in(source);
    std::stringstream buf;
    buf << in.rdbuf();
    for (const std::string& english : trLiterals(buf.str())) {
      ++seen;
      auto it = zh->find(english);
      if (it == zh->end()) {
        ADD_FAILURE() << source.filename() << ": no Chinese for \"" << english << "\"";
        continue;
      }
      EXPECT_EQ(placeholders(it->second), placeholders(english)) << english;
    }
  }
  EXPECT_GT(seen, 100u) << "the scan found the library's texts";
  m.speak(Lang::En);
}

TEST(TextCatalogue, EveryEntryIsTranslated) {
  Messages m = shipped();
  m.speak(Lang::Zh);
  for (const auto& [english, chinese] : *installedTextCatalogue()) {
    EXPECT_FALSE(chinese.empty()) << english;
    EXPECT_NE(chinese, english) << "not translated";
  }
  m.speak(Lang::En);
}

TEST(TextCatalogue, SpeakingChoosesTheLanguageAndTheEnglishIsTheFallback) {
  EXPECT_EQ(installedTextCatalogue(), nullptr) << "nothing installed in a unit test";
  EXPECT_EQ(tr("cannot create: {reason}", {{"reason", "x"}}), "cannot create: x");
  {
    Messages m = shipped();
    m.speak(Lang::Zh);
    EXPECT_EQ(tr("cannot create: {reason}", {{"reason", "x"}}), "无法创建：x");
    EXPECT_EQ(tr("a text nobody translated {n}", {{"n", "7"}}), "a text nobody translated 7");
    EXPECT_EQ(errnoText(ENOENT), "文件或目录不存在");
    m.speak(Lang::En);
    EXPECT_EQ(errnoText(ENOENT), std::strerror(ENOENT));
    m.speak(Lang::Zh);
  }
  EXPECT_EQ(installedTextCatalogue(), nullptr) << "the catalogue left with its messages";
}

TEST(TextCatalogue, PlaceholdersFilledOnceAndUnknownOnesKept) {
  EXPECT_EQ(fillPlaceholders("{a}{b}{a}", {{"a", "{b}"}, {"b", "2"}}), "{b}2{b}");
  EXPECT_EQ(fillPlaceholders("{unknown} {", {}), "{unknown} {");
  EXPECT_EQ(fillPlaceholders("", {{"a", "1"}}), "");
}

}  // namespace
}  // namespace vetkit
