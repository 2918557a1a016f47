#include "util/progress.h"

#include <unistd.h>

#include <cstdio>

namespace gv {

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(std::size_t n) {
  const std::size_t done = done_.fetch_add(n) + n;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (now - last_draw_ < std::chrono::milliseconds(200) && done != total_) return;
  last_draw_ = now;
  Draw(done);
}

void Progress::Draw(std::size_t done) {
  std::fprintf(stderr, "\r%s %zu/%zu", label_.c_str(), done, total_);
  std::fflush(stderr);
}

void Progress::Finish() {
  std::lock_guard lock(mutex_);
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(done_.load());
  std::fputs("\n", stderr);
}

}  // namespace gv
