"""The SDK under a tight loop, in real child processes: what a SIGKILL loses, and how much memory
the queue may hold when the writer falls behind."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import SdkTestCase, metrics_of, read_lines, validator

# The loss bound the README states is about one second (the flush interval); the tests allow
# half a second more for a loaded machine.
LOSS_BOUND_SECONDS = 1.5
MEMORY_BOUND_BYTES = 64 * 1024 * 1024

# Logs 4 metrics per step as fast as Python allows. Every 512 steps it appends "<steps logged>
# <time>" to a side file with an unbuffered write, which a SIGKILL cannot undo: the test learns
# from it how much had been logged, and when.
TIGHT = """
import os, sys, time, trialbook
side = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
run = trialbook.init(experiment="tight", system_metrics=False)
print(run.id, flush=True)
log, write, now = run.log, os.write, time.time
i = 0
while True:
    log({"loss": 1.0 / (i + 1), "acc": i * 1e-6, "lr": 0.001, "grad_norm": 0.5 + (i % 7)})
    i += 1
    if i & 511 == 0:
        write(side, b"%d %.6f\\n" % (i, now()))
"""

# 256 metrics per call: encoding them takes longer than logging them, so the writer falls behind.
WIDE = """
import json, resource, sys, trialbook
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
keys = ["layer%03d/grad_norm" % j for j in range(256)]
run = trialbook.init(experiment="wide", system_metrics=False)
values = {k: 0.0 for k in keys}
run.log(values)
before = peak()
calls = int(sys.argv[1])
for i in range(1, calls):
    for j, k in enumerate(keys):
        values[k] = i + j / 1024.0
    run.log(values)
during = peak()
run.finish()
print(json.dumps({"run": run.id, "before": before, "during": during, "after": peak()}))
"""


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class TightLoopTest(SdkTestCase):
    def dirty_repo(self):
        """A git repository with an uncommitted change: init() runs git status and saves the diff.
        Outside self.tmp: its log of ~100,000 lines is parsed here, and schema-validated in part
        (all of it would take minutes)."""
        repo = tempfile.mkdtemp(prefix="trialbook-tight-")
        self.addCleanup(shutil.rmtree, repo, True)
        git(repo, "init", "-q", "-b", "main")
        with open(os.path.join(repo, "train.py"), "w") as handle:
            handle.write("print('train')\n")
        git(repo, "add", "train.py")
        git(repo, "commit", "-q", "-m", "first")
        with open(os.path.join(repo, "train.py"), "a") as handle:
            handle.write("# a change\n" * 2000)
        return repo

    def test_sigkill_in_a_tight_loop_in_a_git_repo_loses_at_most_about_a_second(self):
        repo = self.dirty_repo()
        side = os.path.join(self.tmp, "progress.txt")
        proc = self.child("import sys; sys.argv = ['tight', %r]\n" % side + TIGHT, wait=False, cwd=repo,
                          env={"TRIALBOOK_DIR": ""})
        self.addCleanup(proc.kill)
        run_id = proc.stdout.readline().decode().strip()
        self.assertTrue(run_id, proc.stderr.read().decode() if proc.poll() is not None else "no run id printed")
        time.sleep(3.0)
        killed_at = time.time()
        proc.kill()
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGKILL)

        progress = []
        with open(side) as handle:
            for line in handle:
                steps, at = line.split()
                progress.append((int(steps), float(at)))
        lines, tail = read_lines(os.path.join(repo, ".trialbook", "runs", run_id, "events.jsonl"))
        events = [json.loads(line) for line in lines]  # every complete line is JSON
        check = validator()
        for event in events[:20] + events[-20:]:
            self.assertEqual(list(check.iter_errors(event)), [])
        if tail:
            self.assertTrue(tail.startswith(b"{"))  # at most one partial trailing line
        self.assertEqual(events[0]["t"], "run_start")
        self.assertTrue(events[0]["lineage"]["git"]["dirty"])
        steps = [e["step"] for e in metrics_of(events)]
        self.assertEqual(steps, list(range(len(steps))), "the log has gaps or duplicates")
        on_disk = len(steps)
        logged = progress[-1][0]
        self.assertGreater(logged, 20000, "the child logged too little to test anything: %r" % progress[-3:])
        # Everything logged more than LOSS_BOUND_SECONDS before the kill must be on disk.
        due = max([n for n, at in progress if at <= killed_at - LOSS_BOUND_SECONDS] or [0])
        reached = min([at for n, at in progress if n >= on_disk] or [killed_at])
        self.assertGreaterEqual(
            on_disk, due,
            "%d steps logged by %.2f s before the kill, only %d on disk (the newest on disk was logged %.2f s "
            "before the kill; %d logged in all)" % (due, LOSS_BOUND_SECONDS, on_disk, killed_at - reached, logged))

    def test_memory_stays_bounded_when_the_writer_falls_behind_and_nothing_is_dropped(self):
        calls = 8000
        # Its own folder: validating 2 million values against the schema would take minutes, so this
        # test parses every line and validates a sample.
        folder = tempfile.mkdtemp(prefix="trialbook-wide-")
        self.addCleanup(shutil.rmtree, folder, True)
        proc = self.child("import sys; sys.argv = ['wide', '%d']\n" % calls + WIDE, timeout=300,
                          env={"TRIALBOOK_DIR": folder})
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        report = json.loads(proc.stdout.decode().strip().splitlines()[-1])
        grew = report["during"] - report["before"]
        self.assertLessEqual(grew, MEMORY_BOUND_BYTES,
                             "the process grew by %.0f MiB while logging" % (grew / 2 ** 20))
        lines, tail = read_lines(os.path.join(folder, ".trialbook", "runs", report["run"], "events.jsonl"))
        self.assertEqual(tail, b"")
        events = [json.loads(line) for line in lines]
        check = validator()
        for event in events[:20] + events[-20:]:
            self.assertEqual(list(check.iter_errors(event)), [])
        metrics = metrics_of(events)
        self.assertEqual([e["step"] for e in metrics], list(range(calls)))
        self.assertEqual(metrics[-1]["values"]["layer255/grad_norm"], calls - 1 + 255 / 1024.0)
        self.assertTrue(all(len(e["values"]) == 256 for e in metrics))
        self.assertEqual(events[-1]["status"], "finished")

if __name__ == "__main__":
    unittest.main()
