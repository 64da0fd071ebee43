#include "base/text/printable.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pipescale {
namespace {

TEST(PrintableTest, LeavesPrintableTextAndUtf8Alone) {
  EXPECT_EQ(printable("time_s '0.75': naïve"), "time_s '0.75': naïve");
  EXPECT_EQ(printable(""), "");
}

TEST(PrintableTest, EscapesANulByteInsteadOfEndingTheTextThere) {
  const std::string text("ab\0cd", 5);
  EXPECT_EQ(printable(text), "ab\\0cd");
}

TEST(PrintableTest, EscapesControlBytesAndDoublesBackslashes) {
  EXPECT_EQ(printable("a\tb\nc\rd"), "a\\tb\\nc\\rd");
  EXPECT_EQ(printable("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
  EXPECT_EQ(printable("C:\\x"), "C:\\\\x");
}

}  // namespace
}  // namespace pipescale
