// UTF-8 to GB18030 for the files Chinese Excel opens as "CSV" (a department's extract), by
// the C library's iconv: GB18030 covers every Unicode character, so nothing is lost.
#include <iconv.h>

#include <cerrno>
#include <cstring>

#include "text/encoding.h"

#include "core/text_catalogue.h"

namespace vetkit {

bool encodeGb18030(std::string_view utf8, std::string* out, std::string* err) {
  out->clear();
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == iconv_t(-1)) return *err = std::string("GB18030: ") + errnoText(errno), false;
  out->resize(utf8.size() * 2 + 16);  // GB18030 takes at most 4 bytes where UTF-8 takes 2..4
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out->size();
  char* to = out->data();
  size_t r = iconv(cd, &in, &in_left, &to, &out_left);
  int e = errno;
  iconv_close(cd);
  if (r == size_t(-1)) return *err = std::string("GB18030: ") + errnoText(e), false;
  out->resize(out->size() - out_left);
  return true;
}

}  // namespace vetkit
