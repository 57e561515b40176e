#include "core/text_catalogue.h"

#include <cstring>

namespace vetkit {
namespace {
const TextCatalogue* installed = nullptr;
}  // namespace

std::string fillPlaceholders(std::string_view tmpl, const TextArgs& args) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    std::string_view name = tmpl.substr(open + 1, close - open - 1);
    const std::string* value = nullptr;
    for (const auto& arg : args)
      if (arg.first == name) value = &arg.second;
    if (value)
      out.append(*value);
    else
      out.append(tmpl.substr(open, close - open + 1));
    i = close + 1;
  }
  return out;
}

void setTextCatalogue(const TextCatalogue* catalogue) {
  installed = catalogue;
}
const TextCatalogue* installedTextCatalogue() {
  return installed;
}

std::string tr(std::string_view english, const TextArgs& args) {
  if (installed) {
    auto it = installed->find(std::string(english));
    if (it != installed->end()) return fillPlaceholders(it->second, args);
  }
  return fillPlaceholders(english, args);
}

std::string errnoText(int e) {
  return tr(std::strerror(e));
}

}  // namespace vetkit
