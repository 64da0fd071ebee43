#include <gtest/gtest.h>

#include "ipc/rpc/method.hpp"

namespace pipescale::ipc {
namespace {

TEST(MethodTableTest, FindsEntriesBySparseIds) {
  MethodTable<int> table(4);
  ASSERT_TRUE(table.add(40000, 1).ok());
  ASSERT_TRUE(table.add(7, 2).ok());
  ASSERT_TRUE(table.add(513, 3).ok());
  ASSERT_NE(table.find(7), nullptr);
  EXPECT_EQ(*table.find(7), 2);
  EXPECT_EQ(*table.find(513), 3);
  EXPECT_EQ(*table.find(40000), 1);
  EXPECT_EQ(table.find(8), nullptr);
}

TEST(MethodTableTest, RefusesADuplicateIdAndAFullTable) {
  MethodTable<int> table(2);
  ASSERT_TRUE(table.add(1, 1).ok());
  EXPECT_FALSE(table.add(1, 2).ok());
  ASSERT_TRUE(table.add(2, 2).ok());
  auto full = table.add(3, 3);
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("max_methods"), std::string::npos);
}

}  // namespace
}  // namespace pipescale::ipc
