#pragma once
// The dashboard (dashboard.html), compiled into lmx: `lmx run --listen` serves it at GET /.
// dashboard_page.cpp is generated from the page at configure time (src/CMakeLists.txt).

#include <string_view>

namespace lmx::service {

[[nodiscard]] std::string_view dashboard_page() noexcept;

}  // namespace lmx::service
