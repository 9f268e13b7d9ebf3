"""Lineage in run_start: host, command, Python, git (with diff.patch), packages; TRIALBOOK_CAPTURE."""
import os
import subprocess
import unittest

from helpers import SdkTestCase

from trialbook import _capture, _lineage


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


SCRIPT = """
import trialbook
run = trialbook.init(experiment="lineage", system_metrics=False)
run.log({"loss": 1.0})
run.finish()
print(run.id)
"""


class LineageTest(SdkTestCase):
    def make_repo(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        with open(os.path.join(repo, "train.py"), "w") as handle:
            handle.write(SCRIPT)
        git(repo, "add", "train.py")
        git(repo, "commit", "-q", "-m", "first")
        git(repo, "remote", "add", "origin", "https://alice:s3cret-token@example.com/team/repo.git")
        return repo

    def run_script(self, repo, env=None):
        env = dict(env or {})
        env.setdefault("TRIALBOOK_DIR", "")  # let the SDK find the git root itself
        proc = self.child("import runpy, sys; sys.argv = ['train.py', '--lr', '0.1']; runpy.run_path('train.py', run_name='__main__')",
                          env=env, cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        run_id = proc.stdout.decode().strip().splitlines()[-1]
        return run_id, os.path.join(repo, ".trialbook", "runs", run_id)

    def test_script_git_dirty_diff_and_packages(self):
        repo = self.make_repo()
        with open(os.path.join(repo, "train.py"), "a") as handle:
            handle.write("# tweak learning rate\n")
        run_id, run_dir = self.run_script(repo)
        start = self.events(run_id)[0]
        lineage = start["lineage"]
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertEqual(lineage["git"]["commit"], head)
        self.assertEqual(lineage["git"]["branch"], "main")
        self.assertEqual(lineage["git"]["remote"], "https://example.com/team/repo.git")  # no token in the log
        self.assertTrue(lineage["git"]["dirty"])
        self.assertEqual((lineage["git"]["diff"], lineage["git"]["diff_truncated"]), ("diff.patch", False))
        self.assertEqual(os.path.realpath(lineage["git"]["root"]), os.path.realpath(repo))
        with open(os.path.join(run_dir, "diff.patch")) as handle:
            self.assertIn("+# tweak learning rate", handle.read())
        self.assertEqual(lineage["argv"], ["train.py", "--lr", "0.1"])
        self.assertEqual(lineage["pid"] > 0, True)
        for field in ("user", "host", "python", "platform", "cwd"):
            self.assertTrue(lineage[field], field)
        self.assertIn("jsonschema", {name.lower() for name in lineage["packages"]})

    def test_clean_tree_has_no_diff(self):
        repo = self.make_repo()
        with open(os.path.join(repo, ".gitignore"), "w") as handle:
            handle.write(".trialbook/\n")
        git(repo, "add", ".gitignore")
        git(repo, "commit", "-q", "-m", "ignore")
        run_id, run_dir = self.run_script(repo)
        info = self.events(run_id)[0]["lineage"]["git"]
        self.assertFalse(info["dirty"])
        self.assertNotIn("diff", info)
        self.assertFalse(os.path.exists(os.path.join(run_dir, "diff.patch")))

    def test_diff_is_capped(self):
        repo = self.make_repo()
        with open(os.path.join(repo, "train.py"), "a") as handle:
            handle.write(("# " + "x" * 98 + "\n") * 15000)  # ~1.5 MB of diff
        info = _lineage.git_info(repo, os.path.join(self.tmp, "rundir"))
        self.assertTrue(info["diff_truncated"])
        size = os.path.getsize(os.path.join(self.tmp, "rundir", "diff.patch"))
        self.assertLessEqual(size, _lineage.MAX_DIFF_BYTES)
        self.assertGreater(size, _lineage.MAX_DIFF_BYTES - 200)

    def test_capture_setting_turns_captures_off(self):
        repo = self.make_repo()
        with open(os.path.join(repo, "train.py"), "a") as handle:
            handle.write("# dirty\n")
        run_id, run_dir = self.run_script(repo, {"TRIALBOOK_CAPTURE": "-git,-packages,-host"})
        lineage = self.events(run_id)[0]["lineage"]
        for gone in ("git", "packages", "user", "host", "pid"):
            self.assertNotIn(gone, lineage)
        self.assertIn("argv", lineage)
        self.assertFalse(os.path.exists(os.path.join(run_dir, "diff.patch")))
        self.assertEqual(_capture.parse_capture("none,+git"), {"git"})
        self.assertEqual(_capture.parse_capture(""), set(_capture.CAPTURES))
        with self.assertWarnsRegex(UserWarning, "unknown capture"):
            _capture.parse_capture("-gti")

    def test_packages_match_importlib_metadata(self):
        from importlib import metadata
        expected = {}
        for dist in metadata.distributions():
            expected.setdefault(dist.metadata["Name"], dist.version)
        self.assertEqual(_lineage.installed_packages(), dict(sorted(expected.items(), key=lambda kv: kv[0].lower())))

    def test_no_git_on_path_is_no_problem(self):
        empty = os.path.join(self.tmp, "emptybin")
        os.makedirs(empty)
        proc = self.child(SCRIPT, env={"PATH": empty})
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        run_id = proc.stdout.decode().split()[-1]
        events = self.events(run_id)
        self.assertNotIn("git", events[0]["lineage"])
        self.assertEqual(events[-1]["status"], "finished")


if __name__ == "__main__":
    unittest.main()
