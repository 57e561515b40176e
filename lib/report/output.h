// The report's output forms. Each writer lays out the same tables (report/table.h); JSON is
// the machine-readable form documented in man/vetreport.1.scd.
#pragma once

#include <string>
#include <vector>

#include "report/aggregate.h"
#include "report/table.h"
#include "schema/schema.h"

namespace vetkit {

/// Aligned terminal tables (CJK characters count two columns) into `out`.
void writeTextReport(const std::vector<ReportTable>& tables, std::string* out);
/// Every table as a CSV block: a title row, the header, the rows, a blank line.
void writeCsvReport(const std::vector<ReportTable>& tables, std::string* out);
/// One JSON object (keys in man/vetreport.1.scd), codes rather than labels, and a newline.
void writeJsonReport(const Report& report, const Schema& schema, std::string* out);
/// One self-contained HTML page: inline CSS and SVG charts, then every table.
void writeHtmlReport(const Report& report, const Schema& schema, Lang lang,
                     const std::vector<ReportTable>& tables, std::string* out);
/// A page of `tables` alone under `title` (vetreport --sendback-status), styled as the report.
void writeHtmlTables(const Schema& schema, Lang lang, const std::string& title,
                     const std::vector<ReportTable>& tables, std::string* out);
/// A workbook at `path` (0600, temp file + rename): one sheet per table, native charts.
bool writeXlsxReport(const Report& report, const std::vector<ReportTable>& tables,
                     const std::string& path, std::string* err);

}  // namespace vetkit
