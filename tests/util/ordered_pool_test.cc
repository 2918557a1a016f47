#include "util/ordered_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gv {
namespace {

TEST(OrderedParallelFor, EmitsInInputOrderWithBoundedWindow) {
  constexpr std::size_t kN = 500, kWindow = 8;
  std::vector<int> slots(kWindow);
  std::vector<int> emitted;
  std::atomic<std::size_t> finished{0};
  std::atomic<std::size_t> emitted_count{0};
  std::atomic<bool> window_violated{false};
  OrderedParallelFor(
      kN, 4, kWindow,
      [&](std::size_t i) {
        if (i >= emitted_count.load() + kWindow) window_violated = true;
        if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        slots[i % kWindow] = static_cast<int>(i) * 3;
        ++finished;
      },
      [&](std::size_t i) {
        emitted.push_back(slots[i % kWindow] / 3);
        ++emitted_count;
      });
  EXPECT_FALSE(window_violated);
  ASSERT_EQ(emitted.size(), kN);
  for (std::size_t i = 0; i < kN; ++i) ASSERT_EQ(emitted[i], static_cast<int>(i));
}

TEST(OrderedParallelFor, ExceptionFromEmitStopsAndPropagates) {
  std::atomic<std::size_t> worked{0};
  EXPECT_THROW(OrderedParallelFor(
                   10000, 2, 4, [&](std::size_t) { ++worked; },
                   [&](std::size_t i) {
                     if (i == 5) throw std::runtime_error("disk full");
                   }),
               std::runtime_error);
  EXPECT_LT(worked.load(), 10000u);
}

TEST(OrderedParallelFor, HandlesEmptyInput) {
  int calls = 0;
  OrderedParallelFor(
      0, 2, 4, [&](std::size_t) { ++calls; }, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace gv
