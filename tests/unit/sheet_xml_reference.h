// The reference the fast worksheet scanner is held to, shared by its unit test and its fuzzer:
// element events written into one string, with control characters (which XML cannot carry)
// as separators, so that "is a prefix of" and "equals" compare event streams — from the
// scanner (Recorder) and from expat itself (expatEvents).
#pragma once

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "io/sheet_xml.h"

namespace vetkit::sheetxml::reference {

struct Recorder {
  std::string events;
  bool halted() const { return false; }
  std::string* collect() { return &events; }
  void start(std::string_view local, const Attr* attrs, size_t n) {
    events += '\x01';
    events += local;
    for (size_t i = 0; i < n; ++i) {
      events += '\x02';
      events += attrs[i].name;
      events += '\x03';
      events += attrs[i].value;
    }
    events += '\x04';
  }
  void end(std::string_view local) {
    events += '\x05';
    events += local;
    events += '\x06';
  }
};

inline std::string localOf(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? colon + 1 : name;
}

/// Parses `doc` with expat into `*events`; false when expat rejects it.
inline bool expatEvents(const std::string& doc, std::string* events) {
  XML_Parser p = XML_ParserCreate(nullptr);
  XML_SetUserData(p, events);
  XML_SetElementHandler(
      p,
      [](void* u, const char* name, const char** atts) {
        auto* e = static_cast<std::string*>(u);
        *e += '\x01';
        *e += localOf(name);
        for (; *atts; atts += 2) {
          *e += '\x02';
          *e += atts[0];
          *e += '\x03';
          *e += atts[1];
        }
        *e += '\x04';
      },
      [](void* u, const char* name) {
        auto* e = static_cast<std::string*>(u);
        *e += '\x05';
        *e += localOf(name);
        *e += '\x06';
      });
  XML_SetCharacterDataHandler(p, [](void* u, const char* s, int len) {
    static_cast<std::string*>(u)->append(s, size_t(len));
  });
  bool ok = XML_Parse(p, doc.data(), int(doc.size()), XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(p);
  return ok;
}

// Feeds `doc` to the scanner in pieces of `piece` bytes the way the xlsx reader does: the
// unconsumed tail is moved to the front and the next piece appended after it. The events go to
// `events`; a scanner still wanting more at the end has given up.
inline Status scanInPieces(const std::string& doc, size_t piece, std::string* events) {
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

// Everything up to the last element event: text seen after it only ever matters to the reader
// at a later element event, and expat may not yet have reported it where it stops.
inline std::string upToLastElementEvent(const std::string& events) {
  size_t cut = events.find_last_of("\x04\x06");
  return cut == std::string::npos ? std::string() : events.substr(0, cut + 1);
}

}  // namespace vetkit::sheetxml::reference
