"""Rich values from a real Jupyter kernel (ipykernel + nbclient): an image and a table logged from one cell carry
that cell's link, and their files are stored in the run's media folder."""
import json
import os
import subprocess
import sys

from helpers import SdkTestCase, REPO_ROOT, run_logs

FIXTURES = os.path.join(REPO_ROOT, "test", "fixtures", "notebooks")
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_notebook.py")


class MediaNotebookTest(SdkTestCase):
    def test_an_image_and_a_table_logged_from_a_cell(self):
        out = os.path.join(self.tmp, "media.ipynb")
        proc = subprocess.run([sys.executable, RUNNER, os.path.join(FIXTURES, "media.ipynb"), out, self.tmp],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode()[-3000:])
        with open(out, encoding="utf-8") as handle:
            notebook = json.load(handle)
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        logging_cell = code_cells[1]["execution_count"]
        events = self.events()
        media = {e["key"]: e for e in events if e["t"] == "media"}
        self.assertEqual(sorted(media), ["predictions", "sample"])
        for event in media.values():
            self.assertEqual(event["cell"]["exec"], logging_cell)
            self.assertEqual(event["cell"]["notebook"], out)
        image = media["sample"]["items"][0]
        self.assertEqual((image["width"], image["height"], image["caption"]), (12, 8, "left half red"))
        run_dir = os.path.dirname(run_logs(self.tmp)[0])
        self.assertTrue(os.path.isfile(os.path.join(run_dir, image["path"])))
        table = media["predictions"]["items"][0]
        with open(os.path.join(run_dir, table["path"]), encoding="utf-8") as handle:
            self.assertEqual(json.load(handle), {"columns": ["input", "label"], "rows": [["a", 1], ["b", 0]]})
        metrics = [e for e in events if e["t"] == "metrics"]
        self.assertEqual([(e["step"], e["values"], e["cell"]["exec"]) for e in metrics], [(0, {"loss": 0.5}, logging_cell)])

