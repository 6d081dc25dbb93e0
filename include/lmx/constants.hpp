#pragma once
// Every limit in lmx, in one place. Each is a named constant with what it costs, so a
// change is a decision made once, not a number found in three files. The Disruptor, which
// depends on the standard library alone, keeps its own in lmx/disruptor/limits.hpp.

#include <cstddef>
#include <cstdint>

#include "lmx/disruptor/limits.hpp"

namespace lmx {

// Longest item id (SKU), in UTF-8 bytes. Ids are stored inline in events and in state, so
// each byte here costs one byte per order line in every ring slot and per item in state.
inline constexpr std::size_t sku_size_max = 32;

// Longest client command id, in bytes. Ids are stored inline in events (one per ring slot)
// and in the id record, so each byte here costs one byte per input slot and per recorded id.
inline constexpr std::size_t command_id_size_max = 64;

// Recorded command ids the state keeps at least (and, by default, at most): a retry of a
// command whose id is older than the last this-many recorded ids is applied again. Each
// recorded id costs about 130 bytes (an 88-byte record plus its hash slots) while kept,
// and the same again in a snapshot's copy; `lmx run --id-horizon` raises it up to the max.
inline constexpr std::uint64_t id_horizon_default = 1'000'000;
inline constexpr std::uint64_t id_horizon_max = 100'000'000;

// Most lines one order may carry. Ring slots hold the lines inline (no allocation on the
// hot path), so a slot is about `order_lines_max * 48` bytes.
inline constexpr std::size_t order_lines_max = 64;

// Bytes of JSON-lines input read per chunk by `lmx apply` and `lmx produce --input`.
// Memory use is bounded by this plus the longest line; a line longer than
// `json_line_size_max` is rejected as malformed without being buffered whole.
inline constexpr std::size_t json_chunk_size = 16u << 20;
inline constexpr std::size_t json_line_size_max = 1u << 20;

// Events `lmx produce` and `lmx submit` append per batch: one journal write (and one fsync
// with --fsync always), or one pipelined round trip to Redis.
inline constexpr std::size_t produce_batch_size = 4096;

// The HTTP API (lmx run --listen). A POST /events body is read whole into memory before it
// is parsed, and its events are appended as one batch: the body bound is the memory one
// request may hold (times the server's worker threads), the event bound one append's size.
inline constexpr std::size_t http_body_size_max = 1u << 20;
inline constexpr std::size_t http_events_per_request_max = produce_batch_size;
// Reads waiting for the business logic thread to answer (GET /users/{id} and the like):
// a full query ring answers 503 busy rather than queueing without bound.
inline constexpr std::size_t query_ring_size = 1024;
// How long a request waits for its results or its read before answering 503 timeout, by
// default (lmx run --listen-timeout).
inline constexpr std::uint32_t http_wait_ms = 10000;
// Results kept for requests waiting on them, written between their append and their wait.
// Beyond it the oldest go, and a request whose result went answers 503 unavailable.
inline constexpr std::size_t result_board_size_max = 1u << 16;

// Longest time `lmx produce --input` (and `lmx submit`) holds events read from a pipe (or FIFO,
// socket, terminal) before appending them as a partial batch, counted from the first event of the
// batch: the bound on how long a line from `tail -f events | lmx produce --input -` waits
// to be appended. Shorter means less latency and more, smaller appends (each one journal
// write and fsync, or one Redis round trip): at most 1000 / this of them per second.
inline constexpr std::uint32_t produce_flush_delay_ms = 50;

// Largest payload one journal record may carry. The reader's buffer holds at least one
// whole record, and a header announcing more than this is treated as corruption, so a
// flipped bit in a length field cannot make a reader allocate or wait for gigabytes.
inline constexpr std::size_t journal_payload_size_max = 64u << 10;

// Bytes a journal segment grows to before appends start the next segment. Opening a
// journal for writing re-verifies the whole newest segment (read + CRC32C), so this bounds
// the cost of an open; smaller segments mean more files and more directory entries.
inline constexpr std::uint64_t journal_segment_size_max = 64u << 20;

// Smallest segment size `--segment-size` accepts. `lmx trim` removes whole segments, so
// smaller ones trim closer to the oldest snapshot, at the cost of more files; below this a
// segment would hold only a few records and the journal one file per batch.
inline constexpr std::uint64_t journal_segment_size_min = 4u << 10;

// Bytes a journal reader reads per system call and holds in memory. Larger chunks mean
// fewer reads per batch; the buffer must hold the largest record.
inline constexpr std::size_t journal_read_chunk_size = 1u << 20;

// With `--fsync interval`, the longest a batch may stay only in the page cache: the
// bound on what a power loss can take from a process that appends continuously.
inline constexpr std::uint32_t journal_fsync_interval_ms = 100;
// With fsync none or interval, the journal starts a sync of its open segment on its sync
// thread every this many bytes appended (JournalWriterOptions::background_sync_bytes): a
// sync commits the file system's journal, and one that comes often leaves little for the
// sync at a segment roll (or at a snapshot), which stalls the appending thread, to wait
// for. It also starts the writeback of those bytes, so no separate hint is needed.
inline constexpr std::uint64_t journal_background_sync_bytes = 4u << 20;
// A journal that rolls in the background (JournalWriterOptions::roll_in_background) holds
// the records appended while the old segment is being synced in memory, at most this many
// bytes; an append beyond it waits for the sync. At 3M results/s (88 bytes each) a 50 ms
// sync holds about 13 MiB.
inline constexpr std::size_t journal_roll_held_bytes_max = 32u << 20;

// Longest sleep of a journal reader waiting for appends when inotify is unavailable
// (inotify normally wakes it at once). Shorter means less tail latency, more wake-ups.
inline constexpr std::uint32_t journal_poll_interval_ms = 10;

static_assert(sku_size_max < 255, "Sku stores its size in one byte, with one value for 'too long'");
static_assert(command_id_size_max < 255,
              "CommandId stores its size in one byte, with one value for 'too long'");
static_assert(id_horizon_max < UINT32_MAX, "the id record indexes its records with 32 bits");
static_assert(journal_payload_size_max + 64 <= journal_read_chunk_size,
              "a journal reader's buffer must hold one whole record with its header");
static_assert(journal_segment_size_min < journal_segment_size_max,
              "--segment-size accepts journal_segment_size_min..journal_segment_size_max");
static_assert(json_line_size_max < json_chunk_size, "a whole line must fit in one chunk");
static_assert(http_events_per_request_max <= result_board_size_max,
              "one request's results must fit the board that keeps them for it");
static_assert((query_ring_size & (query_ring_size - 1)) == 0,
              "query ring size must be a power of two");

// Snapshots kept by a store; older ones are deleted after a new one is durable.
inline constexpr std::size_t snapshot_keep_count = 3;

// Engine rings. An input slot holds a whole Event (~3 KiB with its inline order lines), so
// the input ring costs input_ring_size * 3 KiB; output slots are results (96 bytes with
// their kind and a checkpoint's snapshot: 6 MiB). The output ring lets the business logic
// run on through the result writer's stalls (a write into the page cache, a segment roll):
// 12 ms of results at 5M/s, where 16384 slots (3 ms) made it wait (BENCHMARKS.md, Engine).
inline constexpr std::size_t input_ring_size = 4096;
inline constexpr std::size_t output_ring_size = 65536;

// Entries the reader fetches and publishes at once; at most half the input ring, so the
// reader can fill one half while the business logic drains the other.
inline constexpr std::size_t reader_batch_size = 2048;

// Results the business logic holds before publishing them (it also publishes at the end
// of every input batch). Must leave room in the output ring for the rest of a batch.
inline constexpr std::size_t result_publish_batch_max = 1024;

// Entries replayed per fetch by `lmx export` / `lmx query` (synchronous recovery).
inline constexpr std::size_t replay_batch_size = 4096;

static_assert(reader_batch_size * 2 <= input_ring_size, "the reader fills at most half the ring");
static_assert(result_publish_batch_max * 2 <= output_ring_size, "a result batch fits in the ring");
static_assert(input_ring_size <= disruptor::ring_size_max,
              "the input ring must be a size the Disruptor accepts (lmx/disruptor/limits.hpp)");
static_assert(output_ring_size <= disruptor::ring_size_max,
              "the output ring must be a size the Disruptor accepts (lmx/disruptor/limits.hpp)");

}  // namespace lmx

namespace lmx {

// Deepest msgpack nesting a seed `data` payload may have (the seed's own payloads are two
// deep: a map holding arrays). Deeper input is malformed; the bound keeps the parser's
// stack small whatever bytes an entry holds.
inline constexpr std::size_t seed_depth_max = 8;

}  // namespace lmx

namespace lmx {

// Redis backend.
//
// Entries one XREAD asks for. The reader holds at most two replies (the batch being decoded
// and the next one in flight), so its memory is about 2 x this x entry size (~130 bytes for
// a seed entry) whatever the backlog. Larger spreads each round trip over more entries;
// smaller lowers the latency of the first entry of a catch-up.
inline constexpr std::size_t redis_read_count_max = 4096;

// Commands a writer pipelines per round trip. A larger batch takes several round trips;
// each command costs its bytes in the client's and the server's buffers until answered.
inline constexpr std::size_t redis_pipeline_depth_max = 4096;

// Most entries one lag count reads (`XRANGE <after> + COUNT`; Redis ids are not dense, so
// the entries after a position are counted, not subtracted); a larger lag is shown as
// "1000+". An engine behind counts on every status line, `lmx status` announce (1 s) and
// HTTP /status refresh (200 ms), each reading up to this many whole entries: counting up
// to 10000 took 2.2-3.2 times a 4096-entry catch-up read (BENCHMARKS.md, "Counting the lag").
inline constexpr std::size_t redis_lag_count_max = 1000;

// A snapshot is encoded and stored in pieces of about this many bytes (SnapshotEncoder):
// written to its file, or APPENDed to a Redis staging key, one at a time, so that saving
// never holds a second copy of the state's bytes. On Redis, one SET of a 16 MB snapshot (1M
// users) took 2.3-2.6 times as long as pieces, and 44 MB more peak RSS: hiredis copies a
// command twice while formatting it (BENCHMARKS.md, "Snapshots sent to Redis in pieces").
inline constexpr std::size_t snapshot_piece_bytes = std::size_t{1} << 20;
// How long a staging key lives unless renamed into place: what a save cut short leaves.
inline constexpr std::uint32_t redis_snapshot_staging_ttl_ms = 600000;

// Longest XREAD BLOCK. A reader always has one XREAD in flight, so this bounds how long an
// idle reader takes to notice a shutdown or a change of timeout.
inline constexpr std::uint32_t redis_block_ms_max = 1000;

// Connecting gives up after this; a reconnect attempt counts it against the backoff.
inline constexpr std::uint32_t redis_connect_timeout_ms = 2000;

// A server silent for this long while a reply is due is taken as lost. It must exceed the
// longest XREAD BLOCK, or an idle stream would look like a dead server.
inline constexpr std::uint32_t redis_io_timeout_ms = 10000;

// Reconnecting: the first retry waits redis_reconnect_backoff_ms_first, each next one twice
// as long up to redis_reconnect_backoff_ms_max (a server back up is found within that
// long); how long an outage may last is the caller's choice (`lmx run --redis-outage-max`).
inline constexpr std::uint32_t redis_reconnect_backoff_ms_first = 10;
inline constexpr std::uint32_t redis_reconnect_backoff_ms_max = 1000;

// Bytes of a partition key (`--partition shop-7`), which names the stream {shop-7}:S and
// every key beside it: each key lmx writes for the partition carries it.
inline constexpr std::size_t partition_key_size_max = 64;

static_assert(redis_io_timeout_ms > redis_block_ms_max,
              "a blocked XREAD must answer before the socket timeout declares the server lost");
static_assert(redis_reconnect_backoff_ms_first <= redis_reconnect_backoff_ms_max,
              "the backoff starts below its cap");

}  // namespace lmx
