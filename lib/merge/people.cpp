#include "merge/people.h"

#include "text/id_number.h"

namespace vetkit {

bool KeyPacker::packId(std::string_view key, uint64_t* packed) {
  *packed = packIdNumber(key);
  return *packed != 0;
}

static constexpr uint64_t kInterned = uint64_t(1) << 63;

uint64_t KeyPacker::pack(std::string_view key) {
  uint64_t packed;
  if (packId(key, &packed)) return packed;
  auto [it, created] = interned_.try_emplace(std::string(key), kInterned | names_.size());
  if (created) names_.emplace_back(key);
  return it->second;
}

bool KeyPacker::find(std::string_view key, uint64_t* packed) const {
  if (packId(key, packed)) return true;
  auto it = interned_.find(std::string(key));
  if (it == interned_.end()) return false;
  *packed = it->second;
  return true;
}

std::string KeyPacker::unpack(uint64_t packed) const {
  if (packed & kInterned) return names_[packed & ~kInterned];
  return unpackIdNumber(packed);
}

}  // namespace vetkit
