#pragma once
// DIR/engine.lock: one `lmx run` per data directory. An exclusive flock held for the
// engine's life (the kernel drops it when the process dies, even by kill -9), with the
// holder's pid written in the file so that a second engine can say who has it.

#include <filesystem>
#include <memory>

#include "lmx/core/backend.hpp"

namespace lmx {

[[nodiscard]] std::unique_ptr<EngineLock> lock_data_directory(const std::filesystem::path& dir);

}  // namespace lmx
