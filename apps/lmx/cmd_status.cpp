// `lmx status`: the engines on a log as they announce themselves (role, epoch, position,
// lag) and who holds its lease. Read-only, from any machine that reaches the log.

#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "log_options.hpp"

namespace lmx::cli {
namespace {

struct StatusOptions {
  LogOptions log;
  bool json = false;
};

int run_status(const StatusOptions& options) {
  const std::unique_ptr<Backend> backend =
      open_backend(options.log.url, options.log.backend_options());
  const Position end = backend->open_reader(Position{})->end_position();
  // Read-only: this handle never takes the lease; the time to live is never used.
  const std::unique_ptr<Lease> lease = backend->open_lease("lmx-status", std::chrono::seconds{1});
  nlohmann::json json;
  json["log"] = backend->describe();
  json["end"] = end.to_string();
  if (!lease) {
    json["lease"] = nullptr;
    json["engines"] = nlohmann::json::array();
  } else {
    const std::optional<LeaseHolder> holder = lease->holder();
    json["epoch"] = lease->current_epoch();
    json["lease"] = holder ? nlohmann::json{{"owner", holder->owner},
                                            {"epoch", holder->epoch},
                                            {"expires_in_ms", holder->expires_in.count()}}
                           : nlohmann::json(nullptr);
    json["engines"] = nlohmann::json::array();
    for (const std::string& status : lease->announcements()) {
      json["engines"].push_back(nlohmann::json::parse(status, nullptr, false));
    }
  }
  if (options.json) {
    fmt::print("{}\n", json.dump());
    return 0;
  }
  fmt::print("log {}: last entry {}\n", json["log"].get<std::string>(), end.to_string());
  if (!lease) {
    fmt::print("one engine per log (its directory lock): no lease, no standby\n");
    return 0;
  }
  if (json["lease"].is_null()) {
    fmt::print("lease: free (epoch {}): no primary\n", json["epoch"].get<std::uint64_t>());
  } else {
    fmt::print("lease: held by {} with epoch {}, {} ms left\n",
               json["lease"]["owner"].get<std::string>(),
               json["lease"]["epoch"].get<std::uint64_t>(),
               json["lease"]["expires_in_ms"].get<std::int64_t>());
  }
  if (json["engines"].empty()) fmt::print("no engine announced itself lately\n");
  for (const nlohmann::json& engine : json["engines"]) {
    if (!engine.is_object()) continue;
    fmt::print("  {:<24} {:<8} epoch {:<4} position {:<24} lag {}\n", engine.value("owner", "?"),
               engine.value("role", "?"), engine.value("epoch", 0), engine.value("position", "?"),
               engine.value("lag", "?"));
  }
  return 0;
}

}  // namespace

Command add_status(CLI::App& app) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show the engines on the log (role, epoch, position, lag, as each announces itself every "
      "second) and who holds its lease (Redis: primary and hot standbys)");
  add_log_option(*cmd, options->log);
  cmd->add_flag("--json", options->json, "Print one JSON object");
  return {cmd, [options] { return run_status(*options); }};
}

}  // namespace lmx::cli
