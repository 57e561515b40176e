#include "io/zip_file.h"

#include "core/text_catalogue.h"

#include <minizip/unzip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/read_progress.h"

namespace vetkit {

namespace {

constexpr size_t kChunk = 64 * 1024;

unzFile uf(void* h) {
  return static_cast<unzFile>(h);
}

// Tells the kinds of "not a zip" apart by the first bytes, so a renamed .xls or a truncated
// download gets a reason a clerk can act on rather than a bare "not a zip file".
std::string diagnoseUnopenable(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return tr("cannot open file: {reason}", {{"reason", errnoText(errno)}});
  unsigned char head[8] = {};
  size_t n = std::fread(head, 1, sizeof head, f);
  bool failed = std::ferror(f) != 0;
  int readErrno = errno;
  std::fclose(f);
  if (failed) return tr("cannot read file: {reason}", {{"reason", errnoText(readErrno)}});
  if (n == 0) return tr("not a zip file (empty file)");
  static const unsigned char kCfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  if (n == 8 && std::memcmp(head, kCfb, 8) == 0)
    return tr("not a zip file (a legacy .xls or a password-protected workbook)");
  if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
    return tr("truncated or corrupt zip file (no central directory)");
  return tr("not a zip file");
}

std::string unzError(int rc) {
  switch (rc) {
    case UNZ_CRCERROR:
      return tr("crc mismatch");
    case UNZ_ERRNO:
      return tr("read error or truncated data");
    case Z_DATA_ERROR:
      return tr("corrupt compressed data");
    case Z_MEM_ERROR:
      return tr("out of memory");
    case UNZ_BADZIPFILE:
      return tr("bad zip entry");
    default:
      return tr("zip error {code}", {{"code", std::to_string(rc)}});
  }
}

}  // namespace

std::string resolveTarget(std::string_view sourceDir, std::string_view target) {
  std::string t(target);
  std::replace(t.begin(), t.end(), '\\', '/');
  std::string joined = !t.empty() && t[0] == '/' ? t.substr(1) : std::string(sourceDir) + t;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('/');
    out += p;
  }
  return out;
}

std::string normalizeZipName(std::string_view name) {
  std::string s;
  s.reserve(name.size());
  for (char c : name) {
    if (c == '\\') c = '/';
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c == '/' && s.empty()) continue;
    s.push_back(c);
  }
  return s;
}

std::unique_ptr<ZipFile> ZipFile::open(const std::string& path, std::string* err,
                                       uint64_t max_inflated) {
  unzFile h = unzOpen64(path.c_str());
  if (!h) {
    *err = diagnoseUnopenable(path);
    return nullptr;
  }
  std::unique_ptr<ZipFile> z(new ZipFile());
  z->handle_ = h;
  if (max_inflated > 0) {
    z->max_total_ = max_inflated;
    z->max_part_ = std::min(kMaxInflatedPart, max_inflated);
  }
  std::vector<char> name(65536 + 1);
  int rc = unzGoToFirstFile(h);
  while (rc == UNZ_OK) {
    unz_file_info64 info;
    rc = unzGetCurrentFileInfo64(h, &info, name.data(), uLong(name.size() - 1), nullptr, 0, nullptr,
                                 0);
    if (rc != UNZ_OK) break;
    unz64_file_pos pos;
    if (unzGetFilePos64(h, &pos) != UNZ_OK) break;
    int idx = int(z->names_.size());
    z->names_.emplace_back(name.data(), std::min<size_t>(info.size_filename, name.size() - 1));
    z->positions_.emplace_back(pos.pos_in_zip_directory, pos.num_of_file);
    // First entry wins when two names differ only in case, as in most unzip tools.
    z->index_.emplace(normalizeZipName(z->names_.back()), idx);
    rc = unzGoToNextFile(h);
  }
  if (rc != UNZ_END_OF_LIST_OF_FILE) {
    *err = tr("truncated or corrupt zip file (bad central directory)");
    return nullptr;
  }
  return z;
}

ZipFile::~ZipFile() {
  if (handle_) unzClose(uf(handle_));
}

int ZipFile::find(std::string_view name) const {
  auto it = index_.find(normalizeZipName(name));
  return it == index_.end() ? -1 : it->second;
}

std::string ZipFile::describe(int index) const {
  return tr("zip entry '{name}'", {{"name", names_[index]}});
}

bool ZipFile::goTo(int index, void* file_info, std::string* err) {
  if (index < 0 || size_t(index) >= names_.size()) {
    *err = tr("no such zip entry");
    return false;
  }
  unz64_file_pos pos;
  pos.pos_in_zip_directory = positions_[index].first;
  pos.num_of_file = positions_[index].second;
  unzFile h = uf(handle_);
  if (unzGoToFilePos64(h, &pos) != UNZ_OK) {
    *err = describe(index) + ": " + tr("cannot locate entry");
    return false;
  }
  auto* info = static_cast<unz_file_info64*>(file_info);
  if (unzGetCurrentFileInfo64(h, info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
    *err = describe(index) + ": " + tr("bad entry header");
    return false;
  }
  if (info->flag & 1) {
    *err = describe(index) + ": " + tr("entry is encrypted");
    return false;
  }
  return true;
}

std::unique_ptr<ZipFile::Entry> ZipFile::openEntry(int index, std::string* err) {
  unz_file_info64 info;
  if (!goTo(index, &info, err)) return nullptr;
  unzFile h = uf(handle_);
  if (info.compression_method != 0 && info.compression_method != Z_DEFLATED) {
    *err = describe(index) + ": " +
           tr("unsupported compression method {method}",
              {{"method", std::to_string(info.compression_method)}});
    return nullptr;
  }
  int rc = unzOpenCurrentFile(h);
  if (rc != UNZ_OK) {
    *err = describe(index) + ": " + unzError(rc);
    return nullptr;
  }
  return std::unique_ptr<Entry>(
      new Entry(this, index, info.compressed_size, unzGetCurrentFileZStreamPos64(h)));
}

ZipFile::Entry::~Entry() {
  if (open_) unzCloseCurrentFile(uf(zip_->handle_));
}

long ZipFile::Entry::read(char* buf, size_t size, std::string* err) {
  if (size > kChunk * 16) size = kChunk * 16;
  int n = unzReadCurrentFile(uf(zip_->handle_), buf, unsigned(size));
  if (n < 0) {
    *err = zip_->describe(index_) + ": " + unzError(n);
    return -1;
  }
  inflated_ += uint64_t(n);
  zip_->total_inflated_ += uint64_t(n);
  if (inflated_ > zip_->max_part_ || zip_->total_inflated_ > zip_->max_total_) {
    bool part = inflated_ > zip_->max_part_;
    *err = zip_->describe(index_) + ": " +
           tr(part ? "inflates past {mib} MiB (the limit of one part, larger than any real "
                     "sheet; --max-inflated changes it)"
                   : "inflates past {mib} MiB (the limit of a whole workbook, larger than any "
                     "real sheet; --max-inflated changes it)",
              {{"mib", std::to_string((part ? zip_->max_part_ : zip_->max_total_) >> 20)}});
    return -1;
  }
  // A progress display hears of the compressed bytes consumed: the share of the file read.
  if (ReadProgress* progress = ReadProgress::active()) {
    uint64_t position = unzGetCurrentFileZStreamPos64(uf(zip_->handle_));
    if (position > position_) progress->addBytes(position - position_);
    position_ = position;
  }
  if (inflated_ > kZipRatioFloor && inflated_ / kMaxZipRatio > compressed_) {
    *err = zip_->describe(index_) + ": " +
           tr("inflates to more than {ratio} times its compressed size ({bytes} bytes), "
              "refused as a zip bomb",
              {{"ratio", std::to_string(kMaxZipRatio)}, {"bytes", std::to_string(compressed_)}});
    return -1;
  }
  return n;
}

bool ZipFile::Entry::finish(std::string* err) {
  open_ = false;
  int rc = unzCloseCurrentFile(uf(zip_->handle_));
  if (rc != UNZ_OK) {
    *err = zip_->describe(index_) + ": " + unzError(rc);
    return false;
  }
  return true;
}

bool ZipFile::rawInfo(int index, RawInfo* raw) {
  unz_file_info64 info;
  std::string ignored;
  if (!goTo(index, &info, &ignored)) return false;
  raw->method = int(info.compression_method);
  raw->crc = uint32_t(info.crc);
  raw->dos_date = uint32_t(info.dosDate);
  raw->internal_attr = uint32_t(info.internal_fa);
  raw->external_attr = uint32_t(info.external_fa);
  raw->compressed = info.compressed_size;
  raw->uncompressed = info.uncompressed_size;
  return true;
}

bool ZipFile::readRaw(int index, RawInfo* raw,
                      const std::function<bool(const char*, size_t)>& chunk, std::string* err) {
  if (!rawInfo(index, raw)) {
    *err = describe(index) + ": " + tr("bad entry header");
    return false;
  }
  unzFile h = uf(handle_);  // still the current entry
  int method = 0, level = 0;
  int rc = unzOpenCurrentFile2(h, &method, &level, 1);
  if (rc != UNZ_OK) {
    *err = describe(index) + ": " + unzError(rc);
    return false;
  }
  raw->method = method;
  raw->level = level;
  std::vector<char> buf(kChunk);
  bool ok = true;
  for (;;) {
    int n = unzReadCurrentFile(h, buf.data(), unsigned(buf.size()));
    if (n < 0) {
      *err = describe(index) + ": " + unzError(n);
      ok = false;
      break;
    }
    if (n == 0) break;
    if (!chunk(buf.data(), size_t(n))) {
      ok = false;
      break;
    }
  }
  unzCloseCurrentFile(h);  // raw: no CRC to check here; the copy carries the stored one
  return ok;
}

bool ZipFile::read(int index, const std::function<bool(const char*, size_t)>& chunk,
                   std::string* err) {
  auto entry = openEntry(index, err);
  if (!entry) return false;
  std::vector<char> buf(kChunk);
  for (;;) {
    long n = entry->read(buf.data(), buf.size(), err);
    if (n < 0) return false;
    if (n == 0) break;
    // Stopping early leaves the CRC unchecked, which is what the caller asked for.
    if (!chunk(buf.data(), size_t(n))) return true;
  }
  return entry->finish(err);
}

bool ZipFile::readAll(int index, std::string* out, std::string* err, size_t limit) {
  out->clear();
  bool tooBig = false;
  bool ok = read(
      index,
      [&](const char* p, size_t n) {
        if (out->size() + n > limit) {
          tooBig = true;
          return false;
        }
        out->append(p, n);
        return true;
      },
      err);
  if (tooBig) {
    *err = describe(index) + ": " +
           tr("larger than {bytes} bytes", {{"bytes", std::to_string(limit)}});
    return false;
  }
  return ok;
}

}  // namespace vetkit
