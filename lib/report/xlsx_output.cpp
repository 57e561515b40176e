#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/text_catalogue.h"
#include "io/sheet.h"
#include "io/workbook_file.h"
#include "report/output.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// A name Excel accepts: none of []:*?/\ and at most 31 characters (titles are short and
// mostly CJK, so counting code points is enough here).
std::string sheetName(const std::string& title) {
  std::string out;
  size_t pos = 0, chars = 0;
  while (pos < title.size() && chars < 31) {
    size_t start = pos;
    decodeUtf8(title, &pos);
    std::string_view ch(title.data() + start, pos - start);
    out += ch.size() == 1 && std::strchr("[]:*?/\\", ch[0]) ? std::string("_") : std::string(ch);
    ++chars;
  }
  return out.empty() ? "Sheet" : out;
}

// "'名称'!$A$1:$A$5" for a chart series.
std::string range(const std::string& sheet, int r1, int c1, int r2, int c2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "!$%s$%d:$%s$%d", columnLetter(c1).c_str(), r1 + 1,
                columnLetter(c2).c_str(), r2 + 1);
  return "'" + sheet + "'" + buf;
}

class XlsxReport {
 public:
  XlsxReport(lxw_workbook* wb, std::string* err) : wb_(wb), err_(err) {
    header_ = workbook_add_format(wb);
    format_set_bold(header_);
    format_set_bg_color(header_, 0xE8EEF7);
    format_set_border(header_, LXW_BORDER_THIN);
    share_ = workbook_add_format(wb);
    format_set_num_format(share_, "0.0%");
    total_ = workbook_add_format(wb);
    format_set_bold(total_);
    total_share_ = workbook_add_format(wb);
    format_set_bold(total_share_);
    format_set_num_format(total_share_, "0.0%");
  }

  bool table(const ReportTable& t) {
    std::string name = sheetName(t.title);
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) return fail(tr("cannot add sheet '{name}'", {{"name", name}}));
    std::vector<size_t> widths(t.columns.size(), 4);
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (!ok(worksheet_write_string(ws, 0, lxw_col_t(c), t.columns[c].c_str(), header_)))
        return false;
      widths[c] = std::max(widths[c], displayWidth(t.columns[c]));
    }
    for (size_t r = 0; r < t.rows.size(); ++r) {
      bool total = t.total_row && r + 1 == t.rows.size();
      for (size_t c = 0; c < t.rows[r].size() && c < t.columns.size(); ++c) {
        const TableCell& cell = t.rows[r][c];
        lxw_row_t row = lxw_row_t(r + 1);
        lxw_col_t col = lxw_col_t(c);
        lxw_error e = LXW_NO_ERROR;
        switch (cell.kind) {
          case TableCell::Kind::Count:
            e = worksheet_write_number(ws, row, col, cell.value, total ? total_ : nullptr);
            break;
          case TableCell::Kind::Share:
            e = worksheet_write_number(ws, row, col, cell.value, total ? total_share_ : share_);
            break;
          case TableCell::Kind::None:
            e = worksheet_write_string(ws, row, col, "-", nullptr);
            break;
          default:
            e = worksheet_write_string(ws, row, col, cell.text.c_str(), total ? total_ : nullptr);
        }
        if (!ok(e)) return false;
        widths[c] = std::max(widths[c], displayWidth(cellText(cell)));
      }
    }
    // Chinese characters take two columns of Excel's width unit, as displayWidth counts them.
    for (size_t c = 0; c < widths.size(); ++c)
      worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c),
                           double(std::clamp<size_t>(widths[c] + 2, 8, 60)), nullptr);
    worksheet_freeze_panes(ws, 1, lxw_col_t(t.label_columns));

    int rows = int(t.rows.size()) - (t.total_row ? 1 : 0);
    int cols = int(t.columns.size());
    lxw_col_t chart_col = lxw_col_t(cols + 1);
    if (t.id == "by_unit_category" && rows > 0 && cols > 2) {
      // Units along the axis, one stacked series per category.
      lxw_chart* chart = workbook_add_chart(wb_, LXW_CHART_COLUMN_STACKED);
      for (int c = 1; c < cols - 1; ++c) {
        lxw_chart_series* s = chart_add_series(chart, range(name, 1, 0, rows, 0).c_str(),
                                               range(name, 1, c, rows, c).c_str());
        chart_series_set_name_range(s, name.c_str(), 0, lxw_col_t(c));
      }
      chart_title_set_name(chart, t.title.c_str());
      worksheet_insert_chart(ws, 1, chart_col, chart);
    } else if (t.id == "problems" && rows > 2) {
      int rules = rows - 2;  // the last two rows are records with errors and their share
      lxw_chart* chart = workbook_add_chart(wb_, LXW_CHART_BAR);
      lxw_chart_series* s = chart_add_series(chart, range(name, 1, 0, rules, 0).c_str(),
                                             range(name, 1, cols - 1, rules, cols - 1).c_str());
      chart_series_set_name_range(s, name.c_str(), 0, lxw_col_t(cols - 1));
      chart_title_set_name(chart, t.title.c_str());
      chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
      worksheet_insert_chart(ws, 1, chart_col, chart);
    } else if ((t.id == "completeness" || t.id == "fill_rate") && rows > 0 && cols > 1) {
      // The heat map: red for missing, green for complete.
      lxw_conditional_format cf = {};
      cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
      cf.min_color = 0xF8696B;
      cf.mid_color = 0xFFEB84;
      cf.max_color = 0x63BE7B;
      cf.min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
      cf.min_value = 0;
      cf.mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
      cf.mid_value = 0.5;
      cf.max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
      cf.max_value = 1;
      worksheet_conditional_format_range(ws, 1, 1, lxw_row_t(rows), lxw_col_t(cols - 1), &cf);
    } else if (t.id == "plaque" && rows > 0) {
      lxw_chart* chart = workbook_add_chart(wb_, LXW_CHART_COLUMN);
      lxw_chart_series* s = chart_add_series(chart, range(name, 1, 0, rows, 0).c_str(),
                                             range(name, 1, cols - 1, rows, cols - 1).c_str());
      chart_series_set_name_range(s, name.c_str(), 0, lxw_col_t(cols - 1));
      chart_title_set_name(chart, t.title.c_str());
      chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
      worksheet_insert_chart(ws, lxw_row_t(rows + 3), 0, chart);
    }
    return true;
  }

 private:
  bool ok(lxw_error e) { return e == LXW_NO_ERROR || fail(lxw_strerror(e)); }
  bool fail(const std::string& what) {
    *err_ = what;
    return false;
  }

  lxw_workbook* wb_;
  std::string* err_;
  lxw_format *header_, *share_, *total_, *total_share_;
};

}  // namespace

bool writeXlsxReport(const Report&, const std::vector<ReportTable>& tables, const std::string& path,
                     std::string* err) {
  WorkbookFile file;
  lxw_workbook* wb = file.open(path, false, err);
  if (!wb) return false;
  XlsxReport x(wb, err);
  for (const ReportTable& t : tables)
    if (!x.table(t)) {
      *err = path + ": " + *err;
      return false;
    }
  return file.commit(err);
}

}  // namespace vetkit
