// The Azure Functions layout: per-minute counts of each function, summed over the rows chosen
// into a rate of count/60 requests/s per minute.
#include "roles/client/trace/azure_functions_trace.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace pipescale::roles {
namespace {

using ::testing::DoubleEq;
using ::testing::HasSubstr;

const std::string kTrace =
    "# synthetic\n"
    "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
    "o1,a1,f1,http,60,0,120\n"
    "o1,a1,f2,timer,600,600,0\n"
    "o2,a2,f3,queue,6,6,6\n";

std::vector<double> rates(const FunctionSelection& selection, const std::string& text = kTrace) {
  auto points = parse_azure_functions_trace(text, "af.csv", selection);
  EXPECT_TRUE(points.ok()) << points.error().message;
  std::vector<double> out;
  if (!points) return out;
  for (std::size_t i = 0; i < points->size(); ++i) {
    EXPECT_DOUBLE_EQ((*points)[i].time_s, 60.0 * static_cast<double>(i));
    out.push_back((*points)[i].rate_rps);
  }
  return out;
}

std::string error_of(const std::string& text, const FunctionSelection& selection = {}) {
  auto points = parse_azure_functions_trace(text, "af.csv", selection);
  EXPECT_FALSE(points.ok());
  return points ? std::string() : points.error().message;
}

TEST(AzureFunctionsTrace, SumsEveryRowPerMinuteAndEndsAfterTheLastMinute) {
  // (60 + 600 + 6) / 60, (0 + 600 + 6) / 60, (120 + 0 + 6) / 60, then the end.
  EXPECT_THAT(rates({}), ::testing::ElementsAre(DoubleEq(11.1), DoubleEq(10.1), DoubleEq(2.1), DoubleEq(0.0)));
}

TEST(AzureFunctionsTrace, SumsOnlyTheNamedFunctions) {
  EXPECT_THAT(rates({{"f1", "f3"}, 0}),
              ::testing::ElementsAre(DoubleEq(1.1), DoubleEq(0.1), DoubleEq(2.1), DoubleEq(0.0)));
}

TEST(AzureFunctionsTrace, SumsTheTopFunctionsByTotalCount) {
  // Totals: f1 180, f2 1200, f3 18: the top two are f2 and f1.
  EXPECT_THAT(rates({{}, 2}), ::testing::ElementsAre(DoubleEq(11.0), DoubleEq(10.0), DoubleEq(2.0), DoubleEq(0.0)));
}

TEST(AzureFunctionsTrace, RefusesAFunctionTheFileDoesNotHave) {
  EXPECT_THAT(error_of(kTrace, {{"f9"}, 0}), HasSubstr("'f9', which is no HashFunction of the file"));
}

TEST(AzureFunctionsTrace, RefusesMalformedRowsNamingLineAndColumn) {
  const std::string header = "HashOwner,HashApp,HashFunction,Trigger,1,2\n";
  EXPECT_THAT(error_of(header + "o,a,f,http,1,x\n"), HasSubstr("af.csv:2:14: minute 2 'x': expected a whole number"));
  EXPECT_THAT(error_of(header + "o,a,f,http,1.5,1\n"), HasSubstr("af.csv:2:12: minute 1 '1.5'"));
  EXPECT_THAT(error_of(header + "o,a,f,http,1\n"), HasSubstr("af.csv:2:13: missing minute column 2"));
  EXPECT_THAT(error_of("HashOwner,HashApp,HashFunction,Trigger,1,3\n"), HasSubstr("af.csv:1:42: minute column '3'"));
  EXPECT_THAT(error_of("time_s,rate_rps\n0,1\n"), HasSubstr("af.csv:1:1: header 'time_s,rate_rps'"));
  EXPECT_THAT(error_of(""), HasSubstr("af.csv:1:1: empty"));
  EXPECT_THAT(error_of(header), HasSubstr("af.csv:2:1: no functions"));
}

}  // namespace
}  // namespace pipescale::roles
