// Fuzzes the fast worksheet scanner against expat (see io/sheet_xml.h for the contract): when
// the scanner finishes, expat must accept the document with the same events; when it gives
// up, the element events it delivered must be a prefix of expat's.
#include <expat.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../unit/sheet_xml_reference.h"
#include "io/sheet_xml.h"

using namespace vetkit::sheetxml;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + data[0] % 64;
  std::string doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string fast, ref;
  Status s = reference::scanInPieces(doc, piece, &fast);
  bool ok = reference::expatEvents(doc, &ref);
  if (s == Status::Done && (!ok || fast != ref)) __builtin_trap();
  if (s == Status::GiveUp) {
    std::string prefix = reference::upToLastElementEvent(fast);
    if (ref.compare(0, prefix.size(), prefix) != 0) __builtin_trap();
  }
  return 0;
}
