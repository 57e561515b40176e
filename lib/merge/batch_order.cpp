#include "merge/batch_order.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <numeric>

#include "import/record_source.h"
#include "merge/session_impl.h"
#include "sign/signature_file.h"
#include "sign/small_file.h"

namespace vetkit {

int compareBatchTimes(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n).compare(b.substr(0, n));
}

std::string sealTime(const std::vector<SignerResult>& signers) {
  std::string latest;
  for (const SignerResult& s : signers)
    if (s.status == VerifyStatus::Valid && s.signed_at > latest) latest = s.signed_at;
  return latest;
}

CollectionTime::CollectionTime(const Schema& schema) {
  const Field* f = schema.field("collected_at");
  field_ = f ? f->index : size_t(-1);
}

void CollectionTime::see(const Record& r) {
  if (field_ == size_t(-1) || field_ >= r.fields.size()) return;
  const FieldValue& v = r.fields[field_];
  // Canonical dates (YYYY-MM-DD, or YYYY-MM) compare as text; a value the importer could not
  // read as a date is no time at all.
  if (v.kind != FieldValue::Kind::String || v.text.size() < 7 || v.text[4] != '-') return;
  if (v.text > latest_) latest_ = v.text;
}

void UnitLatest::add(int64_t id, const BatchInfo& b) {
  if (b.signed_at.empty()) return;
  Entry& e = latest_[b.unit];
  if (e.id == 0 || compareBatchTimes(b.signed_at, e.time) > 0) e = {id, b.source, b.signed_at};
}

const UnitLatest::Entry* UnitLatest::newerThan(const std::string& unit,
                                               std::string_view time) const {
  if (time.empty()) return nullptr;
  auto it = latest_.find(unit);
  if (it == latest_.end() || compareBatchTimes(it->second.time, time) <= 0) return nullptr;
  return &it->second;
}

std::vector<size_t> mergeOrder(const std::vector<std::string>& times) {
  std::vector<size_t> order(times.size());
  std::iota(order.begin(), order.end(), size_t(0));
  // Without a time first, then as text: ISO 8601 sorts by time, and a date goes before the
  // times of its own day (a total order, which comparing at a common precision is not).
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const std::string &x = times[a], &y = times[b];
    if (x.empty() || y.empty()) return x.empty() && !y.empty();
    return x < y;
  });
  return order;
}

namespace {

// The latest "collected_at":"…" of a record stream, by a scan of its bytes rather than a parse:
// for the order only (the time recorded comes from the records as merged), so that ordering
// a run costs a read of each stream, not a second parse.
std::string streamCollectionTime(const std::string& path) {
  static constexpr std::string_view kKey = "\"collected_at\":\"";
  std::ifstream in(path, std::ios::binary);
  std::string buf(1 << 20, '\0'), latest;
  size_t keep = 0;
  while (in.read(buf.data() + keep, std::streamsize(buf.size() - keep)) || in.gcount() > 0) {
    size_t n = keep + size_t(in.gcount());
    std::string_view text(buf.data(), n);
    for (size_t at = text.find(kKey); at != std::string_view::npos; at = text.find(kKey, at + 1)) {
      size_t from = at + kKey.size(), end = text.find('"', from);
      if (end == std::string_view::npos) break;
      std::string_view v = text.substr(from, end - from);
      if (v.size() >= 7 && v[4] == '-' && v > latest) latest.assign(v);
    }
    // A key cut by the end of the buffer is found whole in the next one.
    keep = std::min<size_t>(n, 64);
    std::memmove(buf.data(), buf.data() + n - keep, keep);
    if (!in) break;
  }
  return latest;
}

}  // namespace

std::string MergeSession::Impl::claimedTime(const std::string& path) {
  if (path == "-") return {};  // read once, when its turn comes
  std::string text, err;
  if (options.trust && ::access((path + ".vsig").c_str(), F_OK) == 0) {
    // Claimed, not verified: only the order depends on it; the time recorded and judged is
    // the verified one (sealTime), and a seal that fails refuses the batch anyway.
    std::vector<SignatureBlock> blocks;
    std::string latest;
    if (readSmallFile(path + ".vsig", kMaxSignatureFile, &text, &err) &&
        parseSignatureFile(text, &blocks, &err))
      for (const SignatureBlock& b : blocks)
        if (options.trust->find(b.key_id) && b.signed_at > latest) latest = b.signed_at;
    if (!latest.empty()) return latest;
  }
  if (isRecordStream(path)) return streamCollectionTime(path);
  CollectionTime time(schema);
  RecordSourceEvents events;
  events.record = [&](Record& r) { return time.see(r), true; };
  readRecords(schema, path, options.import, events, &err);  // its trouble is told in its turn
  return time.latest();
}

std::vector<std::string> MergeSession::Impl::inTimeOrder(const std::vector<std::string>& files) {
  if (files.size() < 2) return files;
  std::vector<std::string> times, ordered;
  for (const std::string& f : files) times.push_back(claimedTime(f));
  for (size_t i : mergeOrder(times)) ordered.push_back(files[i]);
  return ordered;
}

}  // namespace vetkit
