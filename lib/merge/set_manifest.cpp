#include "merge/set_manifest.h"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/text_catalogue.h"
#include "merge/set_values.h"
#include "record/json_writer.h"
#include "record/mask.h"
#include "record/record_reader.h"
#include "sign/digest.h"
#include "sign/verify.h"

namespace vetkit {

namespace {

constexpr std::string_view kFormat = "vetkit-city-set/1";

// The batch ids of a set line's `_sources`; false when the line is not a JSON object. With
// `keyless`, where its first source was ("?SHEET:ROW"): how a record without a key is found.
bool sourceBatches(simdjson::ondemand::parser& parser, std::string_view line,
                   std::vector<int64_t>* batches, std::string* keyless = nullptr) {
  batches->clear();
  if (keyless) keyless->clear();
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) return false;
  simdjson::ondemand::array sources;
  if (obj["_sources"].get_array().get(sources)) return true;  // none: no batch covers it
  for (auto item : sources) {
    simdjson::ondemand::object source;
    if (item.get_object().get(source)) continue;
    int64_t id = 0, row = 0;
    std::string_view sheet;
    for (auto member : source) {
      std::string_view k;
      if (member.unescaped_key().get(k)) break;
      // A member of another type is as good as missing: the record is then uncovered.
      if (k == "batch" && member.value().get_int64().get(id)) id = 0;
      if (k == "sheet" && member.value().get_string().get(sheet)) sheet = {};
      if (k == "row" && member.value().get_int64().get(row)) row = 0;
    }
    if (keyless && batches->empty())
      *keyless = "?" + std::string(sheet) + ":" + std::to_string(row);
    if (id) batches->push_back(id);
  }
  return true;
}

std::string text(simdjson::ondemand::object& o, const char* key) {
  std::string_view v;
  return o[key].get_string().get(v) ? std::string() : std::string(v);
}

}  // namespace

struct SetManifestWriter::Impl {
  Digester sha{DigestAlgorithm::Sha256};
  simdjson::ondemand::parser parser;
  std::set<int64_t> batches;
  std::vector<int64_t> scratch;
  size_t records = 0;
};

SetManifestWriter::SetManifestWriter() : impl_(std::make_unique<Impl>()) {}
SetManifestWriter::~SetManifestWriter() = default;

void SetManifestWriter::add(std::string_view line) {
  impl_->sha.update(line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;
  ++impl_->records;
  if (sourceBatches(impl_->parser, line, &impl_->scratch))
    impl_->batches.insert(impl_->scratch.begin(), impl_->scratch.end());
}

bool SetManifestWriter::write(StoreReader& store, const std::string& set_name,
                              const std::string& path, std::string* err) {
  std::string set_sha;
  if (!impl_->sha.finish(&set_sha, err)) return false;
  std::string body;
  size_t n = 0;
  if (!store.forEachBatch([&](int64_t id, const BatchInfo& b) {
        if (!impl_->batches.count(id)) return;
        ++n;
        body += "{\"batch\":" + std::to_string(id) + ",\"file\":";
        JsonWriter::appendQuoted(&body, std::filesystem::path(b.source).filename().string());
        for (auto [key, value] : {std::pair{"sha256", &b.sha256},
                                  {"unit", &b.unit},
                                  {"signer", &b.signer},
                                  {"key_id", &b.key_id},
                                  {"signer_status", &b.signer_status},
                                  {"signed_at", &b.signed_at}}) {
          body += ",\"" + std::string(key) + "\":";
          JsonWriter::appendQuoted(&body, *value);
        }
        body += ",\"records\":" + std::to_string(b.records) + "}\n";
      }))
    return *err = store.error(), false;
  std::string head = "{\"manifest\":";
  JsonWriter::appendQuoted(&head, kFormat);
  head += ",\"set\":";
  JsonWriter::appendQuoted(&head, std::filesystem::path(set_name).filename().string());
  head += ",\"set_sha256\":\"" + set_sha + "\",\"records\":" + std::to_string(impl_->records) +
          ",\"batches\":" + std::to_string(n) + "}\n";
  AtomicFile out;
  if (!out.open(path, err)) return false;
  out.write(head);
  out.write(body);
  return out.commit(err);
}

int checkSetManifest(const SetCheckRequest& r, const Schema& schema, const DiagnosticSink& sink,
                     SetCheckCounts* counts) {
  const Messages& messages = schema.messages();
  const std::string manifest = r.manifest.empty() ? r.set + ".manifest" : r.manifest;
  std::string dir =
      r.inputs.empty() ? std::filesystem::path(r.set).parent_path().string() : r.inputs;
  if (dir.empty()) dir = ".";
  int status = 0;
  auto say = [&](Severity sev, const std::string& file, long row, const char* code,
                 const MessageArgs& args, const std::string& field = {}) {
    Diagnostic d;
    d.severity = sev;
    d.file = file;
    d.row = int(row);
    d.code = code;
    d.field = field;
    d.message = messages.format(code, r.lang, args);
    if (sink) sink(d);
    status = std::max(status, sev == Severity::Error && std::string(code) == "unreadable" ? 2 : 1);
  };
  auto firstProblem = [](const VerifyResult& v) {
    return v.problems.empty() ? std::string() : v.problems[0];
  };
  // 1. The manifest is sealed by a trusted city key.
  VerifyPolicy city;
  city.required_roles = {"city"};
  city.check_chain = false;
  VerifyResult sealed;
  if (verifyFile(manifest, "", r.trust, city, &sealed) != VerifyStatus::Valid)
    say(Severity::Error, manifest, 0, "set-manifest-unsealed", {{"reason", firstProblem(sealed)}});
  // 2. It names this set.
  FileDigest set_digest;
  std::string err;
  if (!digestFile(DigestAlgorithm::Sha256, r.set, &set_digest, &err)) {
    say(Severity::Error, r.set, 0, "unreadable", {{"reason", err}});
    return 2;
  }
  std::ifstream in(manifest);
  if (!in) {
    say(Severity::Error, manifest, 0, "unreadable", {{"reason", tr("no such manifest")}});
    return 2;
  }
  simdjson::ondemand::parser parser;
  std::string line;
  std::map<int64_t, bool> covered;  // batch id -> its county seal verified
  BatchRows rows(schema, r.key);    // the rows of the batches that passed, for step 5
  long n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object o;
    if (parser.iterate(padded).get(doc) || doc.get_object().get(o)) {
      say(Severity::Error, manifest, n, "unreadable", {{"reason", "not a JSON object"}});
      return 2;
    }
    if (n == 1) {
      header = text(o, "manifest") == kFormat;
      if (!header) break;
      if (text(o, "set_sha256") != set_digest.hex)
        say(Severity::Error, manifest, n, "set-manifest-other-set", {{"set", r.set}});
      continue;
    }
    // 3. Each batch it names is at hand, the same bytes, under a valid county seal.
    int64_t id = 0;
    if (o["batch"].get_int64().get(id)) continue;
    std::string file = text(o, "file"), sha = text(o, "sha256"), unit = text(o, "unit");
    ++counts->batches;
    std::string path = dir + "/" + file;
    FileDigest d;
    bool ok = file.find('/') == std::string::npos &&
              digestFile(DigestAlgorithm::Sha256, path, &d, &err) && d.hex == sha;
    if (!ok) {
      say(Severity::Error, manifest, n, "set-batch-missing",
          {{"batch", std::to_string(id)}, {"file", file}, {"dir", dir}});
    } else {
      VerifyPolicy county;
      county.required_roles = {"county"};
      if (unit.size() == 6 && unit.find_first_not_of("0123456789") == std::string::npos)
        county.unit = unit;
      VerifyResult v;
      ok = verifyFile(path, "", r.trust, county, &v) == VerifyStatus::Valid;
      if (!ok)
        say(Severity::Error, manifest, n, "set-batch-unverified",
            {{"batch", std::to_string(id)}, {"file", file}, {"reason", firstProblem(v)}});
    }
    // Read only once the seal holds: the rows are those the county vouched for.
    if (ok && !rows.load(id, path, r.import, &err)) {
      say(Severity::Error, path, 0, "unreadable", {{"reason", err}});
      status = 2, ok = false;
    }
    if (!ok) ++counts->bad_batches;
    covered[id] = ok;
  }
  if (!header) {
    say(Severity::Error, manifest, 1, "unreadable",
        {{"reason", tr("not a vetkit city-set manifest")}});
    return 2;
  }
  // 4. Each record comes from a covered, verified batch; 5. each of its values from a row of
  // that person in one of them.
  std::ifstream set(r.set);
  std::vector<int64_t> batches;
  std::vector<const Field*> key_fields;
  if (!r.key.identity)
    for (size_t f : r.key.fields) key_fields.push_back(&schema.fields()[f]);
  RecordReader reader(schema);
  Record record;
  std::string keyless;
  n = 0;
  while (std::getline(set, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++counts->records;
    bool good = sourceBatches(parser, line, &batches, &keyless) && !batches.empty();
    int64_t bad = 0;
    for (int64_t b : batches) {
      auto it = covered.find(b);
      if (it == covered.end() || !it->second) good = false, bad = b;
    }
    if (!good) {
      ++counts->uncovered;
      say(Severity::Error, r.set, n, "set-record-uncovered",
          {{"batch", bad ? std::to_string(bad) : std::string("-")}});
      continue;
    }
    if (!reader.parse(line, &record, &err)) continue;  // not an object: sourceBatches said so
    std::string key = recordKey(record, r.key);
    if (key.empty()) key = keyless;
    std::vector<size_t> forged = unvouchedFields(record, key, batches, rows);
    if (forged.empty()) continue;
    std::string named;
    for (int64_t b : batches) named += (named.empty() ? "" : ",") + std::to_string(b);
    std::string shown = key.starts_with('?') ? key : displayKey(key, key_fields, r.mask, '|', '|');
    for (size_t f : forged) {
      ++counts->forged;
      const Field& field = schema.fields()[f];
      say(Severity::Error, r.set, n, "set-value-forged",
          {{"key", shown}, {"field", field.name(r.lang)}, {"batches", named}}, field.id);
    }
  }
  return status;
}

}  // namespace vetkit
