#pragma once
// The journal writer's helper for syncs off the appending thread: the background sync of
// the open segment every few MiB, and the old segment's sync at a roll. One thread for
// the writer's whole life, started on the first sync asked of it (a writer that syncs
// each batch and each roll itself never has one), running the syncs one after another in
// the order asked. Starting a thread per sync put a thread start, about 15 a second at
// 1M events/s, on the appending thread.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

namespace lmx {

class SyncThread {
 public:
  SyncThread() = default;
  // Runs the syncs already asked for, then joins.
  ~SyncThread();
  SyncThread(const SyncThread&) = delete;
  SyncThread& operator=(const SyncThread&) = delete;

  // Queues an fdatasync of `fd`, which must stay open until the returned future is ready.
  // The future throws what fdatasync_or_throw threw, naming `path`.
  [[nodiscard]] std::future<void> sync(int fd, std::filesystem::path path);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::packaged_task<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                         // guarded by mutex_
  std::thread thread_;                            // started by the first sync()
};

}  // namespace lmx
