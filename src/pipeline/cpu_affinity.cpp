#include "pipeline/cpu_affinity.hpp"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>

namespace lmx {
namespace {

// One CPU number of a --cpus list, in [0, CPU_SETSIZE).
int parse_cpu_number(std::string_view text, std::string_view list) {
  int cpu = -1;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, cpu);
  if (text.empty() || error != std::errc{} || stop != end || cpu < 0 || cpu >= CPU_SETSIZE) {
    throw std::invalid_argument("--cpus " + std::string(list) + ": '" + std::string(text) +
                                "' is not a CPU number; expected a list such as 0,1 or 0-3");
  }
  return cpu;
}

std::string describe(const cpu_set_t& set) {
  std::string text;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(static_cast<std::size_t>(cpu), &set)) {
      text += (text.empty() ? "" : ",") + std::to_string(cpu);
    }
  }
  return text;
}

// The CPUs this process may run on.
cpu_set_t allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    throw std::system_error(errno, std::generic_category(), "sched_getaffinity");
  }
  return allowed;
}

}  // namespace

std::size_t allowed_cpu_count() {
  const cpu_set_t allowed = allowed_cpus();
  return static_cast<std::size_t>(CPU_COUNT(&allowed));
}

std::vector<int> parse_cpu_list(std::string_view list) {
  const cpu_set_t allowed = allowed_cpus();
  std::vector<int> cpus;
  for (std::size_t at = 0; at <= list.size();) {
    const std::string_view item = list.substr(at, list.find(',', at) - at);
    const std::size_t dash = item.find('-');
    const int first = parse_cpu_number(item.substr(0, dash), list);
    const int last =
        dash == std::string_view::npos ? first : parse_cpu_number(item.substr(dash + 1), list);
    if (last < first) {
      throw std::invalid_argument("--cpus " + std::string(list) + ": empty range " +
                                  std::string(item));
    }
    for (int cpu = first; cpu <= last; ++cpu) {
      if (!CPU_ISSET(static_cast<std::size_t>(cpu), &allowed)) {
        throw std::invalid_argument(
            "--cpus: CPU " + std::to_string(cpu) +
            " is not one this process may run on (allowed: " + describe(allowed) + ")");
      }
      cpus.push_back(cpu);
    }
    at += item.size() + 1;
  }
  return cpus;
}

void pin_current_thread(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  const int error = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (error != 0) {
    throw std::system_error(error, std::generic_category(),
                            "pinning a thread to CPU " + std::to_string(cpu));
  }
}

}  // namespace lmx
