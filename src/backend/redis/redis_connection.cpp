#include "backend/redis/redis_connection.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <chrono>
#include <exception>
#include <thread>

#include "backend/redis/redis_key_slot.hpp"
#include "lmx/constants.hpp"

namespace lmx {

namespace {

timeval to_timeval(std::uint32_t ms) noexcept {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

// A server that is restarting answers LOADING until its data is read, a cluster that lost a
// master answers CLUSTERDOWN until a replica takes over, TRYAGAIN while a slot it needs is
// migrating, and a master turned replica ends a blocked XREAD with UNBLOCKED (asked again,
// it answers -MOVED): all worth trying again.
bool is_transient(std::string_view error) noexcept {
  return error.starts_with("LOADING") || error.starts_with("BUSY Red") ||
         error.starts_with("CLUSTERDOWN") || error.starts_with("TRYAGAIN") ||
         error.starts_with("UNBLOCKED");
}

// Redirections one idempotent command follows before giving up: more means the cluster is
// being reshaped faster than lmx can follow (or its nodes disagree), and the caller's own
// retry, with backoff, is the better place to wait.
constexpr int redirections_per_command_max = 5;

bool same_command(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view command_key(std::span<const std::string_view> argv) noexcept {
  assert(!argv.empty());
  if (argv.size() < 2) return {};
  if (same_command(argv[0], "AUTH") || same_command(argv[0], "HELLO")) return {};
  if (same_command(argv[0], "XREAD") || same_command(argv[0], "XREADGROUP")) {
    const auto streams = std::find_if(argv.begin(), argv.end(), [](std::string_view arg) {
      return same_command(arg, "STREAMS");
    });
    return streams + 1 < argv.end() ? *(streams + 1) : std::string_view{};
  }
  return argv[1];
}

std::string_view reply_text(const redisReply& reply) noexcept {
  if (reply.str == nullptr) return {};
  return {reply.str, reply.len};
}

RedisConnection::RedisConnection(RedisUrl url, RedisRetryPolicy retry)
    : url_(std::move(url)), retry_(std::move(retry)), slot_(redis_key_slot(url_.stream)) {
  connect();
}

void RedisConnection::connect() {
  assert(!context_);
  pending_first_ = 0;  // replies still due died with the old connection
  pending_count_ = 0;
  const timeval connect_timeout = to_timeval(redis_connect_timeout_ms);
  context_.reset(redisConnectWithTimeout(url_.host.c_str(), url_.port, connect_timeout));
  if (!context_) {
    throw RedisConnectionError(fmt::format("{}: cannot allocate a connection", url_.to_string()));
  }
  if (context_->err != 0) {
    const std::string why = context_->errstr;
    context_.reset();
    throw RedisConnectionError(fmt::format("{}: cannot connect: {}", url_.to_string(), why));
  }
  if (arena_) arena_->install(*context_->reader);
  const timeval io_timeout = to_timeval(redis_io_timeout_ms);
  if (redisSetTimeout(context_.get(), io_timeout) != REDIS_OK ||
      redisEnableKeepAlive(context_.get()) != REDIS_OK) {
    throw_io_error("setting socket options");
  }
  handshake();
}

void RedisConnection::handshake() {
  if (!url_.password.empty()) {
    const RedisReply auth = url_.user.empty() ? command({"AUTH", url_.password})
                                              : command({"AUTH", url_.user, url_.password});
    (void)auth;
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    const RedisReply select = command({"SELECT", db});
    (void)select;
  }
}

void RedisConnection::use_reply_arena() {
  if (arena_) return;
  arena_ = std::make_unique<RedisReplyArena>();
  if (context_) arena_->install(*context_->reader);
}

void RedisConnection::append(std::initializer_list<std::string_view> argv) {
  append(std::span<const std::string_view>(argv.begin(), argv.size()));
}

void RedisConnection::append(std::span<const std::string_view> argv) {
  assert(!argv.empty());
  if (broken()) throw_io_error("queueing a command");
  argv_.clear();
  argv_sizes_.clear();
  for (std::string_view arg : argv) {
    argv_.push_back(arg.data());
    argv_sizes_.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv_.size()), argv_.data(),
                             argv_sizes_.data()) != REDIS_OK) {
    throw_io_error("queueing a command");
  }
  push_pending(argv);
}

void RedisConnection::push_pending(std::span<const std::string_view> argv) {
  if (pending_count_ == pending_.size()) {  // full: grow, oldest first again
    std::rotate(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_first_),
                pending_.end());
    pending_first_ = 0;
    pending_.resize(std::max<std::size_t>(16, pending_.size() * 2));
  }
  std::string& label = pending_[(pending_first_ + pending_count_) % pending_.size()];
  const std::string_view key = command_key(argv);
  label.assign(argv[0]);
  if (!key.empty()) label.append(" ").append(key);
  ++pending_count_;
  assert(pending_count_ <= pending_.size());
}

// Called once a reply is read: replies come in command order.
void RedisConnection::pop_pending() {
  assert(pending_count_ > 0);
  replied_.assign(pending_[pending_first_]);
  pending_first_ = (pending_first_ + 1) % pending_.size();
  --pending_count_;
}

void RedisConnection::flush() {
  if (broken()) throw_io_error("sending commands");
  for (int done = 0; done == 0;) {
    if (redisBufferWrite(context_.get(), &done) != REDIS_OK) throw_io_error("sending commands");
  }
}

RedisReply RedisConnection::reply_or_error() {
  assert(pending_count_ > 0 || broken());  // a reply is due only to a command sent
  const std::string_view what =
      pending_count_ > 0 ? std::string_view(pending_[pending_first_]) : "reading a reply";
  if (broken()) throw_io_error(what);
  void* raw = nullptr;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) throw_io_error(what);
  RedisReply reply(static_cast<redisReply*>(raw), RedisReplyDeleter{arena_.get()});
  if (arena_) arena_->retain();
  pop_pending();
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string_view error = reply_text(*reply);
    if (is_transient(error)) {
      // The rest of the pipeline would get the same answer: start over on a new connection.
      context_.reset();
      throw RedisConnectionError(fmt::format("{}: {}: {}", url_.to_string(), replied_, error));
    }
    if (const std::optional<RedisRedirection> redirection = parse_redirection(error)) {
      redirected(*redirection);
    }
  }
  failures_ = 0;  // the server answered: the next loss starts the backoff afresh
  return reply;
}

RedisReply RedisConnection::reply() {
  RedisReply reply = reply_or_error();
  if (reply->type == REDIS_REPLY_ERROR) throw_refused(*reply);
  return reply;
}

void RedisConnection::throw_refused(const redisReply& reply) const {
  assert(reply.type == REDIS_REPLY_ERROR);
  throw std::runtime_error(
      fmt::format("{}: {} refused: {}", url_.to_string(), replied_, reply_text(reply)));
}

// The rest of a pipeline went to the same node and would be redirected too (or, were the
// slot moving under it, may have run in part): the connection is dropped with the replies
// still due, and the caller's resync decides what to send again.
void RedisConnection::redirected(const RedisRedirection& redirection) {
  context_.reset();
  const std::string from = url_.to_string();
  const RedisNode current{url_.host, url_.port};
  auto& nodes = retry_.cluster_nodes;
  if (std::find(nodes.begin(), nodes.end(), current) == nodes.end()) nodes.push_back(current);
  if (std::find(nodes.begin(), nodes.end(), redirection.node) == nodes.end()) {
    nodes.push_back(redirection.node);
  }
  const bool moved = redirection.kind == RedisRedirection::Kind::moved;
  if (moved) {
    url_.host = redirection.node.host;
    url_.port = redirection.node.port;
    failures_ = 0;  // the cluster answered; only an -ASK repeated for long is an outage
  }
  throw RedisRedirected(
      fmt::format("{}: {}: slot {} {} {}", from, replied_, redirection.slot,
                  moved ? "moved to" : "is migrating to", redirection.node.to_string()),
      redirection);
}

RedisReply RedisConnection::command(std::initializer_list<std::string_view> argv) {
  append(argv);
  try {
    return reply();
  } catch (const RedisRedirected& e) {
    RedisReply reply = follow(e, argv);
    if (reply->type == REDIS_REPLY_ERROR) throw_refused(*reply);
    return reply;
  }
}

// Sends a redirected command where the redirection says: after -MOVED to the new owner,
// which this connection keeps; after -ASK to the importing node, once.
RedisReply RedisConnection::follow(const RedisRedirected& redirected,
                                   std::initializer_list<std::string_view> argv) {
  spdlog::info("{}", redirected.what());
  if (redirected.redirection().kind == RedisRedirection::Kind::ask) {
    return ask(redirected.redirection().node, argv);
  }
  connect();
  append(argv);
  return reply_or_error();
}

RedisReply RedisConnection::ask(const RedisNode& node,
                                std::initializer_list<std::string_view> argv) {
  context_.reset();
  const RedisNode owner{url_.host, url_.port};
  url_.host = node.host;
  url_.port = node.port;
  RedisReply reply;
  std::exception_ptr failure;
  try {
    connect();
    append({"ASKING"});
    append(argv);
    (void)this->reply();
    reply = reply_or_error();
  } catch (...) {
    failure = std::current_exception();
  }
  context_.reset();
  url_.host = owner.host;
  url_.port = owner.port;
  if (failure) std::rethrow_exception(failure);
  connect();  // back to the owner for the next command
  return reply;
}

RedisReply RedisConnection::idempotent_command(std::initializer_list<std::string_view> argv) {
  RedisReply reply = idempotent_command_or_error(argv);
  if (reply->type == REDIS_REPLY_ERROR) throw_refused(*reply);
  return reply;
}

RedisReply RedisConnection::idempotent_command_or_error(
    std::initializer_list<std::string_view> argv) {
  for (int attempts = 0;; ++attempts) {
    try {
      if (broken()) reconnect();
      append(argv);
      return reply_or_error();
    } catch (const RedisRedirected& e) {
      if (attempts == redirections_per_command_max) throw;
      if (e.redirection().kind == RedisRedirection::Kind::ask) {
        return ask(e.redirection().node, argv);
      }
      spdlog::info("{}", e.what());  // the next attempt goes to the new owner
    } catch (const RedisConnectionError& e) {
      if (attempts > 0) throw;
      spdlog::warn("{}", e.what());
      reconnect();
    }
  }
}

// The backoff counts failures since the server last answered, not attempts of this call: a
// server that accepts connections but answers LOADING is waited for as patiently as one
// that refuses them.
void RedisConnection::reconnect() {
  for (;;) {
    if (failures_ == 0) outage_start_ = std::chrono::steady_clock::now();
    if (failures_ > 0) {
      wait_before_retry();
      // The owner did not answer the last attempt: on a cluster, a replica may own the slot now.
      if (!retry_.cluster_nodes.empty()) locate_slot_owner();
    }
    ++failures_;
    context_.reset();
    try {
      connect();
      spdlog::info("{}: reconnected", url_.to_string());
      return;
    } catch (const RedisConnectionError& e) {
      spdlog::warn("{}", e.what());
    }
  }
}

// Asks each known node (one attempt each, without this connection's backoff) which node
// serves the slot, and moves to the first other owner one names. A node that does not
// answer, or names the owner that just failed, is passed over; when none names another,
// the next attempt goes to the same owner again.
void RedisConnection::locate_slot_owner() {
  const std::vector<RedisNode> known = retry_.cluster_nodes;  // grows as nodes are learnt
  for (const RedisNode& node : known) {
    RedisUrl url = url_;
    url.host = node.host;
    url.port = node.port;
    try {
      RedisConnection asked(std::move(url));
      const RedisReply slots = asked.command({"CLUSTER", "SLOTS"});
      const std::optional<RedisNode> owner =
          cluster_slot_owner(*slots, slot_, node, retry_.cluster_nodes);
      if (!owner) continue;  // that node does not know yet
      // That node still names the owner that did not answer: it may not have seen the
      // failover yet, while another node has.
      if (owner->host == url_.host && owner->port == url_.port) continue;
      spdlog::warn("{}: slot {} of {} is served by {} now (as {} says)", url_.to_string(), slot_,
                   url_.stream, owner->to_string(), node.to_string());
      url_.host = owner->host;
      url_.port = owner->port;
      return;
    } catch (const std::exception& e) {
      spdlog::debug("asking {} which node serves slot {}: {}", node.to_string(), slot_, e.what());
    }
  }
}

// Sleeps the backoff in short slices, so that a stop request ends the wait within one.
void RedisConnection::wait_before_retry() {
  assert(failures_ > 0);
  const auto outage = std::chrono::steady_clock::now() - outage_start_;
  const auto outage_s = std::chrono::duration_cast<std::chrono::seconds>(outage).count();
  if (retry_.outage_max.count() > 0 && outage >= retry_.outage_max) {
    throw RedisConnectionError(
        fmt::format("{}: unreachable for {} s, longer than the {} ms allowed (--redis-outage-max); "
                    "start lmx again once the server answers",
                    url_.to_string(), outage_s, retry_.outage_max.count()));
  }
  const std::uint32_t backoff_ms =
      std::min(redis_reconnect_backoff_ms_first << std::min(failures_ - 1, 16u),
               redis_reconnect_backoff_ms_max);
  spdlog::warn("{}: unreachable for {} s; retrying in {} ms (attempt {}, {})", url_.to_string(),
               outage_s, backoff_ms, failures_ + 1,
               retry_.outage_max.count() > 0
                   ? fmt::format("giving up after {} ms", retry_.outage_max.count())
                   : std::string("until it answers or lmx is stopped"));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(backoff_ms);
  for (;;) {
    // relaxed: the flag carries no data; a late look only delays the stop by one slice.
    if (retry_.interrupt != nullptr && retry_.interrupt->load(std::memory_order_relaxed)) {
      throw Interrupted(fmt::format("{}: stopped while the server was unreachable (for {} s)",
                                    url_.to_string(), outage_s));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
}

void RedisConnection::throw_io_error(std::string_view what) {
  const std::string why = context_ ? context_->errstr : "not connected";
  throw RedisConnectionError(
      fmt::format("{}: {}: {}", url_.to_string(), what, why.empty() ? "connection lost" : why));
}

}  // namespace lmx
