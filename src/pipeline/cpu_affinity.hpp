#pragma once
// Pinning threads to CPUs: `lmx run --cpus` and `disruptor_bench --cpus`; counting them for
// `lmx run --reader auto`.

#include <cstddef>
#include <string_view>
#include <vector>

namespace lmx {

// The CPUs of "0,1", "0-3" or "0,2-3", in that order, each one this process may run on (as
// taskset or its cgroup left it): pinning to any other would fail once threads run. Throws
// std::invalid_argument naming the list and what is wrong with it.
[[nodiscard]] std::vector<int> parse_cpu_list(std::string_view list);

// How many CPUs this process may run on (as taskset or its cgroup left it).
[[nodiscard]] std::size_t allowed_cpu_count();

// Pins the calling thread to `cpu`; -1 leaves it where the scheduler puts it. Throws
// std::system_error when the kernel refuses.
void pin_current_thread(int cpu);

}  // namespace lmx
