// The core layer's shared pieces: the packed open-addressing table, the language of messages,
// file base names.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/lang.h"
#include "core/packed_table.h"
#include "core/path.h"

using namespace vetkit;

TEST(PackedMap, FindsWhatWasInsertedAndNothingElse) {
  PackedMap<uint32_t> map;
  bool created = false;
  EXPECT_EQ(map.find(42), nullptr);
  map.insert(42, &created) = 7;
  EXPECT_TRUE(created);
  uint32_t& again = map.insert(42, &created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again, 7u);
  ASSERT_NE(map.find(42), nullptr);
  EXPECT_EQ(*map.find(42), 7u);
  EXPECT_EQ(map.find(43), nullptr);
  EXPECT_EQ(map.size(), 1u);
}

TEST(PackedMap, AgreesWithStdMapThroughManyGrowths) {
  // Consecutive numbers (one county's) and random ones (hashed keys with the top bit set),
  // far past the first size so that the table grows many times, at both load limits.
  PackedMap<uint32_t> half(16);
  PackedMap<uint32_t, 75> three_quarters(16);
  std::map<uint64_t, uint32_t> truth;
  std::mt19937_64 rng(11643);
  for (uint32_t i = 0; i < 200000; ++i) {
    uint64_t key = i % 2 ? 1000000 + i / 2 : (rng() | (uint64_t(1) << 63));
    if (i % 7 == 0 && !truth.empty()) key = truth.begin()->first + i % 3;  // repeats
    bool created_half = false, created_tq = false;
    uint32_t& a = half.insert(key, &created_half);
    uint32_t& b = three_quarters.insert(key, &created_tq);
    auto [it, fresh] = truth.try_emplace(key, i);
    ASSERT_EQ(created_half, fresh) << key;
    ASSERT_EQ(created_tq, fresh) << key;
    if (fresh) a = b = i;
    ASSERT_EQ(a, it->second);
    ASSERT_EQ(b, it->second);
  }
  EXPECT_EQ(half.size(), truth.size());
  EXPECT_EQ(three_quarters.size(), truth.size());
  for (const auto& [key, value] : truth) {
    ASSERT_NE(half.find(key), nullptr);
    EXPECT_EQ(*half.find(key), value);
    ASSERT_NE(three_quarters.find(key), nullptr);
    EXPECT_EQ(*three_quarters.find(key), value);
  }
  EXPECT_EQ(half.find(999), nullptr);
}

namespace {
struct TextSlot {
  uint64_t key;
  uint32_t text;  // index into the texts: tells apart keys of one hash
};
}  // namespace

TEST(PackedSlots, TellsApartKeysOfOneHashByTheCallersTest) {
  PackedSlots<TextSlot> slots;
  const char* texts[] = {"张三", "李四", "王五"};
  for (uint32_t i = 0; i < 3; ++i) {
    TextSlot* s = slots.find(99, [&](const TextSlot& t) { return t.text == i; });
    ASSERT_EQ(s->key, 0u);
    *s = TextSlot{99, i};
    slots.added();
  }
  for (uint32_t i = 0; i < 3; ++i) {
    TextSlot* s = slots.find(99, [&](const TextSlot& t) { return t.text == i; });
    EXPECT_EQ(s->key, 99u);
    EXPECT_STREQ(texts[s->text], texts[i]);
  }
  size_t seen = 0;
  slots.forEach([&](const TextSlot& s) { seen += s.key == 99; });
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(slots.size(), 3u);
}

TEST(PackedSlots, GrowingKeepsEverySlotAndSaysSo) {
  PackedSlots<TextSlot> slots(16);
  size_t grew = 0;
  for (uint32_t i = 1; i <= 1000; ++i) {
    TextSlot* s = slots.find(i);
    ASSERT_EQ(s->key, 0u);
    *s = TextSlot{i, i};
    grew += slots.added();
  }
  EXPECT_GE(grew, 6u);  // 16 slots at half load to 2048
  for (uint32_t i = 1; i <= 1000; ++i) EXPECT_EQ(slots.find(i)->text, i);
  PackedSlots<TextSlot> moved = std::move(slots);
  EXPECT_EQ(moved.size(), 1000u);
  EXPECT_EQ(moved.find(500)->text, 500u);
}

TEST(Lang, ParsesTheTwoCodesAndNothingElse) {
  Lang lang = Lang::En;
  EXPECT_TRUE(parseLang("zh", &lang));
  EXPECT_EQ(lang, Lang::Zh);
  EXPECT_TRUE(parseLang("en", &lang));
  EXPECT_EQ(lang, Lang::En);
  for (const char* bad : {"", "ZH", "zh-CN", "fr", "en "}) {
    EXPECT_FALSE(parseLang(bad, &lang)) << bad;
    EXPECT_EQ(lang, Lang::En) << bad;  // unchanged
  }
  EXPECT_EQ(langCode(Lang::Zh), "zh");
  EXPECT_EQ(langCode(Lang::En), "en");
  for (Lang l : {Lang::Zh, Lang::En}) {
    Lang back = l == Lang::Zh ? Lang::En : Lang::Zh;
    EXPECT_TRUE(parseLang(langCode(l), &back));
    EXPECT_EQ(back, l);
  }
}

TEST(Path, BaseNameIsWhatFollowsTheLastSlash) {
  EXPECT_EQ(baseName("out/batches/娄星区.jsonl"), "娄星区.jsonl");
  EXPECT_EQ(baseName("/abs/x.xlsx"), "x.xlsx");
  EXPECT_EQ(baseName("plain.csv"), "plain.csv");
  EXPECT_EQ(baseName("dir/"), "");
  EXPECT_EQ(baseName(""), "");
}
