#include "record/json_writer.h"
#include "report/output.h"
#include "report/sendback_status.h"

namespace vetkit {

void writeJsonReport(const Report& r, const Schema& schema, std::string* out) {
  JsonWriter w(out);
  auto num = [&](const char* k, size_t v) {
    w.key(k);
    w.integer(static_cast<long long>(v));
  };
  auto str = [&](const char* k, const std::string& v) {
    w.key(k);
    w.string(v);
  };
  w.beginObject();
  if (!r.report_date.empty()) str("report_date", r.report_date);
  if (!r.generated_at.empty()) str("generated_at", r.generated_at);
  num("records", r.records);
  num("with_errors", r.with_errors);
  num("with_warnings", r.with_warnings);
  num("errors", r.errors);
  num("warnings", r.warnings);

  w.key("by_unit_category");
  w.beginArray();
  for (const auto& [unit, st] : r.units)
    for (const auto& [cat, n] : st.by_category) {
      w.beginObject();
      str("unit", unit);
      str("category", cat);
      num("count", n);
      w.endObject();
    }
  w.endArray();

  w.key("by_township");
  w.beginArray();
  for (const auto& [key, n] : r.townships) {
    w.beginObject();
    str("unit", std::get<0>(key));
    str("township", std::get<1>(key));
    str("category", std::get<2>(key));
    num("count", n);
    w.endObject();
  }
  w.endArray();

  w.key("units");
  w.beginArray();
  for (const auto& [unit, st] : r.units) {
    w.beginObject();
    str("unit", unit);
    num("records", st.records);
    num("with_errors", st.with_errors);
    num("with_warnings", st.with_warnings);
    w.endObject();
  }
  w.endArray();

  w.key("completeness");
  w.beginArray();
  for (const auto& [unit, st] : r.units)
    for (const Field& f : schema.fields()) {
      if (st.required[f.index] == 0) continue;
      w.beginObject();
      str("unit", unit);
      str("field", f.id);
      num("required", st.required[f.index]);
      num("present", st.present[f.index]);
      w.endObject();
    }
  w.endArray();

  w.key("fill_rate");
  w.beginArray();
  for (const auto& [unit, st] : r.units)
    for (const Field& f : schema.fields()) {
      if (st.applicable[f.index] == 0) continue;
      w.beginObject();
      str("unit", unit);
      str("field", f.id);
      num("concerned", st.applicable[f.index]);
      num("filled", st.filled[f.index]);
      w.endObject();
    }
  w.endArray();

  w.key("by_hukou");
  w.beginArray();
  for (const auto& [county, h] : r.hukou) {
    w.beginObject();
    str("county", county);
    num("records", h.records);
    num("collected_by_county", h.own_unit);
    w.endObject();
  }
  w.endArray();

  w.key("problems");
  w.beginArray();
  for (const auto& [unit, st] : r.units)
    for (const auto& [code, n] : st.problems) {
      w.beginObject();
      str("unit", unit);
      str("rule", code);
      auto sev = r.rule_severity.find(code);
      str("severity", severityName(sev == r.rule_severity.end() ? Severity::Error : sev->second));
      num("count", n);
      w.endObject();
    }
  w.endArray();

  w.key("distributions");
  w.beginArray();
  for (const Distribution& d : r.distributions) {
    w.beginObject();
    str("field", d.field->id);
    num("absent", d.absent);
    w.key("values");
    w.beginArray();
    for (const auto& [v, n] : d.counts) {
      w.beginObject();
      str("value", v);
      num("count", n);
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }
  w.endArray();

  w.key("appeals");
  w.beginObject();
  num("records", r.appeals);
  str("method", "clauses");
  w.key("pruned");
  w.boolean(r.phrases_pruned);
  w.key("top");
  w.beginArray();
  for (const auto& [p, n] : r.top_phrases) {
    w.beginObject();
    str("phrase", p);
    num("count", n);
    w.endObject();
  }
  w.endArray();
  w.endObject();

  w.key("plaque");
  w.beginArray();
  for (const auto& [unit, st] : r.units) {
    w.beginObject();
    str("unit", unit);
    num("records", st.records);
    num("entitled", st.plaque_entitled);
    num("hung", st.plaque_hung);
    num("not_hung", st.plaque_not_hung);
    num("dated", st.plaque_dated);
    num("photo", st.photo);
    w.endObject();
  }
  w.endArray();

  w.key("plaque_by_township");
  w.beginArray();
  for (const auto& [key, p] : r.plaque_townships) {
    w.beginObject();
    str("unit", key.first);
    str("township", key.second);
    num("entitled", p.entitled);
    num("hung", p.hung);
    num("not_hung", p.not_hung);
    w.endObject();
  }
  w.endArray();

  w.key("batches");
  w.beginArray();
  for (const BatchRow& b : r.batches) {
    w.beginObject();
    str("file", b.file);
    str("sha256", b.sha256);
    str("unit", b.unit);
    str("time", b.time);
    num("records", b.records);
    str("signer", b.signer);
    str("key_id", b.key_id);
    if (!b.unit_source.empty()) str("unit_source", b.unit_source);
    str("signature", !b.signer_status.empty() ? b.signer_status
                     : !b.verified_known      ? "not-verified"
                     : b.verified             ? "verified"
                                              : "failed");
    w.endObject();
  }
  w.endArray();

  // Cross-checks with departments (--findings): items by department, county and kind, and
  // the people no county collected, per county. Present only when findings were read.
  if (!r.cross.empty()) {
    auto counts = [&](const CrossCounts& c) {
      for (size_t k = 0; k < 4; ++k) num(kCrossKinds[k], c.by_kind[k]);
      num("total", c.total());
    };
    w.key("cross_check");
    w.beginObject();
    w.key("departments");
    w.beginArray();
    for (const CrossDepartment& d : r.cross.departments) {
      w.beginObject();
      str("dept", d.dept);
      str("department", d.department);
      w.key("counties");
      w.beginArray();
      for (const auto& [county, c] : d.county) {
        w.beginObject();
        str("county", county);
        counts(c);
        w.endObject();
      }
      w.endArray();
      w.key("total");
      w.beginObject();
      counts(d.total);
      w.endObject();
      w.endObject();
    }
    w.endArray();
    w.key("not_collected");
    w.beginArray();
    for (const auto& [county, n] : r.cross.not_collected) {
      w.beginObject();
      str("county", county);
      num("people", n);
      w.endObject();
    }
    w.endArray();
    num("not_collected_people", r.cross.not_collected_people);
    num("items", r.cross.items);
    w.endObject();
  }
  if (!r.sendback_status.empty()) {
    // As vetreport --sendback-status --format json writes it, on one line.
    std::string status;
    writeSendbackStatusJson(r.sendback_status, schema, Lang::Zh, &status);
    if (!status.empty() && status.back() == '\n') status.pop_back();
    w.key("sendback_status");
    w.number(status);
  }
  w.endObject();
  out->push_back('\n');
}

}  // namespace vetkit
