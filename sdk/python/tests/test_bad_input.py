"""Bad input fails clearly at the call site; storage trouble warns once and never stops training."""
import errno
import math
import os
import shutil
import stat
import unittest
import warnings

from helpers import SdkTestCase, SDK_DIR, metrics_of

import trialbook
from trialbook import _writer


class NotANumber:
    def __repr__(self):
        return "NotANumber()"


class Vector:
    """Like a NumPy array / tensor with several elements: .item() refuses."""
    size = 3

    def item(self):
        raise ValueError("can only convert an array of size 1 to a Python scalar")


class BadInputTest(SdkTestCase):
    def setUp(self):
        super().setUp()
        if "disk" in self._testMethodName or "backlog" in self._testMethodName:
            # these replace the in-thread writer's file; the writer process runs the same code (_ChildWriter)
            os.environ["TRIALBOOK_WRITER"] = "thread"
            self.addCleanup(os.environ.pop, "TRIALBOOK_WRITER", None)
        self.run = trialbook.init(dir=self.tmp, system_metrics=False)

    def test_bad_metric_values_raise_and_log_nothing(self):
        cases = [({"loss": "0.5"}, TypeError, r"metric 'loss' has value '0.5' of type str; metric values must be numbers"),
                 ({"loss": None}, TypeError, r"metric 'loss' has value None"),
                 ({"w": Vector()}, TypeError, r"'w' is an array/tensor with 3 elements; log one number"),
                 ({"c": 1j}, TypeError, r"type complex"),
                 ({"ok": 1.0, "x": NotANumber()}, TypeError, r"NotANumber\(\)"),
                 ({"": 1.0}, ValueError, r"metric name is empty"),
                 ({"k" * 251: 1.0}, ValueError, r"251 characters long; the limit is 250"),
                 ({3: 1.0}, TypeError, r"metric name 3 is a int; names must be strings")]
        for metrics, error, message in cases:
            with self.subTest(metrics=repr(metrics)[:40]):
                with self.assertRaisesRegex(error, message):
                    self.run.log(metrics)
        with self.assertRaisesRegex(TypeError, r"log\(\) takes a dict"):
            self.run.log(0.5)
        with self.assertRaisesRegex(ValueError, r"step must be ≥ 0"):
            self.run.log({"a": 1.0}, step=-1)
        with self.assertRaisesRegex(TypeError, r"step must be an integer"):
            self.run.log({"a": 1.0}, step="3")
        self.run.log({"k" * 250: 1.0})  # the limit itself is fine
        self.run.finish()
        metrics = metrics_of(self.events())
        self.assertEqual([(e["step"], list(e["values"])) for e in metrics], [(0, ["k" * 250])])

    def test_unserialisable_config_falls_back_to_repr_with_warning(self):
        with self.assertWarnsRegex(UserWarning, r"config value\(s\) 'model' could not be stored as JSON"):
            run = trialbook.init(dir=self.tmp, system_metrics=False, config={"model": NotANumber(), "lr": math.inf})
        with self.assertWarnsRegex(UserWarning, r"'opt'"):
            run.config["opt"] = NotANumber()
        with self.assertRaisesRegex(ValueError, "param name is empty"):
            run.config.update({"": 1})
        run.finish()
        events = self.events(run.id)
        self.assertEqual(events[0]["config"], {"model": "NotANumber()", "lr": {"$float": "Infinity"}})
        self.assertEqual([e["params"] for e in events if e["t"] == "params"], [{"opt": "NotANumber()"}])

    def test_logging_after_finish_warns_and_keeps_going(self):
        self.run.finish()
        with self.assertWarnsRegex(RuntimeWarning, "is finished"):
            self.run.log({"loss": 1.0})
        self.run.log({"loss": 2.0})  # warned once; still no exception
        self.assertEqual(metrics_of(self.events()), [])

    def test_full_disk_warns_once_then_recovers_without_losing_lines(self):
        run = self.run
        run.flush()
        real = run._writer._file

        class FullDisk:
            """Writes half of the first chunk, then fails as a full disk does."""

            def __init__(self):
                self.calls = 0

            def write(self, data):
                self.calls += 1
                if self.calls == 1:
                    return real.write(bytes(data[: len(data) // 2]))
                raise OSError(errno.ENOSPC, "No space left on device")

            def close(self):
                pass

        run._writer._file = FullDisk()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i in range(50):
                run.log({"loss": float(i)})
                if i % 10 == 0:
                    run.flush()  # each flush hits the full disk again
        messages = [str(w.message) for w in caught if "cannot write the run log" in str(w.message)]
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("No space left on device", messages[0])
        run._writer._file = real  # space freed
        run.finish()
        events = self.events()
        self.assertEqual([e["step"] for e in metrics_of(events)], list(range(50)))
        self.assertEqual(events[-1]["status"], "finished")

    def test_events_beyond_the_backlog_are_counted_and_reported_when_writing_works_again(self):
        run = self.run
        run.flush()
        real = run._writer._file

        class FullDisk:
            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

            def close(self):
                pass

        run._writer._file = FullDisk()
        # A 1 MiB backlog instead of 32 MiB: what is kept is schema-validated at the end of the test.
        self.addCleanup(setattr, _writer, "MAX_BACKLOG_BYTES", _writer.MAX_BACKLOG_BYTES)
        _writer.MAX_BACKLOG_BYTES = 1 << 20
        wide = {"m%02d" % j: 0.5 for j in range(64)}  # ~0.7 KiB a line
        calls = 3000
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i in range(calls):
                run.log(wide)
            run.flush()
        messages = [str(w.message) for w in caught]
        self.assertEqual(len([m for m in messages if "newer events are being dropped" in m]), 1, messages)
        run._writer._file = real  # space freed
        run.finish()
        events = self.events()
        kept = len(metrics_of(events))
        self.assertGreater(kept, 1000)
        self.assertLess(kept, calls)
        reports = [e["message"] for e in events if e["t"] == "warning" and "were dropped" in e["message"]]
        self.assertEqual(reports, ["trialbook: %d events were dropped because the run log could not be written "
                                   "and 1 MiB of events were already waiting" % (calls - kept)])
        self.assertEqual(events[-1]["status"], "finished")


class StorageTest(SdkTestCase):
    def test_read_only_directory_warns_once_and_training_continues(self):
        locked = os.path.join(self.tmp, "locked")
        os.makedirs(locked)
        os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        self.addCleanup(os.chmod, locked, 0o755)
        # root ignores permissions, so the child drops to an unprivileged user when we are root
        demote = "import os\nif os.getuid() == 0:\n    os.setgid(65534); os.setuid(65534)\n"
        os.chmod(self.tmp, 0o755)
        # a copy of the SDK the unprivileged user can read wherever the checkout lives (e.g. under /root)
        readable = os.path.join(self.tmp, "sdk")
        shutil.copytree(os.path.join(SDK_DIR, "trialbook"), os.path.join(readable, "trialbook"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        for folder, dirs, names in os.walk(readable):
            os.chmod(folder, 0o755)
            for name in names:
                os.chmod(os.path.join(folder, name), 0o644)
        proc = self.child(demote + """
import trialbook, warnings
warnings.simplefilter("always")
run = trialbook.init(dir=%r, system_metrics=False, flush_interval=0.05)
for i in range(2000):
    run.log({"loss": float(i)})
run.config["lr"] = 0.1
run.finish()
print("training finished")
""" % locked, env={"HOME": self.tmp, "PYTHONPATH": readable})
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertIn(b"training finished", proc.stdout)
        err = proc.stderr.decode()
        self.assertEqual(err.count("cannot create the run log"), 1, err)
        self.assertIn("writable folder", err)
        self.assertEqual(os.listdir(locked), [])

    def test_format_version_mismatch_warns_once_with_advice(self):
        code = "import trialbook\nfor _ in range(2):\n    trialbook.init(system_metrics=False).finish()\n"
        proc = self.child(code, env={"TRIALBOOK_FORMAT_VERSION": "2"})
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        err = proc.stderr.decode()
        self.assertEqual(err.count("writes event format version 1"), 1, err)
        self.assertIn("expects version 2", err)
        self.assertIn("Trialbook: Install Python SDK", err)
        same = self.child(code, env={"TRIALBOOK_FORMAT_VERSION": str(trialbook.FORMAT_VERSION)})
        self.assertNotIn("format version", same.stderr.decode())


if __name__ == "__main__":
    unittest.main()
