// Appends three events to a file journal with lmx::Client, runs the engine until it has
// caught up, and checks what it applied: only include/lmx/ is reachable from here.
#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

#include "lmx/client/client.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/engine.hpp"
#include "lmx/disruptor/disruptor.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::unique_ptr<lmx::Backend> backend = lmx::open_backend(std::string("file:") + argv[1]);
  std::vector<lmx::Event> events(3);
  events[0] = lmx::Event::make_topup(7, 500);
  events[1] = lmx::Event::make_topup(8, 100);
  events[2] = lmx::Event::make_topup(7, -1);  // rejected: invalid amount
  lmx::Client client(*backend);
  if (client.append(events).size() != events.size()) return 1;
  lmx::EngineOptions options;
  options.exit_when_caught_up = true;
  const std::atomic<bool> stop{false};
  const lmx::EngineSummary summary = lmx::run_engine(*backend, options, stop);
  std::printf("applied=%llu users=%llu\n", static_cast<unsigned long long>(summary.applied_count),
              static_cast<unsigned long long>(summary.users));
  return summary.applied_count == 3 && summary.users == 2 ? 0 : 1;
}
