"""The writer process (_writer_process.py) and Run.log's fast path."""
import os
import subprocess
import sys
import textwrap
import time

from helpers import SdkTestCase, SDK_DIR, metrics_of
import trialbook


def run_script(test, body, timeout=120):
    script = "import os, signal, sys, time\nsys.path.insert(0, %r)\nimport trialbook\n" % SDK_DIR + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script, test.tmp], capture_output=True, text=True, timeout=timeout)


class WriterProcessTest(SdkTestCase):
    def test_sigkill_after_the_handover_keeps_every_event_the_writer_process_received(self):
        calls = 3000
        result = run_script(self, """
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            wide = {"m%%03d" %% j: 0.25 for j in range(200)}  # big chunks: the last one takes a while to write
            for i in range(%d):
                run.log(wide)
            run._writer.wake()
            writer = run._writer
            while writer.pending or writer.taken < writer.added:  # handed over, not necessarily written yet
                pass
            print(run.dir, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        """ % calls)
        self.assertEqual(result.returncode, -9, result.stderr)
        path = os.path.join(result.stdout.strip(), "events.jsonl")
        deadline = time.time() + 60
        count = -1
        while time.time() < deadline:
            with open(path, "rb") as handle:
                count = handle.read().count(b'"t":"metrics"')
            if count == calls:
                break
            time.sleep(0.2)
        self.assertEqual(count, calls)

    def test_falls_back_to_a_thread_when_the_process_cannot_start_and_says_so_once(self):
        result = run_script(self, """
            sys.executable = "/nonexistent/python3"
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            for i in range(1000):
                run.log({"loss": i * 0.5})
            run.finish()
            print(run.id)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.count("the writer process could not be started"), 1, result.stderr)
        self.assertIn("from a thread of this process instead", result.stderr)
        events = self.events(result.stdout.strip())
        self.assertEqual([e["values"]["loss"] for e in metrics_of(events)], [i * 0.5 for i in range(1000)])
        self.assertEqual(events[-1]["status"], "finished")

    def test_a_writer_process_killed_mid_run_is_replaced_by_the_thread_and_later_events_are_kept(self):
        result = run_script(self, """
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            run.log({"loss": 0.0})
            run.flush()
            os.kill(run._writer.process_pid, signal.SIGKILL)
            time.sleep(0.5)
            for i in range(1, 100):
                run.log({"loss": float(i)})
            run.finish()
            print(run.id)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("the writer process ended", result.stderr)
        events = self.events(result.stdout.strip())
        self.assertEqual([e["step"] for e in metrics_of(events)], list(range(100)))
        self.assertEqual(events[-1]["status"], "finished")

    def test_a_writer_process_killed_with_chunks_in_flight_loses_none_writes_none_twice_and_finish_returns(self):
        calls = 3000
        result = run_script(self, """
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            wide = {"m%%03d" %% j: 0.25 for j in range(200)}  # big chunks: the writer process is still writing
            for i in range(%d):
                run.log(wide)
            writer = run._writer
            writer.wake()
            while writer.pending or writer.taken < writer.added:  # all handed over, most not yet written
                pass
            os.kill(writer.process_pid, signal.SIGKILL)
            started = time.monotonic()
            run.finish()
            print(run.id)
            print("%%.1f" %% (time.monotonic() - started))
        """ % calls)
        self.assertEqual(result.returncode, 0, result.stderr)
        run_id, seconds = result.stdout.split()
        self.assertLess(float(seconds), 10.0)
        self.assertEqual(result.stderr.count("the writer process ended"), 1, result.stderr)
        events = self.events(run_id)  # every line whole (a cut line was dropped and rewritten)
        self.assertEqual([e["step"] for e in metrics_of(events)], list(range(calls)))
        self.assertEqual((events[-1]["t"], events[-1]["status"]), ("run_end", "finished"))

    def test_a_forked_worker_never_writes_through_the_pipe_nor_keeps_the_writer_process_alive(self):
        result = run_script(self, """
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            for i in range(10):
                run.log({"loss": float(i)})
            run.flush()
            worker = os.fork()
            if worker == 0:  # a DataLoader worker that logs by mistake, then outlives the run
                for i in range(5000):
                    run.log({"loss": -1.0})
                run.flush()
                run.finish()
                time.sleep(60)
                os._exit(0)
            for i in range(10, 20):
                run.log({"loss": float(i)})
            writer = run._writer
            pid = writer.process_pid
            started = time.monotonic()
            run.finish()
            elapsed = time.monotonic() - started
            print(run.id, pid is not None, writer._proc.poll() is not None, "%.1f" % elapsed)
            os.kill(worker, signal.SIGKILL)
            os.waitpid(worker, 0)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        run_id, had_process, exited, seconds = result.stdout.split()
        self.assertEqual((had_process, exited), ("True", "True"))
        self.assertLess(float(seconds), 10.0)  # and the writer process exited: the fork held no copy of the pipe
        self.assertNotIn("writer process", result.stderr)
        events = self.events(run_id)
        self.assertEqual([(e["step"], e["values"]["loss"]) for e in metrics_of(events)],
                         [(i, float(i)) for i in range(20)])
        self.assertEqual(events[-1]["status"], "finished")

    def test_the_writer_process_ignores_ctrl_c_sent_to_the_group_and_writes_to_the_end(self):
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
            import os, signal, sys, time
            sys.path.insert(0, %r)
            import trialbook
            run = trialbook.init(dir=sys.argv[1], system_metrics=False, capture="none")
            print(run.id, flush=True)
            for i in range(20000):
                run.log({"loss": float(i)})
            run.flush()
            print("logged", flush=True)
            time.sleep(60)
        """ % SDK_DIR), self.tmp], stdout=subprocess.PIPE, text=True, start_new_session=True)
        run_id = proc.stdout.readline().strip()
        self.assertEqual(proc.stdout.readline().strip(), "logged")
        os.killpg(proc.pid, 2)  # Ctrl-C: SIGINT to the whole process group
        proc.wait(60)
        proc.stdout.close()
        events = self.events(run_id)
        self.assertEqual(len(metrics_of(events)), 20000)
        self.assertEqual((events[-1]["t"], events[-1]["status"]), ("run_end", "killed"))


    def test_a_loop_logging_every_millisecond_hands_over_a_few_frames_a_second_not_one_per_32_events(self):
        # Each frame wakes the writer process (a read, a write, an answer) and costs a thread switch here,
        # whatever its size: a training loop must not pay that every few dozen steps (issue 10).
        run = trialbook.init(dir=self.tmp, system_metrics=False, capture="none")
        writer = run._writer
        self.assertIsNotNone(writer.process_pid)
        run.flush()
        before = writer.frames_sent
        started = time.monotonic()
        steps = 0
        while time.monotonic() - started < 1.2:  # up to 1,200 steps, past the 1 s flush interval
            run.log({"loss": steps * 0.5, "grad_norm": 1.0, "lr": 0.01})
            steps += 1
            time.sleep(0.001)
        run.flush()
        frames = writer.frames_sent - before
        run.finish()
        self.assertGreater(steps, 300)  # a busy machine sleeps longer than asked
        # two timer wakes a second, the flush's last chunk and its token (before: ~40 frames of 32 events)
        self.assertLessEqual(frames, 6, "%d frames for %d steps" % (frames, steps))
        values = [e["values"]["loss"] for e in metrics_of(self.events(run.id))]
        self.assertEqual(values, [i * 0.5 for i in range(steps)])


class FastPathTest(SdkTestCase):
    def test_a_bad_value_under_known_names_fails_as_on_the_first_call(self):
        first = trialbook.init(dir=self.tmp, system_metrics=False)
        with self.assertRaises(TypeError) as fresh:
            first.log({"loss": "high", "lr": 0.1})
        first.finish()
        run = trialbook.init(dir=self.tmp, system_metrics=False)
        for i in range(5):
            run.log({"loss": float(i), "lr": 0.1})  # the names are known: the fast path takes these
        with self.assertRaises(TypeError) as known:
            run.log({"loss": "high", "lr": 0.1})
        self.assertEqual(str(known.exception), str(fresh.exception))
        self.assertEqual(run.step, 5)  # the failed call changed nothing
        run.log({"loss": float("nan"), "lr": True})  # odd values fall back and are stored as always
        run.log({"loss": 2, "lr": 0.1}, step=9)
        run.log({"loss": 3.0, "lr": 0.1})
        run.finish()
        values = [(e["step"], e["values"]) for e in metrics_of(self.events(run.id))]
        self.assertEqual(values[5:], [(5, {"loss": "NaN", "lr": 1}), (9, {"loss": 2, "lr": 0.1}),
                                      (10, {"loss": 3.0, "lr": 0.1})])
        self.assertEqual(run.summary["loss"], 3.0)
