#include "backend/redis/redis_backend.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "backend/file/file_snapshot_store.hpp"
#include "backend/redis/redis_key_slot.hpp"
#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"
#include "backend/redis/redis_result_reader.hpp"
#include "backend/redis/redis_result_writer.hpp"
#include "backend/redis/redis_snapshot_store.hpp"
#include "backend/redis/redis_trim.hpp"

namespace lmx {
namespace {

// Asked once, when the backend opens: on a Redis Cluster, every key lmx names for a stream
// must share the stream's slot (multi-key commands and MULTI need one slot), which only a
// hash tag in the stream name gives; and every connection goes straight to the node that
// serves that slot, knowing the cluster's other nodes for when it fails over. On one server
// nothing changes.
void join_cluster(RedisUrl& url, RedisRetryPolicy& retry) {
  RedisConnection probe(url, retry);
  const RedisReply info = probe.idempotent_command({"INFO", "cluster"});
  if (!reports_cluster_mode(reply_text(*info))) return;
  if (!has_redis_hash_tag(url.stream)) {
    throw std::runtime_error(fmt::format(
        "{}: on Redis Cluster the stream needs a hash tag so its results, snapshots and lease "
        "share its slot, e.g. stream={{shop-7}}:{} (or --partition shop-7)",
        url.to_string(), url.stream));
  }
  const RedisNode seed{url.host, url.port};
  std::vector<RedisNode> nodes{seed};
  const std::uint16_t slot = redis_key_slot(url.stream);
  const RedisReply slots = probe.idempotent_command({"CLUSTER", "SLOTS"});
  const std::optional<RedisNode> owner = cluster_slot_owner(*slots, slot, seed, nodes);
  if (!owner) {
    throw std::runtime_error(
        fmt::format("{}: no node serves slot {} of stream {}: is the cluster ok (CLUSTER INFO)?",
                    url.to_string(), slot, url.stream));
  }
  spdlog::debug("{}: stream {} is in slot {}, served by {}", url.to_string(), url.stream, slot,
                owner->to_string());
  url.host = owner->host;
  url.port = owner->port;
  retry.cluster_nodes = std::move(nodes);
}

// A Redis Stream: entries in <stream>, results in <stream>:results, snapshots in
// <stream>:snapshot:* keys (or in --snapshot-dir).
class RedisBackend final : public Backend {
 public:
  RedisBackend(RedisUrl url, const BackendOptions& options)
      : url_(std::move(url)),
        options_(options),
        retry_{.outage_max = options.redis_outage_max,
               .interrupt = options.stop,
               .cluster_nodes = {}} {
    join_cluster(url_, retry_);
  }

  std::unique_ptr<LogReader> open_reader(Position after) override {
    return std::make_unique<RedisLogReader>(url_, after, retry_);
  }
  std::unique_ptr<LogWriter> open_writer() override {
    // Producers keep their own rule for a lost connection (AppendError says how far an
    // append got), so only the cluster's nodes are passed on, not the engine's outage limit.
    RedisRetryPolicy retry;
    retry.cluster_nodes = retry_.cluster_nodes;
    return std::make_unique<RedisLogWriter>(url_, options_.format, std::move(retry));
  }
  std::unique_ptr<ResultWriter> open_result_writer() override {
    return std::make_unique<RedisResultWriter>(url_, options_.results_layout, retry_);
  }
  std::unique_ptr<ResultReader> open_result_reader() override {
    return std::make_unique<RedisResultReader>(url_, retry_);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    if (!options_.snapshot_dir.empty()) {
      return std::make_unique<FileSnapshotStore>(options_.snapshot_dir);
    }
    return std::make_unique<RedisSnapshotStore>(url_, snapshot_keep_count, retry_);
  }
  std::unique_ptr<Lease> open_lease(const std::string& owner,
                                    std::chrono::milliseconds ttl) override {
    return std::make_unique<RedisLease>(url_, owner, ttl, retry_);
  }
  std::unique_ptr<ResultWriter> open_fenced_result_writer(const Fence& fence) override {
    return std::make_unique<RedisResultWriter>(url_, options_.results_layout, retry_, &fence);
  }
  // A snapshot directory is the engine's own (--snapshot-dir): nothing to fence there.
  std::unique_ptr<SnapshotStore> open_fenced_snapshot_store(const Fence& fence) override {
    if (!options_.snapshot_dir.empty()) return open_snapshot_store();
    return std::make_unique<RedisSnapshotStore>(url_, snapshot_keep_count, retry_, &fence);
  }
  std::unique_ptr<LogTrimmer> open_trimmer() override {
    return std::make_unique<RedisLogTrimmer>(url_, retry_);
  }
  std::unique_ptr<EngineLock> lock_engine() override { return nullptr; }
  bool holds(EntryRef entry) override {
    if (entry.position.is_zero()) return false;
    RedisConnection connection(url_, retry_);
    return stream_holds(connection, url_.stream, entry.position);
  }
  std::string describe() const override { return "redis " + url_.to_string(); }

 private:
  RedisUrl url_;
  BackendOptions options_;
  RedisRetryPolicy retry_;
};

}  // namespace

std::unique_ptr<Backend> open_redis_backend(RedisUrl url, const BackendOptions& options) {
  return std::make_unique<RedisBackend>(std::move(url), options);
}

}  // namespace lmx
