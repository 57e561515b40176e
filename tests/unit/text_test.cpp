// The text layer: identity numbers, dates, folding, UTF-8 and GB18030.
#include <gtest/gtest.h>
#include <iconv.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "text/date.h"
#include "text/encoding.h"
#include "text/fold.h"
#include "text/id_number.h"
#include "text/nearest.h"
#include "text/utf8.h"

using namespace vetkit;

// --- identity numbers: the public vectors of DOMAIN.md §4 -----------------------------------

TEST(IdNumber, CheckCharacterOfKnownVectors) {
  EXPECT_EQ(idCheckChar("11010519491231002"), 'X');  // weighted sum 167, 167 mod 11 = 2
  EXPECT_EQ(idCheckChar("44052418800101001"), '4');
  EXPECT_EQ(idCheckChar("1101051949123100"), 0);  // too short
  EXPECT_EQ(idCheckChar("1101051949123100A"), 0);
}

TEST(IdNumber, ValidNumbersPass) {
  IdParts parts;
  EXPECT_EQ(checkIdNumber("11010519491231002X", &parts), IdStatus::Ok);
  EXPECT_EQ(parts.region, "110105");
  EXPECT_EQ(parts.birth, (PartialDate{1949, 12, 31}));
  EXPECT_EQ(parts.gender, 2);  // sequence 002 is even
  EXPECT_EQ(checkIdNumber("440524188001010014", &parts), IdStatus::Ok);
  EXPECT_EQ(parts.birth.year, 1880);
  EXPECT_EQ(parts.gender, 1);
}

TEST(IdNumber, InvalidNumbersAreCaughtWithTheRightReason) {
  EXPECT_EQ(checkIdNumber("440308199901101513"), IdStatus::BadChecksum);
  EXPECT_EQ(checkIdNumber("440308199902301512"), IdStatus::BadBirthDate);  // 30 February
  EXPECT_EQ(checkIdNumber("4.30102E+17"), IdStatus::BadFormat);
  EXPECT_EQ(checkIdNumber("43010219900101123"), IdStatus::BadFormat);
  EXPECT_EQ(checkIdNumber("43010219900101123Y"), IdStatus::BadFormat);
  // Went through a double: the last digits changed and the check fails.
  EXPECT_EQ(checkIdNumber("430102199001011264"), IdStatus::BadChecksum);
}

TEST(IdNumber, FifteenDigitsUpgradeToEighteen) {
  EXPECT_EQ(upgradeId15("610104620927690"), "610104196209276908");
  EXPECT_EQ(upgradeId15("61010462092769"), "");
  EXPECT_EQ(upgradeId15("61010462092769X"), "");
  EXPECT_EQ(identityKey("610104620927690"), "610104196209276908");
  EXPECT_EQ(identityKey("610104196209276908"), "610104196209276908");
}

TEST(IdNumber, FoldingFullWidthLowerCaseAndApostrophe) {
  EXPECT_EQ(foldIdNumber("１１０１０５１９４９１２３１００２ｘ"), "11010519491231002X");
  EXPECT_EQ(foldIdNumber(" 11010519491231002x "), "11010519491231002X");
  EXPECT_EQ(foldIdNumber("'11010519491231002X"), "11010519491231002X");
  EXPECT_EQ(foldIdNumber("110105 19491231 002X"), "11010519491231002X");
  // Scientific notation is not "repaired".
  EXPECT_EQ(foldIdNumber("4.30102E+17"), "4.30102E+17");
  EXPECT_EQ(identityKey("１１０１０５１９４９１２３１００２ｘ"), "11010519491231002X");
}

TEST(IdNumber, PackingRoundTrips) {
  for (const char* id : {"11010519491231002X", "440524188001010014", "000000000000000000",
                         "999999999999999999", "99999999999999999X"})
    EXPECT_EQ(unpackIdNumber(packIdNumber(id)), id);
  // Never 0 (0 is "not a number", and the empty slot of a packed table), always below 2^63
  // (the top bit marks hashed keys).
  EXPECT_EQ(packIdNumber("000000000000000000"), 1u);
  EXPECT_LT(packIdNumber("99999999999999999X"), uint64_t(1) << 63);
}

TEST(IdNumber, PackingRejectsWhatIsNotEighteenCanonicalCharacters) {
  EXPECT_EQ(packIdNumber("4.30102E+17"), 0u);
  EXPECT_EQ(packIdNumber("11010519491231002x"), 0u);  // not canonical: compared as text
  EXPECT_EQ(packIdNumber("610104620927690"), 0u);     // 15 digits: upgraded first
  EXPECT_EQ(packIdNumber("1101051949123100 X"), 0u);
  EXPECT_EQ(packIdNumber("11010519491231002Y"), 0u);
  EXPECT_EQ(packIdNumber("11010519491231002X0"), 0u);
  EXPECT_EQ(packIdNumber(""), 0u);
}

TEST(IdNumber, PackingKeepsTheCheckCharacterApart) {
  // The 17 digits alone must not decide the key: every check character packs differently,
  // and the one GB 11643 computes round-trips like any other.
  const std::string first17 = "11010519491231002";
  std::set<uint64_t> packed;
  for (char c : std::string("0123456789X")) packed.insert(packIdNumber(first17 + c));
  EXPECT_EQ(packed.size(), 11u);
  for (const char* valid : {"11010519491231002X", "440524188001010014", "430102197005061225"}) {
    std::string id = valid;
    ASSERT_EQ(checkIdNumber(id), IdStatus::Ok) << id;
    std::string back = unpackIdNumber(packIdNumber(id));
    EXPECT_EQ(back, id);
    EXPECT_EQ(idCheckChar(std::string_view(back).substr(0, 17)), back[17]);
  }
  // Order of the numbers is kept: keys sort as the numbers do.
  EXPECT_LT(packIdNumber("110105194912310020"), packIdNumber("11010519491231002X"));
  EXPECT_LT(packIdNumber("11010519491231002X"), packIdNumber("110105194912310030"));
}

TEST(IdNumber, Masking) {
  EXPECT_EQ(maskIdNumber("430102199001011234"), "4301**********1234");
  EXPECT_EQ(maskIdNumber("12345678"), "********");
  EXPECT_EQ(maskIdNumber("13812345678"), "1381***5678");
}

// --- dates -------------------------------------------------------------------------------

struct DateCase {
  const char* text;
  const char* iso;  // nullptr: must be rejected
};

class DateForms : public ::testing::TestWithParam<DateCase> {};

// The importer's shortcut for ISO days must agree with parsing and formatting them.
TEST_P(DateForms, IsoDayShortcutAgreesWithParsing) {
  const DateCase& c = GetParam();
  if (isIsoDay(c.text)) {
    EXPECT_STREQ(c.text, c.iso);
  }
}

TEST(Dates, IsoDayShortcut) {
  EXPECT_TRUE(isIsoDay("1978-03-05"));
  EXPECT_TRUE(isIsoDay("2000-02-29"));
  EXPECT_FALSE(isIsoDay("1900-02-29"));  // not a leap year
  EXPECT_FALSE(isIsoDay("1978-02-30"));
  EXPECT_FALSE(isIsoDay("1978-13-01"));
  EXPECT_FALSE(isIsoDay("1978-00-10"));
  EXPECT_FALSE(isIsoDay("1799-12-31"));  // outside the years parseDate accepts
  EXPECT_FALSE(isIsoDay("1978-3-05 "));
  EXPECT_FALSE(isIsoDay("1978/03/05"));
  EXPECT_FALSE(isIsoDay("1978-03-0x"));
  for (const char* day : {"1978-03-05", "2000-02-29", "2199-12-31", "1800-01-01"}) {
    PartialDate d;
    ASSERT_TRUE(parseDate(day, &d)) << day;
    EXPECT_EQ(formatIsoDate(d), day);
  }
}

TEST_P(DateForms, ParseToIsoAtTheGivenPrecision) {
  PartialDate d;
  const DateCase& c = GetParam();
  bool ok = parseDate(c.text, &d);
  if (c.iso) {
    ASSERT_TRUE(ok) << c.text;
    EXPECT_EQ(formatIsoDate(d), c.iso) << c.text;
  } else {
    EXPECT_FALSE(ok) << c.text << " parsed as " << formatIsoDate(d);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Text, DateForms,
    ::testing::Values(
        DateCase{"1978", "1978"}, DateCase{"1978.03", "1978-03"}, DateCase{"1978.3", "1978-03"},
        DateCase{"1978.3.5", "1978-03-05"}, DateCase{"1978年3月", "1978-03"},
        DateCase{"1978年3月5日", "1978-03-05"}, DateCase{"1978年03月05日", "1978-03-05"},
        DateCase{"1978年", "1978"}, DateCase{"1978-3-5", "1978-03-05"},
        DateCase{"1978-03-05", "1978-03-05"}, DateCase{"1978/03/05", "1978-03-05"},
        DateCase{"1978/3/5 0:00", "1978-03-05"}, DateCase{"1978-03-05T00:00:00", "1978-03-05"},
        DateCase{"1978-03-05 00:00:00", "1978-03-05"}, DateCase{"19780305", "1978-03-05"},
        DateCase{"197803", "1978-03"}, DateCase{"78.03", "1978-03"}, DateCase{"05.03", "2005-03"},
        DateCase{"28189", "1977-03-05"},  // an Excel serial in a CSV
        DateCase{"2000-02-29", "2000-02-29"},
        // rejected
        DateCase{"1978-02-30", nullptr}, DateCase{"1900-02-29", nullptr},
        DateCase{"1978.13", nullptr}, DateCase{"1978.03-05", nullptr},
        DateCase{"19780230", nullptr}, DateCase{"abc", nullptr}, DateCase{"", nullptr},
        DateCase{"1978年3月5", "1978-03-05"}, DateCase{"3/5/1978", nullptr},
        DateCase{"123", nullptr}, DateCase{"1978-03-05 noon", nullptr}, DateCase{"1700", nullptr},
        // a month or day of 00 is no month or day, not a coarser date (issue 14, item 9)
        DateCase{"1981.00", nullptr}, DateCase{"1981.3.00", nullptr}, DateCase{"198100", nullptr},
        DateCase{"19810300", nullptr}, DateCase{"1981年00月", nullptr}));

TEST(Date, ExcelSerials) {
  PartialDate d;
  ASSERT_TRUE(excelSerialToDate(1, false, &d));
  EXPECT_EQ(d, (PartialDate{1900, 1, 1}));
  ASSERT_TRUE(excelSerialToDate(59, false, &d));
  EXPECT_EQ(d, (PartialDate{1900, 2, 28}));
  EXPECT_FALSE(excelSerialToDate(60, false, &d));  // the 1900 leap-year bug
  ASSERT_TRUE(excelSerialToDate(61, false, &d));
  EXPECT_EQ(d, (PartialDate{1900, 3, 1}));
  ASSERT_TRUE(excelSerialToDate(28189, false, &d));
  EXPECT_EQ(d, (PartialDate{1977, 3, 5}));
  ASSERT_TRUE(excelSerialToDate(0, true, &d) == false);
  ASSERT_TRUE(excelSerialToDate(1, true, &d));
  EXPECT_EQ(d, (PartialDate{1904, 1, 2}));
  ASSERT_TRUE(excelSerialToDate(26727, true, &d));  // 28189 - 1462
  EXPECT_EQ(d, (PartialDate{1977, 3, 5}));
  EXPECT_FALSE(excelSerialToDate(2958466, false, &d));
}

// Every month's last day is valid and the day after it is not, in ordinary, leap and
// century years; parsing and identity numbers follow the same calendar.
TEST(Date, MonthLengths) {
  const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int year : {1968, 1900, 2000, 2024, 2026, 2100}) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    for (int month = 1; month <= 12; ++month) {
      int last = days[month - 1] + (month == 2 && leap ? 1 : 0);
      SCOPED_TRACE(std::to_string(year) + "-" + std::to_string(month));
      EXPECT_TRUE(isValidDay(year, month, last));
      EXPECT_FALSE(isValidDay(year, month, last + 1));
      EXPECT_FALSE(isValidDay(year, month, 0));
      char text[40];
      std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, last + 1);
      PartialDate d;
      EXPECT_FALSE(parseDate(text, &d)) << text;
      std::snprintf(text, sizeof text, "%04d%02d%02d", year, month, last);
      ASSERT_TRUE(parseDate(text, &d)) << text;
      EXPECT_EQ(d, (PartialDate{year, month, last}));
    }
  }
  EXPECT_FALSE(isValidDay(2026, 13, 1));
  // 430102 1968-04-31 (with its right check character): a birth date that never was.
  EXPECT_EQ(checkIdNumber("430102196804311230"), IdStatus::BadBirthDate);
  EXPECT_EQ(checkIdNumber("430102196804301235"), IdStatus::Ok);
}

// The 1904 date system counts from 1904-01-01, 1462 days after the 1900 system's serial 0.
TEST(Date, ExcelSerials1904) {
  PartialDate d;
  for (long serial : {1L, 59L, 60L, 61L, 366L, 1462L, 28189L, 2957003L}) {
    SCOPED_TRACE(serial);
    PartialDate d1900, d1904;
    ASSERT_TRUE(excelSerialToDate(serial + 1462, false, &d1900));
    ASSERT_TRUE(excelSerialToDate(serial, true, &d1904));
    EXPECT_EQ(d1900, d1904);
  }
  ASSERT_TRUE(excelSerialToDate(2957003, true, &d));
  EXPECT_EQ(d, (PartialDate{9999, 12, 31}));
  ASSERT_TRUE(excelSerialToDate(60, true, &d));  // no phantom leap day in the 1904 system
  EXPECT_EQ(d, (PartialDate{1904, 3, 1}));
}

TEST(Date, PartialComparison) {
  EXPECT_EQ(comparePartial({1978, 3, 0}, {1978, 3, 5}), 0);
  EXPECT_EQ(comparePartial({1978, 3, 0}, {1978, 4, 1}), -1);
  EXPECT_EQ(comparePartial({1979, 0, 0}, {1978, 12, 31}), 1);
}

// --- folding -----------------------------------------------------------------------------

TEST(Fold, FullWidthAndIdeographicSpace) {
  EXPECT_EQ(foldValue("　１２３ＡＢ　"), "123AB");
  EXPECT_EQ(foldValue("  张三 "), "张三");
  EXPECT_EQ(foldValue("阿依古丽·买买提"), "阿依古丽·买买提");
  EXPECT_EQ(nfkc("㎡"), "m2");
  EXPECT_EQ(nfkc("e\xCC\x81"), "\xC3\xA9");  // combining acute composes
  EXPECT_EQ(nfkc("汉族"), "汉族");
}

TEST(Fold, KeysDropBlanksMarkersAndBracketedNotes) {
  EXPECT_EQ(foldKey("身份证号码（18位）"), "身份证号码");
  EXPECT_EQ(foldKey("* 姓 名"), "姓名");
  EXPECT_EQ(foldKey("面积(平方米)"), "面积");
  EXPECT_EQ(foldKey("出生日期【必填】"), "出生日期");
  EXPECT_EQ(foldKey("联系电话："), "联系电话");
  EXPECT_EQ(foldKey("ID_Number"), "id_number");
  EXPECT_EQ(foldKey("（备注）"), "");
}

// --- UTF-8 and GB18030 --------------------------------------------------------------------

TEST(Utf8, Validation) {
  EXPECT_TRUE(isValidUtf8("汉族 abc"));
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xBA\xBA\xD7\xE5"));  // 汉族 in GBK
  EXPECT_FALSE(isValidUtf8("\xE6\xB1"));
  EXPECT_TRUE(isValidUtf8("\xE6\xB1", true));  // cut at a chunk boundary
  std::string clean;
  EXPECT_EQ(sanitizeUtf8("a\xFF"
                         "b",
                         &clean),
            1u);
  EXPECT_EQ(clean,
            "a\xEF\xBF\xBD"
            "b");
}

TEST(Utf8, DisplayWidthCountsWideCharacters) {
  EXPECT_EQ(displayWidth("abc"), 3u);
  EXPECT_EQ(displayWidth("汉族"), 4u);
  EXPECT_EQ(displayWidth("ＡＢ"), 4u);
}

TEST(Gb18030, DecodesTwoAndFourByteSequences) {
  Gb18030Decoder d;
  std::string out;
  d.decode("\xBA\xBA\xD7\xE5,1978", &out, true);  // 汉族,1978
  EXPECT_EQ(out, "汉族,1978");
  out.clear();
  d.decode("\x81\x30\x81\x30", &out, true);  // U+0080, a four-byte sequence
  EXPECT_EQ(out, "\xC2\x80");
  EXPECT_EQ(d.invalidCount(), 0u);
}

// glibc's own converter, the reference: the decoder's table is built from it, but its fast
// paths (ASCII eight bytes at a time, pointer writes) are not.
std::string iconvFromGb18030(const std::string& in) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == iconv_t(-1)) return "(no iconv)";
  std::string out(in.size() * 4 + 4, '\0');
  char* src = const_cast<char*>(in.data());
  char* dst = out.data();
  size_t src_left = in.size(), dst_left = out.size();
  size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  if (r == size_t(-1)) return "(iconv failed)";
  out.resize(out.size() - dst_left);
  return out;
}

// The decoder against iconv on random GB18030 text — ASCII runs of every length around the
// eight-byte steps, two- and four-byte characters, stray bytes — cut into random chunks.
// Four-byte sequences have a digit (0x30-0x39) as second byte: each end of that range, on
// both planes, whole and cut after each byte.
TEST(Gb18030, FourByteSequencesAtTheEndsOfTheirRanges) {
  const std::pair<std::string, std::string> cases[] = {
      {"\x81\x30\x81\x30", "\xC2\x80"},          // U+0080, the first
      {"\x81\x39\xEE\x39", "\xE3\x90\x80"},      // U+3400: second byte 0x39
      {"\x84\x31\xA4\x39", "\xEF\xBF\xBF"},      // U+FFFF, the last of the BMP
      {"\x90\x30\x81\x30", "\xF0\x90\x80\x80"},  // U+10000, the first beyond it
  };
  for (const auto& [gb, utf8] : cases) {
    const std::string text = "a" + gb + "b";
    for (size_t cut = 0; cut <= text.size(); ++cut) {
      SCOPED_TRACE(cut);
      Gb18030Decoder d;
      std::string out;
      d.decode(text.substr(0, cut), &out, false);
      d.decode(text.substr(cut), &out, true);
      EXPECT_EQ(out, "a" + utf8 + "b");
      EXPECT_EQ(d.invalidCount(), 0u);
    }
  }
}

TEST(Gb18030, AgreesWithIconvOnRandomTextInRandomChunks) {
  std::mt19937 rng(2026);
  auto pick = [&](int lo, int hi) { return int(rng() % unsigned(hi - lo + 1)) + lo; };
  for (int round = 0; round < 200; ++round) {
    std::string gbk;
    bool stray = round % 4 == 3;  // every fourth text has bytes that are not GB18030
    for (int piece = pick(1, 40); piece > 0; --piece) {
      switch (pick(0, stray ? 3 : 2)) {
        case 0:
          for (int k = pick(0, 20); k > 0; --k) gbk += char(pick(0x20, 0x7E));
          break;
        case 1:  // GB2312's hanzi block: always a character
          gbk += char(pick(0xB0, 0xF7)), gbk += char(pick(0xA1, 0xFE));
          break;
        case 2:  // four bytes: 0x81308130 and up is in the BMP part of GB18030
          gbk += char(0x81), gbk += char(pick(0x30, 0x39)), gbk += char(pick(0x81, 0xFE)),
              gbk += char(pick(0x30, 0x39));
          break;
        case 3:
          gbk += char(pick(0, 1) ? 0x80 : 0xFF);
          break;
      }
    }
    // Reference: iconv on the whole text, with each undecodable byte as U+FFFD (only texts
    // without stray bytes are compared byte for byte; the others must decode the same in any
    // chunking).
    Gb18030Decoder whole;
    std::string expected;
    whole.decode(gbk, &expected, true);
    if (!stray) {
      EXPECT_EQ(expected, iconvFromGb18030(gbk)) << round;
      EXPECT_EQ(whole.invalidCount(), 0u) << round;
    }
    Gb18030Decoder chunked;
    std::string got;
    for (size_t at = 0; at < gbk.size();) {
      size_t len = std::min(gbk.size() - at, size_t(pick(1, 9)));
      chunked.decode(std::string_view(gbk).substr(at, len), &got, at + len == gbk.size());
      at += len;
    }
    EXPECT_EQ(got, expected) << round;
    EXPECT_EQ(chunked.invalidCount(), whole.invalidCount()) << round;
  }
}

TEST(Gb18030, CarriesASplitCharacterToTheNextChunk) {
  Gb18030Decoder d;
  std::string out;
  d.decode("a\xBA", &out, false);
  EXPECT_EQ(out, "a");
  d.decode(
      "\xBA"
      "b",
      &out, true);
  EXPECT_EQ(out, "a汉b");
  EXPECT_EQ(d.invalidCount(), 0u);
}

TEST(Gb18030, InvalidBytesAreReplacedAndCounted) {
  Gb18030Decoder d;
  std::string out;
  d.decode("\x80x\xFF", &out, true);
  EXPECT_EQ(out, "\xEF\xBF\xBDx\xEF\xBF\xBD");
  EXPECT_EQ(d.invalidCount(), 2u);
  Gb18030Decoder tail;
  out.clear();
  tail.decode("a\xBA", &out, true);  // a lead byte with nothing after it
  EXPECT_EQ(tail.invalidCount(), 1u);
}

TEST(Encoding, Names) {
  TextEncoding e;
  ASSERT_TRUE(parseEncodingName("GBK", &e));
  EXPECT_EQ(e, TextEncoding::Gb18030);
  ASSERT_TRUE(parseEncodingName("utf-8", &e));
  EXPECT_EQ(e, TextEncoding::Utf8);
  EXPECT_FALSE(parseEncodingName("latin1", &e));
}

TEST(Gb18030, EverySplitOfAFourByteAndATwoByteCharacter) {
  const std::string bytes =
      "a\x81\x30\x81\x30\xBA\xBA"
      "b";  // a U+0080 汉 b
  for (size_t cut = 0; cut <= bytes.size(); ++cut)
    for (size_t cut2 = cut; cut2 <= bytes.size(); ++cut2) {
      Gb18030Decoder d;
      std::string out;
      d.decode(std::string_view(bytes).substr(0, cut), &out, false);
      d.decode(std::string_view(bytes).substr(cut, cut2 - cut), &out, false);
      d.decode(std::string_view(bytes).substr(cut2), &out, true);
      EXPECT_EQ(out, "a\xC2\x80汉b") << cut << "," << cut2;
      EXPECT_EQ(d.invalidCount(), 0u);
    }
}

// Found by tests/fuzz/fuzz_text (tests/fixtures/fuzz-regressions/fuzz_text/): a cut four-byte
// sequence that turns out invalid left another cut sequence behind, and the rest of the next
// chunk was dropped. Every split must decode as the whole does.
TEST(Gb18030, InvalidFourByteSequenceCutAtAChunkEnd) {
  std::ifstream in(VETKIT_FIXTURES "/fuzz-regressions/fuzz_text/gb18030-split-invalid-four-byte",
                   std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 10u);
  Gb18030Decoder whole;
  std::string expected;
  whole.decode(bytes, &expected, true);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    Gb18030Decoder d;
    std::string out;
    d.decode(std::string_view(bytes).substr(0, cut), &out, false);
    d.decode(std::string_view(bytes).substr(cut), &out, true);
    EXPECT_EQ(out, expected) << cut;
    EXPECT_EQ(d.invalidCount(), whole.invalidCount()) << cut;
  }
}

// Terminal escapes from a cell are shown, never obeyed: C0, DEL, C1 and bidi controls, and
// invalid bytes, escaped; everything else (CJK, full-width, a backslash) as it is.
TEST(TerminalSafe, EscapesControlsAndBidi) {
  EXPECT_EQ(terminalSafe("张三 O'Neil \\ ＡＢ"), "张三 O'Neil \\ ＡＢ");
  EXPECT_EQ(terminalSafe("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(terminalSafe("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
  EXPECT_EQ(terminalSafe("a\nb\tc\rd\x7f"), "a\\x0ab\\x09c\\x0dd\\x7f");
  EXPECT_EQ(terminalSafe("\xC2\x9B"
                         "2J"),
            "\\u009b2J");  // C1 CSI
  EXPECT_EQ(terminalSafe("abc\xE2\x80\xAE"
                         "fed"),
            "abc\\u202efed");  // RLO
  EXPECT_EQ(terminalSafe("\xE2\x81\xA6x\xE2\x81\xA9"), "\\u2066x\\u2069");
  EXPECT_EQ(terminalSafe("\xE2\x80\x8F\xD8\x9C"), "\\u200f\\u061c");
  EXPECT_EQ(terminalSafe("bad\xFF\xC3"), "bad\\xff\\xc3");
  EXPECT_EQ(terminalSafe(std::string_view("a\0b", 3)), "a\\x00b");
}

// "Did you mean": a slip of the fingers finds its word, a different word finds nothing.
TEST(Nearest, TyposFindTheirNameOthersNothing) {
  std::vector<std::string> names = {"name", "gender", "related_name", "--profile", "--map"};
  EXPECT_EQ(nearestName("nmae", names), "name");     // two letters swapped
  EXPECT_EQ(nearestName("gendr", names), "gender");  // one left out
  EXPECT_EQ(nearestName("--porfile", names), "--profile");
  EXPECT_EQ(nearestName("--mpa", names), "--map");
  EXPECT_EQ(nearestName("NAME", names), "name");  // case is no typo
  EXPECT_EQ(nearestName("phone", names), "");     // a different word
  EXPECT_EQ(nearestName("", names), "");
}
