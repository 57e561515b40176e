// Progress of a long run, drawn on one line of standard error while the readers work:
// `vetimport: 娄星区.xlsx  412,000 行  205,000 行/秒  48%`. Only on a terminal, never with -q,
// and never while the terminal shows the tool's own output; a background thread redraws the
// line at most four times a second from what the readers report (core/read_progress.h), so the
// reading itself pays nothing for it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/read_progress.h"
#include "schema/messages.h"

namespace vetkit {

/// 412000 -> "412,000".
std::string groupThousands(uint64_t n);

/// What to draw when: the line's text and its pace, apart from any clock or terminal so that
/// tests give it the time.
class ProgressMeter {
 public:
  static constexpr double kFirstDraw = 0.5;  // seconds: a short run shows nothing
  static constexpr double kInterval = 0.25;  // seconds between redraws

  ProgressMeter(std::string tool, const Messages& messages, Lang lang)
      : tool_(std::move(tool)), messages_(messages), lang_(lang) {}

  /// The line for `s`, `seconds` after the run started, fitted into `columns` terminal columns
  /// (0: no limit) by shortening the file name.
  std::string line(const ReadProgress::Snapshot& s, double seconds, size_t columns = 0) const;

  /// What to draw at `seconds`: nothing yet (nullopt), a line, or "" to clear the line (the
  /// input is a pipe whose writer draws its own progress on the same terminal).
  std::optional<std::string> tick(const ReadProgress::Snapshot& s, double seconds,
                                  size_t columns = 0);

 private:
  std::string tool_;
  const Messages& messages_;
  Lang lang_;
  double last_ = -1;  // when the line was last drawn
};

class ProgressDisplay {
 public:
  /// True when a display makes sense: standard error is a terminal, -q is not given, and the
  /// tool does not write its output (or diagnostics) to that terminal as it reads — those
  /// show the run going by themselves, and a line redrawn among them would garble them.
  static bool wanted(bool quiet, bool writes_to_terminal_while_reading);

  /// Starts the display when `enabled`; otherwise does nothing at all.
  ProgressDisplay(const std::string& tool, const Messages& messages, Lang lang, bool enabled);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  /// Stops redrawing and clears the line, before the tool prints its summary or output.
  void stop();

  /// Writes `text` to standard error, first clearing the line when one is drawn (the next
  /// redraw puts it back below). Safe to call with no display running.
  static void writeMessage(const std::string& text);

 private:
  void run();

  ProgressMeter meter_;
  ReadProgress progress_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace vetkit
