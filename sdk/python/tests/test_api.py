"""The W&B/MLflow-style API: steps, config, summary, tags, notes, artifacts, resume, locations."""
import hashlib
import os
import subprocess
import unittest

from helpers import SdkTestCase, metrics_of

import trialbook
from trialbook import _ids, _paths


class Scalar:
    """Duck-typed stand-in for a NumPy scalar / 0-d tensor: only .item() matters."""

    def __init__(self, value):
        self.value = value

    def item(self):
        return self.value


class StepTest(SdkTestCase):
    def init(self, **kwargs):
        kwargs.setdefault("dir", self.tmp)
        kwargs.setdefault("system_metrics", False)
        return trialbook.init(**kwargs)

    def test_auto_step_shared_keys_and_commit_false(self):
        run = self.init()
        run.log({"loss": 1.0, "acc": 0.5})           # step 0, both keys
        run.log({"loss": 0.9})                       # step 1
        run.log({"a": 1}, commit=False)              # step 2, open
        run.log({"b": 2}, commit=False)              # still step 2
        run.log({"c": 3})                            # closes step 2
        run.log({"x": 1}, step=10)                   # explicit step
        run.log({"y": 2})                            # continues at 11
        run.finish()
        steps = [(e["step"], e["values"]) for e in metrics_of(self.events())]
        self.assertEqual(steps, [
            (0, {"loss": 1.0, "acc": 0.5}), (1, {"loss": 0.9}), (2, {"a": 1, "b": 2, "c": 3}),
            (10, {"x": 1}), (11, {"y": 2})])

    def test_uncommitted_step_is_written_at_finish(self):
        run = self.init()
        run.log({"a": 1}, commit=False)
        run.finish()
        self.assertEqual([e["values"] for e in metrics_of(self.events())], [{"a": 1}])

    def test_item_scalars_bools_and_int_subclasses(self):
        run = self.init()
        run.log({"np": Scalar(0.25), "t": Scalar(3), "b": False, "nan": Scalar(float("nan"))})
        run.finish()
        self.assertEqual(metrics_of(self.events())[0]["values"], {"np": 0.25, "t": 3, "b": 0, "nan": "NaN"})

    def test_module_level_and_mlflow_aliases(self):
        trialbook.init(dir=self.tmp, system_metrics=False, experiment="mod")
        trialbook.log({"loss": 2.0})
        trialbook.log_metric("acc", 0.7, step=5)
        trialbook.log_param("lr", 0.01)
        trialbook.log_params({"bs": 8})
        self.assertIs(trialbook.run, trialbook.current_run())
        trialbook.finish()
        self.assertIsNone(trialbook.run)
        events = self.events()
        self.assertEqual([(e["step"], e["values"]) for e in metrics_of(events)], [(0, {"loss": 2.0}), (5, {"acc": 0.7})])
        params = {}
        for e in events:
            if e["t"] == "params":
                params.update(e["params"])
        self.assertEqual(params, {"lr": 0.01, "bs": 8})
        self.assertEqual(events[-1], {**events[-1], "t": "run_end", "status": "finished"})

    def test_log_without_init_says_what_to_do(self):
        with self.assertRaisesRegex(RuntimeError, r"trialbook.init\(\)"):
            trialbook.log({"loss": 1.0})


class RunTest(SdkTestCase):
    def test_run_start_fields_and_default_name(self):
        run = trialbook.init(experiment="exp", config={"lr": 0.1}, tags=["base"], notes="try warmup",
                             dir=self.tmp, system_metrics=False)
        run.finish()
        start = self.events()[0]
        self.assertEqual(start["t"], "run_start")
        self.assertRegex(start["run_id"], r"^\d{8}T\d{9}-[0-9a-f]{10}$")
        self.assertEqual(start["run_id"], run.id)
        self.assertEqual((start["experiment"], start["config"], start["tags"], start["notes"]),
                         ("exp", {"lr": 0.1}, ["base"], "try warmup"))
        self.assertRegex(start["name"], r"^[a-z]+-[a-z]+-[1-9][0-9]*$")
        self.assertEqual(start["name"], _ids.default_name(run.id, 1))  # the first run in its folder
        self.assertEqual(start["sdk"], {"name": "trialbook-python", "version": trialbook.__version__})

    def test_run_ids_sort_by_time_and_are_unique(self):
        ids = [_ids.new_run_id(1795743612.123), _ids.new_run_id(1795743612.124), _ids.new_run_id(1795743613.0)]
        self.assertEqual(ids, sorted(ids))
        self.assertTrue(ids[0].startswith("20261127T014012123-"), ids[0])
        self.assertTrue(_ids.new_run_id(0.5).startswith("19700101T000000500-"))
        self.assertEqual(len({_ids.new_run_id(1.0) for _ in range(200)}), 200)

    def test_config_summary_tags_notes(self):
        run = trialbook.init(dir=self.tmp, system_metrics=False, config={"lr": 0.1})
        run.config.update({"bs": 32})
        run.config["wd"] = 0.0
        run.config.momentum = 0.9
        self.assertEqual(run.config.lr, 0.1)
        self.assertEqual(dict(run.config), {"lr": 0.1, "bs": 32, "wd": 0.0, "momentum": 0.9})
        import copy, pickle
        self.assertEqual(copy.deepcopy(run.config), dict(run.config))
        self.assertIs(type(pickle.loads(pickle.dumps(run.config))), dict)
        with self.assertRaisesRegex(TypeError, "cannot be removed"):
            del run.config["lr"]
        run.log({"loss": 3.0})
        run.log({"loss": 2.0})
        self.assertEqual(run.summary["loss"], 2.0)  # defaults to the last value
        run.summary["loss"] = 1.5                  # the user's choice wins
        self.assertEqual(run.summary["loss"], 1.5)
        run.set_tags(["a", "b"])
        run.set_tags({"team": "vision"})           # MLflow-style dict
        self.assertEqual(run.tags, ("team:vision",))
        run.notes = "because"
        run.finish()
        events = self.events()
        self.assertEqual([e["tags"] for e in events if e["t"] == "tags"], [["a", "b"], ["team:vision"]])
        self.assertEqual([e["notes"] for e in events if e["t"] == "notes"], ["because"])
        self.assertEqual([e["summary"] for e in events if e["t"] == "summary"], [{"loss": 1.5}])
        self.assertEqual([e["params"] for e in events if e["t"] == "params"], [{"bs": 32}, {"wd": 0.0}, {"momentum": 0.9}])

    def test_config_from_argparse_and_dataclass(self):
        import argparse, dataclasses
        args = argparse.ArgumentParser()
        args.add_argument("--lr", type=float, default=0.1)
        args.add_argument("--layers", type=int, nargs="+", default=[64, 64])

        @dataclasses.dataclass
        class Extra:
            dropout: float = 0.5

        run = trialbook.init(dir=self.tmp, system_metrics=False, config=args.parse_args([]))
        run.config.update(Extra())
        self.assertEqual(dict(run.config), {"lr": 0.1, "layers": [64, 64], "dropout": 0.5})
        run.finish()
        events = self.events()
        self.assertEqual(events[0]["config"], {"lr": 0.1, "layers": [64, 64]})
        self.assertEqual([e["params"] for e in events if e["t"] == "params"], [{"dropout": 0.5}])

    def test_context_manager_marks_failure_and_reraises(self):
        with self.assertRaisesRegex(ZeroDivisionError, "division"):
            with trialbook.init(dir=self.tmp, system_metrics=False) as run:
                run.log({"loss": 1.0})
                1 / 0
        end = self.events(run.id)[-1]
        self.assertEqual(end["t"], "run_end")
        self.assertEqual(end["status"], "failed")
        self.assertIn("ZeroDivisionError", end["error"])
        self.assertTrue(run.finished)
        with self.assertRaises(SystemExit):
            with trialbook.init(dir=self.tmp, system_metrics=False) as clean:
                raise SystemExit(0)
        self.assertEqual(self.all_events()[clean.id][-1]["status"], "finished")

    def test_artifacts_file_folder_and_copy(self):
        folder = os.path.join(self.tmp, "ckpt")
        os.makedirs(os.path.join(folder, "sub"))
        contents = {"a.txt": b"alpha", "sub/b.bin": b"\x00\x01beta"}
        for rel, data in contents.items():
            with open(os.path.join(folder, rel), "wb") as handle:
                handle.write(data)
        run = trialbook.init(dir=self.tmp, system_metrics=False)
        single = run.log_artifact(os.path.join(folder, "a.txt"))
        tree = run.log_model(folder, name="net", metadata={"acc": 0.9})
        copied = run.log_artifact(os.path.join(folder, "a.txt"), name="copy", type="dataset", copy=True)
        run.finish()
        self.assertEqual(single["sha256"], hashlib.sha256(b"alpha").hexdigest())
        self.assertEqual((single["size"], single["type"], single["path"]), (5, "file", "ckpt/a.txt"))
        manifest = "".join(sorted("%s  %s\n" % (hashlib.sha256(d).hexdigest(), r) for r, d in contents.items()))
        self.assertEqual(tree["sha256"], hashlib.sha256(manifest.encode()).hexdigest())
        self.assertEqual((tree["type"], tree["files"], tree["size"], tree["metadata"]), ("model", 2, 11, {"acc": 0.9}))
        self.assertTrue(copied["copied"])
        with open(os.path.join(self.tmp, copied["path"]), "rb") as handle:
            self.assertEqual(handle.read(), b"alpha")
        self.assertEqual(len([e for e in self.events() if e["t"] == "artifact"]), 3)
        with self.assertRaisesRegex(FileNotFoundError, "does not exist"):
            trialbook.init(dir=self.tmp, system_metrics=False).log_artifact(os.path.join(self.tmp, "missing.pt"))

    def test_resume_continues_steps_config_and_cuts_partial_line(self):
        run = trialbook.init(dir=self.tmp, system_metrics=False, experiment="long", name="resnet", config={"lr": 0.1}, tags=["x"])
        for i in range(3):
            run.log({"loss": float(i)})
        run.flush()
        run._writer.close()  # simulate a crash: no run_end ...
        run._finished = True
        trialbook._session.forget(run)
        with open(os.path.join(run.dir, "events.jsonl"), "ab") as handle:
            handle.write(b'{"v":1,"t":"metr')  # ... and a torn last line
        again = trialbook.init(dir=self.tmp, resume=run.id, system_metrics=False)
        self.assertEqual((again.id, again.name, again.experiment, again.step), (run.id, "resnet", "long", 3))
        self.assertEqual(dict(again.config), {"lr": 0.1})
        again.log({"loss": 9.0})
        again.finish()
        events = self.events()
        starts = [e for e in events if e["t"] == "run_start"]
        self.assertEqual([s.get("resumed", False) for s in starts], [False, True])
        self.assertEqual(starts[1]["config"], {"lr": 0.1})
        self.assertEqual(starts[1]["tags"], ["x"])
        self.assertEqual([e["step"] for e in metrics_of(events)], [0, 1, 2, 3])
        with self.assertRaisesRegex(ValueError, "cannot resume run 'nope'"):
            trialbook.init(dir=self.tmp, resume="nope", system_metrics=False)
        with self.assertRaisesRegex(ValueError, "not a run id"):
            trialbook.init(dir=self.tmp, resume="../../elsewhere", system_metrics=False)

    def test_init_finishes_the_previous_run(self):
        first = trialbook.init(dir=self.tmp, system_metrics=False)
        second = trialbook.init(dir=self.tmp, system_metrics=False)
        self.assertTrue(first.finished)
        self.assertIs(trialbook.run, second)
        second.finish()
        logs = self.all_events()
        self.assertEqual(logs[first.id][-1]["status"], "finished")

    def test_background_flush_within_a_second(self):
        run = trialbook.init(dir=self.tmp, system_metrics=False, flush_interval=0.2)
        run.log({"loss": 1.0})
        import time
        deadline = time.time() + 3
        found = False
        while time.time() < deadline and not found:
            with open(os.path.join(run.dir, "events.jsonl"), "rb") as handle:
                found = b'"loss"' in handle.read()
            time.sleep(0.05)
        self.assertTrue(found, "metrics were not flushed by the background thread")
        run.finish()


class LocationTest(SdkTestCase):
    def test_dir_env_ancestor_git_root_and_cwd(self):
        work = os.path.join(self.tmp, "proj", "src", "deep")
        os.makedirs(work)
        self.assertEqual(_paths.find_trialbook_dir(self.tmp, cwd=work), os.path.join(self.tmp, ".trialbook"))
        self.assertEqual(_paths.find_trialbook_dir(os.path.join(self.tmp, ".trialbook"), cwd=work), os.path.join(self.tmp, ".trialbook"))
        # no marker anywhere above (tmp is not in a git repo) → the working directory
        self.assertEqual(_paths.find_trialbook_dir(cwd=work), os.path.join(work, ".trialbook"))
        subprocess.run(["git", "init", "-q", os.path.join(self.tmp, "proj")], check=True)
        self.assertEqual(_paths.find_trialbook_dir(cwd=work), os.path.join(self.tmp, "proj", ".trialbook"))
        os.makedirs(os.path.join(self.tmp, "proj", "src", ".trialbook"))
        self.assertEqual(_paths.find_trialbook_dir(cwd=work), os.path.join(self.tmp, "proj", "src", ".trialbook"))
        os.environ["TRIALBOOK_DIR"] = os.path.join(self.tmp, "elsewhere")
        self.assertEqual(_paths.find_trialbook_dir(cwd=work), os.path.join(self.tmp, "elsewhere", ".trialbook"))
        self.assertEqual(_paths.find_trialbook_dir(self.tmp, cwd=work), os.path.join(self.tmp, ".trialbook"))


if __name__ == "__main__":
    unittest.main()
