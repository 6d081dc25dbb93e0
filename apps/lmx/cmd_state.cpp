// `lmx export`, `lmx digest` and `lmx query`: the state at the end of the log, rebuilt read-only
// from the newest valid snapshot plus the log after it. They work whether or not an engine runs.

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "canonical_export.hpp"
#include "commands.hpp"
#include "lmx/core/decimal.hpp"
#include "lmx/core/state_digest.hpp"
#include "log_options.hpp"
#include "pipeline/recovery.hpp"

namespace lmx::cli {
namespace {

Recovered recover(const LogOptions& log) {
  const std::unique_ptr<Backend> backend = open_backend(log.url, log.backend_options());
  const std::unique_ptr<SnapshotStore> store = backend->open_snapshot_store();
  Recovered recovered = restore_snapshot(*store);
  for (const std::string& problem : recovered.problems)
    spdlog::warn("snapshot skipped: {}", problem);
  replay_to_end(*backend, recovered);
  return recovered;
}

struct QueryOptions {
  LogOptions log;
  std::string user_id;
  std::string item_id;
  bool json = false;
};

int print_user(const State& state, const QueryOptions& options) {
  std::int64_t id = 0;
  if (!parse_decimal(options.user_id, id)) {
    fmt::print(stderr, "lmx query: user id '{}' is not an int64\n", options.user_id);
    return 2;
  }
  const User* user = state.find_user(id);
  if (user == nullptr) {
    fmt::print(stderr, "lmx query: no user {}\n", id);
    return 1;
  }
  if (options.json) {
    fmt::print("{{\"user_id\":{},\"balance\":{}}}\n", user->user_id, user->balance);
  } else {
    fmt::print("user {}: balance {}\n", user->user_id, user->balance);
  }
  return 0;
}

int print_item(const State& state, const QueryOptions& options) {
  const Sku sku = Sku::from(options.item_id);
  const Item* item = sku.valid() ? state.find_item(sku) : nullptr;
  if (item == nullptr) {
    fmt::print(stderr, "lmx query: no item '{}'\n", options.item_id);
    return 1;
  }
  const std::string quoted = nlohmann::json(options.item_id)
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (options.json) {
    fmt::print("{{\"item_id\":{},\"price\":{},\"remain\":{}}}\n", quoted, item->price,
               item->remain);
  } else {
    fmt::print("item {}: price {}, remain {}\n", quoted, item->price, item->remain);
  }
  return 0;
}

}  // namespace

Command add_export(CLI::App& app) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "Print the canonical export of the state at the end of the log");
  add_log_option(*cmd, *options);
  add_snapshot_dir_option(*cmd, *options);
  return {cmd, [options] {
            const Recovered recovered = recover(*options);
            return write_canonical_export(recovered.state, stdout) ? 0 : 1;
          }};
}

Command add_digest(CLI::App& app) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "digest",
      "Print a digest of the whole state at the end of the log (entities, in the state's own "
      "order, and the command id record): equal digests, equal states. Snapshots store the "
      "same digest of the state they hold");
  add_log_option(*cmd, *options);
  add_snapshot_dir_option(*cmd, *options);
  return {cmd, [options] {
            const Recovered recovered = recover(*options);
            const State& state = recovered.state;
            fmt::print(
                "position {}\nusers {}  items {}  command ids {} (horizon {})\ndigest {:016x}\n",
                recovered.position.to_string(), state.users().size(), state.items().size(),
                state.ids().size(), state.ids().horizon(), state_digest(state));
            return 0;
          }};
}

Command add_query(CLI::App& app) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* cmd = app.add_subcommand("query", "Show one user or item at the end of the log");
  cmd->require_subcommand(1);
  add_log_option(*cmd, options->log);
  add_snapshot_dir_option(*cmd, options->log);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of a sentence");
  CLI::App* user = cmd->add_subcommand("user", "A user's balance");
  user->add_option("id", options->user_id, "User id (int64)")->required();
  CLI::App* item = cmd->add_subcommand("item", "An item's price and remaining stock");
  item->add_option("sku", options->item_id, "Item id")->required();
  return {cmd, [options, user] {
            const Recovered recovered = recover(options->log);
            return user->parsed() ? print_user(recovered.state, *options)
                                  : print_item(recovered.state, *options);
          }};
}

}  // namespace lmx::cli
