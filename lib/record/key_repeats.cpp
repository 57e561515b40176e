#include "record/key_repeats.h"

namespace vetkit {

KeyRepeats::Verdict KeyRepeats::add(std::string_view key) {
  auto it = seen_.find(std::string(key));
  if (it == seen_.end()) it = seen_.emplace(std::string(key), 0).first;
  uint64_t n = ++it->second;
  if (n <= limit_) return Verdict::Keep;
  ++total_dropped_;
  return n == uint64_t(limit_) + 1 ? Verdict::Report : Verdict::Count;
}

uint64_t KeyRepeats::dropped(std::string_view key) const {
  auto it = seen_.find(std::string(key));
  return it == seen_.end() || it->second <= limit_ ? 0 : it->second - limit_;
}

void KeyRepeats::clear() {
  seen_.clear();
  total_dropped_ = 0;
}

}  // namespace vetkit
