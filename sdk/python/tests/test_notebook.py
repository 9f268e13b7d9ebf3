"""Notebooks in a real Jupyter kernel (ipykernel + nbclient): cell links, runs across cells, re-init."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import unittest

from helpers import SdkTestCase, REPO_ROOT, metrics_of

FIXTURES = os.path.join(REPO_ROOT, "test", "fixtures", "notebooks")
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_notebook.py")


def output_text(cell):
    text = ""
    for output in cell.get("outputs", []):
        part = output.get("text", "")
        text += part if isinstance(part, str) else "".join(part)
    return text


class NotebookTest(SdkTestCase):
    def execute(self, name, notebook_path=None):
        out = os.path.join(self.tmp, name)
        extra = ["--notebook-path", notebook_path] if notebook_path else []
        proc = subprocess.run([sys.executable, RUNNER, os.path.join(FIXTURES, name), out, self.tmp] + extra,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode()[-3000:])
        with open(out, encoding="utf-8") as handle:
            notebook = json.load(handle)
        cells = {}
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                # the contract (docs/event-format.md, src/vscode/cellMatch.ts): CRLF as LF, no trailing newlines
                normalized = source.replace("\r\n", "\n").rstrip("\n")
                cells[cell["execution_count"]] = hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]
        return out, notebook, cells

    def test_cell_links_match_the_executed_cells(self):
        out, notebook, cells = self.execute("train.ipynb")
        events = self.events()
        start = events[0]
        self.assertEqual(start["lineage"]["notebook"], {"path": out, "session": out})
        self.assertEqual(start["lineage"]["script"], out)  # not ipykernel's launcher
        metrics = metrics_of(events)
        self.assertEqual([e["values"] for e in metrics], [{"loss": 1.0}, {"loss": 0.5}, {"loss": 1.0 / 3}, {"accuracy": 0.9}])
        # the loop cell (2nd code cell) logged three steps, the evaluation cell (3rd) one
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        loop_exec, eval_exec = code_cells[1]["execution_count"], code_cells[2]["execution_count"]
        self.assertEqual([e["cell"]["exec"] for e in metrics], [loop_exec] * 3 + [eval_exec])
        for event in metrics:
            self.assertEqual(event["cell"]["hash"], cells[event["cell"]["exec"]])
            self.assertEqual(event["cell"]["notebook"], out)
        self.assertEqual(events[-1]["status"], "finished")
        printed = output_text(code_cells[-1])
        self.assertEqual(printed.strip(), start["run_id"])  # the run stayed open across cells

    def test_rerunning_init_finishes_the_previous_run_and_kernel_exit_ends_the_last(self):
        out, notebook, cells = self.execute("reinit.ipynb")
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        first_id, second_id = output_text(code_cells[-1]).split()
        logs = self.all_events()
        self.assertEqual(sorted(logs), sorted([first_id, second_id]))
        first, second = logs[first_id], logs[second_id]
        self.assertEqual(first[-1]["status"], "finished")
        self.assertLess(first[-1]["ts"], second[0]["ts"])  # finished when the init cell ran again
        self.assertEqual([e["values"]["loss"] for e in metrics_of(first)], [1.0])
        self.assertEqual([(e["step"], e["values"]["loss"]) for e in metrics_of(second)], [(0, 0.5), (1, 0.25)])
        self.assertEqual(second[-1]["t"], "run_end")  # written at kernel shutdown
        self.assertEqual(second[-1]["status"], "finished")
        for event in metrics_of(first) + metrics_of(second):
            self.assertEqual(event["cell"]["hash"], cells[event["cell"]["exec"]])

    def test_a_kernel_slow_to_exit_still_ends_its_run_as_finished(self):
        # A child ignoring SIGTERM holds ipykernel's shutdown for seconds, so the client sends the kernel SIGTERM
        # (after 2.5 s) and SIGKILL (5 s): the run must have ended at the shutdown request, not be left to atexit.
        start = time.monotonic()
        out, notebook, cells = self.execute("slow_shutdown.ipynb")
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        run_id, child = output_text(code_cells[-1]).split()
        self.addCleanup(self.kill_quietly, int(child))
        self.assertGreater(time.monotonic() - start, 2.5)  # the shutdown was slow, as it is meant to be
        events = self.all_events()[run_id]
        self.assertEqual([e["values"]["loss"] for e in metrics_of(events)], [1.0])
        self.assertEqual(events[-1]["t"], "run_end")
        self.assertEqual(events[-1]["status"], "finished")

    @staticmethod
    def kill_quietly(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    def test_vscode_notebook_path_wins(self):
        out, notebook, cells = self.execute("vscode.ipynb")
        events = self.events()
        self.assertEqual(events[0]["lineage"]["notebook"], {"path": "/workspace/explore.ipynb", "session": out})
        (metric,) = metrics_of(events)
        self.assertEqual(metric["cell"], {"exec": 2, "hash": cells[2], "notebook": "/workspace/explore.ipynb"})

    def test_notebook_source_is_captured_by_content_hash(self):
        saved = os.path.join(self.tmp, "explore.ipynb")  # the notebook as saved on disk, outside any repository
        with open(os.path.join(FIXTURES, "train.ipynb"), "rb") as handle:
            content = handle.read()
        with open(saved, "wb") as handle:
            handle.write(content)
        self.execute("train.ipynb", notebook_path=saved)
        lineage = self.events()[0]["lineage"]
        digest = hashlib.sha256(content).hexdigest()
        self.assertEqual(lineage["sources"], [{"path": saved, "state": "no-repository", "sha256": digest,
                                               "size": len(content), "stored": "sources/" + digest}])
        with open(os.path.join(self.tmp, ".trialbook", "sources", digest), "rb") as handle:
            self.assertEqual(handle.read(), content)


if __name__ == "__main__":
    unittest.main()
