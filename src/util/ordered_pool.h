// Parallel map with ordered output, for batches whose results must come out in input
// order (streamed JSON) without holding the whole batch in memory.
#pragma once

#include <cstddef>
#include <functional>

namespace gv {

// Runs work(i) for every i in [0, n) on `threads` worker threads (0: one per core) and
// emit(i) on the calling thread in increasing order of i. work(i) starts only once
// emit(i - window) has returned, so a caller may keep results in slot i % window.
// work must not throw; emit may, and then the remaining work is abandoned.
void OrderedParallelFor(std::size_t n, std::size_t threads, std::size_t window,
                        const std::function<void(std::size_t)>& work,
                        const std::function<void(std::size_t)>& emit);

}  // namespace gv
