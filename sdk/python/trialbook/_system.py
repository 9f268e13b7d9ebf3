"""Background sampler of system metrics (stdlib only): this process's CPU and memory,
the machine's memory, and GPUs through nvidia-smi when it exists.

Samples go out as `system/*` metrics on their own timeline: their step is the whole
number of seconds since the run started, so they never touch the user's step counter.
"""
import os
import shutil
import subprocess
import threading
import time

NVIDIA_SMI_TIMEOUT = 5.0


class SystemSampler:
    def __init__(self, emit, interval=10.0):
        self._emit = emit
        self._interval = float(interval)
        self._stop = threading.Event()
        self._thread = None
        self._nvidia_smi = shutil.which("nvidia-smi")
        self._last = None
        self._pid = os.getpid()

    def start(self):
        self._last = (time.monotonic(), _cpu_seconds())
        self._thread = threading.Thread(target=self._loop, name="trialbook-system", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(1.0)

    def _loop(self):
        while not self._stop.wait(self._interval):
            if os.getpid() != self._pid:
                return
            try:
                values = self.sample()
            except Exception:
                continue  # sampling is best effort
            if values:
                self._emit(values)

    def sample(self):
        values = {}
        now, cpu = time.monotonic(), _cpu_seconds()
        if self._last is not None and cpu is not None and self._last[1] is not None:
            wall = now - self._last[0]
            if wall > 0:
                values["system/cpu_percent"] = round(100.0 * (cpu - self._last[1]) / wall, 2)
        self._last = (now, cpu)
        rss = rss_bytes()
        if rss is not None:
            values["system/memory_rss_mb"] = round(rss / 1048576.0, 2)
        mem = _meminfo_percent()
        if mem is not None:
            values["system/memory_percent"] = mem
        if self._nvidia_smi:
            values.update(gpu_sample(self._nvidia_smi))
        return values


def _cpu_seconds():
    try:
        times = os.times()
        return times.user + times.system
    except OSError:
        return None


def rss_bytes():
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
        import sys
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # peak, the best we have
    except Exception:
        return None


def _meminfo_percent():
    try:
        fields = {}
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                name, _, rest = line.partition(b":")
                fields[name] = int(rest.split()[0])
        total, available = fields[b"MemTotal"], fields[b"MemAvailable"]
        return round(100.0 * (total - available) / total, 2)
    except (OSError, KeyError, ValueError, IndexError, ZeroDivisionError):
        return None


def gpu_sample(nvidia_smi):
    try:
        out = subprocess.run(
            [nvidia_smi, "--query-gpu=index,utilization.gpu,memory.used,memory.total",
             "--format=csv,noheader,nounits"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            timeout=NVIDIA_SMI_TIMEOUT, check=False).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return {}
    values = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            continue
        index = parts[0]
        for name, text in (("utilization_percent", parts[1]), ("memory_used_mb", parts[2]),
                           ("memory_total_mb", parts[3])):
            try:
                values["system/gpu%s/%s" % (index, name)] = float(text)
            except ValueError:
                pass  # "[N/A]" on some boards
    return values
