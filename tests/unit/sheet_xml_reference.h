// The reference the fast worksheet scanner is held to, shared by its unit test and its fuzzer:
// element events written into one string, with control characters (which XML cannot carry)
// as separators, so that "is a prefix of" and "equals" compare event streams — from the
// scanner (Recorder) and from expat itself (expatEvents).
#pragma once

#include <expat.h>

#include <cstring>
#include <string>
#include <string_view>

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

}  // namespace vetkit::sheetxml::reference
