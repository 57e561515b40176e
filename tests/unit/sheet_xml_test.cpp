// The fast worksheet scanner against expat itself: on every document, hand-written or mutated,
// and however it is cut into pieces, the scanner must either agree with expat event for event
// or give up, and never deliver an element event that expat would not deliver at that point.
#include "io/sheet_xml.h"
#include "io/xml_tags.h"

#include "sheet_xml_reference.h"

#include <expat.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace vetkit::sheetxml {
namespace {

struct ExpatResult {
  bool ok = false;
  std::string events;
};

ExpatResult expat(const std::string& doc) {
  ExpatResult r;
  r.ok = reference::expatEvents(doc, &r.events);
  return r;
}

struct ScanResult {
  Status status;
  std::string events;
};

ScanResult scan(const std::string& doc, size_t piece) {
  ScanResult r;
  r.status = reference::scanInPieces(doc, piece, &r.events);
  return r;
}

using reference::upToLastElementEvent;

int expatTook = 0, agreed = 0;

// Checks the contract on `doc` for a whole buffer and for a few ways of cutting it.
void check(const std::string& doc, bool expectFast = false) {
  SCOPED_TRACE(::testing::PrintToString(doc));
  ExpatResult ref = expat(doc);
  expatTook += ref.ok;
  ScanResult whole = scan(doc, doc.size() + 1);
  ASSERT_NE(whole.status, Status::NeedMore);
  if (whole.status == Status::Done) {
    ASSERT_TRUE(ref.ok) << "scanner accepted what expat rejects";
    ASSERT_EQ(whole.events, ref.events);
    ++agreed;
  } else {
    ASSERT_EQ(whole.status, Status::GiveUp);
    ASSERT_FALSE(expectFast) << "scanner gave up on a document it should take";
    std::string prefix = upToLastElementEvent(whole.events);
    ASSERT_EQ(ref.events.compare(0, prefix.size(), prefix), 0)
        << "scanner delivered events expat does not";
  }
  for (size_t piece :
       {size_t(1), size_t(2), size_t(3), size_t(5), size_t(7), size_t(16), size_t(31)}) {
    if (piece >= doc.size()) break;
    ScanResult cut = scan(doc, piece);
    ASSERT_EQ(cut.status, whole.status) << "piece " << piece;
    ASSERT_EQ(cut.events, whole.events) << "piece " << piece;
  }
}

const char* kValid[] = {
    // What Excel, WPS and libxlsxwriter write.
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<dimension ref=\"A1:C2\"/><sheetData><row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v>"
    "</c><c r=\"B1\" s=\"3\" t=\"inlineStr\"><is><t>退役士兵</t></is></c><c r=\"C1\"><f>A1+1</f>"
    "<v>2</v></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> "
    "娄底 </t></is></c></row></sheetData><pageMargins left=\"0.7\"/></worksheet>",
    // Prefixes, single quotes, whitespace in tags, attribute order, self-closing cells.
    "<x:worksheet xmlns:x='urn:x'><x:sheetData ><x:row r = '1' ><x:c t='inlineStr' r='A1'\n>"
    "<x:is><x:t>a</x:t></x:is></x:c><x:c r='B1' /><x:c/></x:row\n></x:sheetData></x:worksheet>",
    // References in text and in attribute values; CR LF and lone CR; tabs in values.
    "<a x=\"&lt;&gt;&amp;&quot;&apos;&#65;&#x4e2d;&#x1F600;\" y=\"1\t2\r\n3\r4&#9;&#13;&#10;\">"
    "&lt;b&gt; &amp; &#13;&#x0D; a\r\nb\rc &#12354; ] ]] ]&gt;</a>",
    // Comments anywhere, BOM, no declaration, text around elements, nested rich runs.
    "\xEF\xBB\xBF<!-- lead --><w><!----><!-- a - b -->x--><sheetData><row><c t=\"inlineStr\">"
    "<is><r><rPr><b/></rPr><t>湖南</t></r><r><t>娄底</t></r><rPh sb=\"0\"><t>hunan</t></rPh>"
    "</is></c></row></sheetData></w>\n<!-- tail -->\n",
    // Single-quoted declaration, lower-case encoding, standalone="no", empty element root.
    "<?xml version='1.0' encoding='utf-8' standalone='no' ?><root/>",
    "<?xml version=\"1.0\"?>\n<a>\t<b/>\n</a>",
    // Supplementary characters, U+FFFD, noncharacters expat allows, DEL.
    "<a>\xF0\x9F\x98\x80\xEF\xBF\xBD\xEF\xB7\x90\x7F</a>",
    // Colons anywhere in names, as expat without namespaces takes them.
    "<a:b:c d:e:f=\"1\" _g=\"2\" h.i-j=\"3\"><:k/></a:b:c>",
};

const char* kGiveUp[] = {
    // Legal, but outside the subset: expat decides.
    "<!DOCTYPE a><a/>",
    "<a><![CDATA[x]]></a>",
    "<a><?pi x?></a>",
    "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>",
    "<?xml version=\"1.1\"?><a/>",
    "<?xml-stylesheet href=\"x\"?><a/>",
    "<a>&nbsp;</a>",
    "<\xE4\xB8\xAD/>",
    "<a>&#00000065;</a>",
    // Malformed.
    "",
    "   ",
    "<a>",
    "<a></b>",
    "<a><b></a></b>",
    "<a x=\"1\" x=\"2\"/>",
    "<a x=\"1\"y=\"2\"/>",
    "<a x=1/>",
    "<a x=\"<\"/>",
    "<a>]]></a>",
    "<a>\x01</a>",
    "<a>\xFF</a>",
    "<a>\xC0\x80</a>",
    "<a>\xED\xA0\x80</a>",
    "<a>\xEF\xBF\xBE</a>",
    "<a>&#0;</a>",
    "<a>&#xD800;</a>",
    "<a>&#X41;</a>",
    "<a>&#;</a>",
    "<a>& b</a>",
    "<a/><b/>",
    "<a/>x",
    "x<a/>",
    "<a><!-- a -- b --></a>",
    "<a><!-- a ---></a>",
    "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><a/>",
    " <?xml version=\"1.0\"?><a/>",
    "<a></a >x",
    "< a/>",
    "<a/ >",
    "<1a/>",
    "</a>",
};

TEST(SheetXml, AgreesWithExpatOnValidDocuments) {
  for (const char* doc : kValid) check(doc, /*expectFast=*/true);
}

TEST(SheetXml, GivesUpOnTheRest) {
  for (const char* doc : kGiveUp) {
    check(doc);
    EXPECT_EQ(scan(doc, 1u << 20).status, Status::GiveUp) << doc;
  }
}

// Random damage to valid documents: byte flips, cuts, and bytes the grammar cares about
// dropped in or taken out.
TEST(SheetXml, AgreesWithExpatOnMutations) {
  std::mt19937 rng(20240601);
  const std::string specials = "<>/&;#x\"'= \r\n\t]!?-:\xE4\xB8\xAD\x80\xFF\x00";
  const char* snippets[] = {"&lt;", "&#x41;", "<!--c-->", "<![CDATA[", "]]>",          "</c>",
                            "<c>",  "/>",     "<v>1</v>", "&#0;",      "\xEF\xBB\xBF", "\r\n"};
  // VETKIT_FUZZ_ROUNDS raises the count for a longer run by hand.
  const char* rounds = std::getenv("VETKIT_FUZZ_ROUNDS");
  int perDoc = rounds ? std::atoi(rounds) : 400;
  int iterations = 0;
  for (const char* base : kValid) {
    std::string doc(base);
    for (int k = 0; k < perDoc; ++k) {
      std::string m = doc;
      int edits = 1 + int(rng() % 3);
      for (int e = 0; e < edits && !m.empty(); ++e) {
        size_t at = rng() % m.size();
        switch (rng() % 5) {
          case 0:
            m[at] = char(m[at] ^ (1 << (rng() % 8)));
            break;
          case 1:
            m.resize(at);
            break;
          case 2:
            m.insert(at, 1, specials[rng() % specials.size()]);
            break;
          case 3:
            m.erase(at, 1 + rng() % 4);
            break;
          case 4:
            m.insert(at, snippets[rng() % (sizeof snippets / sizeof *snippets)]);
            break;
        }
      }
      check(m);
      ++iterations;
      if (HasFatalFailure()) return;
    }
  }
  // Of the mutants expat takes, the scanner must take most, or this proves little about the
  // paths that deliver data.
  std::printf("%d mutants, %d taken by expat, %d of them by the scanner\n", iterations, expatTook,
              agreed);
  EXPECT_GT(expatTook, iterations / 20);
  EXPECT_GT(agreed, expatTook / 2) << agreed << " taken of " << expatTook << " that expat takes";
}

}  // namespace
}  // namespace vetkit::sheetxml

// One escaper for the xlsx parts and the HTML pages (report, diff, cross-check): the five
// entities, the controls XML cannot hold dropped, appended after what is there.
namespace vetkit {
TEST(XmlEscape, EscapesFiveEntitiesDropsControlsAndAppends) {
  EXPECT_EQ(xmlEscape("a<b>&\"c'd"), "a&lt;b&gt;&amp;&quot;c&apos;d");
  EXPECT_EQ(xmlEscape(std::string("x\x01\ty\n", 5)), "x\ty\n");
  EXPECT_EQ(xmlUnescape(xmlEscape("王五 <\"&'>")), "王五 <\"&'>");
  std::string out = "<td>";
  appendXmlEscaped(&out, "1 < 2");
  EXPECT_EQ(out, "<td>1 &lt; 2");
}
}  // namespace vetkit
