#include "backend/redis/redis_reply_arena.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <new>

namespace lmx {
namespace {

// Every object is carved at this alignment: redisReply's, and its pointer arrays'.
constexpr std::size_t object_align = alignof(std::max_align_t);
// A block holds many replies' worth of small objects; a larger object gets its own.
constexpr std::size_t block_size = std::size_t{1} << 20;

std::size_t aligned(std::size_t bytes) noexcept {
  return (bytes + object_align - 1) & ~(object_align - 1);
}

RedisReplyArena& arena_of(const redisReadTask* task) noexcept {
  return *static_cast<RedisReplyArena*>(task->privdata);
}

// As hiredis's own constructors do: a zeroed object of `type`, set in its parent array.
redisReply* create(const redisReadTask* task, int type) noexcept {
  void* memory = arena_of(task).allocate(sizeof(redisReply));
  if (memory == nullptr) return nullptr;
  // A C struct, an implicit-lifetime type: the arena's bytes hold it once written.
  auto* reply = static_cast<redisReply*>(memory);
  *reply = redisReply{};
  reply->type = type;
  if (task->parent != nullptr) {
    auto* parent = static_cast<redisReply*>(task->parent->obj);
    assert(parent->type == REDIS_REPLY_ARRAY);
    parent->element[task->idx] = reply;
  }
  return reply;
}

void* create_string(const redisReadTask* task, char* text, std::size_t length) noexcept {
  auto* buffer = static_cast<char*>(arena_of(task).allocate(length + 1));
  if (buffer == nullptr) return nullptr;
  std::memcpy(buffer, text, length);
  buffer[length] = '\0';
  redisReply* reply = create(task, task->type);
  if (reply == nullptr) return nullptr;
  reply->str = buffer;
  reply->len = length;
  return reply;
}

void* create_array(const redisReadTask* task, int elements) noexcept {
  redisReply** element = nullptr;
  if (elements > 0) {
    const auto count = static_cast<std::size_t>(elements);
    element = static_cast<redisReply**>(arena_of(task).allocate(count * sizeof(redisReply*)));
    if (element == nullptr) return nullptr;
    std::memset(element, 0, count * sizeof(redisReply*));
  }
  redisReply* reply = create(task, REDIS_REPLY_ARRAY);
  if (reply == nullptr) return nullptr;
  reply->element = element;
  reply->elements = static_cast<std::size_t>(elements > 0 ? elements : 0);
  return reply;
}

void* create_integer(const redisReadTask* task, long long value) noexcept {
  redisReply* reply = create(task, REDIS_REPLY_INTEGER);
  if (reply != nullptr) reply->integer = value;
  return reply;
}

void* create_nil(const redisReadTask* task) noexcept {
  return create(task, REDIS_REPLY_NIL);
}

// The blocks are reused wholesale when the last reply is released.
void free_object(void* /*reply*/) noexcept {}

redisReplyObjectFunctions arena_functions{create_string, create_array, create_integer, create_nil,
                                          free_object};

}  // namespace

void RedisReplyArena::install(redisReader& reader) noexcept {
  reader.fn = &arena_functions;
  reader.privdata = this;
}

void RedisReplyArena::release() noexcept {
  assert(held_ > 0);
  if (--held_ > 0) return;
  block_ = 0;
  used_ = 0;
}

void* RedisReplyArena::allocate(std::size_t bytes) noexcept {
  const std::size_t size = aligned(bytes);
  for (; block_ < blocks_.size(); ++block_, used_ = 0) {
    if (blocks_[block_].size - used_ >= size) {
      std::byte* at = blocks_[block_].bytes.get() + used_;
      used_ += size;
      return at;
    }
  }
  const std::size_t new_size = std::max(block_size, size);
  std::unique_ptr<std::byte[]> memory(new (std::nothrow) std::byte[new_size]);
  if (!memory) return nullptr;
  blocks_.push_back({std::move(memory), new_size});
  block_ = blocks_.size() - 1;
  used_ = size;
  return blocks_[block_].bytes.get();
}

}  // namespace lmx
