#include "io/zip_writer.h"

#include "core/text_catalogue.h"

#include <minizip/zip.h>

#include <algorithm>

namespace vetkit {

namespace {

constexpr size_t kChunk = 64 * 1024;

zipFile zf(void* h) {
  return static_cast<zipFile>(h);
}

}  // namespace

std::unique_ptr<ZipWriter> ZipWriter::create(const std::string& path, std::string* err) {
  zipFile z = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (!z) {
    *err = tr("cannot create zip file '{path}'", {{"path", path}});
    return nullptr;
  }
  std::unique_ptr<ZipWriter> w(new ZipWriter());
  w->handle_ = z;
  w->path_ = path;
  return w;
}

ZipWriter::~ZipWriter() {
  if (handle_) zipClose(zf(handle_), nullptr);
}

bool ZipWriter::fail(std::string* err, const std::string& why) {
  *err = tr("cannot write zip entry '{entry}' of '{path}': {reason}",
            {{"entry", entry_}, {"path", path_}, {"reason", why}});
  return false;
}

bool ZipWriter::begin(const std::string& name, bool large, std::string* err, bool fast) {
  entry_ = name;
  zip_fileinfo fi = {};
  if (zipOpenNewFileInZip64(zf(handle_), name.c_str(), &fi, nullptr, 0, nullptr, 0, nullptr,
                            Z_DEFLATED, fast ? Z_BEST_SPEED : Z_DEFAULT_COMPRESSION,
                            large ? 1 : 0) != ZIP_OK)
    return fail(err, tr("cannot start it"));
  return true;
}

bool ZipWriter::write(std::string_view data, std::string* err) {
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    if (zipWriteInFileInZip(zf(handle_), data.data() + off, unsigned(n)) != ZIP_OK)
      return fail(err, tr("write error"));
  }
  return true;
}

bool ZipWriter::end(std::string* err) {
  if (zipCloseFileInZip(zf(handle_)) != ZIP_OK) return fail(err, tr("cannot finish it"));
  return true;
}

bool ZipWriter::add(const std::string& name, std::string_view content, std::string* err) {
  return begin(name, content.size() >= 0xffffffffu, err) && write(content, err) && end(err);
}

bool ZipWriter::copyRaw(ZipFile& from, int index, std::string* err) {
  entry_ = from.names()[size_t(index)];
  bool started = false, ok = true;
  std::string write_err;
  ZipFile::RawInfo info;
  bool read = from.readRaw(
      index, &info,
      [&](const char* p, size_t n) {
        if (!started) {
          // The first chunk comes after the entry's header was read: its method is known.
          zip_fileinfo fi = {};
          fi.dosDate = info.dos_date;
          fi.internal_fa = info.internal_attr;
          fi.external_fa = info.external_attr;
          if (zipOpenNewFileInZip2_64(zf(handle_), entry_.c_str(), &fi, nullptr, 0, nullptr, 0,
                                      nullptr, info.method, info.level, 1,
                                      info.uncompressed >= 0xffffffffu ? 1 : 0) != ZIP_OK)
            return ok = fail(&write_err, tr("cannot start it"));
          started = true;
        }
        if (zipWriteInFileInZip(zf(handle_), p, unsigned(n)) != ZIP_OK)
          return ok = fail(&write_err, tr("write error"));
        return true;
      },
      err);
  if (!ok) {
    *err = write_err;
    return false;
  }
  if (!read) return false;
  if (!started) {  // an empty entry: nothing was streamed, the header is still to write
    zip_fileinfo fi = {};
    fi.dosDate = info.dos_date;
    fi.external_fa = info.external_attr;
    if (zipOpenNewFileInZip2_64(zf(handle_), entry_.c_str(), &fi, nullptr, 0, nullptr, 0, nullptr,
                                info.method, info.level, 1, 0) != ZIP_OK)
      return fail(err, tr("cannot start it"));
  }
  if (zipCloseFileInZipRaw64(zf(handle_), info.uncompressed, info.crc) != ZIP_OK)
    return fail(err, tr("cannot finish it"));
  return true;
}

bool ZipWriter::close(std::string* err) {
  int rc = zipClose(zf(handle_), nullptr);
  handle_ = nullptr;
  if (rc != ZIP_OK) {
    *err = tr("cannot finish zip file '{path}'", {{"path", path_}});
    return false;
  }
  return true;
}

bool writeZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& entries, std::string* err) {
  auto z = ZipWriter::create(path, err);
  if (!z) return false;
  for (const auto& [name, content] : entries)
    if (!z->add(name, content, err)) return false;
  return z->close(err);
}

}  // namespace vetkit
