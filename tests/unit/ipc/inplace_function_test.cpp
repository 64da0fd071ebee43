#include "ipc/rpc/inplace_function.hpp"

#include <gtest/gtest.h>
#include <memory>

namespace pipescale::ipc {
namespace {

using Callback = InplaceFunction<int(int), 48>;

TEST(InplaceFunctionTest, CallsTheStoredLambdaWithItsCapture) {
  const int offset = 40;
  Callback add = [offset](int value) { return value + offset; };
  ASSERT_TRUE(add);
  EXPECT_EQ(add(2), 42);
}

TEST(InplaceFunctionTest, IsEmptyWhenDefaultConstructedOrReset) {
  Callback callback;
  EXPECT_FALSE(callback);
  callback = [](int value) { return value; };
  EXPECT_TRUE(callback);
  callback.reset();
  EXPECT_FALSE(callback);
}

TEST(InplaceFunctionTest, MovesTheCaptureAndLeavesTheSourceEmpty) {
  auto owned = std::make_unique<int>(7);
  InplaceFunction<int(), 32> source = [held = std::move(owned)] { return *held; };
  InplaceFunction<int(), 32> target = std::move(source);
  EXPECT_FALSE(source);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(target(), 7);
}

TEST(InplaceFunctionTest, DestroysTheCaptureExactlyOnce) {
  auto counter = std::make_shared<int>(0);
  {
    InplaceFunction<void(), 32> first = [held = counter] { ++*held; };
    InplaceFunction<void(), 32> second = std::move(first);
    second();
    EXPECT_EQ(counter.use_count(), 2);
  }
  EXPECT_EQ(*counter, 1);
  EXPECT_EQ(counter.use_count(), 1);
}

// A capture larger than the capacity does not compile (a static_assert in the constructor says
// to capture a pointer instead); that cannot be shown by a test that compiles.

}  // namespace
}  // namespace pipescale::ipc
