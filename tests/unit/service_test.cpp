// The HTTP API's pure pieces: the POST /events body rule, the listen address and token
// checks, the result board's hand-off from the result thread to waiting requests, the
// query answers, and the Prometheus text the metrics render.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "lmx/core/business_logic.hpp"
#include "service/event_batch.hpp"
#include "service/listen_address.hpp"
#include "service/metrics.hpp"
#include "service/query_ring.hpp"
#include "service/result_board.hpp"

namespace lmx::service {
namespace {

using namespace std::chrono_literals;

TEST(EventBatch, OneEventPrettyPrintedIsOneEvent) {
  JsonEventDecoder decoder;
  std::vector<Event> events;
  const auto error = parse_event_batch(
      "{\n  \"type\": \"topup\",\n  \"user_id\": 7,\n  \"amount\": 5\n}\n", decoder, events);
  ASSERT_FALSE(error) << error->message;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::topup);
  EXPECT_EQ(events[0].user_id, 7);
}

TEST(EventBatch, JsonLinesSkipBlankLinesAndKeepOrder) {
  JsonEventDecoder decoder;
  std::vector<Event> events;
  const auto error = parse_event_batch(
      "{\"type\":\"topup\",\"user_id\":1,\"amount\":5}\r\n\n"
      "{\"type\":\"add_item\",\"item_id\":\"cpu\",\"count\":1,\"price\":3,\"id\":\"a\"}",
      decoder, events);
  ASSERT_FALSE(error) << error->message;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].item_id.view(), "cpu");
  EXPECT_EQ(events[1].id.view(), "a");
}

TEST(EventBatch, AMalformedLineRefusesTheWholeBodyNamingTheLine) {
  JsonEventDecoder decoder;
  std::vector<Event> events;
  const auto error = parse_event_batch(
      "{\"type\":\"topup\",\"user_id\":1,\"amount\":5}\n\n{\"type\":\"nope\"}\n", decoder, events);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, BatchError::Kind::malformed);
  EXPECT_EQ(error->line, 3u);
  EXPECT_NE(error->message.find("line 3"), std::string::npos);
  EXPECT_TRUE(events.empty());
}

TEST(EventBatch, AnEmptyBodyIsRefused) {
  JsonEventDecoder decoder;
  std::vector<Event> events;
  const auto error = parse_event_batch(" \n\n", decoder, events);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->line, 0u);
}

TEST(EventBatch, MoreEventsThanOneAppendTakesAreRefused) {
  JsonEventDecoder decoder;
  std::vector<Event> events;
  std::string body;
  for (std::size_t i = 0; i <= http_events_per_request_max; ++i) {
    body += "{\"type\":\"topup\",\"user_id\":1,\"amount\":5}\n";
  }
  const auto error = parse_event_batch(body, decoder, events);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, BatchError::Kind::too_many_events);
}

TEST(ListenAddress, ParsesHostPortAndBracketedIpv6) {
  const auto v4 = ListenAddress::parse("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  EXPECT_TRUE(v4->loopback());
  const auto v6 = ListenAddress::parse("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->loopback());
  EXPECT_FALSE(ListenAddress::parse("0.0.0.0:80")->loopback());
  EXPECT_FALSE(ListenAddress::parse("8080"));
  EXPECT_FALSE(ListenAddress::parse("host:99999"));
  EXPECT_FALSE(ListenAddress::parse("::1:80"));
}

TEST(ListenAddress, TokenIsTheFirstLineTrimmedAndMatchedExactly) {
  EXPECT_EQ(token_from_file_text("  abc \nsecond\n"), "abc");
  EXPECT_EQ(token_from_file_text("\n"), "");
  EXPECT_TRUE(bearer_matches("Bearer abc", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abcd", "abc"));
  EXPECT_FALSE(bearer_matches("abc", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
}

Result result_at(std::uint64_t minor) {
  Result result;
  result.position = Position{0, minor};
  result.type = EventType::topup;
  result.reason = Reason::accepted;
  return result;
}

TEST(ResultBoard, AResultWrittenBeforeTheWaitIsKeptForAnInterestedRequest) {
  ResultBoard board;
  const ResultBoard::Interest interest(board);
  const std::vector<Result> written = {result_at(1), result_at(2)};
  board.post(written);  // faster than the request: before it waits
  const std::vector<Position> positions = {Position{0, 2}};
  std::vector<std::optional<Result>> results(1);
  EXPECT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 1s, results),
            ResultBoard::Outcome::complete);
  EXPECT_EQ(results[0]->position, (Position{0, 2}));
}

TEST(ResultBoard, AWaiterIsWokenByTheResultThread) {
  ResultBoard board;
  const ResultBoard::Interest interest(board);
  std::thread result_thread([&] {
    std::this_thread::sleep_for(20ms);
    const std::vector<Result> written = {result_at(5)};
    board.post(written);
  });
  const std::vector<Position> positions = {Position{0, 5}};
  std::vector<std::optional<Result>> results(1);
  EXPECT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 5s, results),
            ResultBoard::Outcome::complete);
  result_thread.join();
}

TEST(ResultBoard, WithoutInterestNothingIsKeptAndAPassedPositionIsLost) {
  ResultBoard board;
  const std::vector<Result> written = {result_at(1)};
  board.post(written);
  const ResultBoard::Interest interest(board);
  const std::vector<Position> positions = {Position{0, 1}};
  std::vector<std::optional<Result>> results(1);
  EXPECT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 1s, results),
            ResultBoard::Outcome::lost);
}

TEST(ResultBoard, TimesOutAndStops) {
  ResultBoard board;
  const ResultBoard::Interest interest(board);
  const std::vector<Position> positions = {Position{0, 1}};
  std::vector<std::optional<Result>> results(1);
  EXPECT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 10ms, results),
            ResultBoard::Outcome::timeout);
  board.stop();
  EXPECT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 1s, results),
            ResultBoard::Outcome::stopping);
}

TEST(QueryRing, AnswersFromTheStateWhenTheLogicThreadDrainsIt) {
  State state;
  Event topup;
  topup.type = EventType::topup;
  topup.user_id = 7;
  topup.amount = 500;
  topup.id = CommandId::from("t-1");
  topup.position = Position{0, 1};
  (void)apply(state, topup);

  QueryRing ring;
  Query user;
  user.kind = Query::Kind::user;
  user.user_id = 7;
  auto user_answer = ring.ask(std::move(user));
  Query command;
  command.kind = Query::Kind::command;
  command.id = CommandId::from("t-1");
  auto command_answer = ring.ask(std::move(command));
  Query missing;
  missing.kind = Query::Kind::item;
  missing.item_id = Sku::from("ssd");
  auto missing_answer = ring.ask(std::move(missing));
  ASSERT_TRUE(user_answer && command_answer && missing_answer);
  EXPECT_EQ(user_answer->wait_for(0s), std::future_status::timeout);  // not before a drain

  ring.answer(state, Position{0, 1});
  const QueryAnswer got = user_answer->get();
  EXPECT_TRUE(got.found);
  EXPECT_EQ(got.balance, 500);
  EXPECT_EQ(got.position, (Position{0, 1}));
  const QueryAnswer recorded = command_answer->get();
  EXPECT_TRUE(recorded.found);
  EXPECT_EQ(recorded.first_position, (Position{0, 1}));
  EXPECT_EQ(recorded.reason, Reason::accepted);
  EXPECT_FALSE(missing_answer->get().found);
}

TEST(QueryRing, AFullRingRefusesAtOnce) {
  QueryRing ring;
  std::vector<std::future<QueryAnswer>> answers;
  for (std::size_t i = 0; i < query_ring_size; ++i) {
    auto answer = ring.ask(Query{});
    ASSERT_TRUE(answer);
    answers.push_back(std::move(*answer));
  }
  EXPECT_FALSE(ring.ask(Query{}));
  ring.answer(State{}, Position{});
  EXPECT_TRUE(ring.ask(Query{}));
}

TEST(Metrics, RoutesAreLabelledByTheirPattern) {
  EXPECT_EQ(route_of("/users/42"), Route::users);
  EXPECT_EQ(route_of("/items/cpu"), Route::items);
  EXPECT_EQ(route_of("/commands/x"), Route::commands);
  EXPECT_EQ(route_of("/events"), Route::events);
  EXPECT_EQ(route_of("/users/"), Route::other);
  EXPECT_EQ(route_of("/eventsx"), Route::other);
  EXPECT_EQ(route_of("/"), Route::dashboard);
  EXPECT_EQ(route_of("/index.html"), Route::other);
}

TEST(Metrics, RendersCountersAndACumulativeHistogram) {
  Metrics metrics;
  const std::vector<Result> results = {result_at(1), result_at(2)};
  metrics.count_results(results);
  metrics.count_request(Route::events, 200);
  metrics.count_request(Route::events, 418);
  metrics.observe_events_latency(30us);
  metrics.observe_events_latency(3ms);
  metrics.observe_batch(3, 4us);
  metrics.observe_batch(2048, 700us);
  EngineGauges gauges;
  gauges.progress.position = Position{0, 2};
  gauges.progress.end_known = true;
  gauges.progress.last_snapshot = SavedSnapshot{Position{0, 1}, 7, 4096, 250ms};
  gauges.progress.snapshot_copy_time = 20ms;
  const std::string text = metrics.render(gauges);
  EXPECT_NE(text.find("lmx_results_total{type=\"topup\",reason=\"accepted\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("lmx_results_written_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_http_requests_total{route=\"/events\",code=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lmx_http_requests_total{route=\"/events\",code=\"other\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lmx_events_latency_seconds_bucket{le=\"2.5e-05\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_events_latency_seconds_bucket{le=\"5e-05\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_events_latency_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_events_latency_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_events_latency_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_events_bucket{le=\"2\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_events_bucket{le=\"4\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_events_bucket{le=\"2048\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_events_sum 2051\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_seconds_bucket{le=\"2.5e-06\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_seconds_bucket{le=\"5e-06\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_batch_seconds_bucket{le=\"0.001\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_last_snapshot_bytes 4096\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_last_snapshot_save_seconds 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_last_snapshot_copy_seconds 0.02\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_position_minor 2\n"), std::string::npos);
  EXPECT_NE(text.find("lmx_lag_entries 0\n"), std::string::npos);
}

}  // namespace
}  // namespace lmx::service
