"""Benchmark: one monitoring batch of 100,000 rows x 20 columns (16 numeric, 4 categorical) profiled and
compared with a reference profile, with NumPy and on the standard-library path.

    python3 bench/monitor_cost.py [--rows 100000] [--repeat 3]

Prints, per path, the best of `repeat` times for building the reference profile and for comparing one batch
with it (read the columns, PSI, KS or JS, missing rate, histograms). Targets (issue 14): the comparison within
1 s with NumPy, within 10 s on the standard library.
"""
import argparse
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk", "python"))


def columns(rows, shift, seed):
    rng = random.Random(seed)
    data = {"num%d" % i: [rng.gauss(shift, 1.0) for _ in range(rows)] for i in range(16)}
    for i in range(4):
        data["cat%d" % i] = [rng.choice("abcde") for _ in range(rows)]
    return data


def measure(rows, repeat):
    from trialbook._monitor_stats import compare_column
    from trialbook._profile import build_profile
    from trialbook._profile_table import np, read_table, use_numpy
    reference, batch = columns(rows, 0.0, 1), columns(rows, 0.1, 2)
    if use_numpy():  # what a NumPy user passes: arrays for numbers
        reference = {k: (np.array(v) if k.startswith("num") else v) for k, v in reference.items()}
        batch = {k: (np.array(v) if k.startswith("num") else v) for k, v in batch.items()}
    best_profile = best_compare = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        profile = build_profile("train", read_table(reference, "reference"))
        middle = time.perf_counter()
        table = read_table(batch, "batch")
        for column in profile["columns"]:
            compare_column(column, table.values[column["name"]], table.rows)
        end = time.perf_counter()
        best_profile = min(best_profile, middle - start)
        best_compare = min(best_compare, end - middle)
    print("%-8s profile %.3f s   compare one batch %.3f s   (%d rows x 20 columns)"
          % ("numpy" if use_numpy() else "stdlib", best_profile, best_compare, rows))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.rows, args.repeat)
        return
    for pure in ("0", "1"):
        env = dict(os.environ, TRIALBOOK_PURE_PYTHON=pure)
        subprocess.run([sys.executable, __file__, "--child", "--rows", str(args.rows), "--repeat", str(args.repeat)],
                       env=env, check=True)


if __name__ == "__main__":
    main()
