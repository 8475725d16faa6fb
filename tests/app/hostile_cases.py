#!/usr/bin/env python3
"""Generates tests/app/hostile_cases.json, the table cli_hostile_test.cc runs: malformed,
absurd or dangerous inputs for every q50sim command, each with the exit code it must end with
and fragments its message must hold (file, line, column, key, value).

    python3 tests/app/hostile_cases.py > tests/app/hostile_cases.json
    python3 tests/app/hostile_cases.py --check build/release/app/q50sim   # run them here
    python3 tests/app/hostile_cases.py --make-checkpoint build/release/app/q50sim
                                  # rewrites hostile_fixtures/hb.ckpt (after a format change)

A case is {name, files, args, exit, fragments}. files maps a path under the case's folder to
its text, or to {"head", "unit", "count", "tail"} (head + unit * count + tail: huge inputs kept
short here), {"base64": BYTES}, {"dir": true}, {"fifo": true} or {"symlink": TARGET}. "{D}" in args and in
symlink targets is the case's folder. Every case's folder also holds a previous run's outputs
(out/*, out.csv); after the command, the folder must be exactly as before: no file added (no
.partial, no temporary), none changed, none removed.
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

SIG_HEADER = "timestamp,q10,q50,q90,vol_risk,vol_raw_momentum"
SIG_ROWS = [
    "2022-01-01 00:00:00,-0.01,0.004,0.02,0.0001,0.1",
    "2022-01-01 01:00:00,-0.02,-0.006,0.01,0.0002,-0.2",
    "2022-01-01 02:00:00,-0.01,0.005,0.02,0.0003,0.05",
    "2022-01-01 03:00:00,-0.03,-0.010,0.01,0.0001,0.0",
]
HB_HEADER = "timestamp,q10,q50,q90,side,signal_tier,signal_thresh_adaptive,truth,close"
HB_ROWS = [
    "2024-07-30 12:00:00,-0.0049,-0.0001,0.0053,-1,0,0.00035,-0.0086,66668.0",
    "2024-07-30 13:00:00,-0.0056,0.0004,0.0049,-1,3,0.00035,0.0061,66381.99",
    "2024-07-30 14:00:00,-0.0040,0.0012,0.0060,1,2,0.00035,0.0020,66500.5",
    "2024-07-30 15:00:00,-0.0030,0.0009,0.0050,1,1,0.00035,-0.0010,66400.0",
]
HB_CONFIG = {"initial_balance": 100000.0, "max_position_pct": 0.3, "fee_rate": 0.001,
             "sizing_method": "simple", "min_confidence_hold": 1.0, "price_mode": "simulated"}
QB_CONFIG = {"initial_capital": 100000.0, "position_limit": 0.8, "fee_rate": 0.001,
             "slippage_rate": 0.0005, "long_threshold": 0.5, "short_threshold": 0.5,
             "max_drawdown_limit": 0.2, "volatility_lookback": 20, "base_position_size": 0.15,
             "confidence_multiplier": 2.0,
             "run_backtest": {"price_col": "truth", "data_frequency": "hourly",
                              "prediction_horizon_hours": 24.0}}
SCENARIO = """[scenario]
name = "hostile"
seed = 1
bars = 24
start = "2024-01-01 00:00:00"
[market]
source = "synthetic"
[market.synthetic]
start_price = 30000.0
[signals.synthetic]
skill = 0.2
[exchange]
initial_quote = "10000"
"""
MARKET_HEADER = "timestamp,open,high,low,close,volume"
MARKET_ROWS = ["2024-01-01 %02d:00:00,%s,%s,%s,%s,12.5" % (h, 100 + h, 102 + h, 99 + h, 101 + h)
               for h in range(12)]
CSV_SCENARIO = """[scenario]
name = "hostile_csv"
seed = 1
[market]
source = "csv"
[market.csv]
path = "market.csv"
[market.csv.columns]
ts = "timestamp"
open = "open"
high = "high"
low = "low"
close = "close"
volume = "volume"
[signals.synthetic]
skill = 0.2
"""
SWEEP = """[sweep]
name = "hostile_sweep"
[base]
scenario = "sc.toml"
[[dimension]]
key = "seed"
values = [1, 2]
"""

cases = []


def case(name, args, exit_code, fragments, files=None):
    cases.append({"name": name, "files": files or {}, "args": args, "exit": exit_code,
                  "fragments": fragments})


def big(head, unit, count, tail=""):
    """head + unit * count + tail, kept short in the JSON."""
    return {"head": head, "unit": unit, "count": count, "tail": tail}


def text_of(spec):
    if isinstance(spec, str):
        return spec
    return spec["head"] + spec["unit"] * spec["count"] + spec["tail"]


def csv(header, rows):
    return "\n".join([header] + rows) + "\n"


def replace_field(rows, row, col, value):
    out = list(rows)
    fields = out[row].split(",")
    fields[col] = value
    out[row] = ",".join(fields)
    return out


def sig_files(text):
    return {"sig.csv": text}


def signals(files, extra=None):
    return ["signals", "--input", "{D}/sig.csv", "--out", "{D}/out.csv"] + (extra or [])


def replay_hb(files_input=None, config=None, extra=None):
    files = {"hb.csv": files_input if files_input is not None else csv(HB_HEADER, HB_ROWS),
             "hb.json": config if config is not None else json.dumps(HB_CONFIG)}
    return files, ["replay", "--profile", "hummingbot", "--input", "{D}/hb.csv", "--config",
                   "{D}/hb.json", "--out", "{D}/out"] + (extra or [])


def replay_qb(config):
    files = {"qb.csv": csv(HB_HEADER, HB_ROWS), "qb.json": config}
    return files, ["replay", "--profile", "quantile", "--input", "{D}/qb.csv", "--config",
                   "{D}/qb.json", "--out", "{D}/out"]


BAD_NUMBERS = [("abc", "bad number"), ("1e999", "1e999"), ("1.2.3", "1.2.3"), ("0x1p3", "0x1p3"),
               ("inf", "inf"), ("--1", "--1")]

# --- signals: every value column x bad numbers, timestamps, structure ---------------------
for col, name in enumerate(["q10", "q50", "q90", "vol_risk", "vol_raw_momentum"], start=1):
    for bad, frag in BAD_NUMBERS + [("", "column '%s'" % name), ("nan", "nan")]:
        rows = replace_field(SIG_ROWS, 2, col, bad)
        case("signals_%s_%s" % (name, bad or "empty"), signals(None), 3,
             ["sig.csv:4:", "column '%s'" % name] + ([frag] if frag else []),
             sig_files(csv(SIG_HEADER, rows)))
for name in ["vol_risk", "vol_raw_momentum"]:
    col = 4 if name == "vol_risk" else 5
    case("signals_%s_float32_overflow" % name, signals(None), 3, ["sig.csv:3:", name, "1e39"],
         sig_files(csv(SIG_HEADER, replace_field(SIG_ROWS, 1, col, "1e39"))))
BAD_TIMESTAMPS = ["1899-12-31 23:00:00", "2100-01-01 00:00:00", "1677-09-21 00:12:43",
                  "2262-04-12 00:00:00", "2022-13-01 00:00:00", "2022-02-30 00:00:00",
                  "2022-01-01 24:00:00", "2022-01-01T02:00:00Z", "yesterday", "0", ""]
for ts in BAD_TIMESTAMPS:
    case("signals_timestamp_%s" % (ts or "empty"), signals(None), 3,
         ["sig.csv:4:", "column 'timestamp'"] + ([ts] if ts else []),
         sig_files(csv(SIG_HEADER, replace_field(SIG_ROWS, 2, 0, ts))))
case("signals_duplicate_timestamp", signals(None), 3, ["sig.csv", "2022-01-01 01:00:00"],
     sig_files(csv(SIG_HEADER, replace_field(SIG_ROWS, 2, 0, "2022-01-01 01:00:00"))))
case("signals_unsorted", signals(None), 3, ["sig.csv", "2022-01-01 00:30:00"],
     sig_files(csv(SIG_HEADER, replace_field(SIG_ROWS, 2, 0, "2022-01-01 00:30:00"))))
for i, name in enumerate(SIG_HEADER.split(",")):
    cols = SIG_HEADER.split(",")
    del cols[i]
    rows = [",".join(r.split(",")[:i] + r.split(",")[i + 1:]) for r in SIG_ROWS]
    case("signals_missing_column_%s" % name, signals(None), 3, ["sig.csv", name],
         sig_files(csv(",".join(cols), rows)))
    dup = SIG_HEADER.split(",") + [name]
    case("signals_duplicate_column_%s" % name, signals(None), 3, ["sig.csv", name, "appears twice"],
         sig_files(csv(",".join(dup), [r + "," + r.split(",")[i] for r in SIG_ROWS])))
case("signals_empty_file", signals(None), 3, ["sig.csv"], sig_files(""))
case("signals_header_only", signals(None), 3, ["sig.csv"], sig_files(SIG_HEADER + "\n"))
case("signals_bom_and_bad_value", signals(None), 3, ["sig.csv:3:", "q50"],
     sig_files("\ufeff" + csv(SIG_HEADER, replace_field(SIG_ROWS, 1, 2, "x"))))
case("signals_short_row", signals(None), 3, ["sig.csv:3"],
     sig_files(csv(SIG_HEADER, [SIG_ROWS[0], "2022-01-01 01:00:00,-0.02"] + SIG_ROWS[2:])))
case("signals_long_row", signals(None), 3, ["sig.csv:3"],
     sig_files(csv(SIG_HEADER, [SIG_ROWS[0], SIG_ROWS[1] + ",7,8"] + SIG_ROWS[2:])))
case("signals_blank_line_inside", signals(None), 3, ["sig.csv:3"],
     sig_files(csv(SIG_HEADER, [SIG_ROWS[0], ""] + SIG_ROWS[1:])))
case("signals_quoted_field", signals(None), 3, ["sig.csv:3"],
     sig_files(csv(SIG_HEADER, [SIG_ROWS[0], '"2022-01-01 01:00:00",1,2,3,4,5'])))
case("signals_nul_bytes", signals(None), 3, ["sig.csv"],
     sig_files(csv(SIG_HEADER, [SIG_ROWS[0], "\x00\x00\x00"])))
case("signals_line_too_long", signals(None), 3, ["sig.csv:3"],
     sig_files(big(csv(SIG_HEADER, [SIG_ROWS[0]]) + "2022-01-01 01:00:00,", "1", (1 << 20) + 1, "\n")))
case("signals_too_many_columns", signals(None), 3, ["sig.csv"],
     sig_files(big("c", ",c", 5000, "\n")))
case("signals_input_missing", signals(None), 4, ["sig.csv", "no such file"])
case("signals_input_directory", signals(None), 4, ["sig.csv", "is a directory"],
     {"sig.csv": {"dir": True}})
case("signals_input_dangling_symlink", signals(None), 4, ["sig.csv"],
     {"sig.csv": {"symlink": "{D}/nowhere.csv"}})
case("signals_output_is_input", ["signals", "--input", "{D}/sig.csv", "--out", "{D}/sig.csv"], 2,
     ["sig.csv", "input"], sig_files(csv(SIG_HEADER, SIG_ROWS)))
case("signals_output_symlink_to_input",
     ["signals", "--input", "{D}/sig.csv", "--out", "{D}/link.csv"], 2, ["link.csv", "input"],
     {"sig.csv": csv(SIG_HEADER, SIG_ROWS), "link.csv": {"symlink": "{D}/sig.csv"}})
case("signals_output_is_directory", ["signals", "--input", "{D}/sig.csv", "--out", "{D}/out"], 4,
     ["out"], sig_files(csv(SIG_HEADER, SIG_ROWS)))
case("signals_output_dir_missing",
     ["signals", "--input", "{D}/sig.csv", "--out", "{D}/missing/x.csv"], 4, ["missing"],
     sig_files(csv(SIG_HEADER, SIG_ROWS)))
for p in ["abc", "0.3,0.2,0.1", "1,2", "nan,0.1,0.2", "0.1,0.2,inf", "0.1,,0.2"]:
    case("signals_percentiles_%s" % p, signals(None, ["--percentiles", p]), 2, ["--percentiles"],
         sig_files(csv(SIG_HEADER, SIG_ROWS)))

# --- replay: input frame, both configs, checkpoints -----------------------------------------
HB_COLS = HB_HEADER.split(",")
for col in range(1, 8):
    name = HB_COLS[col]
    for bad, frag in [("abc", "abc"), ("1e999", "1e999"), ("inf", "inf"), ("", None)]:
        if bad == "" and name in ("signal_thresh_adaptive", "truth"):
            continue  # NaN is allowed there (the existing system's frames hold it)
        rows = replace_field(HB_ROWS, 2, col, bad)
        files, args = replay_hb(csv(HB_HEADER, rows))
        case("replay_hb_%s_%s" % (name, bad or "empty"), args, 3,
             ["hb.csv:4:", name] + ([frag] if frag else []), files)
for col, bad in [(4, "2"), (4, "0.5"), (5, "4"), (5, "-1"), (5, "1.5")]:
    files, args = replay_hb(csv(HB_HEADER, replace_field(HB_ROWS, 1, col, bad)))
    case("replay_hb_%s_%s" % (HB_COLS[col], bad), args, 3, ["hb.csv:3:", HB_COLS[col], bad], files)
for ts in BAD_TIMESTAMPS[:8]:
    files, args = replay_hb(csv(HB_HEADER, replace_field(HB_ROWS, 1, 0, ts)))
    case("replay_hb_timestamp_%s" % ts, args, 3, ["hb.csv:3:", ts], files)
files, args = replay_hb(csv(HB_HEADER, replace_field(HB_ROWS, 2, 0, "2024-07-30 13:00:00")))
case("replay_hb_duplicate_timestamp", args, 3, ["hb.csv", "2024-07-30 13:00:00"], files)
for name in ["q10", "q50", "q90", "side", "signal_tier", "truth", "timestamp"]:
    i = HB_COLS.index(name)
    cols = HB_COLS[:i] + HB_COLS[i + 1:]
    rows = [",".join(r.split(",")[:i] + r.split(",")[i + 1:]) for r in HB_ROWS]
    files, args = replay_hb(csv(",".join(cols), rows))
    case("replay_hb_missing_%s" % name, args, 3, ["hb.csv", name], files)
files, args = replay_hb(csv(HB_HEADER + ",q50", [r + ",0" for r in HB_ROWS]))
case("replay_hb_duplicate_column", args, 3, ["hb.csv", "q50", "appears twice"], files)
HB_BAD = [("initial_balance", -1), ("initial_balance", 0), ("initial_balance", 1e300),
          ("initial_balance", "100"), ("initial_balance", None), ("max_position_pct", -0.3),
          ("max_position_pct", 1.5), ("max_position_pct", "x"), ("fee_rate", 2),
          ("fee_rate", -0.001), ("min_confidence_hold", -1), ("min_confidence_hold", "high"),
          ("sizing_method", "enhancd"), ("sizing_method", 3), ("price_mode", "realistic"),
          ("price_mode", None)]
for key, value in HB_BAD:
    cfg = dict(HB_CONFIG)
    cfg[key] = value
    files, args = replay_hb(config=json.dumps(cfg))
    case("replay_hb_config_%s_%s" % (key, value), args, 3, ["hb.json", key], files)
for key in HB_CONFIG:
    cfg = dict(HB_CONFIG)
    del cfg[key]
    files, args = replay_hb(config=json.dumps(cfg))
    case("replay_hb_config_missing_%s" % key, args, 3, ["hb.json", key], files)
files, args = replay_hb(config=json.dumps(HB_CONFIG)[:-1] + ', "fee_rate": 0.002}')
case("replay_hb_config_duplicate_key", args, 3, ["hb.json", "fee_rate"], files)
for depth in [1000, 100000]:
    files, args = replay_hb(config=big("", "[", depth))
    case("replay_hb_config_nested_%d" % depth, args, 3, ["hb.json", "nest"], files)
    files, args = replay_hb(config=big("", '{"a":', depth))
    case("replay_hb_config_nested_objects_%d" % depth, args, 3, ["hb.json", "nest"], files)
for text, frag in [("", "hb.json"), ("{", "hb.json"), ("[]", "hb.json"), ("null", "hb.json"),
                   ('{"initial_balance": 1e400}', "hb.json"), ("\ufeff{", "hb.json"),
                   ('{"a": "\\ud800"}', "hb.json")]:
    files, args = replay_hb(config=text)
    case("replay_hb_config_text_%d" % len(cases), args, 3, [frag], files)
QB_BAD = [("initial_capital", -5), ("position_limit", -0.3),
          ("fee_rate", 2), ("slippage_rate", -1), ("long_threshold", 1.5),
          ("short_threshold", -0.5), ("max_drawdown_limit", 0), ("max_drawdown_limit", 2),
          ("volatility_lookback", 2.5), ("volatility_lookback", -3), ("base_position_size", -1),
          ("confidence_multiplier", "x"), ("run_backtest", 5), ("run_backtest", None)]
for key, value in QB_BAD:
    cfg = json.loads(json.dumps(QB_CONFIG))
    cfg[key] = value
    files, args = replay_qb(json.dumps(cfg))
    case("replay_qb_config_%s_%s" % (key, value), args, 3, ["qb.json", key], files)
for key, value in [("prediction_horizon_hours", -1), ("prediction_horizon_hours", 0)]:
    cfg = json.loads(json.dumps(QB_CONFIG))
    cfg["run_backtest"][key] = value
    files, args = replay_qb(json.dumps(cfg))
    case("replay_qb_run_backtest_%s_%s" % (key, value), args, 3, ["qb.json", key], files)
for key in [k for k in QB_CONFIG if k != "volatility_lookback"]:  # optional key
    cfg = json.loads(json.dumps(QB_CONFIG))
    del cfg[key]
    files, args = replay_qb(json.dumps(cfg))
    case("replay_qb_config_missing_%s" % key, args, 3, ["qb.json", key], files)
# Command line of replay.
for extra, frag in [(["--seed", "abc"], "--seed"), (["--seed", "-1"], "--seed"),
                    (["--checkpoint-at", "0", "--checkpoint", "{D}/ck.bin"], "--checkpoint-at"),
                    (["--checkpoint-at", "x", "--checkpoint", "{D}/ck.bin"], "--checkpoint-at"),
                    (["--seed", "1", "--seed", "2"], "--seed"), (["--frobnicate"], "--frobnicate")]:
    files, args = replay_hb(extra=extra)
    case("replay_args_%s" % "_".join(extra).replace("{D}/", ""), args, 2, [frag], files)
files, args = replay_hb()
case("replay_profile_unknown", ["replay", "--profile", "hummingbird"] + args[3:], 2, ["hummingbird"],
     files)
case("replay_out_is_input", args[:-1] + ["{D}/hb.csv"], 2, ["hb.csv", "input"], files)
case("replay_checkpoint_is_input",
     args[:-2] + ["--checkpoint-at", "3", "--checkpoint", "{D}/hb.json"], 2, ["hb.json", "input"],
     files)
case("replay_checkpoint_at_beyond_run",
     args[:-2] + ["--checkpoint-at", "999999", "--checkpoint", "{D}/ck.bin"], 2, ["999999"], files)
RESUME = ["replay", "--resume", "{D}/ck.bin", "--input", "{D}/hb.csv", "--config", "{D}/hb.json",
          "--out", "{D}/out"]
for label, blob in [("empty", ""), ("garbage", "not a checkpoint at all"),
                    ("magic_only", "Q50SIMCK"), ("bad_version", "Q50SIMCK\x09\x00\x00\x00" + "x" * 80),
                    ("zeros", "\x00" * 200)]:
    files, _ = replay_hb()
    files["ck.bin"] = blob
    case("replay_resume_%s" % label, RESUME, 3, ["ck.bin"], files)
files, _ = replay_hb()
files["ck.bin"] = {"dir": True}
case("replay_resume_directory", RESUME, 4, ["ck.bin", "directory"], files)
files, _ = replay_hb()
case("replay_resume_missing", RESUME, 4, ["ck.bin"], files)
for name in ["hb.csv", "hb.json"]:
    files, args = replay_hb()
    files[name] = {"dir": True}
    case("replay_%s_directory" % name, args, 4, [name, "directory"], files)
    files, args = replay_hb()
    del files[name]
    case("replay_%s_missing" % name, args, 4, [name], files)

# --- run: scenario keys, CSV market --------------------------------------------------------
def scenario_with(old, new, text=SCENARIO):
    assert old in text, old
    return text.replace(old, new)


RUN = ["run", "{D}/sc.toml", "--out", "{D}/out"]
SCENARIO_BAD = [
    ("seed = 1", "seed = -1", "seed"), ("seed = 1", "seed = \"0xZZ\"", "seed"),
    ("seed = 1", "seed = 1.5", "seed"), ("bars = 24", "bars = 0", "bars"),
    ("bars = 24", "bars = -5", "bars"), ("bars = 24", "bars = 1000000000000", "bars"),
    ("bars = 24", "bars = 1e12", "bars"), ("bars = 24", "bars = \"24\"", "bars"),
    ('start = "2024-01-01 00:00:00"', 'start = "1800-01-01 00:00:00"', "start"),
    ('start = "2024-01-01 00:00:00"', 'start = "2200-01-01 00:00:00"', "start"),
    ('start = "2024-01-01 00:00:00"', 'start = "2024-02-30 00:00:00"', "start"),
    ('start = "2024-01-01 00:00:00"', 'start = "2099-12-31 23:00:00"', "2099"),
    ('start = "2024-01-01 00:00:00"', 'start = "2024-01-01 00:00:00"\nend = "2023-01-01 00:00:00"', "end"),
    ("start_price = 30000.0", "start_price = 1e300", "start_price"),
    ("start_price = 30000.0", "start_price = 0.0", "start_price"),
    ("start_price = 30000.0", "start_price = -1.0", "start_price"),
    ("start_price = 30000.0", "start_price = nan", "start_price"),
    ("start_price = 30000.0", "start_price = inf", "start_price"),
    ("start_price = 30000.0", "start_price = 30000.0\nbar_interval = \"100000d\"", "bar_interval"),
    ("start_price = 30000.0", "start_price = 30000.0\nbar_interval = \"0s\"", "bar_interval"),
    ("start_price = 30000.0", "start_price = 30000.0\nwick = -1.0", "wick"),
    ("start_price = 30000.0", "start_price = 30000.0\nbase_volume = 0.0", "base_volume"),
    ("start_price = 30000.0", "start_price = 30000.0\nreversion = 1.0", "reversion"),
    ("start_price = 30000.0", "start_price = 30000.0\nregimes = [{ regime = \"calm\", bars = 5 }]", "calm"),
    ("start_price = 30000.0", "start_price = 30000.0\nregimes = [{ regime = \"quiet\", bars = 0 }]", "bars"),
    ("start_price = 30000.0", "start_price = 30000.0\njumps = [{ at_bar = 3, factor = 1e300 }]", "jumps"),
    ("skill = 0.2", "skill = 2.0", "skill"), ("skill = 0.2", "skill = \"high\"", "skill"),
    ('initial_quote = "10000"', 'initial_quote = "1e30"', "initial_quote"),
    ('initial_quote = "10000"', 'initial_quote = "-5"', "initial_quote"),
    ('initial_quote = "10000"', 'initial_quote = "ten"', "initial_quote"),
    ('initial_quote = "10000"', 'initial_quote = "10000"\naccount = "casino"', "account"),
    ('source = "synthetic"', 'source = "excel"', "source"),
    ("seed = 1", "seed = 1\nseed = 2", "seed"),
    ("seed = 1", "seed = 1\nsede = 2", "sede"),
    ('name = "hostile"', 'name = "hostile', "sc.toml:2"),
    ("[market]", "[market]\n[market]", "market"),
]
for i, (old, new, frag) in enumerate(SCENARIO_BAD):
    case("run_scenario_%02d_%s" % (i, frag), RUN, 3, ["sc.toml", frag],
         {"sc.toml": scenario_with(old, new)})
FAULTS = [
    ('kind = "duplicate_bar"\nat = 3\ncopies = 100000000', "copies"),
    ('kind = "duplicate_bar"\nat = 3\ncopies = 0', "copies"),
    ('kind = "latency_spike"\nat = 3\nduration = "1h"\nlatency = "100000d"', "latency"),
    ('kind = "latency_spike"\nat = 3\nduration = "1h"\nlatency = "-1s"', "latency"),
    ('kind = "stale_bar"\nat = 3\nlag = "100000d"', "lag"),
    ('kind = "venue_outage"\nat = 3', "until"),
    ('kind = "order_reject"\nat = 3\nprobability = 1.5', "probability"),
    ('kind = "partial_fill"\nat = 3\nfill_fraction = 1.0', "fill_fraction"),
    ('kind = "meteor"\nat = 3', "meteor"),
    ('kind = "missing_bar"', "at"),
    ('kind = "missing_bar"\nat = -1', "at"),
    ('kind = "missing_bar"\nat = "1800-01-01 00:00:00"', "at"),
    ('kind = "clock_skew"\nat = 3\nskew = "0s"', "skew"),
    ('kind = "out_of_order_bar"\nat = 3\ndelay_items = 100000000', "delay_items"),
    ('kind = "rate_limit"\nat = 3\nduration = "1h"\nmax_orders = 0', "max_orders"),
    ('kind = "clock_skew"\nat = 3\nskew = "1s"\ncopies = 2', "copies"),
    ('kind = "venue_outage"\nat = 3\nuntil = 5\nduration = "1h"', "until"),
    ('kind = "process_crash"\nat = 3\nrestart_after = "-1s"', "restart_after"),
]
for i, (body, frag) in enumerate(FAULTS):
    case("run_fault_%02d_%s" % (i, frag), RUN, 3, ["sc.toml", frag],
         {"sc.toml": SCENARIO + "[[faults]]\n" + body + "\n"})
case("run_toml_nested_arrays", RUN, 3, ["sc.toml", "nest"],
     {"sc.toml": big(SCENARIO + "x = ", "[", 100000, "\n")})
case("run_toml_nested_inline_tables", RUN, 3, ["sc.toml", "nest"],
     {"sc.toml": big(SCENARIO + "x = ", "{a=", 5000, "1\n")})
case("run_toml_deep_dotted_key", RUN, 3, ["sc.toml"],
     {"sc.toml": big(SCENARIO + "[k", ".k", 20000, "]\n")})
case("run_unterminated_placeholder", RUN, 3, ["sc.toml", "${"],
     {"sc.toml": CSV_SCENARIO.replace('path = "market.csv"', 'path = "${Q50SIM_NOPE/market.csv"')})
MARKET_BAD = [(1, "0", "open"), (4, "0", "close"), (4, "-101", "close"), (5, "-1", "volume"),
              (2, "50", "high"), (3, "500", "low"), (4, "1e300", "close"), (4, "abc", "close"),
              (4, "nan", "close"), (4, "inf", "close"), (5, "1e300", "volume"), (1, "", "open"),
              (0, "1800-01-01 00:00:00", "timestamp"), (0, "2300-01-01 00:00:00", "timestamp"),
              (0, "2024-01-01 01:00:00", "2024-01-01 01:00:00"), (0, "garbage", "timestamp")]
for i, (col, bad, frag) in enumerate(MARKET_BAD):
    case("run_market_%02d_%s" % (i, frag), RUN, 3, ["market.csv", frag],
         {"sc.toml": CSV_SCENARIO,
          "market.csv": csv(MARKET_HEADER, replace_field(MARKET_ROWS, 3, col, bad))})
case("run_market_missing_column", RUN, 3, ["market.csv", "volume"],
     {"sc.toml": CSV_SCENARIO,
      "market.csv": csv(MARKET_HEADER.rsplit(",", 1)[0], [r.rsplit(",", 1)[0] for r in MARKET_ROWS])})
case("run_market_directory", RUN, 4, ["market.csv", "directory"],
     {"sc.toml": CSV_SCENARIO, "market.csv": {"dir": True}})
case("run_market_missing", RUN, 4, ["market.csv"], {"sc.toml": CSV_SCENARIO})
case("run_scenario_directory", RUN, 4, ["sc.toml", "directory"], {"sc.toml": {"dir": True}})
case("run_scenario_missing", RUN, 4, ["sc.toml"])
case("run_scenario_empty", RUN, 3, ["sc.toml"], {"sc.toml": ""})
case("run_scenario_binary", RUN, 3, ["sc.toml"], {"sc.toml": "\x00\x01\x02\xff\xfe"})
case("run_out_is_scenario", ["run", "{D}/sc.toml", "--out", "{D}/sc.toml"], 2, ["sc.toml"],
     {"sc.toml": SCENARIO})
case("run_out_is_file", ["run", "{D}/sc.toml", "--out", "{D}/out.csv"], 4, ["out.csv"],
     {"sc.toml": SCENARIO})
case("run_out_is_market", ["run", "{D}/sc.toml", "--out", "{D}/market.csv"], 2, ["market.csv"],
     {"sc.toml": CSV_SCENARIO, "market.csv": csv(MARKET_HEADER, MARKET_ROWS)})
for extra, frag in [(["--seed", "-1"], "--seed"), (["--seed", "0xZZ"], "--seed"),
                    (["--seed", "99999999999999999999999"], "--seed"), (["--jobs", "2"], "--jobs")]:
    case("run_args_%s" % "_".join(extra), RUN + extra, 2, [frag], {"sc.toml": SCENARIO})
case("run_no_out", ["run", "{D}/sc.toml"], 2, ["--out"], {"sc.toml": SCENARIO})
case("run_two_scenarios", ["run", "{D}/sc.toml", "{D}/sc.toml", "--out", "{D}/out"], 2, [],
     {"sc.toml": SCENARIO})

# --- compare ------------------------------------------------------------------------------
CMP = ["compare", "--expected", "{D}/e.csv", "--actual", "{D}/a.csv"]
GOOD = csv(SIG_HEADER, SIG_ROWS)
for label, e, a, code, frags in [
        ("duplicate_key", csv(SIG_HEADER, SIG_ROWS + [SIG_ROWS[1]]), GOOD, 3, ["e.csv", "2022-01-01 01:00:00"]),
        ("missing_key_column", csv("t,q10", ["1,2"]), GOOD, 3, ["e.csv", "timestamp"]),
        ("ragged_row", csv(SIG_HEADER, [SIG_ROWS[0], "1,2"]), GOOD, 3, ["e.csv:3"]),
        ("empty_expected", "", GOOD, 3, ["e.csv"]),
        ("empty_actual", GOOD, "", 3, ["a.csv"]),
        ("duplicate_column", csv(SIG_HEADER + ",q10", [r + ",1" for r in SIG_ROWS]), GOOD, 3, ["e.csv", "q10"]),
        ("quoted", GOOD, csv(SIG_HEADER, ['"a",1,2,3,4,5']), 3, ["a.csv:2"])]:
    case("compare_%s" % label, CMP, code, frags, {"e.csv": e, "a.csv": a})
for opt, value in [("--rtol", "-1"), ("--rtol", "abc"), ("--atol", "nan"), ("--atol", "-0.1"),
                   ("--min-agreement", "101"), ("--min-agreement", "-1"), ("--max-examples", "-1"),
                   ("--max-examples", "x"), ("--column-atol", "q10"), ("--column-atol", "q10=abc"),
                   ("--column-atol", "q10=-1"), ("--key", "")]:
    case("compare_option_%s_%s" % (opt, value), CMP + [opt, value], 2, [opt],
         {"e.csv": GOOD, "a.csv": GOOD})
case("compare_expected_directory", CMP, 4, ["e.csv", "directory"], {"e.csv": {"dir": True}, "a.csv": GOOD})
case("compare_actual_missing", CMP, 4, ["a.csv"], {"e.csv": GOOD})
case("compare_missing_actual_option", CMP[:3], 2, ["--actual"], {"e.csv": GOOD})

# --- features (qlib) ----------------------------------------------------------------------
import struct
CAL = "2022-01-01 00:00:00\n2022-01-01 01:00:00\n2022-01-01 02:00:00\n2022-01-01 03:00:00\n"
INST = "BTCUSDT\t2022-01-01\t2022-12-31\n"
BIN = struct.pack("<5f", 0.0, 47000.0, 46900.0, 47100.0, 47050.0)


def qlib(cal=CAL, inst=INST, binary=BIN):
    files = {}
    for path, text in [("qlib/calendars/60min.txt", cal), ("qlib/instruments/all.txt", inst)]:
        if text is not None:
            files[path] = text
    if binary is not None:
        files["qlib/features/btcusdt/close.60min.bin"] = {
            "base64": base64.b64encode(binary).decode()}
    return files


FEAT = ["features", "--qlib", "{D}/qlib", "--instrument", "btcusdt", "--freq", "60min", "--out",
        "{D}/out.csv"]
for label, files, code, frags in [
        ("calendar_bad_timestamp", qlib(cal=CAL.replace("02:00:00", "99:00:00")), 3, ["60min.txt:3", "99:00:00"]),
        ("calendar_1800", qlib(cal="1800-01-01 00:00:00\n" + CAL), 3, ["60min.txt:1"]),
        ("calendar_2200", qlib(cal=CAL + "2200-01-01 00:00:00\n"), 3, ["60min.txt:5"]),
        ("calendar_unsorted", qlib(cal=CAL + "2021-01-01 00:00:00\n"), 3, ["60min.txt:5"]),
        ("calendar_duplicate", qlib(cal=CAL + "2022-01-01 03:00:00\n"), 3, ["60min.txt:5"]),
        ("calendar_empty", qlib(cal=""), 3, ["60min.txt"]),
        ("calendar_missing", qlib(cal=None), 4, ["60min.txt"]),
        ("calendar_directory", dict(qlib(cal=None), **{"qlib/calendars/60min.txt": {"dir": True}}), 4, ["60min.txt", "directory"]),
        ("bin_truncated", qlib(binary=BIN[:6]), 3, ["close.60min.bin", "truncated"]),
        ("bin_short", qlib(binary=BIN[:2]), 3, ["close.60min.bin"]),
        ("bin_start_nan", qlib(binary=struct.pack("<2f", float("nan"), 1.0)), 3, ["close.60min.bin"]),
        ("bin_start_negative", qlib(binary=struct.pack("<2f", -3.0, 1.0)), 3, ["close.60min.bin"]),
        ("bin_start_huge", qlib(binary=struct.pack("<2f", 1e30, 1.0)), 3, ["close.60min.bin"]),
        ("bin_start_fraction", qlib(binary=struct.pack("<2f", 1.5, 1.0)), 3, ["close.60min.bin"]),
        ("bin_missing", qlib(binary=None), 4, ["close.60min.bin"]),
        ("instruments_missing", qlib(inst=None), 4, ["all.txt"]),
        ("instruments_bad_date", qlib(inst="BTCUSDT\t2022-13-01\t2022-12-31\n"), 3, ["all.txt:1", "2022-13-01"]),
        ("instruments_short_line", qlib(inst="BTCUSDT 2022-01-01\n"), 3, ["all.txt:1"]),
        ("instruments_other", qlib(inst="ETHUSDT\t2022-01-01\t2022-12-31\n"), 4, ["btcusdt"])]:
    case("features_%s" % label, FEAT + ["--instrument-range"], code, frags, files)
case("features_out_is_calendar", FEAT[:-1] + ["{D}/qlib/calendars/60min.txt"], 2, ["60min.txt"], qlib())
case("features_freq_traversal", ["features", "--qlib", "{D}/qlib", "--instrument", "btcusdt",
                                 "--freq", "../../x", "--out", "{D}/out.csv"], 2, ["--freq"], qlib())
case("features_instrument_traversal", ["features", "--qlib", "{D}/qlib", "--instrument",
                                       "../x", "--freq", "60min", "--out", "{D}/out.csv"], 2,
     ["--instrument"], qlib())
case("features_qlib_missing", FEAT, 4, ["qlib"])

# --- suite, sweep, results, venue, live, demo ---------------------------------------------
case("suite_dir_missing", ["suite", "{D}/nope"], 4, ["nope"])
case("suite_dir_is_file", ["suite", "{D}/sc.toml"], 4, ["sc.toml"], {"sc.toml": SCENARIO})
for opt, value in [("--jobs", "0"), ("--jobs", "x"), ("--timeout", "0"), ("--timeout", "-5"),
                   ("--memory", "0"), ("--memory", "abc"), ("--timeout", "1e20")]:
    case("suite_option_%s_%s" % (opt, value), ["suite", "{D}/s", opt, value], 2, [opt],
         {"s/a.toml": SCENARIO})
case("suite_bad_scenario_is_a_fail_row", ["suite", "{D}/s"], 1, ["bad", "FAIL", "good"],
     {"s/good.toml": SCENARIO, "s/bad.toml": scenario_with("bars = 24", "bars = 0")})
case("suite_golden_missing", ["suite", "{D}/s", "--golden", "{D}/nogolden"], 1, ["FAIL"],
     {"s/a.toml": SCENARIO})
SW = ["sweep", "{D}/sw.toml", "--out", "{D}/out"]
for label, text, frag in [
        ("no_base", "[sweep]\nname = \"x\"\n", "base"),
        ("unknown_key", SWEEP.replace("[base]", "[base]\nfrobnicate = 1"), "frobnicate"),
        ("bad_dimension_key", SWEEP.replace('key = "seed"', 'key = "nope"'), "nope"),
        ("empty_values", SWEEP.replace("values = [1, 2]", "values = []"), "values"),
        ("duplicate_dimension", SWEEP + '[[dimension]]\nkey = "seed"\nvalues = [3]\n', "seed"),
        ("range_zero_step", SWEEP.replace('key = "seed"\nvalues = [1, 2]', 'key = "market.synthetic.start_price"\nrange = { from = 1.0, to = 2.0, step = 0.0 }'), "step"),
        ("huge_range", SWEEP.replace('key = "seed"\nvalues = [1, 2]', 'key = "market.synthetic.start_price"\nrange = { from = 1.0, to = 1e12, step = 1.0 }'), "range"),
        ("base_missing", SWEEP.replace("sc.toml", "nope.toml"), "nope.toml"),
        ("nested", big(SWEEP + "x = ", "[", 50000, "\n"), "nest"),
        ("syntax", "[sweep\n", "sw.toml:1")]:
    code = 4 if label == "base_missing" else 3
    case("sweep_%s" % label, SW, code, ["sw.toml", frag] if label != "base_missing" else [frag],
         {"sw.toml": text, "sc.toml": SCENARIO})
for extra, frag in [(["--jobs", "0"], "--jobs"), (["--shard", "3/2"], "--shard"),
                    (["--shard", "x"], "--shard"), (["--point", "99"], "99"),
                    (["--point", "-1"], "--point")]:
    case("sweep_args_%s" % "_".join(extra), SW + extra, 2, [frag], {"sw.toml": SWEEP, "sc.toml": SCENARIO})
# A store URL of no known scheme is a bad command line (2), refused before the sweep file is read.
case("sweep_db_unknown_scheme", SW + ["--db", "mysql://x"], 2, ["--db", "mysql://x", "scheme"],
     {"sw.toml": SWEEP, "sc.toml": SCENARIO})
case("sweep_out_is_sweep_file", ["sweep", "{D}/sw.toml", "--out", "{D}/sw.toml"], 4, ["sw.toml"],
     {"sw.toml": SWEEP, "sc.toml": SCENARIO})
case("results_missing_store", ["results", "{D}/nope.sqlite"], 4, ["nope.sqlite"])
case("results_not_sqlite", ["results", "{D}/junk.sqlite"], 3, ["junk.sqlite", "not a database"],
     {"junk.sqlite": "this is not a database\n" * 10})
case("results_directory", ["results", "{D}/out"], 4, ["out"])
case("results_merge_no_shard", ["results", "merge", "{D}/dest.sqlite"], 2, ["merge"])
case("results_merge_junk_shard", ["results", "merge", "{D}/dest.sqlite", "{D}/junk.sqlite"], 3,
     ["junk.sqlite"], {"junk.sqlite": "not a database"})
case("results_merge_missing_shard", ["results", "merge", "{D}/dest.sqlite", "{D}/nope.sqlite"], 4,
     ["nope.sqlite"])
case("results_two_stores", ["results", "{D}/a", "{D}/b"], 2, ["one DB"])
VENUE = ["venue", "{D}/sc.toml", "--port", "0"]
for extra, frag in [(["--speed", "0"], "--speed"), (["--speed", "1e9"], "--speed"),
                    (["--speed", "abc"], "--speed"), (["--seed", "x"], "--seed"),
                    (["--port", "70000"], "--port")]:
    case("venue_args_%s" % "_".join(extra), VENUE + extra, 2, [frag], {"sc.toml": SCENARIO})
case("venue_bad_scenario", VENUE, 3, ["sc.toml", "bars"],
     {"sc.toml": scenario_with("bars = 24", "bars = 0")})
case("venue_scenario_missing", VENUE, 4, ["sc.toml"])
case("venue_key_file_world_readable", VENUE + ["--key-file", "{D}/keys.txt"], 4, ["keys.txt"],
     {"sc.toml": SCENARIO, "keys.txt": "api_key = a\napi_secret = b\n"})
LIVE = ["live", "--config", "{D}/live.toml", "--state", "{D}/state", "--venue", "mock",
        "--base-url", "http://127.0.0.1:9"]
case("live_config_missing", LIVE, 4, ["live.toml"])
case("live_config_garbage", LIVE, 3, ["live.toml"], {"live.toml": "[live\n"})
case("live_config_unknown_key", LIVE, 3, ["live.toml", "frobnicate"], {"live.toml": "frobnicate = 1\n"})
case("live_config_nested", LIVE, 3, ["live.toml"], {"live.toml": big("x = ", "[", 100000)})
case("live_bad_venue", LIVE[:6] + ["--venue", "moon"], 2, ["moon"], {})
case("live_max_bars_negative", LIVE + ["--max-bars", "-1"], 2, ["--max-bars"], {})
for extra, frag in [(["--seed", "x"], "--seed"), (["--seed", "-3"], "--seed"),
                    (["--pipeline", "--bars", "0"], "--bars"), (["--pipeline", "--bars", "x"], "--bars"),
                    (["--pipeline", "--skill", "2"], "--skill"), (["--pipeline", "--skill", "nan"], "--skill"),
                    (["--bars", "10"], "--pipeline"), (["--out", "{D}/out.csv"], "out.csv")]:
    code = 4 if extra[0] == "--out" else 2
    case("demo_%s" % "_".join(extra).replace("{D}/", ""), ["demo"] + extra, code, [frag])
case("demo_pipeline_out_is_directory", ["demo", "--pipeline", "--bars", "10", "--out", "{D}/out"], 4, ["out"])

# --- tampered checkpoints -----------------------------------------------------------------
# hostile_fixtures/hb.ckpt: `q50sim replay --profile hummingbot --input hb.csv --config hb.json
# --checkpoint-at 3 --checkpoint hb.ckpt` over this file's HB_HEADER/HB_ROWS and HB_CONFIG
# (`--make-checkpoint BIN` writes it again).
CKPT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile_fixtures", "hb.ckpt")


def sealed(body, version=None, header=None):
    """The checkpoint envelope around body with a recomputed SHA-256 (a tamperer's file)."""
    head = bytearray(header[:60])
    if version is not None:
        head[16:20] = struct.pack("<I", version)
    head[20:28] = struct.pack("<Q", len(body))
    head[28:60] = hashlib.sha256(body).digest()
    return bytes(head) + body


if os.path.exists(CKPT_PATH):
    with open(CKPT_PATH, "rb") as f:
        CKPT = f.read()
    HEAD, BODY = CKPT[:60], CKPT[60:]
    TAMPERED = [
        ("flipped_body_byte", CKPT[:-5] + bytes([CKPT[-5] ^ 0x40]) + CKPT[-4:], 3, ["ck.bin"]),
        ("flipped_header_byte", CKPT[:9] + bytes([CKPT[9] ^ 1]) + CKPT[10:], 3, ["ck.bin"]),
        ("truncated_half", CKPT[:len(CKPT) // 2], 3, ["ck.bin"]),
        ("truncated_header", CKPT[:40], 3, ["ck.bin"]),
        ("trailing_bytes", CKPT + b"extra", 3, ["ck.bin"]),
        ("recomputed_after_trailing_bytes", sealed(BODY + b"extra", header=HEAD), 3, ["ck.bin"]),
        ("recomputed_after_truncation", sealed(BODY[:len(BODY) // 2], header=HEAD), 3, ["ck.bin"]),
        ("recomputed_other_version", sealed(BODY, version=99, header=HEAD), 3, ["ck.bin", "99"]),
        ("length_field_huge", HEAD[:20] + struct.pack("<Q", 1 << 62) + CKPT[28:], 3, ["ck.bin"]),
    ]
    for i in range(0, len(BODY), max(1, len(BODY) // 24)):
        body = BODY[:i] + bytes([BODY[i] ^ 0x5A]) + BODY[i + 1:]
        TAMPERED.append(("recomputed_body_byte_%d" % i, sealed(body, header=HEAD), 3, ["ck.bin"]))
    for i in range(0, len(BODY) - 8, max(8, len(BODY) // 8)):
        body = BODY[:i] + b"\xff" * 8 + BODY[i + 8:]
        TAMPERED.append(("recomputed_body_ones_%d" % i, sealed(body, header=HEAD), 3, ["ck.bin"]))
    for label, blob, code, frags in TAMPERED:
        files, _ = replay_hb()
        files["ck.bin"] = {"base64": base64.b64encode(blob).decode()}
        case("replay_resume_%s" % label, RESUME, code, frags, files)
    files, _ = replay_hb(csv(HB_HEADER, replace_field(HB_ROWS, 3, 7, "0.0011")))
    files["ck.bin"] = {"base64": base64.b64encode(CKPT).decode()}
    case("replay_resume_other_input", RESUME, 3, ["ck.bin", "hb.csv"], files)
    cfg = dict(HB_CONFIG)
    cfg["fee_rate"] = 0.002
    files, _ = replay_hb(config=json.dumps(cfg))
    files["ck.bin"] = {"base64": base64.b64encode(CKPT).decode()}
    case("replay_resume_other_config", RESUME, 3, ["ck.bin", "another config file"], files)
    files, _ = replay_hb()
    files["ck.bin"] = {"base64": base64.b64encode(CKPT).decode()}
    case("replay_resume_other_seed", RESUME + ["--seed", "5"], 3, ["ck.bin", "seed"], files)
    case("replay_resume_other_profile", RESUME + ["--profile", "quantile"], 3, ["ck.bin", "quantile"], files)
    case("replay_resume_out_is_checkpoint", RESUME[:-1] + ["{D}/ck.bin"], 2, ["ck.bin"], files)


def make_checkpoint(binary):
    with tempfile.TemporaryDirectory() as d:
        files, _ = replay_hb()
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        os.makedirs(os.path.dirname(CKPT_PATH), exist_ok=True)
        subprocess.run([binary, "replay", "--profile", "hummingbot", "--input",
                        os.path.join(d, "hb.csv"), "--config", os.path.join(d, "hb.json"),
                        "--checkpoint-at", "3", "--checkpoint", CKPT_PATH], check=True)


# --- special files: FIFOs, devices, paths that alias an input ------------------------------
case("run_out_is_fifo", ["run", "{D}/sc.toml", "--out", "{D}/pipe"], 4, ["pipe"],
     {"sc.toml": SCENARIO, "pipe": {"fifo": True}})
case("run_out_is_dev_stdout", ["run", "{D}/sc.toml", "--out", "/dev/stdout"], 4, ["/dev/stdout"],
     {"sc.toml": SCENARIO})
case("suite_dir_is_fifo", ["suite", "{D}/pipe"], 4, ["pipe"], {"pipe": {"fifo": True}})
case("signals_out_dev_stdout_writes_there", ["signals", "--input", "{D}/sig.csv", "--out",
                                             "/dev/stdout"], 0, ["timestamp,", "2022-01-01 03:00:00"],
     sig_files(csv(SIG_HEADER, SIG_ROWS)))
case("signals_out_dash_is_stdout", ["signals", "--input", "{D}/sig.csv", "--out", "-"], 0,
     ["timestamp,", "2022-01-01 03:00:00"], sig_files(csv(SIG_HEADER, SIG_ROWS)))
case("signals_output_is_input_by_dot_path",
     ["signals", "--input", "{D}/sig.csv", "--out", "{D}/./sig.csv"], 2, ["input"],
     sig_files(csv(SIG_HEADER, SIG_ROWS)))
case("signals_output_is_input_by_dotdot_path",
     ["signals", "--input", "{D}/sig.csv", "--out", "{D}/other/../sig.csv"], 2, ["input"],
     dict(sig_files(csv(SIG_HEADER, SIG_ROWS)), **{"other": {"dir": True}}))
case("features_out_dash_is_stdout", FEAT[:-1] + ["-"], 0, ["timestamp,close"], qlib())
case("compare_bom_accepted", CMP, 0, ["PASS"], {"e.csv": "\ufeff" + GOOD, "a.csv": GOOD})
case("signals_bom_accepted_stdout", ["signals", "--input", "{D}/sig.csv", "--out", "-"], 0,
     ["2022-01-01 03:00:00"], sig_files("\ufeff" + csv(SIG_HEADER, SIG_ROWS)))

# --- every command: unknown option, repeated option, missing value -----------------------
for command in ["demo", "signals", "features", "compare", "replay", "run", "suite", "live",
                "venue", "sweep", "results"]:
    case("%s_unknown_option" % command, [command, "--no-such-option"], 2, ["--no-such-option"])
    case("%s_option_without_value" % command, [command, "--out"], 2, ["--out"])
    case("%s_option_twice" % command, [command, "--out", "{D}/a", "--out", "{D}/b"], 2, ["--out"])
case("no_command", [], 2, ["usage"])
case("unknown_command", ["frobnicate"], 2, ["frobnicate"])


PREVIOUS = ["out/bars.csv", "out/trades.csv", "out/journal.txt", "out/metrics.json",
            "out/report.html", "out/holds.csv", "out/sweep.html", "out.csv"]


def snapshot(d):
    state = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                state[rel] = "link " + os.readlink(p)
            elif os.path.isdir(p):
                state[rel] = "dir"
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    state[rel] = f.read()
            else:
                state[rel] = "other"
    return state


def check(binary):
    bad = 0
    for c in cases:
        with tempfile.TemporaryDirectory() as d:
            for path in PREVIOUS:
                if not any(f == path or f.startswith(path + "/") or path.startswith(f + "/")
                           for f in c["files"]):
                    os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
                    with open(os.path.join(d, path), "w") as f:
                        f.write("a previous run's " + path + "\n")
            for path, spec in c["files"].items():
                p = os.path.join(d, path)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                if isinstance(spec, str) or "unit" in spec:
                    with open(p, "w", encoding="utf-8", errors="surrogateescape") as f:
                        f.write(text_of(spec))
                elif "base64" in spec:
                    with open(p, "wb") as f:
                        f.write(base64.b64decode(spec["base64"]))
                elif "dir" in spec:
                    os.makedirs(p, exist_ok=True)
                elif "fifo" in spec:
                    os.mkfifo(p)
                else:
                    os.symlink(spec["symlink"].replace("{D}", d), p)
            before = snapshot(d)
            args = [binary] + [a.replace("{D}", d) for a in c["args"]]
            try:
                r = subprocess.run(args, capture_output=True, timeout=60, cwd=d)
                out = (r.stdout + r.stderr).decode(errors="replace")
                code = r.returncode
            except subprocess.TimeoutExpired:
                code, out = "timeout", ""
            missing = [f for f in c["fragments"] if f not in out]
            after = snapshot(d)
            if after != before:
                changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
                missing.append("folder changed: %s" % changed)
            if code != c["exit"] or missing:
                bad += 1
                print("MISMATCH %s: exit %s (want %s) missing %s\n   %s" % (
                    c["name"], code, c["exit"], missing, out.strip().replace("\n", "\n   ")[:400]))
    print("%d cases, %d mismatches" % (len(cases), bad))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--make-checkpoint":
        make_checkpoint(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        json.dump(cases, sys.stdout, indent=1, ensure_ascii=True)
        sys.stdout.write("\n")
