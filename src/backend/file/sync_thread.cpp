#include "backend/file/sync_thread.hpp"

#include <pthread.h>

#include <utility>

#include "backend/file/posix_file.hpp"
#include "lmx/assert.hpp"

namespace lmx {

SyncThread::~SyncThread() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

std::future<void> SyncThread::sync(int fd, std::filesystem::path path) {
  LMX_ASSERT(fd >= 0);
  std::packaged_task<void()> task([fd, path = std::move(path)] { fdatasync_or_throw(fd, path); });
  std::future<void> done = task.get_future();
  // Started before the sync is queued: if starting it throws, nothing is left queued to
  // run later, after the caller has closed the descriptor.
  if (!thread_.joinable()) {
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "lmx-jsync");  // a name only: failure is harmless
      run();
    });
  }
  {
    const std::lock_guard lock(mutex_);
    LMX_ASSERT(!stopping_);
    queue_.push_back(std::move(task));
  }
  queued_.notify_one();
  return done;
}

void SyncThread::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, with every sync asked for run
    std::packaged_task<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();  // a failure goes to the task's future
    lock.lock();
  }
}

}  // namespace lmx
