#include "record/mask.h"

#include <algorithm>

#include "text/id_number.h"

namespace vetkit {

std::string maskPhone(std::string_view phone) {
  size_t n = phone.size();
  if (n < 7) return std::string(n, '*');
  size_t keep_head =
      phone[0] == '0'
          ? std::min<size_t>(phone.find('-') == std::string_view::npos ? 4 : phone.find('-') + 1,
                             n - 4)
          : 3;
  std::string out(phone.substr(0, keep_head));
  out.append(n - keep_head - 4, '*');
  out.append(phone.substr(n - 4));
  return out;
}

std::string maskedValue(const Field& field, std::string_view text, bool mask) {
  if (mask && field.type == FieldType::IdNumber) return maskIdNumber(text);
  if (mask && field.type == FieldType::Phone) return maskPhone(text);
  return std::string(text);
}

std::string displayKey(std::string_view key, const std::vector<const Field*>& fields, bool mask,
                       char separator, char joiner) {
  if (!mask) {
    std::string out(key);
    if (separator != joiner) std::replace(out.begin(), out.end(), separator, joiner);
    return out;
  }
  size_t parts = size_t(std::count(key.begin(), key.end(), separator)) + 1;
  if (fields.empty() || parts != fields.size()) return maskIdNumber(key);
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    size_t end = std::min(key.find(separator, start), key.size());
    if (i) out += joiner;
    out += maskedValue(*fields[i], key.substr(start, end - start), true);
    start = end + 1;
  }
  return out;
}

std::string maskFreeText(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++j;
    std::string_view run = text.substr(i, j - i);
    if (run.size() == 15 || run.size() == 18)
      out += maskIdNumber(run);
    else if (run.size() == 11 && run[0] == '1')
      out += maskPhone(run);
    else
      out += run;
    i = j;
  }
  return out;
}

}  // namespace vetkit
