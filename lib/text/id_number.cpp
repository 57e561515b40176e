#include "text/id_number.h"

#include "text/fold.h"
#include "text/utf8.h"

namespace vetkit {

namespace {
constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

bool allDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}
}  // namespace

char idCheckChar(std::string_view first17) {
  if (first17.size() < 17 || !allDigits(first17.substr(0, 17))) return 0;
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

void canonicalizeIdNumber(std::string* id) {
  std::erase_if(*id, [](char c) { return c == ' ' || c == '\t'; });
  for (char& c : *id)
    if (c == 'x') c = 'X';
  if (!id->empty() && (*id)[0] == '\'') id->erase(0, 1);
}

std::string foldIdNumber(std::string_view raw) {
  std::string id = foldValue(raw);
  canonicalizeIdNumber(&id);
  return id;
}

std::string upgradeId15(std::string_view id15) {
  if (id15.size() != 15 || !allDigits(id15)) return {};
  std::string id18;
  id18.reserve(18);
  id18.append(id15.substr(0, 6)).append("19").append(id15.substr(6));
  id18 += idCheckChar(id18);
  return id18;
}

std::string identityKey(std::string_view raw) {
  std::string id = foldIdNumber(raw);
  std::string up = upgradeId15(id);
  return up.empty() ? id : up;
}

IdStatus checkIdNumber(std::string_view id, IdParts* parts) {
  if (id.size() != 18 || !allDigits(id.substr(0, 17)) ||
      !(allDigits(id.substr(17)) || id[17] == 'X'))
    return IdStatus::BadFormat;
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = 0; i < len; ++i) v = v * 10 + (id[pos + i] - '0');
    return v;
  };
  PartialDate birth{num(6, 4), num(10, 2), num(12, 2)};
  if (!isValidDay(birth.year, birth.month, birth.day) || birth.year < 1800)
    return IdStatus::BadBirthDate;
  if (parts) {
    parts->region = id.substr(0, 6);
    parts->birth = birth;
    parts->gender = num(16, 1) % 2 == 1 ? 1 : 2;
  }
  if (idCheckChar(id) != id[17]) return IdStatus::BadChecksum;
  return IdStatus::Ok;
}

bool suspectIdNumber(std::string_view key, std::string_view id15) {
  if (!id15.empty()) return true;
  IdStatus s = checkIdNumber(key);
  return s != IdStatus::Ok && s != IdStatus::BadFormat;
}

std::string maskIdNumber(std::string_view id) {
  // Count characters, not bytes: a malformed value may hold CJK text.
  std::string out;
  size_t chars = 0, i = 0;
  while (i < id.size()) decodeUtf8(id, &i), ++chars;
  if (chars <= 8) return std::string(chars, '*');
  size_t k = 0;
  i = 0;
  while (i < id.size()) {
    size_t start = i;
    decodeUtf8(id, &i);
    if (k < 4 || k >= chars - 4) {
      out.append(id.substr(start, i - start));
    } else {
      out += '*';
    }
    ++k;
  }
  return out;
}

uint64_t packIdNumber(std::string_view id) {
  if (id.size() != 18) return 0;
  uint64_t n = 0;
  for (size_t i = 0; i < 17; ++i) {
    unsigned d = unsigned(id[i] - '0');
    if (d > 9) return 0;
    n = n * 10 + d;
  }
  unsigned check = id[17] == 'X' ? 10 : unsigned(id[17] - '0');
  if (check > 10) return 0;
  return n * 11 + check + 1;
}

std::string unpackIdNumber(uint64_t packed) {
  std::string out(18, '0');
  uint64_t v = packed - 1;
  unsigned check = unsigned(v % 11);
  v /= 11;
  out[17] = check == 10 ? 'X' : char('0' + check);
  for (size_t i = 17; i-- > 0; v /= 10) out[i] = char('0' + v % 10);
  return out;
}

}  // namespace vetkit
