"""Benchmark: what trialbook costs a real PyTorch training loop (issue 10: target < 1 %).

    python3 bench/sdk_torch.py [--rounds 21] [--steps 3000] [--hidden 32] [--batch 16]

Needs PyTorch (Debian's python3-torch). The loop: a small MLP (32 -> hidden -> hidden -> 1, ReLU) on
one CPU thread (about 0.3 ms a step on a quiet machine with the defaults; the step time is printed), SGD with momentum, MSE loss, clip_grad_norm_; every step it logs the loss and the
gradient norm as tensors and the learning rate as a float:

    run.log({"loss": loss, "grad_norm": grad_norm, "lr": optimizer.param_groups[0]["lr"]})

Paired rounds in one process: each round trains `steps` steps with a no-op in place of run.log (the baseline) and
`steps` steps with it, in alternating order (ABBA) so that drift in the machine's speed falls on
both sides. A logging round ends with run.flush() inside its timing, so everything it logged has
been encoded and written by then (nothing is left for the next round to pay for). Figures:
  * the loop: ratio = time with logging / time without, per round; median of the ratios, and their
    spread (min, quartiles, max) -- the target is a median below 1.01. Wall-clock time is the figure
    that counts (on a quiet machine); CPU time of the process (training and writer threads) is shown
    too: it is far less disturbed by other work on a busy machine, and it gives the writer thread no
    credit for running while training has released the GIL, so it is the more pessimistic of the two;
  * the training thread's own CPU time (time.thread_time) with and without: what logging costs the thread
    that trains, however busy the machine; and the CPU the helpers (writer thread, writer process) use per step;
  * log() alone, per call, with this loop's values as tensors and as floats, each against a bare
    json.dumps + buffered write of the same three floats measured in this run.

--breakdown adds stand-ins for run.log (sdk_torch_floor.py), each timed against the same no-op in short
interleaved blocks (a far tighter pairing than whole rounds, and none of them writes, so nothing leaks into the
no-op's blocks), to show where the loop's cost comes from and how low any log() could go: an empty function
(A/A: the pairing's own bias, which should be 0); reading the two tensors (tolist) and nothing else; the least
pure-Python log() (a timestamp, the values read and appended to an array('d'), no object kept per step); the
same keeping a tuple and a dict a step as log()'s queue does; keeping each step's tensors unread instead
(what reading them later, on the writer's side, would do); the real log() with its queue emptied instead of
written (no writer work); and, where a C compiler and Python's headers exist, the least log() in C.
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
try:
    import torch
except ImportError:
    raise SystemExit("bench: PyTorch is missing; install Debian's python3-torch (node scripts/setup.mjs does)")
import trialbook  # noqa: E402
import sdk_torch_floor as floor  # noqa: E402

BATCH_CALLS = 1000


def make_model(hidden, batch):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(32, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden),
                                torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    inputs, targets = torch.randn(batch, 32), torch.randn(batch, 1)
    criterion = torch.nn.MSELoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(inputs), targets)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss, grad_norm, optimizer.param_groups[0]["lr"]

    return step


def _no_log(metrics):
    """The baseline's stand-in for run.log."""


def _cpu_seconds(path):
    """CPU time of a thread or process from /proc/.../schedstat (Linux; 0 elsewhere)."""
    try:
        with open(path) as handle:
            return int(handle.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def helper_cpu(run):
    """CPU seconds so far of the run's helpers: its writer thread and its writer process."""
    if run is None:
        return 0.0
    writer = run._writer
    thread, pid = getattr(writer, "_thread", None), getattr(writer, "process_pid", None)
    total = _cpu_seconds("/proc/self/task/%d/schedstat" % thread.native_id) if thread is not None else 0.0
    return total + (_cpu_seconds("/proc/%d/schedstat" % pid) if pid else 0.0)


def train(step, steps, run=None):
    """(wall seconds, CPU seconds of the whole process: training thread and writer thread,
    CPU seconds of the training thread alone, CPU seconds of the writer thread and writer process)."""
    # Both sides run the same loop body (keeping the step's tensors alive and building the dict, as a real
    # loop does) so that the difference is trialbook's log() and writer alone.
    log = run.log if run is not None else _no_log
    helpers = helper_cpu(run)
    start, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    for _ in range(steps):
        loss, grad_norm, lr = step()
        log({"loss": loss, "grad_norm": grad_norm, "lr": lr})
    if run is not None:
        run.flush()
    return (time.perf_counter() - start, time.process_time() - cpu, time.thread_time() - own,
            helper_cpu(run) - helpers)


def paired_rounds(step, run, rounds, steps):
    wall, cpu, own, helpers, base_times, extra = [], [], [], [], [], []
    for r in range(rounds):
        if r % 2 == 0:
            without = train(step, steps)
            with_log = train(step, steps, run)
        else:
            with_log = train(step, steps, run)
            without = train(step, steps)
        wall.append(with_log[0] / without[0])
        cpu.append(with_log[1] / without[1])
        own.append(with_log[2] / without[2])
        helpers.append(with_log[3] / steps)
        base_times.append(without[0] / steps)
        extra.append((with_log[0] - without[0]) / steps)
    return wall, cpu, own, helpers, base_times, extra


def per_call(run, folder, step, calls):
    """Median cost of one log() call over batches of BATCH_CALLS: tensors, floats, and the baseline.
    Timed in the calling thread's CPU time, which a busy machine disturbs far less than wall time."""
    samples = [step() for _ in range(64)]
    tensors = [{"loss": s[0], "grad_norm": s[1], "lr": s[2]} for s in samples]
    floats = [{"loss": s[0].item(), "grad_norm": s[1].item(), "lr": s[2]} for s in samples]
    log = run.log

    def timed(dicts, call):
        batches = []
        for b in range(0, calls, BATCH_CALLS):
            t0 = time.thread_time()
            for i in range(b, b + BATCH_CALLS):
                call(dicts[i & 63])
            batches.append((time.thread_time() - t0) / BATCH_CALLS)
            run.flush()  # outside the timing: the writer's share is in the loop figures
        return statistics.median(batches)

    with open(os.path.join(folder, "baseline.jsonl"), "w") as handle:
        write, dumps = handle.write, json.dumps
        base = timed(floats, lambda d: write(dumps(d) + "\n"))
    return timed(tensors, log), timed(floats, log), base


def quartiles(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 4], ordered[(3 * n) // 4]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--steps", type=int, default=3000, help="training steps per side of a round")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--calls", type=int, default=100000, help="log() calls for the per-call figures")
    parser.add_argument("--breakdown", action="store_true", help="also time the stand-ins (module docstring)")
    parser.add_argument("--pairs", type=int, default=400, help="pairs of blocks per stand-in for --breakdown")
    args = parser.parse_args()
    torch.set_num_threads(1)
    step = make_model(args.hidden, args.batch)
    folder = tempfile.mkdtemp(prefix="trialbook-bench-torch-")
    try:
        run = trialbook.init(dir=folder, experiment="bench-torch", system_metrics=False, capture="none")
        train(step, 300)
        train(step, 300, run)  # warm up both sides
        wall, cpu, own, helpers, base_times, extra = paired_rounds(step, run, args.rounds, args.steps)
        breakdown, unwritten, native_missing = [], 0, None
        if args.breakdown:
            native, native_missing = floor.build_native(folder)
            pairs, emptied = floor.stand_ins(run, torch.Tensor, native)
            for label, log in pairs:
                breakdown.append((label, floor.interleaved(step, log, args.pairs)))
            unwritten = emptied()
        tensor_call, float_call, base_call = per_call(run, folder, step, args.calls)
        inline = run._writer.inline_chunks  # chunks written by log() itself because the writer fell behind
        run.finish()
        with open(os.path.join(run.dir, "events.jsonl"), "rb") as handle:
            lines = sum(1 for line in handle if b'"t":"metrics"' in line)
    finally:
        shutil.rmtree(folder, True)
    expected = 300 + args.rounds * args.steps + 2 * args.calls - unwritten
    if args.breakdown:
        expected += (args.pairs + 1) * floor.BLOCK_STEPS  # the real log()'s stand-in, less what it dropped
    if lines != expected:
        raise SystemExit("bench: expected %d metrics events, found %d" % (expected, lines))
    print("trialbook in a PyTorch loop (torch %s, 1 thread; MLP 32-%d-%d-1, batch %d): %d paired rounds of %d steps"
          % (torch.__version__, args.hidden, args.hidden, args.batch, args.rounds, args.steps))
    print("  baseline step (no logging): median %.3f ms" % (statistics.median(base_times) * 1e3))
    print("  load average (1 min) at the end: %.2f" % os.getloadavg()[0])
    for label, ratios in (("wall-clock time", wall), ("CPU time (both threads)", cpu), ("CPU time of the training thread", own)):
        median = statistics.median(ratios)
        low, high = quartiles(ratios)
        print("  %s with logging / without: median %.4fx (%+.2f %%)  (target < 1.01x)"
              % (label, median, (median - 1) * 100))
        print("    spread: min %.4fx, quartiles %.4fx..%.4fx, max %.4fx; per round: %s"
              % (min(ratios), low, high, max(ratios), " ".join("%.3f" % r for r in ratios)))
    print("  what logging adds to a step (wall clock): median %.1f us; the target's 1 %% of this loop's step is %.1f us"
          % (statistics.median(extra) * 1e6, statistics.median(base_times) * 1e4))
    if breakdown:
        print("  stand-ins for run.log, each against the same no-op in %d interleaved pairs of %d-step blocks"
              " (wall-clock, median of the paired ratios):" % (args.pairs, floor.BLOCK_STEPS))
    for label, (ratios, added) in breakdown:
        print("    %s: %s" % (label, floor.summary(ratios, added)))
    if native_missing:
        print("    (the C floor was not built: %s)" % native_missing)
    print("  CPU of the writer thread + writer process: median %.2f us a step (on other cores when they are free)"
          % (statistics.median(helpers) * 1e6))
    print("  log() per call, median of batches of %d (baseline: json.dumps + buffered write of the same floats,"
          " %.2f us):" % (BATCH_CALLS, base_call * 1e6))
    print("    tensor values (loss, grad_norm) + float lr: %.2f us = %.2fx the baseline" % (tensor_call * 1e6, tensor_call / base_call))
    print("    float values:                                %.2f us = %.2fx the baseline" % (float_call * 1e6, float_call / base_call))
    print("  chunks written by log() itself because the writer thread fell behind: %d" % inline)


if __name__ == "__main__":
    main()
