// OpenCV's FLANN builds its randomised k-d trees from OpenCV's per-thread generator
// (cv::theRNG()), which every earlier user on the thread has advanced: without a seed, a
// photo's matches would depend on which photos a process worked on before it (a sharded run
// would not equal a single one). SeededRng seeds that generator for its scope and restores
// the caller's state after.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

namespace gv {

class SeededRng {
 public:
  explicit SeededRng(std::uint64_t seed) : saved_(cv::theRNG()) { cv::theRNG() = cv::RNG(seed); }
  ~SeededRng() { cv::theRNG() = saved_; }
  SeededRng(const SeededRng&) = delete;
  SeededRng& operator=(const SeededRng&) = delete;

 private:
  cv::RNG saved_;
};

// The seed the project's FLANN searches use.
constexpr std::uint64_t kFlannSeed = 20261129;

}  // namespace gv
