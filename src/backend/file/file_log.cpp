#include "backend/file/file_log.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "backend/file/journal_segment.hpp"
#include "format/native_codec.hpp"

namespace lmx {

std::filesystem::path events_journal_dir(const std::filesystem::path& data_dir) {
  return data_dir / "journal";
}

std::filesystem::path results_journal_dir(const std::filesystem::path& data_dir) {
  return data_dir / "results";
}

FileLogReader::FileLogReader(const std::filesystem::path& data_dir, Position after)
    : journal_(events_journal_dir(data_dir), after.minor) {
  if (after.major != 0) {
    throw std::invalid_argument("position " + after.to_string() +
                                " is a Redis id, not a file journal sequence");
  }
}

std::size_t FileLogReader::fetch(std::size_t count_max, std::chrono::milliseconds timeout) {
  batch_ = journal_.fetch(count_max, timeout);
  assert(batch_.size() <= count_max);
  return batch_.size();
}

void FileLogReader::decode(std::size_t index, Event& event) {
  assert(index < batch_.size());
  const JournalEntry& entry = batch_[index];
  // An undecodable payload is left as a malformed event: the business logic rejects it.
  const Decoded<> decoded = decode_event(entry.payload, event);
  LMX_ASSERT(decoded.ok() == (event.type != EventType::malformed));
  event.position = Position{0, entry.sequence};
  event.entry_checksum = entry.crc;
  LMX_ASSERT(!event.position.is_zero());
}

Position FileLogReader::end_position() {
  return Position{0, journal_.last_sequence()};
}

LogLag FileLogReader::lag_after(Position position) {
  LMX_ASSERT(position.major == 0);  // a journal sequence: the engine read it from this log
  const std::uint64_t last = journal_.last_sequence();
  // A position past the end (a journal cut short behind the engine) has no lag.
  return LogLag{last - std::min(last, position.minor), false};
}

FileLogWriter::FileLogWriter(const std::filesystem::path& data_dir, JournalWriterOptions options)
    : journal_(events_journal_dir(data_dir), options) {}

namespace {

// Journal sequences are dense: the `count` events appended last end at `last`.
void fill_dense(std::span<Position> positions, std::size_t count, Position last) {
  if (positions.empty()) return;
  assert(last.minor >= count);
  for (std::size_t i = 0; i < count; ++i) positions[i] = Position{0, last.minor - count + 1 + i};
}

}  // namespace

Position FileLogWriter::append(std::span<const Event> events, std::span<Position> positions) {
  assert(positions.empty() || positions.size() == events.size());
  std::uint64_t last = 0;
  try {
    batch_.clear();
    for (const Event& event : events) {
      batch_.add([&event](std::string& out) { encode_event(event, out); });
    }
    last = journal_.append(batch_);
  } catch (const AppendError& e) {
    fill_dense(positions, e.appended(), e.last_appended());
    throw;
  } catch (const std::exception& e) {
    throw AppendError(e.what(), 0, 0);  // before the write: none of the batch is in the log
  }
  assert(last >= events.size());
  fill_dense(positions, events.size(), Position{0, last});
  return Position{0, last};
}

FileResultWriter::FileResultWriter(const std::filesystem::path& data_dir,
                                   JournalWriterOptions options)
    : journal_(results_journal_dir(data_dir), options) {}

void FileResultWriter::write(std::span<const Result> results) {
  batch_.clear();
  for (const Result& result : results) {
    assert(&result == results.data() || (&result - 1)->position < result.position);
    batch_.add([&result](std::string& out) { encode_result(result, out); });
  }
  journal_.append(batch_);
}

void FileResultWriter::sync() {
  journal_.sync();
}

EntryRef FileResultWriter::last_answered() {
  const std::optional<std::string> payload = journal_.read_last_payload();
  if (!payload) return EntryRef{};
  const Decoded<Result> result = decode_result(*payload);
  if (!result) {
    throw std::runtime_error("the last record of " + journal_.dir().string() +
                             " is not a result: " + result.error());
  }
  return EntryRef{result->position, result->entry_checksum};
}

void FileResultWriter::discard_after(Position position) {
  LMX_ASSERT(position.major == 0);
  journal_.truncate_after(position.minor);
}

FileResultReader::FileResultReader(const std::filesystem::path& data_dir)
    : journal_(results_journal_dir(data_dir), 0) {
  journal_.skip_to_end();
}

namespace {

constexpr std::size_t results_fetch_count_max = 4096;  // per read: bounds nothing but calls

// Decodes one record of a results journal; throws naming it when it is not a result.
Result result_of(const JournalEntry& entry) {
  const Decoded<Result> result = decode_result(entry.payload);
  if (!result) {
    throw std::runtime_error("result record " + std::to_string(entry.sequence) +
                             " cannot be decoded: " + result.error());
  }
  return *result;
}

}  // namespace

std::size_t FileResultReader::fetch(std::vector<Result>& out, std::chrono::milliseconds timeout) {
  const std::span<const JournalEntry> batch = journal_.fetch(results_fetch_count_max, timeout);
  for (const JournalEntry& entry : batch) out.push_back(result_of(entry));
  return batch.size();
}

bool events_journal_holds(const std::filesystem::path& data_dir, EntryRef entry) {
  if (entry.position.is_zero() || entry.position.major != 0) return false;
  JournalReader reader(events_journal_dir(data_dir), entry.position.minor - 1);
  const std::span<const JournalEntry> batch = reader.fetch(1, std::chrono::milliseconds(0));
  return !batch.empty() && batch.front().sequence == entry.position.minor &&
         (entry.checksum == 0 || batch.front().crc == entry.checksum);
}

std::vector<Result> read_all_results(const std::filesystem::path& data_dir) {
  // From the oldest result kept: a trimmed results journal starts after 1.
  const std::filesystem::path dir = results_journal_dir(data_dir);
  JournalReader reader(dir, journal_first_sequence(dir) - 1);
  std::vector<Result> results;
  for (;;) {
    const std::span<const JournalEntry> batch =
        reader.fetch(results_fetch_count_max, std::chrono::milliseconds(0));
    if (batch.empty()) return results;
    for (const JournalEntry& entry : batch) results.push_back(result_of(entry));
  }
}

}  // namespace lmx
