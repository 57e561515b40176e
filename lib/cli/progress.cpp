#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>

#include "text/utf8.h"

namespace vetkit {

namespace {

// Standard error is shared by the display thread and the messages the tool prints: one lock,
// and whether a line stands drawn that a message must first clear.
std::mutex g_terminal;
bool g_drawn = false;

void writeAll(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
    if (n <= 0) return;  // a closed or full terminal is no reason to stop the work
    done += size_t(n);
  }
}

size_t terminalColumns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// Drops whole characters from the end of `s` until it is at most `width` columns wide.
void cutToWidth(std::string* s, size_t width) {
  while (!s->empty() && displayWidth(*s) > width) {
    size_t end = s->size() - 1;
    while (end > 0 && (static_cast<unsigned char>((*s)[end]) & 0xC0) == 0x80) --end;
    s->resize(end);
  }
}

}  // namespace

std::string groupThousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string ProgressMeter::line(const ReadProgress::Snapshot& s, double seconds,
                                size_t columns) const {
  uint64_t rate = seconds > 0 ? uint64_t(double(s.rows) / seconds) : 0;
  MessageArgs args = {{"tool", tool_},
                      {"file", s.name},
                      {"rows", groupThousands(s.rows)},
                      {"rate", groupThousands(rate)}};
  bool percent = s.total > 0;
  if (percent)
    args.emplace_back("percent", std::to_string(std::min<uint64_t>(100, s.bytes * 100 / s.total)));
  const char* code = percent ? "progress-percent" : "progress";
  std::string text = messages_.format(code, lang_, args);
  // The cursor must not reach the last column: the terminal would wrap, and \r would then
  // return to the start of the second line only.
  if (columns == 0 || displayWidth(text) < columns) return text;
  size_t over = displayWidth(text) - (columns - 1);
  std::string name = s.name;
  size_t name_width = displayWidth(name);
  if (name_width > over + 1) {
    cutToWidth(&name, name_width - over - 1);
    args[1].second = name + "…";
    text = messages_.format(code, lang_, args);
  }
  cutToWidth(&text, columns - 1);
  return text;
}

std::optional<std::string> ProgressMeter::tick(const ReadProgress::Snapshot& s, double seconds,
                                               size_t columns) {
  if (seconds < kFirstDraw || s.name.empty()) return std::nullopt;
  if (last_ >= 0 && seconds - last_ < kInterval) return std::nullopt;
  last_ = seconds;
  if (s.piped) return std::string();
  return line(s, seconds, columns);
}

bool ProgressDisplay::wanted(bool quiet, bool writes_to_terminal_while_reading) {
  if (quiet || !::isatty(STDERR_FILENO)) return false;
  return !(writes_to_terminal_while_reading && ::isatty(STDOUT_FILENO));
}

ProgressDisplay::ProgressDisplay(const std::string& tool, const Messages& messages, Lang lang,
                                 bool enabled)
    : meter_(tool, messages, lang) {
  if (!enabled) return;
  ReadProgress::setActive(&progress_);
  thread_ = std::thread([this] { run(); });
}

ProgressDisplay::~ProgressDisplay() {
  stop();
}

void ProgressDisplay::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ReadProgress::setActive(nullptr);
  std::lock_guard<std::mutex> lock(g_terminal);
  if (g_drawn) writeAll("\r\x1b[K");
  g_drawn = false;
}

void ProgressDisplay::writeMessage(const std::string& text) {
  std::lock_guard<std::mutex> lock(g_terminal);
  if (g_drawn)
    writeAll("\r\x1b[K" + text);
  else
    writeAll(text);
  g_drawn = false;
}

void ProgressDisplay::run() {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::duration<double>(ProgressMeter::kInterval),
                         [this] { return stopping_; })) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::optional<std::string> text = meter_.tick(progress_.snapshot(), seconds, terminalColumns());
    if (!text) continue;
    std::lock_guard<std::mutex> term(g_terminal);
    if (text->empty()) {
      if (g_drawn) writeAll("\r\x1b[K");
      g_drawn = false;
    } else {
      writeAll("\r" + *text + "\x1b[K");
      g_drawn = true;
    }
  }
}

}  // namespace vetkit
