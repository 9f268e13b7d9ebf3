"""Stand-ins for run.log, timed against the same no-op in short interleaved blocks (sdk_torch.py --breakdown).

Each stand-in and the no-op take turns every BLOCK_STEPS training steps (ABBA), so the machine's drift falls
on both sides; a paired ratio per pair of blocks, and the median of those. None of them writes anything, so no
writer's work can leak into the no-op's blocks; the real log()'s writer is in sdk_torch.py's main figures.
"""
import array
import importlib.util
import os
import statistics
import subprocess
import sys
import sysconfig
import time

BLOCK_STEPS = 100
HERE = os.path.dirname(os.path.abspath(__file__))


def _no_log(metrics):
    """The no-op each stand-in is paired with."""


def _empty(metrics):
    """A second no-op (A/A): what the pairing itself shows; should be 0."""


def stand_ins(run, tensor_type, native):
    """((label, log) pairs, a function giving how many events the real log()'s stand-in dropped);
    `native` is the C floor's module or None."""
    def read_only(metrics):
        for value in metrics.values():
            if type(value) is tensor_type:
                value.tolist()

    columns = array.array("d")
    keep, now = columns.append, time.time

    def least_python(metrics):
        # timestamp, read, keep four numbers: no Python object survives the call
        keep(now())
        for value in metrics.values():
            keep(value.tolist() if type(value) is tensor_type else value)
        if len(columns) > 5200:
            del columns[:]

    queue = []

    def least_python_objects(metrics, append=queue.append):
        # the same, keeping what an asynchronous writer's queue holds today: a tuple and a dict a step
        append((now(), 0, {k: (v.tolist() if type(v) is tensor_type else v) for k, v in metrics.items()}, None))
        if len(queue) > 1300:
            queue.clear()

    def keep_tensors(metrics, append=queue.append):
        # a writer that read the tensors later would keep them (and what they hold) alive until then
        append((now(), metrics))
        if len(queue) > 1300:
            queue.clear()

    writer, pending, log = run._writer, run._pending, run.log

    def log_unwritten(metrics):
        log(metrics)
        if len(pending) > 1300:
            log_unwritten.emptied += len(pending)
            pending.clear()
            writer.taken = writer.added

    log_unwritten.emptied = 0  # events it logged and then dropped: the caller's count of events written

    pairs = [("an empty function (A/A: what the pairing itself shows)", _empty),
             ("read the two tensors (tolist) and nothing else", read_only),
             ("the least pure-Python log(): a timestamp, the values read and kept in an array('d'), "
              "no object kept per step", least_python),
             ("the same keeping a tuple + dict a step (what log() queues)", least_python_objects),
             ("keeping each step's dict and tensors unread, as a writer that read them later would", keep_tensors),
             ("the real log() with its queue emptied, never written", log_unwritten)]
    if native is not None:
        native.setup(tensor_type)
        pairs.append(("the least log() in C (bench/sdk_torch_floor.c): no object kept per step", native.log))
    return pairs, lambda: log_unwritten.emptied


def build_native(folder):
    """The C floor, compiled into `folder` and imported; (module, None) or (None, why not)."""
    source = os.path.join(HERE, "sdk_torch_floor.c")
    target = os.path.join(folder, "sdk_torch_floor_native" + sysconfig.get_config_var("EXT_SUFFIX"))
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        return None, "no Python headers in %s (Debian: python3-dev)" % include
    try:
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-I" + include, source, "-o", target],
                       check=True, capture_output=True, text=True)
    except FileNotFoundError:
        return None, "no C compiler (Debian: gcc)"
    except subprocess.CalledProcessError as exc:
        return None, "cc failed: %s" % exc.stderr.strip()[:300]
    spec = importlib.util.spec_from_file_location("sdk_torch_floor_native", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, None


def _block(step, log):
    start = time.perf_counter()
    for _ in range(BLOCK_STEPS):
        loss, grad_norm, lr = step()
        log({"loss": loss, "grad_norm": grad_norm, "lr": lr})
    return time.perf_counter() - start


def interleaved(step, log, pairs):
    """(paired ratios stand-in / no-op, paired differences in seconds a step) over `pairs` pairs of blocks,
    in ABBA order."""
    _block(step, log)
    _block(step, _no_log)
    ratios, extra = [], []
    for i in range(pairs):
        if i % 2 == 0:
            base = _block(step, _no_log)
            timed = _block(step, log)
        else:
            timed = _block(step, log)
            base = _block(step, _no_log)
        ratios.append(timed / base)
        extra.append((timed - base) / BLOCK_STEPS)
    return ratios, extra


def summary(ratios, extra):
    """'+x.xx % (quartiles +a..+b %), +y.y us a step' of interleaved()'s figures."""
    ordered = sorted(ratios)
    n = len(ordered)
    return "%+.2f %% (quartiles %+.2f..%+.2f %%), %+.1f us a step" % (
        (statistics.median(ordered) - 1) * 100, (ordered[n // 4] - 1) * 100, (ordered[(3 * n) // 4] - 1) * 100,
        statistics.median(extra) * 1e6)


if __name__ == "__main__":
    sys.exit("bench: run sdk_torch.py --breakdown")
