// Progress on a terminal: "inspect 120/4000" rewritten in place on stderr, at most a few
// times a second, and only when stderr is a terminal (never in pipes, logs or CI).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace gv {

class Progress {
 public:
  Progress(std::string label, std::size_t total);
  ~Progress();
  void Advance(std::size_t n = 1);
  void Finish();

 private:
  void Draw(std::size_t done);
  std::string label_;
  std::size_t total_;
  bool enabled_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool finished_ = false;
};

}  // namespace gv
