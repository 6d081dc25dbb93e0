#pragma once
// Where hiredis builds the replies of one connection. By default it mallocs every object of
// a reply (a redisReply per string, integer and array, a buffer per string, a pointer array
// per array) and frees them one by one: about ten mallocs and as many frees per stream
// entry of an XREAD, most of the reader's time (BENCHMARKS.md, Redis Streams). Installed
// on a connection's reader, an arena carves them from a few large blocks instead, and
// reuses the blocks once no reply built in them is held: the replies are the same
// redisReply trees, read as before, and released through RedisReply as before.
//
// For a connection whose replies are released before the next is read (the log reader's:
// one XREAD reply at a time); a reply held while others are read keeps every block in use.
// One thread, like the connection.

#include <hiredis/hiredis.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace lmx {

class RedisReplyArena {
 public:
  RedisReplyArena() = default;
  RedisReplyArena(const RedisReplyArena&) = delete;
  RedisReplyArena& operator=(const RedisReplyArena&) = delete;

  // Makes `reader` build its replies here, for as long as both live.
  void install(redisReader& reader) noexcept;

  // A reply built here is handed out, or released.
  void retain() noexcept { ++held_; }
  void release() noexcept;

  // `bytes` aligned for any reply object; nullptr when memory runs out (hiredis then
  // fails the reply with "out of memory").
  [[nodiscard]] void* allocate(std::size_t bytes) noexcept;

 private:
  struct Block {
    std::unique_ptr<std::byte[]> bytes;
    std::size_t size = 0;
  };

  std::vector<Block> blocks_;
  std::size_t block_ = 0;  // the block being carved
  std::size_t used_ = 0;   // bytes of it carved
  std::size_t held_ = 0;   // replies handed out and not yet released
};

}  // namespace lmx
