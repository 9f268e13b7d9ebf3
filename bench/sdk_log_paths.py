"""Micro-measurement: what one run.log() costs the caller, per writer and per path, in one process.

    python3 bench/sdk_log_paths.py [--calls 40000] [--rounds 7] [--old PATH_TO_OLDER_trialbook_PACKAGE]

Configurations run back to back in alternating rounds in this one process, so machine load hits
them alike: the writer process (default) and the thread writer (TRIALBOOK_WRITER=thread), each on
Run.log's fast path (known names, floats, no `step`) and on its full path (`step=` given). With
--old, an older copy of the package (e.g. `git archive` of a previous commit) is loaded under another
module name and measured the same way. Figures: median over rounds of the median per-call time of
batches of 1000 calls, and its ratio to a bare json.dumps + buffered write measured in the same rounds;
and the calling thread's CPU time per call (time.thread_time: what the caller itself spends, without
the time it waits for the CPU or the GIL, so it moves much less with machine load).
"""
import argparse
import importlib.util
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


def load_old(path):
    spec = importlib.util.spec_from_file_location("trialbook_old", os.path.join(path, "__init__.py"),
                                                  submodule_search_locations=[path])
    module = importlib.util.module_from_spec(spec)
    sys.modules["trialbook_old"] = module
    spec.loader.exec_module(module)
    return module


def make_dicts(n):
    return [{"loss": 1.0 / (i + 1), "acc": i * 1e-6, "lr": 0.001, "grad_norm": 0.5 + (i % 7)} for i in range(n)]


def baseline(dicts, folder):
    dumps = json.dumps
    batches = []
    cpu = time.thread_time()
    with open(os.path.join(folder, "baseline.jsonl"), "w") as handle:
        write = handle.write
        for b in range(0, len(dicts), BATCH):
            t0 = time.perf_counter()
            for d in dicts[b:b + BATCH]:
                write(dumps(d) + "\n")
            batches.append((time.perf_counter() - t0) / BATCH)
    return statistics.median(batches), (time.thread_time() - cpu) / len(dicts)


def measure(module, writer, full, dicts, folder):
    if writer == "thread":
        os.environ["TRIALBOOK_WRITER"] = "thread"
    else:
        os.environ.pop("TRIALBOOK_WRITER", None)
    run = module.init(dir=folder, experiment="bench", system_metrics=False, capture="none")
    log = run.log
    log(dicts[0], step=0)  # names known from here on
    run.flush()  # steady state: the writer process has started (its start-up competes for the CPU otherwise)
    batches = []
    cpu = time.thread_time()
    for b in range(0, len(dicts), BATCH):
        chunk = dicts[b:b + BATCH]
        if full:
            t0 = time.perf_counter()
            for i, d in enumerate(chunk, b + 1):
                log(d, step=i)
        else:
            t0 = time.perf_counter()
            for d in chunk:
                log(d)
        batches.append((time.perf_counter() - t0) / BATCH)
    cpu = (time.thread_time() - cpu) / len(dicts)
    run.finish()
    os.environ.pop("TRIALBOOK_WRITER", None)
    return statistics.median(batches), cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--old", help="folder of an older trialbook package to measure too")
    args = parser.parse_args()
    configs = [("process", "fast", trialbook), ("process", "full", trialbook),
               ("thread", "fast", trialbook), ("thread", "full", trialbook)]
    if args.old:
        configs.append(("old thread", "full", load_old(args.old)))
    dicts = make_dicts(args.calls)
    folder = tempfile.mkdtemp(prefix="trialbook-bench-")
    results = {(w, p): [] for w, p, _ in configs}
    base = []
    try:
        for _ in range(args.rounds):
            base.append(baseline(dicts, folder))
            for writer, path, module in configs:
                results[(writer, path)].append(measure(module, writer.split()[-1], path == "full", dicts, folder))
    finally:
        shutil.rmtree(folder, True)
    base_median = statistics.median(m for m, _ in base)
    base_cpu = statistics.median(c for _, c in base)
    print("run.log() per call, %d calls x %d rounds (medians over rounds): wall time (median 1000-call batch), "
          "caller CPU time" % (args.calls, args.rounds))
    print("  %-22s %6.2f us              cpu %5.2f us" % ("json.dumps + write", base_median * 1e6, base_cpu * 1e6))
    for writer, path, _ in configs:
        value = statistics.median(m for m, _ in results[(writer, path)])
        cpu = statistics.median(c for _, c in results[(writer, path)])
        print("  %-22s %6.2f us  %.2fx base  cpu %5.2f us  %.2fx base"
              % ("%s, %s path" % (writer, path), value * 1e6, value / base_median, cpu * 1e6, cpu / base_cpu))


if __name__ == "__main__":
    main()
