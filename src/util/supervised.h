// Work on untrusted files in supervised worker processes, so that no file can crash or hang a
// batch: a pool of forked workers, each with a memory limit (RLIMIT_AS) and a CPU-time limit
// per item (RLIMIT_CPU, raised before each item), and a wall-clock deadline per item. A
// worker that dies or misses its deadline is killed and replaced; its item gets a failure
// (crashed, with the signal, or timed out) and the batch goes on. Results come back over a
// pipe (length-prefixed bytes) and are handed over in item order, with a bounded number
// waiting, so memory does not grow with the batch.
//
// Fork happens before any worker thread exists in the caller; the work function runs in the
// child, single-threaded, and must not rely on state the parent changes later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "util/finding.h"

namespace gv {

struct SupervisorOptions {
  int workers = 0;                 // 0: one per core
  double deadline_s = 10;          // wall clock per item
  double cpu_limit_s = 10;         // CPU seconds per item (0: none)
  std::uint64_t memory_bytes = 0;  // address space per worker (0: none; ignored under ASan)
};

enum class ItemFailure { kNone, kCrashed, kTimeout };

struct ItemResult {
  ItemFailure failure = ItemFailure::kNone;
  std::string payload;  // what the work function returned (empty on failure)
  std::string
      detail;  // on failure: "killed by signal 11 (Segmentation fault)", "no answer in 10 s"
};

// What a failed item means for the file it was about: "the parser crashed (killed by signal
// 6 (Aborted))" or "the parser did not finish (no answer in 10 s)".
std::string FailureText(const ItemResult& r);
// The finding for it: PARSER_CRASHED or PARSER_TIMEOUT (alert), made by `step`.
Finding FailureFinding(const ItemResult& r, const std::string& step);

// Runs work(i) for every i in [0, n) in worker processes and calls sink(i, result) on the
// calling thread in the order of i. With n == 0 nothing is forked.
void SupervisedMap(std::size_t n, const std::function<std::string(std::size_t)>& work,
                   const SupervisorOptions& options,
                   const std::function<void(std::size_t, ItemResult&&)>& sink);

// Test-only fault injection, for the tests of the supervision itself: when the environment
// has GEOVERIFY_FAULT_INJECTION=1, a file whose first 64 bytes hold "GEOVERIFY-TEST-HANG"
// makes the worker sleep, "GEOVERIFY-TEST-CRASH" abort, "GEOVERIFY-TEST-SPIN" spin the CPU,
// "GEOVERIFY-TEST-HOG" allocate without end (a JPEG can carry the marker in a comment, so
// that it is still taken for a photo). Without the variable it does nothing.
void MaybeInjectFault(const std::filesystem::path& file);

}  // namespace gv
