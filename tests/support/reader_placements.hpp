#pragma once
// Engine tests run once with the log read on a thread of its own, once inline on the
// business logic's thread (EngineOptions::reader): both must end alike.
//
//   INSTANTIATE_TEST_SUITE_P(Reader, Suite, test::reader_placements, test::reader_placement_name);

#include <gtest/gtest.h>

#include <string>

#include "lmx/core/engine.hpp"

namespace lmx::test {

inline const auto reader_placements =
    ::testing::Values(ReaderPlacement::own_thread, ReaderPlacement::logic_thread);

inline std::string reader_placement_name(const ::testing::TestParamInfo<ReaderPlacement>& info) {
  return info.param == ReaderPlacement::own_thread ? "OwnThread" : "Inline";
}

}  // namespace lmx::test
