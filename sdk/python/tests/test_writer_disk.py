"""A real full disk under each writer: a small tmpfs mounted in a private mount namespace (unshare),
so the writer process itself gets ENOSPC from the kernel, as it would on a full volume."""
import os
import subprocess
import sys
import textwrap

from helpers import SdkTestCase, SDK_DIR, metrics_of

DISK_KIB = 256
# Runs inside the namespace: logs, fills the disk, logs on; then copies the log out of the tmpfs
# (which vanishes with the namespace) into the test's workspace as .trialbook/runs/<id>/events.jsonl.
SCRIPT = """
import errno, os, shutil, sys, time, warnings
sys.path.insert(0, %r)
import trialbook

def show(message, category, filename, lineno, file=None, line=None):
    print("WARNING: " + str(message).replace("\\n", " "), flush=True)

warnings.showwarning = show
warnings.simplefilter("always")
disk, out, free_later = sys.argv[1], sys.argv[2], sys.argv[3] == "free"
run = trialbook.init(dir=os.path.join(disk, ".trialbook"), system_metrics=False, capture="none", flush_interval=0.05,
                     heartbeat_interval=3600)  # no heartbeat among the counted lines
for i in range(100):
    run.log({"loss": float(i)})
run.flush()
filler = os.path.join(disk, "filler")
fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
try:
    while True:
        os.write(fd, b"x" * 4096)
except OSError as exc:
    assert exc.errno == errno.ENOSPC, exc
os.close(fd)
for i in range(100, 300):
    run.log({"loss": float(i)})
    if i %% 50 == 0:
        run.flush()
        time.sleep(0.1)
if free_later:
    os.remove(filler)
    for i in range(300, 400):
        run.log({"loss": float(i)})
started = time.monotonic()
run.finish()
print("FINISH %%.1f" %% (time.monotonic() - started), flush=True)
target = os.path.join(out, ".trialbook", "runs", run.id)
os.makedirs(target)
shutil.copy(os.path.join(run.dir, "events.jsonl"), target)
print("RUN " + run.id)
"""


class FullDiskTest(SdkTestCase):
    def full_disk(self, writer, free_later):
        disk = os.path.join(self.tmp, "disk")
        os.makedirs(disk)
        env = dict(os.environ, TRIALBOOK_WRITER=writer)
        command = ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c',
                   'mount -t tmpfs -o size=%dk tmpfs "$1" && exec "$2" -c "$3" "$1" "$4" "$5"' % DISK_KIB, 'sh',
                   disk, sys.executable, SCRIPT % SDK_DIR, self.tmp, "free" if free_later else "stay"]
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        warnings = [line for line in lines if line.startswith("WARNING: ")]
        finish = [float(line.split()[1]) for line in lines if line.startswith("FINISH ")]
        run_id = [line.split()[1] for line in lines if line.startswith("RUN ")]
        self.assertEqual(len(finish), 1, proc.stdout)
        self.assertLess(finish[0], 10.0, "finish() must not hang on a full disk")
        cannot = [w for w in warnings if "cannot write the run log" in w]
        self.assertEqual(len(cannot), 1, proc.stdout + proc.stderr)
        self.assertIn("No space left on device", cannot[0])
        self.assertIn("Free disk space", cannot[0])
        return self.events(run_id[0]), warnings, proc

    def check_recovers(self, writer):
        events, warnings, _proc = self.full_disk(writer, free_later=True)
        self.assertEqual([e["step"] for e in metrics_of(events)], list(range(400)))
        self.assertEqual(events[-1]["status"], "finished")
        self.assertEqual([w for w in warnings if "lost" in w], [])

    def check_stays_full(self, writer):
        events, warnings, proc = self.full_disk(writer, free_later=False)
        steps = [e["step"] for e in metrics_of(events)]
        kept = len(steps)
        self.assertGreaterEqual(kept, 100)  # what was written before the disk filled survives
        self.assertEqual(steps, list(range(kept)))
        lost = [w for w in warnings if "could not be written and are lost" in w]
        self.assertEqual(len(lost), 1, proc.stdout + proc.stderr)
        # the unwritten metrics events and the run_end
        self.assertIn("the last %d events" % (300 - kept + 1), lost[0])
        self.assertIn("Free disk space", lost[0])

    def test_process_writer_disk_full_warns_once_and_writes_everything_once_space_is_freed(self):
        self.check_recovers("process")

    def test_process_writer_disk_full_to_the_end_keeps_what_was_written_says_what_was_lost_and_finishes(self):
        self.check_stays_full("process")

    def test_thread_writer_disk_full_to_the_end_keeps_what_was_written_says_what_was_lost_and_finishes(self):
        self.check_stays_full("thread")


if __name__ == "__main__":
    import unittest
    unittest.main()
