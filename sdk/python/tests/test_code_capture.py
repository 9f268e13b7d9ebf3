"""Code lineage: which files are untracked or modified, and the entry script captured by content hash
into .trialbook/sources/ whenever git does not hold it as it ran (untracked, modified, no repository)."""
import hashlib
import os
import subprocess
import unittest

from helpers import SdkTestCase

from trialbook import _sources

SCRIPT = """
import trialbook
run = trialbook.init(experiment="capture", system_metrics=False)
run.log({"loss": 1.0})
run.finish()
print(run.id)
"""


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class CodeCaptureTest(SdkTestCase):
    def make_repo(self, folder="repo", commit_script=True):
        repo = os.path.join(self.tmp, folder)
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        with open(os.path.join(repo, ".gitignore"), "w") as handle:
            handle.write(".trialbook/\n")
        with open(os.path.join(repo, "model.py"), "w") as handle:
            handle.write("LAYERS = 2\n")
        if commit_script:
            with open(os.path.join(repo, "train.py"), "w") as handle:
                handle.write(SCRIPT)
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "first")
        return repo

    def run_script(self, cwd, script="train.py", trialbook_dir=None):
        proc = self.child("import runpy, sys; sys.argv = [%r]; runpy.run_path(%r, run_name='__main__')" % (script, script),
                          env={"TRIALBOOK_DIR": trialbook_dir or os.path.join(cwd, ".trialbook")}, cwd=cwd)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        run_id = proc.stdout.decode().strip().splitlines()[-1]
        return run_id, self.events(run_id)[0]["lineage"], proc.stderr.decode()

    def stored(self, trialbook_dir, digest):
        with open(os.path.join(trialbook_dir, "sources", digest), "rb") as handle:
            return handle.read()

    def test_untracked_script_is_captured_and_listed(self):
        repo = self.make_repo(commit_script=False)
        with open(os.path.join(repo, "train.py"), "w") as handle:
            handle.write(SCRIPT)
        _run_id, lineage, _err = self.run_script(repo)
        git_info = lineage["git"]
        self.assertFalse(git_info["dirty"])  # nothing tracked changed …
        self.assertEqual(git_info["untracked"], ["train.py"])  # … but the script is not in the commit
        self.assertEqual(git_info["modified"], [])
        self.assertEqual(git_info["path"], "train.py")
        (source,) = lineage["sources"]
        content = SCRIPT.encode()
        self.assertEqual(source, {"path": os.path.join(repo, "train.py"), "state": "untracked", "sha256": sha256(content),
                                  "size": len(content), "stored": "sources/" + sha256(content)})
        self.assertEqual(self.stored(os.path.join(repo, ".trialbook"), sha256(content)), content)

    def test_modified_script_and_other_modified_files_stored_once_per_content(self):
        repo = self.make_repo()
        with open(os.path.join(repo, "train.py"), "a") as handle:
            handle.write("# lr 0.05\n")
        with open(os.path.join(repo, "model.py"), "a") as handle:
            handle.write("LAYERS = 3\n")
        _id1, lineage, _err = self.run_script(repo)
        self.assertTrue(lineage["git"]["dirty"])
        self.assertEqual(lineage["git"]["modified"], ["model.py", "train.py"])
        self.assertEqual(lineage["git"]["untracked"], [])
        (source,) = lineage["sources"]
        content = (SCRIPT + "# lr 0.05\n").encode()
        self.assertEqual((source["state"], source["sha256"]), ("modified", sha256(content)))
        _id2, lineage2, _err = self.run_script(repo)
        self.assertEqual(lineage2["sources"][0]["sha256"], sha256(content))
        self.assertEqual(os.listdir(os.path.join(repo, ".trialbook", "sources")), [sha256(content)])  # stored once

    def test_clean_committed_script_is_not_copied(self):
        repo = self.make_repo()
        _run_id, lineage, _err = self.run_script(repo)
        self.assertEqual((lineage["git"]["dirty"], lineage["git"]["untracked"], lineage["git"]["modified"]), (False, [], []))
        self.assertNotIn("sources", lineage)
        self.assertFalse(os.path.exists(os.path.join(repo, ".trialbook", "sources")))

    def test_folder_inside_another_repository_records_that_repository_and_the_relative_path(self):
        outer = self.make_repo("outer", commit_script=False)
        project = os.path.join(outer, "projects", "churn")
        os.makedirs(project)
        with open(os.path.join(project, "train.py"), "w") as handle:
            handle.write(SCRIPT)
        _run_id, lineage, _err = self.run_script(project)
        self.assertEqual(os.path.realpath(lineage["git"]["root"]), os.path.realpath(outer))
        self.assertEqual(lineage["git"]["path"], "projects/churn/train.py")
        self.assertEqual(lineage["git"]["untracked"], ["projects/churn/train.py"])
        self.assertEqual(lineage["sources"][0]["state"], "untracked")

    def test_script_outside_any_repository_is_captured(self):
        folder = os.path.join(self.tmp, "plain")
        os.makedirs(folder)
        with open(os.path.join(folder, "train.py"), "w") as handle:
            handle.write(SCRIPT)
        _run_id, lineage, _err = self.run_script(folder)
        self.assertNotIn("git", lineage)
        self.assertEqual(lineage["sources"][0]["state"], "no-repository")
        self.assertEqual(self.stored(os.path.join(folder, ".trialbook"), lineage["sources"][0]["sha256"]), SCRIPT.encode())

    def test_a_script_over_the_cap_is_hashed_not_stored(self):
        folder = os.path.join(self.tmp, "plain")
        os.makedirs(folder)
        big = SCRIPT + ("# " + "x" * 98 + "\n") * (_sources.MAX_SOURCE_BYTES // 100 + 10)
        with open(os.path.join(folder, "train.py"), "w") as handle:
            handle.write(big)
        run_id, lineage, _err = self.run_script(folder)
        (source,) = lineage["sources"]
        self.assertEqual((source["sha256"], source["size"]), (sha256(big.encode()), len(big)))
        self.assertNotIn("stored", source)
        self.assertFalse(os.path.exists(os.path.join(folder, ".trialbook", "sources")))
        warnings = [e["message"] for e in self.events(run_id) if e["t"] == "warning"]
        self.assertTrue(any("over the 2 MiB cap" in w for w in warnings), warnings)

    def test_many_untracked_files_are_listed_up_to_the_cap(self):
        repo = self.make_repo()
        for i in range(_sources.MAX_LISTED_FILES + 5):
            with open(os.path.join(repo, "note%04d.txt" % i), "w") as handle:
                handle.write("x")
        _run_id, lineage, _err = self.run_script(repo)
        self.assertEqual(len(lineage["git"]["untracked"]), _sources.MAX_LISTED_FILES)
        self.assertTrue(lineage["git"]["files_truncated"])


if __name__ == "__main__":
    unittest.main()
