#include "service/http_service.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "format/result_json.hpp"
#include "lmx/assert.hpp"
#include "lmx/constants.hpp"
#include "service/dashboard_page.hpp"
#include "service/event_batch.hpp"

namespace lmx::service {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::chrono::milliseconds wait_slice{50};  // how often a waiter looks at stop
constexpr const char* json_type = "application/json";

void reply(httplib::Response& response, int status, const Json& json) {
  response.status = status;
  // Ids and SKUs are UTF-8 from JSON input; replace rather than throw should one not be.
  response.set_content(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                       json_type);
}

void fail(httplib::Response& response, int status, std::string_view code, std::string message) {
  reply(response, status, Json{{"error", code}, {"message", std::move(message)}});
}

// The stable code of an error the server answered by itself (no route, body too large).
std::string_view code_of(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "body_too_large";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

Json results_json(std::span<const Event> events, std::span<const std::optional<Result>> results) {
  Json array = Json::array();
  for (std::size_t i = 0; i < events.size(); ++i) {
    LMX_ASSERT(results[i].has_value());
    Json json;
    add_result_fields(events[i], *results[i], json);
    array.push_back(std::move(json));
  }
  return array;
}

Json answer_json(const Query& query, const QueryAnswer& answer) {
  Json json;
  switch (query.kind) {
    case Query::Kind::user:
      json["user_id"] = query.user_id;
      json["balance"] = answer.balance;
      break;
    case Query::Kind::item:
      json["item_id"] = query.item_id.view();
      json["price"] = answer.price;
      json["remain"] = answer.remain;
      break;
    case Query::Kind::command:
      json["id"] = query.id.view();
      json["first_position"] = answer.first_position.to_string();
      json["reason"] = reason_name(answer.reason);
      break;
  }
  json["position"] = answer.position.to_string();
  return json;
}

std::string_view noun(Query::Kind kind) {
  switch (kind) {
    case Query::Kind::user:
      return "user";
    case Query::Kind::item:
      return "item";
    case Query::Kind::command:
      return "command id";
  }
  return "";
}

// Its members are read through std::optional's ->, which cppcheck 2.10 does not follow.
struct Refusal {
  std::string_view code;  // cppcheck-suppress unusedStructMember
  std::string message;    // cppcheck-suppress unusedStructMember
};

// The query a read's path names (`key`: the user id, SKU or command id), or why not.
std::optional<Refusal> make_query(Query::Kind kind, const std::string& key, Query& query) {
  query.kind = kind;
  switch (kind) {
    case Query::Kind::user: {
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), query.user_id);
      if (error != std::errc{} || end != key.data() + key.size()) {
        return Refusal{"invalid_user_id", "a user id is an int64"};
      }
      return std::nullopt;
    }
    case Query::Kind::item:
      query.item_id = Sku::from(key);
      if (query.item_id.valid()) return std::nullopt;
      return Refusal{"invalid_sku", fmt::format("an item id is 1 to {} bytes", sku_size_max)};
    case Query::Kind::command:
      query.id = CommandId::from(key);
      if (query.id.valid()) return std::nullopt;
      return Refusal{"invalid_id", "a command id is 1 to 64 bytes"};
  }
  return Refusal{"bad_request", "unknown read"};
}

}  // namespace

HttpService::HttpService(Backend& backend, ServiceOptions options)
    : options_(std::move(options)), writer_(backend.open_writer()) {
  LMX_ASSERT(options_.stop != nullptr);
  LMX_ASSERT(options_.address.loopback() || !options_.token.empty());
  server_.set_payload_max_length(http_body_size_max);
  // An answer goes out as two writes, headers then body. With Nagle's algorithm the body
  // waits for the client to acknowledge the headers, which a client delays by up to 40 ms
  // (delayed ACK): every request would take 40 ms however idle the engine. Accepted
  // connections inherit the option from the listening socket.
  server_.set_tcp_nodelay(true);
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
  // lmx run bind the same port and silently take half of the requests.
  server_.set_socket_options([](socket_t socket) {
    const int yes = 1;
    (void)::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  add_routes();
}

HttpService::~HttpService() {
  stop();
}

int HttpService::start() {
  LMX_ASSERT(!thread_.joinable());
  const std::string& host = options_.address.host;
  const int port =
      options_.address.port == 0
          ? server_.bind_to_any_port(host)
          : (server_.bind_to_port(host, options_.address.port) ? options_.address.port : -1);
  if (port < 0) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{}: the address is not local or the port is in use", host,
                    options_.address.port));
  }
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  return port;
}

void HttpService::stop() {
  board_.stop();
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

bool HttpService::stopping() const noexcept {
  return options_.stop->load(std::memory_order_relaxed);  // relaxed: a flag read on its own
}

void HttpService::add_routes() {
  server_.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (options_.token.empty() || (request.method == "GET" && request.path == "/") ||
            bearer_matches(request.get_header_value("Authorization"), options_.token)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        response.set_header("WWW-Authenticate", "Bearer");
        fail(response, 401, "unauthorized", "send Authorization: Bearer <token>");
        return httplib::Server::HandlerResponse::Handled;
      });
  const httplib::Server::HandlerWithResponse on_error = [](const httplib::Request& request,
                                                           httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    fail(response, response.status, code_of(response.status),
         response.status == 413
             ? fmt::format("the body is larger than {} bytes: send fewer "
                           "events per request",
                           http_body_size_max)
             : fmt::format("HTTP {} for {} {}", response.status, request.method, request.path));
    return httplib::Server::HandlerResponse::Handled;
  };
  server_.set_error_handler(on_error);
  server_.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    metrics_.count_request(route_of(request.path), response.status);
  });
  server_.Get("/", [](const httplib::Request&, httplib::Response& response) {
    const std::string_view page = dashboard_page();
    response.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });
  server_.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    reply(response, 200, Json{{"status", "serving"}});
  });
  server_.Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
    if (ready_.load(std::memory_order_relaxed)) {  // relaxed: a flag read on its own
      reply(response, 200, Json{{"status", "ready"}});
    } else {
      fail(response, 503, "not_ready", "the engine has not yet caught up with the end of the log");
    }
  });
  server_.Get("/status", [this](const httplib::Request&, httplib::Response& response) {
    handle_status(response);
  });
  server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics_.render(gauges()), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_.Post("/events", [this](const httplib::Request& request, httplib::Response& response) {
    handle_events(request, response);
  });
  const auto read = [this](Query::Kind kind) {
    return [this, kind](const httplib::Request& request, httplib::Response& response) {
      Query query;
      if (const std::optional<Refusal> refusal =
              make_query(kind, request.matches[1].str(), query)) {
        return fail(response, 400, refusal->code, refusal->message);
      }
      handle_query(std::move(query), response);
    };
  };
  server_.Get(R"(/users/([^/]+))", read(Query::Kind::user));
  server_.Get(R"(/items/([^/]+))", read(Query::Kind::item));
  server_.Get(R"(/commands/([^/]+))", read(Query::Kind::command));
}

EngineGauges HttpService::gauges() {
  const std::lock_guard lock(progress_mutex_);
  return EngineGauges{progress_, events_per_second_,
                      std::chrono::duration<double>(Clock::now() - started_).count()};
}

void HttpService::handle_status(httplib::Response& response) {
  const EngineGauges now = gauges();
  const EngineProgress& progress = now.progress;
  Json json;
  // An engine that owns its log alone (the file journal) is its primary.
  json["role"] = progress.role.empty() ? "primary" : progress.role;
  json["epoch"] = progress.epoch;
  json["version"] = options_.version;
  json["ready"] = ready_.load(std::memory_order_relaxed);  // relaxed: a flag read on its own
  json["position"] = progress.position.to_string();
  json["applied"] = progress.applied_count;
  json["end"] = progress.end_known ? Json(progress.end.to_string()) : Json(nullptr);
  json["lag"] = progress.end_known ? Json(progress.lag.entries) : Json(nullptr);
  json["lag_at_least"] = progress.lag.at_least;
  json["events_per_second"] = now.events_per_second;
  json["results_written"] = metrics_.results_written();
  json["rings"] = {{"input", {{"used", progress.input_ring_used}, {"size", input_ring_size}}},
                   {"output", {{"used", progress.output_ring_used}, {"size", output_ring_size}}}};
  if (progress.last_snapshot.position.is_zero()) {
    json["last_snapshot"] = nullptr;
  } else {
    const std::lock_guard lock(progress_mutex_);
    // The digest as text, as `lmx digest` prints it: a JSON number loses bits above 2^53 in
    // most readers.
    json["last_snapshot"] = {
        {"position", progress.last_snapshot.position.to_string()},
        {"digest", fmt::format("{:016x}", progress.last_snapshot.digest)},
        {"age_seconds", std::chrono::duration<double>(Clock::now() - snapshot_at_).count()},
        {"bytes", progress.last_snapshot.bytes},
        {"save_seconds", std::chrono::duration<double>(progress.last_snapshot.save_time).count()},
        {"copy_seconds", std::chrono::duration<double>(progress.snapshot_copy_time).count()}};
  }
  json["uptime_seconds"] = now.uptime_seconds;
  reply(response, 200, json);
}

void HttpService::handle_events(const httplib::Request& request, httplib::Response& response) {
  if (stopping()) return fail(response, 503, "stopping", "the engine is shutting down");
  if (gauges().progress.role == role_standby) {
    return fail(response, 503, "standby",
                "this engine is a hot standby: it writes no results, so it cannot answer "
                "commands; send them to the primary (GET /status shows the role)");
  }
  std::vector<Event> events;
  {
    JsonEventDecoder decoder;
    if (const std::optional<BatchError> error = parse_event_batch(request.body, decoder, events)) {
      const bool too_many = error->kind == BatchError::Kind::too_many_events;
      Json json{{"error", too_many ? "too_many_events" : "malformed"},
                {"message", error->message + "; nothing was appended"}};
      if (error->line > 0) json["line"] = error->line;
      return reply(response, too_many ? 413 : 400, json);
    }
  }
  std::vector<Position> positions(events.size());
  const ResultBoard::Interest interest(board_);
  const auto appended_at = Clock::now();
  try {
    const std::lock_guard lock(append_mutex_);
    (void)writer_->append(events, positions);
  } catch (const std::exception& e) {
    return fail(response, 503, "unavailable",
                fmt::format("appending to the log failed: {}; retrying with the same command "
                            "ids is safe",
                            e.what()));
  }
  std::vector<std::optional<Result>> results(events.size());
  const auto deadline = appended_at + options_.wait;
  ResultBoard::Outcome outcome = ResultBoard::Outcome::timeout;
  while (outcome == ResultBoard::Outcome::timeout && Clock::now() < deadline && !stopping()) {
    outcome = board_.wait(positions, std::min(deadline, Clock::now() + wait_slice), results);
  }
  if (outcome == ResultBoard::Outcome::complete) {
    metrics_.observe_events_latency(Clock::now() - appended_at);
    return reply(response, 200, results_json(events, results));
  }
  const bool timed_out = outcome == ResultBoard::Outcome::timeout && !stopping();
  fail(response, 503,
       timed_out                               ? "timeout"
       : outcome == ResultBoard::Outcome::lost ? "unavailable"
                                               : "stopping",
       fmt::format("the events are in the log at positions {}..{} but not every result came "
                   "back; retrying with the same command ids is safe (a repeat is answered "
                   "duplicate with its first outcome)",
                   positions.front().to_string(), positions.back().to_string()));
}

void HttpService::handle_query(Query query, httplib::Response& response) {
  if (stopping()) return fail(response, 503, "stopping", "the engine is shutting down");
  const Query::Kind kind = query.kind;
  const Query asked{.kind = query.kind,
                    .user_id = query.user_id,
                    .item_id = query.item_id,
                    .id = query.id,
                    .reply = {}};
  std::optional<std::future<QueryAnswer>> answer = queries_.ask(std::move(query));
  if (!answer) return fail(response, 503, "busy", "too many reads waiting: retry shortly");
  const auto deadline = Clock::now() + options_.wait;
  while (answer->wait_for(wait_slice) != std::future_status::ready) {
    if (stopping()) return fail(response, 503, "stopping", "the engine is shutting down");
    if (Clock::now() >= deadline) {
      return fail(response, 503, "timeout", "the engine did not answer the read in time");
    }
  }
  const QueryAnswer got = answer->get();
  if (!got.found) {
    Json json{
        {"error", "not_found"},
        {"message", fmt::format("no such {} at position {}", noun(kind), got.position.to_string())},
        {"position", got.position.to_string()}};
    return reply(response, 404, json);
  }
  reply(response, 200, answer_json(asked, got));
}

void HttpService::on_progress(const EngineProgress& progress) noexcept {
  const auto now = Clock::now();
  {
    const std::lock_guard lock(progress_mutex_);
    const double seconds = std::chrono::duration<double>(now - progress_at_).count();
    if (progress_at_ != Clock::time_point{} && seconds > 0) {
      events_per_second_ =
          static_cast<double>(progress.applied_count - progress_.applied_count) / seconds;
    }
    if (progress.last_snapshot != progress_.last_snapshot) snapshot_at_ = now;
    progress_ = progress;
    progress_at_ = now;
  }
  if (progress.end_known && progress.lag.entries == 0 && !progress.lag.at_least) {
    ready_.store(true, std::memory_order_relaxed);  // relaxed: a flag read on its own
  }
}

void HttpService::on_results_written(std::span<const Result> results) noexcept {
  metrics_.count_results(results);
  board_.post(results);
}

void HttpService::on_batch(std::size_t events, std::chrono::nanoseconds time) noexcept {
  metrics_.observe_batch(events, time);
}

void HttpService::on_state(const State& state, Position position) noexcept {
  queries_.answer(state, position);
}

}  // namespace lmx::service
