"""`pip install ./sdk/python` works offline through the in-tree standard-library build backend."""
import base64
import hashlib
import os
import subprocess
import sys
import tarfile
import unittest
import zipfile

from helpers import SdkTestCase, SDK_DIR, validate_log, run_logs

sys.path.insert(0, os.path.join(SDK_DIR, "_build"))
import trialbook_build  # noqa: E402

import trialbook


class PackagingTest(SdkTestCase):
    def test_wheel_and_sdist_contents(self):
        wheel = os.path.join(self.tmp, trialbook_build.build_wheel(self.tmp))
        self.assertTrue(wheel.endswith("trialbook-%s-py3-none-any.whl" % trialbook.__version__))
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            modules = {"trialbook/%s" % n for n in os.listdir(os.path.join(SDK_DIR, "trialbook")) if n.endswith(".py")}
            self.assertTrue(modules <= names, modules - names)
            self.assertIn("trialbook/py.typed", names)  # type checkers read the annotations (PEP 561)
            self.assertFalse([n for n in names if "__pycache__" in n])
            info = "trialbook-%s.dist-info" % trialbook.__version__
            record = archive.read(info + "/RECORD").decode()
            for line in record.splitlines():
                name, digest, size = line.rsplit(",", 2)
                if name.endswith("RECORD"):
                    continue
                data = archive.read(name)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual((digest, int(size)), ("sha256=" + expected, len(data)), name)
            metadata = archive.read(info + "/METADATA").decode()
            self.assertIn("Version: %s\n" % trialbook.__version__, metadata)
            self.assertIn("Requires-Python: >=3.8", metadata)
        sdist = os.path.join(self.tmp, trialbook_build.build_sdist(self.tmp))
        with tarfile.open(sdist) as archive:
            names = set(archive.getnames())
        base = "trialbook-%s/" % trialbook.__version__
        for member in ("PKG-INFO", "pyproject.toml", "README.md", "_build/trialbook_build.py", "trialbook/__init__.py",
                       "trialbook/py.typed"):
            self.assertIn(base + member, names)

    def test_pip_install_into_a_fresh_venv_offline(self):
        venv = os.path.join(self.tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=60)
        python = os.path.join(venv, "bin", "python")
        # The outer pip installs into the venv; its build stays isolated (requires = []),
        # and --no-index proves nothing is downloaded.
        proc = subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index",
                               "--disable-pip-version-check", SDK_DIR],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout.decode()[-3000:])
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["TRIALBOOK_DIR"] = self.tmp
        check = subprocess.run([python, "-c", (
            "import trialbook\n"
            "assert 'site-packages' in trialbook.__file__, trialbook.__file__\n"
            "run = trialbook.init(system_metrics=False)\n"
            "run.log({'loss': 0.5})\n"
            "run.finish()\n"
            "print(trialbook.__version__, trialbook.FORMAT_VERSION)\n")],
            cwd=venv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(check.returncode, 0, check.stderr.decode())
        self.assertEqual(check.stdout.decode().split(), [trialbook.__version__, str(trialbook.FORMAT_VERSION)])
        events = validate_log(run_logs(os.path.join(self.tmp, ".trialbook"))[0])
        self.assertEqual(events[-1]["status"], "finished")


if __name__ == "__main__":
    unittest.main()
