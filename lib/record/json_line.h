// simdjson's on-demand parser reads past the end of its input, so a line of the record stream
// is copied into a buffer with the padding it needs (kept for reuse) before it is opened.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace vetkit {

class PaddedJsonLine {
 public:
  /// Opens `line` as a JSON object into `obj`; false when it is not one. `obj` reads from
  /// this buffer: it is valid until the next open().
  bool open(std::string_view line, simdjson::ondemand::object* obj) {
    padded_.assign(line);
    padded_.append(simdjson::SIMDJSON_PADDING, ' ');
    return !parser_.iterate(padded_.data(), line.size(), padded_.size()).get(doc_) &&
           !doc_.get_object().get(*obj);
  }

 private:
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document doc_;
  std::string padded_;
};

}  // namespace vetkit
