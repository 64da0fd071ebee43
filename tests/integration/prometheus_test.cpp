// The live metrics endpoint scraped by the real Prometheus server (Debian's `prometheus`): a
// short live run with --metrics-port, a Prometheus with its own scrape config (every second),
// data folder and ports, then Prometheus's HTTP API asked for what it scraped, checked against
// the run's summary.json. Bounded: about twelve seconds (Prometheus takes up its targets about five seconds after it
// starts), forty at most before it gives up.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/binary_support.hpp"
#include "tests/support/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using pipescale::test::Pipescale;
using pipescale::test::read_text;
using pipescale::test::write_text;

std::optional<fs::path> find_prometheus() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  dirs += ":/usr/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t colon = dirs.find(':', start);
    const fs::path candidate = fs::path(dirs.substr(start, colon - start)) / "prometheus";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return std::nullopt;
}

// A port that was free a moment ago: the kernel's choice for a socket bound to port 0.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Prometheus as a child process, its output in a log file; stopped (and waited for) at the end.
class PrometheusServer {
 public:
  PrometheusServer(const fs::path& binary, const fs::path& dir, int port) : log_(dir / "prometheus.log") {
    std::vector<std::string> args = {binary.string(), "--config.file=" + (dir / "prometheus.yml").string(),
                                     "--storage.tsdb.path=" + (dir / "data").string(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"};
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* out = std::freopen(log_.c_str(), "w", stdout);
      if (out == nullptr || ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) ::_exit(126);
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;
  ~PrometheusServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  [[nodiscard]] std::string log() const { return read_text(log_); }

 private:
  fs::path log_;
  pid_t pid_ = -1;
};

std::string url_encode(const std::string& text) {
  std::string encoded;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return encoded;
}

// GET http://127.0.0.1:port/target; the status (0 when nothing answers) and the body.
std::pair<unsigned, std::string> http_get(int port, const std::string& target) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)), error);
  if (error) return {0, ""};
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request, error);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!error) http::read(socket, buffer, response, error);
  if (error) return {0, ""};
  return {response.result_int(), response.body()};
}

// The value of a PromQL expression that yields one sample; nullopt when it yields none.
std::optional<double> query(int port, const std::string& promql) {
  const auto [status, body] = http_get(port, "/api/v1/query?query=" + url_encode(promql));
  if (status != 200) return std::nullopt;
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || json.value("status", "") != "success") return std::nullopt;
  const auto& result = json["data"]["result"];
  if (!result.is_array() || result.size() != 1) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

TEST(PrometheusTest, ScrapesALiveRunAndHoldsTheFiguresOfItsSummary) {
  const std::optional<fs::path> prometheus = find_prometheus();
  if (!prometheus.has_value()) {
    GTEST_SKIP() << "no prometheus binary on PATH or in /usr/bin (Debian package 'prometheus', which scripts/setup "
                    "installs): the scrape test cannot run";
  }
  pipescale::test::ScratchDir scratch("pipescale-prom");
  ASSERT_TRUE(scratch.ok());
  const fs::path& dir = scratch.path();
  const int metrics_port = free_port();
  const int prometheus_port = free_port();
  ASSERT_NE(metrics_port, 0);
  ASSERT_NE(prometheus_port, 0);
  write_text(dir / "prometheus.yml",
             "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
             "scrape_configs:\n  - job_name: pipescale\n    static_configs:\n"
             "      - targets: ['127.0.0.1:" +
                 std::to_string(metrics_port) + "']\n");
  write_text(dir / "model.csv", "batch_size,latency_ms\n1,2\n8,4\n16,6\n");
  write_text(dir / "steady.csv", "time_s,rate_rps\n0,200\n");
  write_text(dir / "run.toml",
             "[run]\nduration_s = 3\nslo_ms = 100\nmetrics_linger_s = 2.5\n"
             "[client]\ntrace_path = \"steady.csv\"\n"
             "[[stages]]\nname = \"model\"\nprofile_path = \"model.csv\"\nworkers_max = 2\n");
  PrometheusServer server(*prometheus, dir, prometheus_port);
  // Prometheus applies its targets some seconds after it starts: the run starts once it scrapes.
  const std::string target = "\"scrapeUrl\":\"http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics\"";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (http_get(prometheus_port, "/api/v1/targets?state=active").second.find(target) == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "prometheus never took the target:\n" << server.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  Pipescale run(dir, {"run", (dir / "run.toml").string(), "--quiet", "--metrics-port", std::to_string(metrics_port),
                      "--out", (dir / "run").string()});
  ASSERT_EQ(run.wait(std::chrono::seconds(20)), 0) << run.err();

  const std::string summary_text = read_text(dir / "run" / "summary.json");
  const auto summary = nlohmann::json::parse(summary_text);
  ASSERT_GT(summary["sent"].get<double>(), 300.0);
  // Counters only grow: their largest scraped value is the final one, which the run served while
  // it lingered (Prometheus marks the series stale once the endpoint is gone).
  auto last = [&](const std::string& expression) {
    return query(prometheus_port, "max_over_time((" + expression + ")[1m:1s])");
  };
  EXPECT_GE(query(prometheus_port, "count_over_time(up{job=\"pipescale\"}[1m])").value_or(0), 3.0) << server.log();
  EXPECT_EQ(last("pipescale_requests_sent_total"), summary["sent"].get<double>());
  EXPECT_EQ(last("pipescale_requests_completed_total"), summary["completed"].get<double>());
  EXPECT_EQ(last("pipescale_requests_completed_within_slo_total"), summary["completed_within_slo"].get<double>());
  EXPECT_EQ(last("sum(pipescale_requests_dropped_total)"), summary["dropped"].get<double>());
  EXPECT_EQ(last("sum(pipescale_requests_failed_total) + sum(pipescale_requests_unreturned_total)"),
            summary["failed"].get<double>());
  EXPECT_EQ(last("pipescale_request_latency_seconds_count"), summary["latency_ms"]["count"].get<double>());
  EXPECT_EQ(last("pipescale_request_latency_seconds_bucket{le=\"+Inf\"}"), summary["completed"].get<double>());
  const std::optional<double> sum_s = last("pipescale_request_latency_seconds_sum");
  ASSERT_TRUE(sum_s.has_value());
  EXPECT_NEAR(*sum_s / summary["completed"].get<double>() * 1e3, summary["latency_ms"]["mean"].get<double>(), 0.01);
  EXPECT_EQ(last("pipescale_stage_arrivals_total{stage=\"model\"}"), summary["sent"].get<double>())
      << "no warm-up: every request sent arrived";
  EXPECT_TRUE(fs::exists(dir / "run" / "manifest.json"));
}

}  // namespace
