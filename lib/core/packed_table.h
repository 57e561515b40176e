// The open-addressing table every large in-memory index of people uses (the validator's
// duplicate numbers, the merge's people, the diff's keys): keys are non-zero 64-bit numbers
// (an identity number packed by packIdNumber(), or a hash with the top bit set), slots are
// found by Fibonacci hashing and linear probing, and the table only grows. A million people
// cost one slot array and no allocation each. The slots come zero-filled from mmap (0 is the
// empty key), with huge pages advised: at tens of megabytes, nearly every probe would
// otherwise miss the TLB.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace vetkit {

/// Slots of type `Slot`, which has a `uint64_t key` (0: empty) and is trivially copyable;
/// grown (doubled) once more than `kLoadPercent` percent of them are filled.
template <typename Slot, unsigned kLoadPercent = 50>
class PackedSlots {
  static_assert(std::is_trivially_copyable_v<Slot>, "slots are moved as bytes");
  static_assert(kLoadPercent > 0 && kLoadPercent < 100);

 public:
  explicit PackedSlots(size_t initial = 1024) { allocate(roundUp(initial)); }
  ~PackedSlots() { release(); }
  PackedSlots(const PackedSlots&) = delete;
  PackedSlots& operator=(const PackedSlots&) = delete;
  PackedSlots(PackedSlots&& o) noexcept { *this = std::move(o); }
  PackedSlots& operator=(PackedSlots&& o) noexcept {
    if (this != &o) {
      release();
      slots_ = std::exchange(o.slots_, nullptr);
      mask_ = std::exchange(o.mask_, 0);
      shift_ = o.shift_;
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }

  /// The slot holding `key` for which `same(slot)` holds (to tell apart hashed keys that
  /// collide), or the empty slot where it goes. `key` must not be 0.
  template <typename Same>
  Slot* find(uint64_t key, Same same) const {
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == 0 || (s.key == key && same(s))) return &s;
    }
  }
  Slot* find(uint64_t key) const {
    return find(key, [](const Slot&) { return true; });
  }

  /// Counts a slot that find() returned empty and the caller filled (its key set); may grow
  /// the table, which moves every slot: true then, and pointers from find() are stale.
  bool added() {
    if (++count_ * 100 <= (mask_ + 1) * kLoadPercent) return false;
    grow();
    return true;
  }

  size_t size() const { return count_; }

  /// Calls `fn(slot)` for every filled slot, in no particular order.
  template <typename Fn>
  void forEach(Fn fn) const {
    for (size_t i = 0; i <= mask_; ++i)
      if (slots_[i].key) fn(slots_[i]);
  }

 private:
  static size_t roundUp(size_t n) {
    size_t p = 16;
    while (p < n) p *= 2;
    return p;
  }
  // Fibonacci hashing: the top bits of the product spread the consecutive numbers of one
  // county over the whole table.
  size_t home(uint64_t key) const { return size_t((key * 0x9E3779B97F4A7C15ull) >> shift_); }

  void allocate(size_t n) {
    size_t bytes = n * sizeof(Slot);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);
    slots_ = static_cast<Slot*>(p);  // zero-filled: every slot empty
    mask_ = n - 1;
    shift_ = 64;
    for (size_t m = n; m > 1; m /= 2) --shift_;
  }

  void release() {
    if (slots_) munmap(slots_, (mask_ + 1) * sizeof(Slot));
    slots_ = nullptr;
  }

  void grow() {
    Slot* old = slots_;
    size_t old_n = mask_ + 1;
    allocate(old_n * 2);
    for (size_t j = 0; j < old_n; ++j) {
      if (!old[j].key) continue;
      size_t i = home(old[j].key);
      while (slots_[i].key) i = (i + 1) & mask_;
      slots_[i] = old[j];
    }
    munmap(old, old_n * sizeof(Slot));
  }

  Slot* slots_ = nullptr;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  size_t count_ = 0;
};

/// A map from non-zero 64-bit keys to small values, on PackedSlots.
template <typename Value, unsigned kLoadPercent = 50>
class PackedMap {
 public:
  explicit PackedMap(size_t initial = 1024) : slots_(initial) {}

  /// The value stored for `key`, or nullptr.
  const Value* find(uint64_t key) const {
    const Slot* s = slots_.find(key);
    return s->key ? &s->value : nullptr;
  }
  /// The value for `key`, inserted zero-initialised (`*created` = true) when missing. The
  /// reference is valid until the next insert.
  Value& insert(uint64_t key, bool* created) {
    Slot* s = slots_.find(key);
    *created = s->key == 0;
    if (!*created) return s->value;
    s->key = key;
    s->value = Value{};
    return slots_.added() ? slots_.find(key)->value : s->value;
  }
  size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    uint64_t key;
    Value value;
  };
  PackedSlots<Slot, kLoadPercent> slots_;
};

}  // namespace vetkit
