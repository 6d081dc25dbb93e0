#pragma once
// The embedded default backend: DIR/journal (events), DIR/results, DIR/snapshots.

#include <filesystem>
#include <memory>

#include "lmx/core/backend.hpp"

namespace lmx {

[[nodiscard]] std::unique_ptr<Backend> open_file_backend(std::filesystem::path dir,
                                                         const BackendOptions& options);

}  // namespace lmx
