#ifndef Q50SIM_IO_LIVE_CONFIG_H_
#define Q50SIM_IO_LIVE_CONFIG_H_

// A live node's configuration file (TOML; scenarios/live/mock.toml and testnet.toml document
// every key). The strategy is not repeated here: `strategy` names a scenario file whose
// [strategy], [signals.percentiles] and [risk] the node trades with, so the simulator and the
// live node run one definition. Every unknown key and every bad value is an error
// "path:line:column: ..." as in scenario files; relative paths are resolved against the
// config file's directory.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/signal_lookup.h"
#include "live/node.h"
#include "live/rest_client.h"

namespace q50::io {

struct LiveConfig {
  std::string path;           // the file it came from
  std::string strategy_file;  // the scenario whose strategy the node trades (resolved)
  live::NodeConfig node;      // strategy filled in from strategy_file
  live::RestConfig rest;      // base_url defaults to Binance's spot testnet
  std::string signals_file;   // resolved
  std::string signals_instrument;
  SignalLookupRule lookup;
  bool monitor = true;
  int monitor_port = 0;  // 0: any free port (printed at start)
};

// Reads and validates the file, and the scenario it names for the strategy.
absl::StatusOr<LiveConfig> read_live_config(const std::string& path);

// Every key the reader accepts, as dotted paths ("live.symbol", "live.signals.file", ...).
std::vector<std::string> live_config_keys();

}  // namespace q50::io

#endif  // Q50SIM_IO_LIVE_CONFIG_H_
