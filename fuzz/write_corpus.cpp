// Writes the seed corpora of the fuzz targets, one folder per target under OUT_DIR, from
// lmx's own encoders and the seed vectors in tests/data:
//   lmx_fuzz_corpus OUT_DIR          (fuzz/run.sh --write-corpus runs it on fuzz/corpus)
// Each input is a small valid one; libFuzzer mutates from there.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backend/file/journal_record.hpp"
#include "backend/redis/redis_entry.hpp"
#include "format/json_codec.hpp"
#include "format/native_codec.hpp"
#include "format/snapshot_codec.hpp"
#include "fuzz_input.hpp"
#include "support/seed_vectors.hpp"

namespace lmx::fuzz {
namespace {

namespace fs = std::filesystem;

struct NamedEvent {
  std::string name;
  Event event;
};

Event order(std::size_t line_count) {
  Event e;
  e.type = EventType::order;
  e.user_id = 7;
  for (std::size_t i = 0; i < line_count; ++i) {
    e.add_line(Sku::from(i % 2 == 0 ? "cpu" : "ram"), static_cast<std::int64_t>(i) + 1);
  }
  return e;
}

Event with_id(Event event, std::string_view id) {
  event.id = CommandId::from(id);
  return event;
}

// Every shape an event takes that JSON and the seed format can also carry.
std::vector<NamedEvent> sample_events() {
  return {
      {"topup", Event::make_topup(7, 500)},
      {"topup_negative", Event::make_topup(-1, INT64_MIN)},
      {"add_item_price", Event::make_add_item(Sku::from("cpu"), 10, true, 2500)},
      {"add_item_no_price", Event::make_add_item(Sku::from("ram"), 5, false, 0)},
      {"add_item_long_id",
       Event::make_add_item(Sku::from(std::string(sku_size_max + 1, 'x')), 1, true, 1)},
      {"order_empty", order(0)},
      {"order_two_lines", order(2)},
      {"topup_with_id", with_id(Event::make_topup(7, 500), "t-1")},
      {"order_with_longest_id", with_id(order(2), std::string(command_id_size_max, 'o'))},
      {"set_price_with_too_long_id", with_id(Event::make_set_price(Sku::from("cpu"), 1),
                                             std::string(command_id_size_max + 1, 'i'))},
  };
}

class CorpusWriter {
 public:
  explicit CorpusWriter(fs::path root) : root_(std::move(root)) {}

  void write(const std::string& target, const std::string& name, std::string_view bytes) {
    const fs::path dir = root_ / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
  }

 private:
  fs::path root_;
};

// One record per event, sequences from 1: a segment as the journal writer leaves it.
std::string segment_of(const std::vector<NamedEvent>& events) {
  std::string segment;
  std::uint64_t sequence = 0;
  for (const NamedEvent& e : events) {
    std::string payload;
    encode_event(e.event, payload);
    std::string record(journal_record_header_size, '\0');
    record += payload;
    stamp_record_header(record.data(), static_cast<std::uint32_t>(payload.size()));
    seal_record(record.data(), ++sequence);
    segment += record;
  }
  return segment;
}

void write_event_corpora(CorpusWriter& corpus) {
  std::vector<NamedEvent> events = sample_events();
  for (const NamedEvent& e : events) {
    std::string bytes;
    append_json(e.event, bytes);
    corpus.write("json_event_fuzz", e.name, bytes);
    bytes.assign(1, static_cast<char>(seed_selector_of(e.event.type)));
    append_seed_data(e.event, bytes);
    corpus.write("seed_entry_fuzz", e.name, bytes);
  }
  events.push_back({"order_too_many_lines", order(order_lines_max + 1)});
  for (const NamedEvent& e : events) {
    std::string bytes;
    encode_event(e.event, bytes);
    corpus.write("native_event_fuzz", e.name, bytes);
    corpus.write("journal_record_fuzz", e.name, segment_of({e}));
  }
  corpus.write("journal_record_fuzz", "segment", segment_of(events));
}

void write_entry_corpus(CorpusWriter& corpus) {
  const std::pair<EntryFormat, std::string> formats[] = {
      {EntryFormat::native, "_native"}, {EntryFormat::seed, "_seed"}, {EntryFormat::json, "_json"}};
  for (const NamedEvent& e : sample_events()) {
    for (const auto& [format, suffix] : formats) {
      std::string payload;
      std::vector<std::string_view> argv;
      append_entry_fields(e.event, format, payload, argv);
      std::string bytes;
      for (std::size_t i = 0; i + 1 < argv.size(); i += 2) {
        append_entry_field(bytes, argv[i], argv[i + 1]);
      }
      corpus.write("redis_entry_fuzz", e.name + suffix, bytes);
    }
  }
  // A json entry must be the entry's only field: one that is not, to mutate from.
  std::string beside;
  append_entry_field(beside, "type", "topup");
  append_entry_field(beside, "json", R"({"type":"topup","user_id":7,"amount":500})");
  corpus.write("redis_entry_fuzz", "json_beside_type", beside);
  // The Go producer's own entries, fields in stored order, malformed ones included.
  for (const test::SeedVector& v : test::load_seed_vectors("seed_edge_cases")) {
    std::string bytes;
    for (const auto& [name, value] : v.fields) append_entry_field(bytes, name, value);
    corpus.write("redis_entry_fuzz", "seed_vector_" + v.id, bytes);
  }
}

void write_result_corpus(CorpusWriter& corpus) {
  const std::vector<std::pair<std::string, Result>> results = {
      {"accepted_topup", Result{.position = Position{0, 1},
                                .type = EventType::topup,
                                .reason = Reason::accepted,
                                .user_id = 7,
                                .balance = 500}},
      {"rejected_order", Result{.position = Position{1700000000000, 3},
                                .type = EventType::order,
                                .reason = Reason::out_of_stock,
                                .user_id = 7,
                                .balance = 500}},
      {"malformed",
       Result{
           .position = Position{0, 9}, .type = EventType::malformed, .reason = Reason::malformed}},
      {"duplicate", Result{.position = Position{0, 12},
                           .type = EventType::order,
                           .reason = Reason::duplicate,
                           .user_id = 7,
                           .original_position = Position{0, 4},
                           .original_reason = Reason::insufficient_balance}},
  };
  for (const auto& [name, result] : results) {
    std::string bytes;
    encode_result(result, bytes);
    corpus.write("native_result_fuzz", name, bytes);
  }
}

void write_snapshot_corpus(CorpusWriter& corpus) {
  Snapshot snapshot;
  snapshot.position = Position{0, 42};
  corpus.write("snapshot_fuzz", "empty", encode_snapshot(snapshot));
  snapshot.users = {{7, 500}, {-3, 0}};
  snapshot.items = {{Sku::from("cpu"), 2500, 10},
                    {Sku::from(std::string(sku_size_max, 'z')), 1, 0}};
  corpus.write("snapshot_fuzz", "users_and_items", encode_snapshot(snapshot));
  snapshot.id_horizon = 3;
  snapshot.ids = {{Position{0, 40}, Reason::accepted, CommandId::from("t-1")},
                  {Position{0, 41}, Reason::out_of_stock, CommandId::from(std::string(64, 'o'))}};
  corpus.write("snapshot_fuzz", "command_ids", encode_snapshot(snapshot));
}

void write_url_corpus(CorpusWriter& corpus) {
  const std::vector<std::pair<std::string, std::string>> urls = {
      {"host", "redis://localhost"},
      {"every_part", "redis://alice:s%40cr%3at@10.0.0.5:6380/3?stream=shop"},
      {"password_ipv6", "redis://:pw@[::1]:7000/"},
      {"escaped_stream", "redis://h/2?stream=50%25%20off"},
  };
  for (const auto& [name, url] : urls) corpus.write("redis_url_fuzz", name, url);
}

}  // namespace
}  // namespace lmx::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lmx_fuzz_corpus OUT_DIR\n");
    return 2;
  }
  lmx::fuzz::CorpusWriter corpus{std::filesystem::path(argv[1])};
  lmx::fuzz::write_event_corpora(corpus);
  lmx::fuzz::write_entry_corpus(corpus);
  lmx::fuzz::write_result_corpus(corpus);
  lmx::fuzz::write_snapshot_corpus(corpus);
  lmx::fuzz::write_url_corpus(corpus);
  return 0;
}
