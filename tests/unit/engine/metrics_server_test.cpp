#include "engine/runtime/metrics_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <string>

namespace pipescale::engine {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// Sends each of `targets` as a GET over one connection, as Prometheus does.
std::vector<Answer> get(std::uint16_t port, const std::vector<std::string>& targets) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  std::vector<Answer> answers;
  beast::flat_buffer buffer;
  for (const std::string& target : targets) {
    http::request<http::empty_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    answers.push_back({response.result_int(), std::string(response[http::field::content_type]), response.body()});
  }
  return answers;
}

TEST(MetricsServerTest, AnswersEachScrapeWithTheRenderedTextOverOneConnection) {
  int renders = 0;
  auto server = MetricsServer::start(0, [&renders] { return "up_total " + std::to_string(++renders) + "\n"; });
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_NE((*server)->port(), 0);

  const std::vector<Answer> answers = get((*server)->port(), {"/metrics", "/metrics"});

  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 200u);
  EXPECT_EQ(answers[0].content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(answers[0].body, "up_total 1\n");
  EXPECT_EQ(answers[1].body, "up_total 2\n");
  EXPECT_EQ((*server)->scrapes(), 2u);
}

TEST(MetricsServerTest, AnswersAnyOtherPathWithNotFoundAndRendersNothing) {
  int renders = 0;
  auto server = MetricsServer::start(0, [&renders] {
    ++renders;
    return std::string("x 1\n");
  });
  ASSERT_TRUE(server.ok()) << server.error().message;

  const std::vector<Answer> answers = get((*server)->port(), {"/", "/metrics/extra"});

  EXPECT_EQ(answers[0].status, 404u);
  EXPECT_EQ(answers[1].status, 404u);
  EXPECT_EQ(renders, 0);
  EXPECT_EQ((*server)->scrapes(), 0u);
}

TEST(MetricsServerTest, RefusesAPortInUseWithAMessageNamingIt) {
  auto first = MetricsServer::start(0, [] { return std::string(); });
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::uint16_t taken = (*first)->port();

  auto second = MetricsServer::start(taken, [] { return std::string(); });

  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("127.0.0.1:" + std::to_string(taken)), std::string::npos)
      << second.error().message;
}

TEST(MetricsServerTest, StopsTwiceWithoutHarmAndClosesThePort) {
  auto server = MetricsServer::start(0, [] { return std::string(); });
  ASSERT_TRUE(server.ok()) << server.error().message;
  const std::uint16_t port = (*server)->port();

  (*server)->stop();
  (*server)->stop();

  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), error);
  EXPECT_TRUE(error) << "the port still accepts connections";
}

}  // namespace
}  // namespace pipescale::engine
