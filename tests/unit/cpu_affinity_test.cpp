// CPU lists for --cpus: ranges and lists in order, and clear refusals.

#include "pipeline/cpu_affinity.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lmx {
namespace {

// The first CPU this process may run on.
int first_allowed_cpu() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  EXPECT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(static_cast<std::size_t>(cpu), &allowed)) return cpu;
  }
  return -1;
}

std::string refusal(const std::string& list) {
  try {
    (void)parse_cpu_list(list);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

TEST(CpuAffinity, ListsAndRangesKeepTheirOrder) {
  const int cpu = first_allowed_cpu();
  ASSERT_GE(cpu, 0);
  const std::string one = std::to_string(cpu);
  EXPECT_EQ(parse_cpu_list(one), std::vector<int>{cpu});
  EXPECT_EQ(parse_cpu_list(one + "," + one), (std::vector<int>{cpu, cpu}));
  EXPECT_EQ(parse_cpu_list(one + "-" + one), std::vector<int>{cpu});
}

TEST(CpuAffinity, BadListsAreRefusedNamingWhy) {
  EXPECT_EQ(refusal(""), "--cpus : '' is not a CPU number; expected a list such as 0,1 or 0-3");
  EXPECT_EQ(refusal("0,x"),
            "--cpus 0,x: 'x' is not a CPU number; expected a list such as 0,1 or 0-3");
  EXPECT_EQ(refusal("3-1"), "--cpus 3-1: empty range 3-1");
  EXPECT_EQ(refusal("-1"), "--cpus -1: '' is not a CPU number; expected a list such as 0,1 or 0-3");
  EXPECT_EQ(refusal("1023").rfind("--cpus: CPU 1023 is not one this process may run on", 0), 0u);
}

TEST(CpuAffinity, APinnedThreadRunsOnlyOnItsCpu) {
  const int cpu = first_allowed_cpu();
  cpu_set_t seen;
  CPU_ZERO(&seen);
  std::thread([&] {
    pin_current_thread(cpu);
    (void)sched_getaffinity(0, sizeof seen, &seen);
  }).join();
  EXPECT_EQ(CPU_COUNT(&seen), 1);
  EXPECT_TRUE(CPU_ISSET(static_cast<std::size_t>(cpu), &seen));
}

}  // namespace
}  // namespace lmx
