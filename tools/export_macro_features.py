#!/usr/bin/env python3
"""Export the existing system's signal file (macro_features.pkl) to the CSV q50sim reads.

The existing system (qlib_trading_v2, src/training_pipeline_optuna.py) pickles its per-bar
frame to data3/macro_features.pkl: a pandas DataFrame indexed by a MultiIndex of
(instrument, datetime) -- qlib's order; (datetime, instrument) is accepted too -- with the
q10/q50/q90 predictions, vol_risk, vol_raw_momentum, side, signal_tier,
signal_thresh_adaptive, prob_up and the model's features as columns. q50sim's loader
(io/signal_file.h, read_signal_file) takes a plain CSV instead, so that C++ never has to read a
pickle. This script writes that CSV:

  * one header row; the key column `datetime` as "YYYY-MM-DD HH:MM:SS", then `instrument`,
    then the frame's columns in their order (or the --columns subset);
  * one instrument per file (pass --instrument when the pkl holds several);
  * rows sorted by datetime; a repeated datetime is an error, not silently dropped;
  * float64 columns with Python repr precision (the shortest text that parses back to the same
    double); float32 columns widened to float64 first, so the file holds the exact float64
    value of each float32 (e.g. 4308.830078125) as the reference files do, and narrowing on
    read is exact; NaN as an empty field; booleans as 0/1; no quoting, no index column.

Usage:
    python3 tools/export_macro_features.py data3/macro_features.pkl signals.csv
    python3 tools/export_macro_features.py data3/macro_features.pkl signals.csv \\
        --instrument BTCUSDT --columns q10,q50,q90,vol_risk,vol_raw_momentum,side,signal_tier

Then, e.g.:
    q50sim compare --expected signals.csv --actual ours.csv --key datetime

Needs pandas (>= 1.5, for to_csv's `lineterminator`; the existing system ran 1.5.3) and the
pickle's own dependencies; CI runs it (tests/tools/export_macro_features_test.cc) with
Debian's python3-pandas. The output is written to a temporary file
beside the target and renamed into place, so a failed export never leaves a half-written CSV.
Exit status (as q50sim's): 0 ok, 2 bad command line, 3 bad input, 4 I/O error.
"""

import argparse
import os
import pickle
import sys
import tempfile

import numpy as np
import pandas as pd


class InputError(Exception):
    """The pickle is not a frame this script can export."""


def flatten(frame, instrument):
    """Returns a frame with `datetime` and `instrument` columns, one instrument, sorted."""
    if isinstance(frame.columns, pd.MultiIndex):
        # qlib handlers may label columns ("feature", name) / ("label", name): keep the name.
        frame = frame.copy()
        frame.columns = [c[-1] for c in frame.columns]
    if frame.columns.duplicated().any():
        dup = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise InputError(f"duplicated column names: {dup}")
    names = list(frame.index.names)
    if "datetime" not in names:
        raise InputError(f"index levels {names}: expected a 'datetime' level")
    for reserved in ("datetime", "instrument"):
        if reserved in names and reserved in frame.columns:
            raise InputError(f"'{reserved}' is both an index level and a column")
    flat = frame.reset_index()
    if "instrument" in flat.columns:
        if instrument is not None:
            keep = flat["instrument"].astype(str).str.lower() == instrument.lower()
            flat = flat[keep]
            if flat.empty:
                raise InputError(f"no rows for instrument {instrument!r}")
        found = flat["instrument"].unique()
        if len(found) != 1:
            raise InputError(f"{len(found)} instruments {list(found)[:5]}: pass --instrument")
    elif instrument is not None:
        flat.insert(0, "instrument", instrument)
    flat["datetime"] = pd.to_datetime(flat["datetime"])
    flat = flat.sort_values("datetime", kind="mergesort").reset_index(drop=True)
    repeated = flat["datetime"].duplicated()
    if repeated.any():
        raise InputError(f"repeated datetime {flat.loc[repeated, 'datetime'].iloc[0]}")
    return flat


def select(flat, columns):
    """The key, the instrument (if any), then the requested or all value columns."""
    front = ["datetime"] + (["instrument"] if "instrument" in flat.columns else [])
    values = [c for c in flat.columns if c not in front]
    if columns is not None:
        missing = [c for c in columns if c not in flat.columns]
        if missing:
            raise InputError(f"columns not in the pkl: {missing}")
        values = [c for c in columns if c not in front]
    return flat[front + values]


def encode(frame):
    """Applies the reference encoding column by column (see the module docstring)."""
    out = frame.copy()
    out["datetime"] = out["datetime"].dt.strftime("%Y-%m-%d %H:%M:%S")
    for name in out.columns:
        dtype = out[name].dtype
        if dtype == np.bool_:
            out[name] = out[name].astype(np.int64)
        elif dtype == np.float32:
            out[name] = out[name].astype(np.float64)  # exact: float32 -> float64
        elif dtype == object and name not in ("datetime", "instrument"):
            text = out[name].astype(str)
            if text.str.contains(",").any():
                raise InputError(f"column {name!r} holds a comma; the CSV has no quoting")
    return out


def write_atomic(frame, path):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".export_", suffix=".csv", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            # float_format=None: pandas writes float64 via str(), the shortest round-trip text.
            frame.to_csv(f, index=False, float_format=None, na_rep="", lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pkl", help="macro_features.pkl (a pickled pandas DataFrame)")
    parser.add_argument("out", help="CSV to write")
    parser.add_argument("--instrument", help="keep only this instrument (case-insensitive)")
    parser.add_argument("--columns", help="comma-separated value columns to keep, in order")
    args = parser.parse_args(argv)
    columns = None if args.columns is None else [c for c in args.columns.split(",") if c]
    try:
        frame = pd.read_pickle(args.pkl)
    except OSError as e:
        print(f"export_macro_features: {e}", file=sys.stderr)
        return 4
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError) as e:
        print(f"export_macro_features: {args.pkl}: not a readable pickle: {e}", file=sys.stderr)
        return 3
    try:
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"holds a {type(frame).__name__}, not a DataFrame")
        out = encode(select(flatten(frame, args.instrument), columns))
    except InputError as e:
        print(f"export_macro_features: {args.pkl}: {e}", file=sys.stderr)
        return 3
    try:
        write_atomic(out, args.out)
    except OSError as e:
        print(f"export_macro_features: {args.out}: {e}", file=sys.stderr)
        return 4
    print(f"export_macro_features: {len(out)} rows, {len(out.columns)} columns -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
