// Replies built in a RedisReplyArena: the same redisReply trees hiredis builds itself, on
// bytes fed to a reader without a server; the arena's memory reused once no reply is held,
// and never while one is.

#include "backend/redis/redis_reply_arena.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "backend/redis/redis_connection.hpp"

namespace lmx {
namespace {

struct ReaderDeleter {
  void operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }
};
using Reader = std::unique_ptr<redisReader, ReaderDeleter>;

// The one reply in `bytes`, built by `reader`.
redisReply* parse(redisReader& reader, std::string_view bytes) {
  EXPECT_EQ(redisReaderFeed(&reader, bytes.data(), bytes.size()), REDIS_OK);
  void* reply = nullptr;
  EXPECT_EQ(redisReaderGetReply(&reader, &reply), REDIS_OK) << reader.errstr;
  EXPECT_NE(reply, nullptr);
  return static_cast<redisReply*>(reply);
}

// A reply built in `arena`, owned as RedisConnection hands it out.
RedisReply parse_in(RedisReplyArena& arena, redisReader& reader, std::string_view bytes) {
  RedisReply reply(parse(reader, bytes), RedisReplyDeleter{&arena});
  arena.retain();
  return reply;
}

// Both trees alike: types, strings, integers and every element, recursively.
void expect_same(const redisReply& got, const redisReply& want, const std::string& path = "$") {
  ASSERT_EQ(got.type, want.type) << path;
  switch (want.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      EXPECT_EQ(std::string_view(got.str, got.len), std::string_view(want.str, want.len)) << path;
      EXPECT_EQ(got.str[got.len], '\0') << path << ": hiredis strings end in a NUL";
      break;
    case REDIS_REPLY_INTEGER:
      EXPECT_EQ(got.integer, want.integer) << path;
      break;
    case REDIS_REPLY_ARRAY:
      ASSERT_EQ(got.elements, want.elements) << path;
      for (std::size_t i = 0; i < want.elements; ++i) {
        expect_same(*got.element[i], *want.element[i], path + "[" + std::to_string(i) + "]");
      }
      break;
    default:
      break;
  }
}

// An XREAD reply's shape: [[stream, [[id, [field, value]], [id, [field, value]]]]], then
// an integer, a nil, an empty array, a status and an error beside it.
constexpr std::string_view xread_like =
    "*6\r\n"
    "*1\r\n*2\r\n$6\r\norders\r\n*2\r\n"
    "*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\ne\r\n$5\r\nhello\r\n"
    "*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ne\r\n$0\r\n\r\n"
    ":-42\r\n"
    "$-1\r\n"
    "*0\r\n"
    "+OK\r\n"
    "-ERR no such key\r\n";

TEST(RedisReplyArena, BuildsTheTreeHiredisBuilds) {
  const Reader plain(redisReaderCreate());
  redisReply* want = parse(*plain, xread_like);

  RedisReplyArena arena;
  const Reader reader(redisReaderCreate());
  arena.install(*reader);
  const RedisReply got = parse_in(arena, *reader, xread_like);
  expect_same(*got, *want);
  freeReplyObject(want);
}

TEST(RedisReplyArena, ReusesItsMemoryOnceNoReplyIsHeld) {
  RedisReplyArena arena;
  const Reader reader(redisReaderCreate());
  arena.install(*reader);
  RedisReply first = parse_in(arena, *reader, xread_like);
  const redisReply* first_address = first.get();
  first.reset();
  const RedisReply second = parse_in(arena, *reader, xread_like);
  EXPECT_EQ(second.get(), first_address) << "the blocks are reused, not grown";
}

TEST(RedisReplyArena, AHeldReplyIsNeverOverwritten) {
  RedisReplyArena arena;
  const Reader plain(redisReaderCreate());
  redisReply* want = parse(*plain, xread_like);
  const Reader reader(redisReaderCreate());
  arena.install(*reader);
  const RedisReply held = parse_in(arena, *reader, xread_like);
  for (int i = 0; i < 3; ++i) {
    RedisReply other = parse_in(arena, *reader, "*2\r\n$5\r\nother\r\n:7\r\n");
    EXPECT_NE(other.get(), held.get());
  }
  expect_same(*held, *want);
  freeReplyObject(want);
}

TEST(RedisReplyArena, AStringLargerThanABlockGetsItsOwn) {
  const std::string big(3 << 20, 'x');  // over the arena's 1 MiB blocks
  const std::string bytes = "*2\r\n$" + std::to_string(big.size()) + "\r\n" + big + "\r\n:1\r\n";
  RedisReplyArena arena;
  const Reader reader(redisReaderCreate());
  arena.install(*reader);
  for (int i = 0; i < 2; ++i) {
    const RedisReply reply = parse_in(arena, *reader, bytes);
    ASSERT_EQ(reply->type, REDIS_REPLY_ARRAY);
    ASSERT_EQ(reply->elements, 2u);
    EXPECT_EQ(std::string_view(reply->element[0]->str, reply->element[0]->len), big);
    EXPECT_EQ(reply->element[1]->integer, 1);
  }
}

}  // namespace
}  // namespace lmx
