"""Benchmark: the cost of trialbook's run.log() against bare json.dumps + buffered write.

    python3 bench/sdk_log.py [--calls 200000]

Both sides log the same 4-metric dicts. Figures:
  * median cost of one call (measured over batches of 1000 calls, median of batches);
  * end to end: all calls plus everything written to disk (for the SDK, including
    finish(), which waits for the flush thread to serialise and write the rest);
  * metric points per second end to end (4 points per call).
Each figure is printed with its ratio to the baseline measured in this same run.
Targets (issue 3): median within 2x of the baseline, >= 200,000 points/s.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sdk", "python"))
import trialbook  # noqa: E402

BATCH = 1000


def make_dicts(n):
    return [{"loss": 1.0 / (i + 1), "acc": i * 1e-6, "lr": 0.001, "grad_norm": 0.5 + (i % 7)} for i in range(n)]


def baseline(dicts, folder):
    path = os.path.join(folder, "baseline.jsonl")
    batches = []
    dumps = json.dumps
    start = time.perf_counter()
    with open(path, "w") as handle:
        write = handle.write
        for b in range(0, len(dicts), BATCH):
            t0 = time.perf_counter()
            for d in dicts[b:b + BATCH]:
                write(dumps(d) + "\n")
            batches.append((time.perf_counter() - t0) / BATCH)
    total = time.perf_counter() - start
    return statistics.median(batches), total


def sdk(dicts, folder):
    run = trialbook.init(dir=folder, experiment="bench", system_metrics=False)
    log = run.log
    batches = []
    start = time.perf_counter()
    for b in range(0, len(dicts), BATCH):
        t0 = time.perf_counter()
        for d in dicts[b:b + BATCH]:
            log(d)
        batches.append((time.perf_counter() - t0) / BATCH)
    run.finish()
    total = time.perf_counter() - start
    with open(os.path.join(run.dir, "events.jsonl"), "rb") as handle:
        lines = sum(1 for line in handle if b'"t":"metrics"' in line)
    if lines != len(dicts):
        raise SystemExit("bench: expected %d metrics events, found %d" % (len(dicts), lines))
    return statistics.median(batches), total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best round of each side is reported")
    args = parser.parse_args()
    dicts = make_dicts(args.calls)
    folder = tempfile.mkdtemp(prefix="trialbook-bench-")
    try:
        base = [baseline(dicts, folder) for _ in range(args.repeat)]
        ours = [sdk(dicts, folder) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(folder, True)
    base_median = min(m for m, _ in base)
    base_total = min(t for _, t in base)
    our_median = min(m for m, _ in ours)
    our_total = min(t for _, t in ours)
    points = 4 * args.calls
    print("trialbook run.log() benchmark: %d calls of a 4-metric dict (best of %d rounds)" % (args.calls, args.repeat))
    print("  baseline json.dumps + buffered write: median %.2f us/call, end to end %.3f s, %.0f points/s"
          % (base_median * 1e6, base_total, points / base_total))
    print("  trialbook run.log():                   median %.2f us/call, end to end %.3f s, %.0f points/s"
          % (our_median * 1e6, our_total, points / our_total))
    print("  ratio median call  (trialbook / baseline): %.2fx  (target <= 2x)" % (our_median / base_median))
    print("  ratio end to end   (trialbook / baseline): %.2fx" % (our_total / base_total))
    print("  points/s end to end: %.0f = %.2fx the 200,000 target" % (points / our_total, points / our_total / 200000))


if __name__ == "__main__":
    main()
