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

namespace {

using reference::Recorder;

bool expat(const std::string& doc, std::string* events) {
  return reference::expatEvents(doc, events);
}

// Feeds `doc` in pieces as the xlsx reader does: the unconsumed tail moves to the front.
Status scan(const std::string& doc, size_t piece, std::string* events) {
  Recorder rec;
  Scanner<Recorder> scanner(rec);
  std::vector<char> buf;
  size_t len = 0, fed = 0;
  for (;;) {
    size_t n = std::min(piece, doc.size() - fed);
    buf.resize(len + n + kPad);
    std::memcpy(buf.data() + len, doc.data() + fed, n);
    fed += n;
    len += n;
    std::memset(buf.data() + len, 0, kPad);
    size_t used = 0;
    Status s = scanner.scan(buf.data(), len, n == 0, &used);
    if (s != Status::NeedMore || n == 0) {
      *events = std::move(rec.events);
      return s == Status::NeedMore ? Status::GiveUp : s;
    }
    std::memmove(buf.data(), buf.data() + used, len - used);
    len -= used;
  }
}

std::string upToLastElementEvent(const std::string& events) {
  size_t cut = events.find_last_of("\x04\x06");
  return cut == std::string::npos ? std::string() : events.substr(0, cut + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + data[0] % 64;
  std::string doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string fast, ref;
  Status s = scan(doc, piece, &fast);
  bool ok = expat(doc, &ref);
  if (s == Status::Done && (!ok || fast != ref)) __builtin_trap();
  if (s == Status::GiveUp) {
    std::string prefix = upToLastElementEvent(fast);
    if (ref.compare(0, prefix.size(), prefix) != 0) __builtin_trap();
  }
  return 0;
}
