"""Exit paths in real child processes: normal exit, exceptions, SIGTERM, SIGKILL, heartbeats."""
import json
import os
import shutil
import signal
import tempfile
import time
import unittest

from helpers import SdkTestCase, metrics_of, read_lines, validate_log, validator

LOOP = """
import sys, time, trialbook
run = trialbook.init(experiment="exit", system_metrics=False, flush_interval=0.05, heartbeat_interval=0.2)
print(run.id, flush=True)
i = 0
while True:
    run.log({"loss": 1.0 / (i + 1), "step_time": 0.001, "lr": 0.1, "acc": i * 0.01})
    i += 1
    if i % 20 == 0:
        time.sleep(0.01)  # a training step takes time; also keeps the test light on CPU
"""


class ExitTest(SdkTestCase):
    def wait_for_lines(self, proc, count, timeout=15):
        run_id = proc.stdout.readline().decode().strip()
        self.assertTrue(run_id, proc.stderr.read().decode() if proc.poll() is not None else "no run id printed")
        path = os.path.join(self.tmp, ".trialbook", "runs", run_id, "events.jsonl")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    if handle.read().count(b"\n") >= count:
                        return run_id, path
            time.sleep(0.05)
        self.fail("the child wrote fewer than %d lines" % count)

    def test_normal_exit_without_finish_flushes_everything(self):
        proc = self.child("""
            import trialbook
            run = trialbook.init(system_metrics=False, flush_interval=60)
            for i in range(1000):
                run.log({"loss": float(i)})
            print(run.id)
        """)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        events = self.events(proc.stdout.decode().strip())
        self.assertEqual([e["step"] for e in metrics_of(events)], list(range(1000)))
        self.assertEqual(events[-1]["status"], "finished")

    def test_uncaught_exception_marks_failed(self):
        proc = self.child("""
            import trialbook
            run = trialbook.init(system_metrics=False)
            print(run.id, flush=True)
            run.log({"loss": 1.0})
            raise ValueError("diverged")
        """)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"ValueError: diverged", proc.stderr)  # the user's traceback still shows
        events = self.events(proc.stdout.decode().strip())
        self.assertEqual((events[-1]["status"], events[-1]["error"]), ("failed", "ValueError: diverged"))
        self.assertEqual(len(metrics_of(events)), 1)

    def test_sys_exit_with_a_failure_code_or_message_marks_failed_and_zero_finished(self):
        cases = [("sys.exit(3)", 3, "failed", "exited with status 3 (sys.exit)"),
                 ("sys.exit('bad config: lr < 0')", 1, "failed", "exited: bad config: lr < 0"),
                 ("sys.exit(0)", 0, "finished", None),
                 ("sys.exit()", 0, "finished", None)]
        for call, code, status, error in cases:
            with self.subTest(call=call):
                proc = self.child('''
                    import sys, trialbook
                    run = trialbook.init(system_metrics=False)
                    print(run.id, flush=True)
                    run.log({"loss": 1.0})
                    %s
                ''' % call)
                self.assertEqual(proc.returncode, code, proc.stderr.decode())
                end = self.events(proc.stdout.decode().strip().splitlines()[0])[-1]
                self.assertEqual((end["status"], end.get("error")), (status, error))

    def test_sys_exit_in_a_worker_thread_does_not_fail_the_run(self):
        proc = self.child('''
            import sys, threading, trialbook
            run = trialbook.init(system_metrics=False)
            print(run.id, flush=True)
            worker = threading.Thread(target=lambda: sys.exit(2))  # ends only that thread
            worker.start()
            worker.join()
            run.log({"loss": 1.0})
        ''')
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(self.events(proc.stdout.decode().strip())[-1]["status"], "finished")

    def test_keyboard_interrupt_marks_killed(self):
        proc = self.child("""
            import trialbook
            run = trialbook.init(system_metrics=False)
            print(run.id, flush=True)
            raise KeyboardInterrupt
        """)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.events(proc.stdout.decode().strip())[-1]["status"], "killed")

    def test_sigterm_writes_killed_and_exits_like_the_default(self):
        proc = self.child(LOOP, wait=False)
        run_id, path = self.wait_for_lines(proc, 20)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        events = validate_log(path)
        self.assertEqual(events[-1]["t"], "run_end")
        self.assertEqual(events[-1]["status"], "killed")
        steps = [e["step"] for e in metrics_of(events)]
        self.assertGreater(len(steps), 10)
        self.assertEqual(steps, list(range(len(steps))))  # nothing lost or duplicated up to the signal

    def test_sigterm_chains_the_programs_own_handler(self):
        proc = self.child("""
            import signal, sys, time, trialbook
            def on_term(signum, frame):
                print("checkpointing", flush=True)
                sys.exit(3)
            signal.signal(signal.SIGTERM, on_term)
            run = trialbook.init(system_metrics=False, flush_interval=0.05)
            print(run.id, flush=True)
            run.log({"loss": 1.0})
            while True:
                time.sleep(0.01)
        """, wait=False)
        run_id, path = self.wait_for_lines(proc, 2)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 3)
        self.assertIn(b"checkpointing", out)
        self.assertEqual(validate_log(path)[-1]["status"], "killed")

    def test_sigkill_leaves_only_valid_complete_lines_and_heartbeats(self):
        proc = self.child(LOOP, wait=False)
        run_id, path = self.wait_for_lines(proc, 200)
        time.sleep(0.5)  # let a few heartbeats happen
        proc.kill()
        proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        lines, tail = read_lines(path)
        events = validate_log(path)  # every complete line is JSON and matches the schema
        self.assertEqual(len(events), len(lines))
        self.assertNotIn("run_end", [e["t"] for e in events])
        self.assertGreaterEqual(len([e for e in events if e["t"] == "heartbeat"]), 1)
        if tail:
            self.assertTrue(tail.startswith(b"{"))  # at most one partial trailing line

    def test_heartbeat_comes_without_logging(self):
        proc = self.child("""
            import time, trialbook
            run = trialbook.init(system_metrics=False, heartbeat_interval=0.1, flush_interval=0.05)
            print(run.id)
            time.sleep(0.8)
            run.finish()
        """)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        events = self.events(proc.stdout.decode().strip())
        beats = [e["ts"] for e in events if e["t"] == "heartbeat"]
        self.assertGreaterEqual(len(beats), 3)
        self.assertEqual(beats, sorted(beats))

    def test_no_heartbeat_after_run_end(self):
        # Busy runs (a drain is under way when run_end is queued) with a heartbeat due at every
        # wake. Their own folder: validating ~400,000 lines against the schema would take minutes.
        folder = tempfile.mkdtemp(prefix="trialbook-heartbeat-")
        self.addCleanup(shutil.rmtree, folder, True)
        proc = self.child("""
            import time, trialbook
            ids = []
            for n in range(30):
                run = trialbook.init(system_metrics=False, heartbeat_interval=0.001, flush_interval=0.001,
                                     capture="none")
                ids.append(run.id)
                end = time.time() + 0.03
                while time.time() < end:
                    run.log({"loss": 1.0})
                run.finish()
            print(" ".join(ids))
        """, env={"TRIALBOOK_DIR": folder})
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        last = []
        for run_id in proc.stdout.decode().split():
            lines, tail = read_lines(os.path.join(folder, ".trialbook", "runs", run_id, "events.jsonl"))
            self.assertEqual(tail, b"")
            events = [json.loads(line) for line in lines[-5:]]
            self.assertEqual([e for e in events if list(validator().iter_errors(e))], [])
            last.append(events[-1]["t"])
        self.assertEqual(last, ["run_end"] * 30)

if __name__ == "__main__":
    unittest.main()
