#include "engine/runtime/metrics_server.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

namespace pipescale::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kReadTimeout = std::chrono::seconds(5);
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

struct MetricsServer::State {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  Render render;
  std::atomic<std::uint64_t> scrapes{0};
  std::uint16_t port = 0;
  std::thread thread;

  void accept();
};

namespace {

// One connection: read a request, answer it, keep the connection for the next (Prometheus reuses
// it) until the peer closes or stays silent past the timeout.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, MetricsServer::Render& render, std::atomic<std::uint64_t>& scrapes)
      : stream_(std::move(socket)), render_(render), scrapes_(scrapes) {}

  void read() {
    request_ = {};
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->close();
      self->answer();
    });
  }

 private:
  void answer() {
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    response_.set(http::field::server, "pipescale");
    const bool get = request_.method() == http::verb::get || request_.method() == http::verb::head;
    if (get && request_.target() == "/metrics") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, kContentType);
      response_.body() = render_();
      scrapes_.fetch_add(1, std::memory_order_relaxed);  // a count for tests and the log; no partner
    } else {
      response_.result(get ? http::status::not_found : http::status::method_not_allowed);
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "pipescale: the metrics are at /metrics\n";
    }
    if (request_.method() == http::verb::head) response_.body().clear();
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error || !self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  MetricsServer::Render& render_;
  std::atomic<std::uint64_t>& scrapes_;
};

}  // namespace

void MetricsServer::State::accept() {
  acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error) return;  // closed: the server stops
    std::make_shared<Session>(std::move(socket), render, scrapes)->read();
    accept();
  });
}

MetricsServer::MetricsServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

MetricsServer::~MetricsServer() { stop(); }

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(std::uint16_t port, Render render) {
  auto state = std::make_unique<State>();
  state->render = std::move(render);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  beast::error_code error;
  state->acceptor.open(endpoint.protocol(), error);
  if (!error) state->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) state->acceptor.bind(endpoint, error);
  if (!error) state->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Error{"cannot serve metrics on 127.0.0.1:" + std::to_string(port) + ": " + error.message()};
  }
  state->port = state->acceptor.local_endpoint().port();
  state->accept();
  State* raw = state.get();
  state->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(state)));
}

std::uint16_t MetricsServer::port() const { return state_->port; }

std::uint64_t MetricsServer::scrapes() const { return state_->scrapes.load(std::memory_order_relaxed); }

void MetricsServer::stop() {
  if (!state_ || !state_->thread.joinable()) return;
  // The io_context's own thread closes the listener; stop() then ends run() with the sessions.
  asio::post(state_->io, [state = state_.get()] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    state->io.stop();
  });
  state_->thread.join();
}

}  // namespace pipescale::engine
