"""Datasets: run.use_dataset / run.log_input record a fingerprint (content hash, size, rows and columns), with a
cache keyed by size and mtime, a time budget before training starts, and clear answers for bad paths."""
import hashlib
import json
import os
import time
import unittest

from helpers import SdkTestCase

CSV = 'id,text,label\n1,"hello, world",0\n2,"two\nlines",1\n3,plain,1\n'


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class DatasetTest(SdkTestCase):
    def use(self, code, env=None):
        """Runs `code` after `run = trialbook.init(...)` in a child process; returns the run's dataset events and stderr."""
        proc = self.child("import trialbook\nrun = trialbook.init(experiment='data', system_metrics=False)\n" + code
                          + "\nrun.finish()\nprint(run.id)\n", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        run_id = proc.stdout.decode().split()[-1]
        events = self.events(run_id)
        self.assertEqual(events[-1]["status"], "finished")
        return [e for e in events if e["t"] == "dataset"], proc.stderr.decode()

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def test_file_fingerprint(self):
        path = self.write("data/raw.bin", b"\x00\x01" * 5000)
        (event,), _err = self.use("run.use_dataset(%r, name='raw')" % path)
        self.assertEqual(event["name"], "raw")
        self.assertEqual((event["kind"], event["status"]), ("file", "complete"))
        self.assertEqual((event["sha256"], event["size"]), (sha256(b"\x00\x01" * 5000), 10000))
        self.assertEqual(event["source"], path)

    def test_folder_fingerprint_is_the_manifest_hash(self):
        files = {"a.txt": b"alpha", "sub/b.txt": b"beta", "sub/deeper/c.txt": b"gamma"}
        for rel, data in files.items():
            self.write("images/" + rel, data)
        (event,), _err = self.use("run.use_dataset('images')")
        manifest = "".join(sorted("%s  %s\n" % (sha256(data), rel) for rel, data in files.items()))
        self.assertEqual(event["name"], "images")  # the folder's name when none is given
        self.assertEqual((event["kind"], event["status"], event["files"]), ("folder", "complete", 3))
        self.assertEqual(event["sha256"], sha256(manifest.encode()))
        self.assertEqual(event["size"], sum(len(d) for d in files.values()))

    def test_csv_and_jsonl_rows_and_columns(self):
        csv_path = self.write("train.csv", CSV.encode())
        jsonl_path = self.write("eval.jsonl", b'{"q": "a", "y": 1}\n{"q": "b", "y": 0, "w": 2}\n\n')
        events, _err = self.use("run.use_dataset(%r)\nrun.log_input(%r, context='evaluation')" % (csv_path, jsonl_path))
        csv_event, jsonl_event = events
        self.assertEqual((csv_event["format"], csv_event["rows"], csv_event["columns"]), ("csv", 3, ["id", "text", "label"]))
        self.assertEqual(csv_event["sha256"], sha256(CSV.encode()))
        self.assertEqual((jsonl_event["format"], jsonl_event["rows"], jsonl_event["columns"]), ("jsonl", 2, ["q", "y", "w"]))
        self.assertEqual(jsonl_event["context"], "evaluation")
        self.assertEqual(jsonl_event["name"], "eval.jsonl")

    def test_cache_skips_unchanged_files_and_rehashes_a_changed_one(self):
        path = self.write("data/big.bin", os.urandom(300000))
        self.write("data/other.bin", b"other")
        code = "run.use_dataset('data')"
        (first,), _err = self.use(code)
        self.assertEqual((first["bytes_hashed"], first["files_cached"]), (300005, 0))
        (second,), _err = self.use(code)
        self.assertEqual((second["bytes_hashed"], second["files_cached"]), (0, 2))  # nothing read again
        self.assertEqual(second["sha256"], first["sha256"])
        with open(path, "r+b") as handle:  # one byte changes, size stays, mtime moves
            byte = handle.read(1)
            handle.seek(0)
            handle.write(bytes([byte[0] ^ 0xFF]))
        stat = os.stat(path)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        (third,), _err = self.use(code)
        self.assertEqual((third["bytes_hashed"], third["files_cached"]), (300000, 1))
        self.assertNotEqual(third["sha256"], first["sha256"])

    def test_cache_trusts_size_and_mtime(self):
        # The documented rule: a change that keeps both size and mtime is not seen (what makes the cache fast).
        path = self.write("one.bin", b"aaaa")
        stat = os.stat(path)
        (first,), _err = self.use("run.use_dataset(%r)" % path)
        self.write("one.bin", b"bbbb")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        (second,), _err = self.use("run.use_dataset(%r)" % path)
        self.assertEqual(second["sha256"], first["sha256"])
        self.assertEqual(second["bytes_hashed"], 0)

    def test_a_huge_folder_does_not_block_training_start(self):
        for i in range(4000):
            self.write("huge/part-%05d.bin" % i, os.urandom(2048))
        code = ("import time\nt0 = time.time()\nhandle = run.use_dataset('huge', wait=0.05)\n"
                "print('blocked', time.time() - t0)\nhandle.wait(120)\nrun.log({'loss': 1.0})")
        proc = self.child("import trialbook\nrun = trialbook.init(experiment='data', system_metrics=False)\n" + code
                          + "\nrun.finish()\nprint(run.id)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        out = proc.stdout.decode().split()
        self.assertLess(float(out[out.index("blocked") + 1]), 2.0)
        events = [e for e in self.events(out[-1]) if e["t"] == "dataset"]
        partial, complete = events
        self.assertEqual(partial["status"], "partial")
        self.assertLess(partial["files_hashed"], 4000)
        self.assertIn(partial.get("files"), (None, 4000))  # absent while the folder is still being listed
        self.assertNotIn("sha256", partial)
        self.assertEqual((complete["status"], complete["key"], complete["files"]), ("complete", partial["key"], 4000))
        self.assertEqual(len(complete["sha256"]), 64)
        self.assertIn("hashing continues in the background", proc.stderr.decode())

    def test_run_end_cancels_hashing_and_the_cache_keeps_what_was_done(self):
        for i in range(4000):
            self.write("huge/part-%05d.bin" % i, os.urandom(2048))
        events, _err = self.use("import time\nh = run.use_dataset('huge', wait=0.05)\n"
                                "while h.progress()['files_hashed'] < 100 and not h.done:\n    time.sleep(0.01)\nassert not h.done")
        self.assertEqual([(e["status"], e.get("cancelled")) for e in events], [("partial", None), ("partial", True)])
        self.assertGreaterEqual(events[-1]["files_hashed"], 100)
        events, _err = self.use("h = run.use_dataset('huge', wait=0.05)\nh.wait(120)")
        self.assertGreater(events[-1]["files_cached"], 0)  # the first run's work was kept
        self.assertEqual(events[-1]["status"], "complete")

    def test_cancel_from_the_handle(self):
        for i in range(4000):
            self.write("huge/part-%05d.bin" % i, os.urandom(2048))
        events, _err = self.use("h = run.use_dataset('huge', wait=0)\nh.cancel()\nassert h.wait(30)")
        self.assertEqual([(e["status"], e.get("cancelled")) for e in events], [("partial", None), ("partial", True)])

    def test_missing_path_warns_and_the_run_still_starts(self):
        events, err = self.use("run.use_dataset('no/such/data.csv', name='train')\nrun.log({'loss': 1.0})")
        (event,) = events
        self.assertEqual((event["status"], event["kind"], event["name"]), ("missing", "missing", "train"))
        self.assertIn("dataset 'train': no/such/data.csv does not exist", err)
        self.assertIn("relative paths are read from", err)

    def test_unreadable_files_are_listed_and_the_rest_hashed(self):
        self.write("mixed/good.txt", b"good")
        os.symlink("/proc/self/mem", os.path.join(self.tmp, "mixed", "bad.bin"))  # unreadable even for root
        os.symlink(os.path.join(self.tmp, "gone"), os.path.join(self.tmp, "mixed", "dangling"))
        (event,), err = self.use("run.use_dataset('mixed')")
        self.assertEqual(event["status"], "unreadable")
        self.assertEqual(sorted(u["path"] for u in event["unreadable"]), ["bad.bin", "dangling"])
        self.assertEqual(event["sha256"], sha256(("%s  good.txt\n" % sha256(b"good")).encode()))
        self.assertIn("could not be read", err)

    def test_remote_uri_is_recorded_without_credentials(self):
        (event,), _err = self.use("run.use_dataset('s3://key:secret@bucket/train/?X-Amz-Signature=abc', name='s3-train')")
        self.assertEqual((event["kind"], event["status"]), ("remote", "remote"))
        self.assertEqual(event["source"], "s3://bucket/train/")
        self.assertNotIn("sha256", event)

    def test_log_input_takes_an_mlflow_like_dataset(self):
        path = self.write("eval.csv", b"a,b\n1,2\n")
        code = ("class Source:\n    uri = %r\nclass Dataset:\n    name = 'holdout'\n    source = Source()\n"
                "run.log_input(Dataset(), context='evaluation')") % path
        (event,), _err = self.use(code)
        self.assertEqual((event["name"], event["source"], event["context"], event["rows"]), ("holdout", path, "evaluation", 1))

    def test_cache_file_is_bounded_json_lines(self):
        self.write("d/x.txt", b"x")
        self.use("run.use_dataset('d')")
        with open(os.path.join(self.tmp, ".trialbook", "cache", "fingerprints.jsonl")) as handle:
            lines = [json.loads(line) for line in handle]
        self.assertEqual([line["path"] for line in lines], [os.path.join(self.tmp, "d", "x.txt")])


if __name__ == "__main__":
    unittest.main()


class DatasetProgressTest(SdkTestCase):
    def test_progress_on_stderr_and_ctrl_c_stops_hashing_with_what_was_done_recorded(self):
        import signal
        folder = os.path.join(self.tmp, "huge")
        os.makedirs(folder)
        for i in range(20000):
            with open(os.path.join(folder, "part-%05d.bin" % i), "wb") as handle:
                handle.write(b"x" * 4096)
        # The progress interval is shortened so that the test need not hash for minutes.
        proc = self.child("from trialbook import _datasets\n_datasets.PROGRESS_AFTER = 0.05\nimport trialbook\n"
                          "run = trialbook.init(experiment='data', system_metrics=False)\nprint(run.id, flush=True)\n"
                          "run.use_dataset('huge', wait=600)\n", wait=False)
        run_id = proc.stdout.readline().decode().strip()
        deadline = time.time() + 60
        seen = b""
        while b"hashing dataset 'huge'" not in seen and time.time() < deadline:
            seen += proc.stderr.readline()
        self.assertIn(b"Ctrl-C stops it", seen)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        self.assertIn(b"KeyboardInterrupt", err)
        events = self.events(run_id)
        (dataset,) = [e for e in events if e["t"] == "dataset"]
        self.assertEqual((dataset["status"], dataset["cancelled"]), ("partial", True))
        self.assertLess(dataset["files_hashed"], 20000)
        self.assertEqual((events[-1]["t"], events[-1]["status"]), ("run_end", "killed"))
