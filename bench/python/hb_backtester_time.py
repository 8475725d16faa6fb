#!/usr/bin/env python3
"""Times the existing system's HummingbotQuantileBacktester on a q50sim reference case.

The Python side of the speed figures (issue 13): the same 10,000-bar case that
`bench/replay_bench` runs through `q50sim replay`, run through the existing system's own code
from a checkout of qlib_trading_v2 (the reference data was produced at f9f95a4), so both sides
are measured on one machine in one run. Never part of the test suite; `ci/bench.sh` runs it
when Q50SIM_PY_REPO names a checkout.

    hb_backtester_time.py REPO CASE_DIR [RUNS]

Prints, per run, the time of `run_backtest` + `calculate_metrics` (the loop, as the existing
system runs it) and of the CSV read that feeds it, min and median, by the process CPU clock
and the wall clock. It checks that each run ends on the case's expected final portfolio value
(expected_metrics.json, bit for bit), so the figure is of the same work q50sim does.

Only pandas and numpy are needed: matplotlib (imported by the module, used only to plot) is
replaced by an inert module when it is not installed.
"""
import contextlib
import importlib.util
import io
import json
import os
import statistics
import sys
import time
import types


def load_backtester(repo):
    try:
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        mpl = types.ModuleType("matplotlib")
        mpl.pyplot = types.ModuleType("matplotlib.pyplot")
        sys.modules["matplotlib"] = mpl
        sys.modules["matplotlib.pyplot"] = mpl.pyplot
    path = os.path.join(repo, "src", "backtesting", "backtester.py")
    spec = importlib.util.spec_from_file_location("existing_backtester", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HummingbotQuantileBacktester


def read_case(case_dir):
    import numpy as np
    import pandas as pd

    df = pd.read_csv(os.path.join(case_dir, "input.csv"), parse_dates=["timestamp"])
    df = df.set_index("timestamp")
    df.index.name = "datetime"
    with open(os.path.join(case_dir, "config.json")) as f:
        config = json.load(f)
    price_data = None
    if config["price_mode"] == "real":
        price_data = pd.DataFrame({config["price_col"]: df["close"].astype(np.float32)},
                                  index=df.index)
        df = df.drop(columns=["close"])
    return df, price_data, config


def run_once(backtester_class, df, price_data, config):
    bt = backtester_class(
        initial_balance=config["initial_balance"],
        trading_pair=config["trading_pair"],
        long_threshold=config["long_threshold"],
        short_threshold=config["short_threshold"],
        max_position_pct=config["max_position_pct"],
        fee_rate=config["fee_rate"],
        min_confidence_hold=config["min_confidence_hold"],
        sizing_method=config["sizing_method"],
    )
    with contextlib.redirect_stdout(io.StringIO()):
        results = bt.run_backtest(df, price_data=price_data, price_col=config["price_col"],
                                  return_col=config["return_col"])
        metrics = bt.calculate_metrics(results)
    return metrics


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: hb_backtester_time.py REPO CASE_DIR [RUNS]", file=sys.stderr)
        return 2
    repo, case_dir = argv[1], argv[2]
    runs = int(argv[3]) if len(argv) > 3 else 5
    backtester_class = load_backtester(repo)
    with open(os.path.join(case_dir, "expected_metrics.json")) as f:
        expected_final = json.load(f)["final_portfolio_value"]

    read_wall, read_cpu, loop_wall, loop_cpu = [], [], [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        df, price_data, config = read_case(case_dir)
        w1, c1 = time.perf_counter(), time.process_time()
        metrics = run_once(backtester_class, df, price_data, config)
        w2, c2 = time.perf_counter(), time.process_time()
        if metrics["final_portfolio_value"] != expected_final:
            print(f"final portfolio value {metrics['final_portfolio_value']!r} differs from the "
                  f"case's expected {expected_final!r}", file=sys.stderr)
            return 1
        read_wall.append(w1 - w0)
        read_cpu.append(c1 - c0)
        loop_wall.append(w2 - w1)
        loop_cpu.append(c2 - c1)

    bars = len(df)
    print(f"python {sys.version.split()[0]}, pandas {sys.modules['pandas'].__version__}, "
          f"numpy {sys.modules['numpy'].__version__}; {os.path.basename(case_dir.rstrip('/'))}: "
          f"{bars} bars, {runs} runs, final portfolio value {expected_final!r} (= expected)")
    for name, wall, cpu in (("read input.csv", read_wall, read_cpu),
                            ("run_backtest + calculate_metrics", loop_wall, loop_cpu)):
        print(f"  {name:34s} cpu ms: min {1e3 * min(cpu):9.1f}  median "
              f"{1e3 * statistics.median(cpu):9.1f}   wall ms: min {1e3 * min(wall):9.1f}  "
              f"median {1e3 * statistics.median(wall):9.1f}   "
              f"({1e9 * statistics.median(cpu) / bars:,.0f} cpu ns/bar)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
