#include "merge/people.h"

namespace vetkit {

bool KeyPacker::packId(std::string_view key, uint64_t* packed) {
  if (key.size() != 18) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (key[i] < '0' || key[i] > '9') return false;
    v = v * 10 + uint64_t(key[i] - '0');
  }
  char c = key[17];
  if (c == 'X')
    v = v * 11 + 10;
  else if (c >= '0' && c <= '9')
    v = v * 11 + uint64_t(c - '0');
  else
    return false;
  *packed = v;
  return true;
}

static constexpr uint64_t kInterned = uint64_t(1) << 63;

uint64_t KeyPacker::pack(std::string_view key) {
  uint64_t packed;
  if (packId(key, &packed)) return packed;
  auto [it, created] = interned_.try_emplace(std::string(key), kInterned | names_.size());
  if (created) names_.emplace_back(key);
  return it->second;
}

std::string KeyPacker::unpack(uint64_t packed) const {
  if (packed & kInterned) return names_[packed & ~kInterned];
  std::string key(18, '0');
  uint64_t check = packed % 11, v = packed / 11;
  key[17] = check == 10 ? 'X' : char('0' + check);
  for (size_t i = 17; i-- > 0; v /= 10) key[i] = char('0' + v % 10);
  return key;
}

size_t KeyIndex::slot(uint64_t key) const {
  // Fibonacci hashing spreads the consecutive numbers of one county over the table.
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  return size_t(h ^ (h >> 32)) & (keys_.size() - 1);
}

const uint32_t* KeyIndex::find(uint64_t key) const {
  if (keys_.empty()) return nullptr;
  for (size_t i = slot(key);; i = (i + 1) & (keys_.size() - 1)) {
    if (keys_[i] == key) return &values_[i];
    if (keys_[i] == kEmpty) return nullptr;
  }
}

uint32_t& KeyIndex::insert(uint64_t key, bool* created) {
  if ((size_ + 1) * 2 > keys_.size()) grow();
  size_t i = slot(key);
  for (; keys_[i] != kEmpty; i = (i + 1) & (keys_.size() - 1))
    if (keys_[i] == key) return *created = false, values_[i];
  keys_[i] = key;
  ++size_;
  *created = true;
  return values_[i];
}

void KeyIndex::grow() {
  std::vector<uint64_t> keys(keys_.empty() ? 1024 : keys_.size() * 2, kEmpty);
  std::vector<uint32_t> values(keys.size());
  keys.swap(keys_);
  values.swap(values_);
  for (size_t j = 0; j < keys.size(); ++j) {
    if (keys[j] == kEmpty) continue;
    size_t i = slot(keys[j]);
    while (keys_[i] != kEmpty) i = (i + 1) & (keys_.size() - 1);
    keys_[i] = keys[j];
    values_[i] = values[j];
  }
}

}  // namespace vetkit
