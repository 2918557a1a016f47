#include "util/ordered_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace gv {

void OrderedParallelFor(std::size_t n, std::size_t threads, std::size_t window,
                        const std::function<void(std::size_t)>& work,
                        const std::function<void(std::size_t)>& emit) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<std::size_t>(n, 1));
  window = std::max(window, threads);

  std::mutex mutex;
  std::condition_variable ready, room;
  std::vector<char> done(window, 0);
  std::size_t next_task = 0, next_emit = 0;
  bool stop = false;

  auto worker = [&] {
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return stop || next_task >= n || next_task < next_emit + window; });
        if (stop || next_task >= n) return;
        index = next_task++;
      }
      work(index);
      {
        std::lock_guard lock(mutex);
        done[index % window] = 1;
      }
      ready.notify_all();
    }
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);

  try {
    while (next_emit < n) {
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return done[next_emit % window] != 0; });
        done[next_emit % window] = 0;
      }
      emit(next_emit);
      {
        std::lock_guard lock(mutex);
        ++next_emit;
      }
      room.notify_all();
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    room.notify_all();
    throw;  // the jthreads join as the stack unwinds
  }
}

}  // namespace gv
