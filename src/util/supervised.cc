#include "util/supervised.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <new>
#include <string_view>
#include <thread>
#include <vector>

#include "util/file.h"

namespace gv {
namespace {

using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// How a worker ends when its item throws.
constexpr int kExitException = 3, kExitOutOfMemory = 5;

bool WriteAll(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n, size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n, size -= static_cast<std::size_t>(n);
  }
  return true;
}

double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The child: items in on `in`, results out on `out`, until `in` closes.
[[noreturn]] void WorkerLoop(int in, int out, const std::function<std::string(std::size_t)>& work,
                             const SupervisorOptions& o) {
  ::signal(SIGPIPE, SIG_DFL);
  if (o.memory_bytes > 0 && !kAddressSanitizer) {
    const rlimit as{o.memory_bytes, o.memory_bytes};
    ::setrlimit(RLIMIT_AS, &as);
  }
  rlimit cpu{};
  ::getrlimit(RLIMIT_CPU, &cpu);
  std::uint64_t index = 0;
  while (ReadAll(in, &index, sizeof index)) {
    if (o.cpu_limit_s > 0) {
      // The limit counts the process's whole life: move it on before each item.
      rlimit limit = cpu;
      limit.rlim_cur = static_cast<rlim_t>(CpuSeconds() + o.cpu_limit_s + 1);
      if (cpu.rlim_max != RLIM_INFINITY) limit.rlim_cur = std::min(limit.rlim_cur, cpu.rlim_max);
      ::setrlimit(RLIMIT_CPU, &limit);
    }
    std::string payload;
    try {
      payload = work(static_cast<std::size_t>(index));
    } catch (const std::bad_alloc&) {
      ::_exit(kExitOutOfMemory);
    } catch (...) {
      ::_exit(kExitException);  // an exception the work function let out
    }
    const std::uint64_t header[2] = {index, payload.size()};
    if (!WriteAll(out, header, sizeof header) || !WriteAll(out, payload.data(), payload.size()))
      ::_exit(4);
  }
  ::_exit(0);
}

struct Worker {
  pid_t pid = -1;
  int to = -1, from = -1;
  bool busy = false;
  std::size_t item = 0;
  Clock::time_point started;
  std::string buffer;  // bytes of the answer read so far
};

std::string SignalName(int sig) {
  const char* name = ::strsignal(sig);
  return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
}

}  // namespace

std::string FailureText(const ItemResult& r) {
  return (r.failure == ItemFailure::kTimeout ? "the parser did not finish ("
                                             : "the parser crashed (") +
         r.detail + ")";
}

Finding FailureFinding(const ItemResult& r, const std::string& step) {
  return {r.failure == ItemFailure::kTimeout ? "PARSER_TIMEOUT" : "PARSER_CRASHED",
          Severity::kAlert,
          "Reading this file in an isolated worker process, " + FailureText(r) +
              ": it may be built to attack parsers; examine it apart",
          step};
}

void MaybeInjectFault(const std::filesystem::path& file) {
  static const bool enabled = [] {
    const char* v = std::getenv("GEOVERIFY_FAULT_INJECTION");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  if (!enabled) return;
  std::vector<std::uint8_t> head;
  if (!ReadFileHead(file, 64, head).ok()) return;
  // The marker anywhere in the first 64 bytes (a JPEG can carry it in a comment segment).
  const auto starts = [&](const char* marker) {
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    return text.find(marker) != std::string_view::npos;
  };
  if (starts("GEOVERIFY-TEST-HANG")) std::this_thread::sleep_for(std::chrono::hours(1));
  if (starts("GEOVERIFY-TEST-CRASH")) std::abort();
  if (starts("GEOVERIFY-TEST-SPIN")) {
    std::atomic<std::uint64_t> spins{0};
    for (;;) spins.fetch_add(1, std::memory_order_relaxed);
  }
  if (starts("GEOVERIFY-TEST-HOG")) {
    std::vector<std::vector<char>> hog;
    for (;;) hog.emplace_back(std::size_t{64} << 20, 'x');
  }
}

void SupervisedMap(std::size_t n, const std::function<std::string(std::size_t)>& work,
                   const SupervisorOptions& o,
                   const std::function<void(std::size_t, ItemResult&&)>& sink) {
  if (n == 0) return;
  int count = o.workers > 0 ? o.workers : static_cast<int>(std::thread::hardware_concurrency());
  count = std::clamp(count, 1, static_cast<int>(std::min<std::size_t>(n, 64)));
  // A worker's death must not kill us when we write to it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_pipe {};
  ::sigaction(SIGPIPE, &ignore, &old_pipe);

  std::vector<Worker> workers(static_cast<std::size_t>(count));
  const auto spawn = [&](Worker& w) {
    int down[2], up[2];
    if (::pipe2(down, O_CLOEXEC) != 0 || ::pipe2(up, O_CLOEXEC) != 0) std::abort();
    const pid_t pid = ::fork();
    if (pid < 0) {  // no process to isolate in: nothing safe to go on with
      std::perror("geoverify: cannot start a worker process");
      std::abort();
    }
    if (pid == 0) {
      ::close(down[1]);
      ::close(up[0]);
      // The other workers' pipes: a copy of their write end here would keep them from ever
      // seeing the end of their input.
      for (const auto& other : workers)
        if (&other != &w && other.pid > 0) {
          ::close(other.to);
          ::close(other.from);
        }
      WorkerLoop(down[0], up[1], work, o);
    }
    ::close(down[0]);
    ::close(up[1]);
    w = Worker{};
    w.pid = pid, w.to = down[1], w.from = up[0];
  };
  const auto retire = [](Worker& w, bool kill) {
    int status = 0;
    if (w.pid <= 0) return status;  // never kill(-1) or kill(0): that is every process
    if (kill) ::kill(w.pid, SIGKILL);
    ::close(w.to);
    ::close(w.from);
    ::waitpid(w.pid, &status, 0);
    w.pid = -1;
    return status;
  };

  for (auto& w : workers) spawn(w);
  std::map<std::size_t, ItemResult> done;
  std::size_t next_item = 0, next_out = 0;
  const std::size_t window = static_cast<std::size_t>(count) * 4;
  const auto deadline = std::chrono::duration<double>(o.deadline_s);

  while (next_out < n) {
    // Hand out items, at most `window` ahead of what has been delivered.
    for (auto& w : workers) {
      if (w.busy || next_item >= n || next_item >= next_out + window) continue;
      const std::uint64_t index = next_item;
      if (!WriteAll(w.to, &index, sizeof index)) {  // died idle: replace it, try again later
        retire(w, true);
        spawn(w);
        continue;
      }
      w.busy = true, w.item = next_item++, w.started = Clock::now(), w.buffer.clear();
    }
    // Wait for an answer, a death or the nearest deadline.
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    auto wait = std::chrono::milliseconds(1000);
    for (auto& w : workers) {
      if (!w.busy) continue;
      fds.push_back({w.from, POLLIN, 0});
      owners.push_back(&w);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(w.started + deadline -
                                                                              Clock::now());
      wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
    }
    if (!fds.empty()) {
      ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()) + 1);
      for (std::size_t k = 0; k < fds.size(); ++k) {
        Worker& w = *owners[k];
        if (fds[k].revents == 0) continue;
        char chunk[65536];
        const ssize_t got = ::read(w.from, chunk, sizeof chunk);
        if (got > 0) {
          w.buffer.append(chunk, static_cast<std::size_t>(got));
          std::uint64_t header[2];
          if (w.buffer.size() >= sizeof header) {
            std::memcpy(header, w.buffer.data(), sizeof header);
            if (w.buffer.size() >= sizeof header + header[1]) {
              ItemResult r;
              r.payload = w.buffer.substr(sizeof header, header[1]);
              done[w.item] = std::move(r);
              w.busy = false;
              w.buffer.clear();
            }
          }
          continue;
        }
        // The pipe closed: the worker died on this item.
        const int status = retire(w, false);
        ItemResult r;
        r.failure = ItemFailure::kCrashed;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
          r.failure = ItemFailure::kTimeout;
          r.detail =
              "CPU-time limit of " + std::to_string(static_cast<int>(o.cpu_limit_s)) + " s reached";
        } else if (WIFSIGNALED(status)) {
          r.detail = SignalName(WTERMSIG(status));
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
          r.detail = "ran out of its memory limit";
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitException) {
          r.detail = "an exception escaped the parser";
        } else {
          r.detail =
              "exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        }
        done[w.item] = std::move(r);
        spawn(w);
      }
    }
    // Deadlines.
    for (auto& w : workers) {
      if (!w.busy || Clock::now() - w.started < deadline) continue;
      retire(w, true);
      ItemResult r;
      r.failure = ItemFailure::kTimeout;
      char text[64];
      std::snprintf(text, sizeof text, "no answer in %g s", o.deadline_s);
      r.detail = text;
      done[w.item] = std::move(r);
      spawn(w);
    }
    for (auto it = done.find(next_out); it != done.end(); it = done.find(next_out)) {
      sink(next_out, std::move(it->second));
      done.erase(it);
      ++next_out;
    }
  }
  for (auto& w : workers) retire(w, true);  // idle: nothing is lost
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
}

}  // namespace gv
