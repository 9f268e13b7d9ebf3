"""Shared test helpers: temp workspaces, child processes, reading and schema-validating logs."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

SDK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(os.path.dirname(SDK_DIR))
SCHEMA_PATH = os.path.join(REPO_ROOT, "schema", "event.schema.json")
sys.path.insert(0, SDK_DIR)

_validator = None


def validator():
    """A jsonschema validator for the event schema. Missing jsonschema is a test
    failure, not a skip: the contract must be checked."""
    global _validator
    if _validator is None:
        try:
            import jsonschema
        except ImportError as exc:
            raise AssertionError(
                "jsonschema is required to validate the SDK's output against %s; run the tests "
                "with /usr/bin/python3 (Debian's python3-jsonschema) or install jsonschema (%s)"
                % (SCHEMA_PATH, exc))
        with open(SCHEMA_PATH, encoding="utf-8") as handle:
            schema = json.load(handle)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def read_lines(path):
    """Complete lines of a log (a trailing line without newline is incomplete by spec)."""
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    return [line for line in lines[:-1]], lines[-1]


def validate_log(path):
    """Every complete line parses as JSON and validates against the schema; returns the events."""
    lines, _ = read_lines(path)
    events = []
    check = validator()
    for number, line in enumerate(lines, 1):
        try:
            event = json.loads(line.decode("utf-8"))
        except ValueError as exc:
            raise AssertionError("%s:%d is not valid JSON (%s): %r" % (path, number, exc, line[:200]))
        errors = sorted(check.iter_errors(event), key=str)
        if errors:
            raise AssertionError("%s:%d does not match the schema: %s\n%r" % (
                path, number, "; ".join(e.message for e in errors[:3]), line[:300]))
        events.append(event)
    return events


def run_logs(root):
    found = []
    for folder, _dirs, names in os.walk(root):
        if "events.jsonl" in names and os.path.basename(os.path.dirname(folder)) == "runs":
            found.append(os.path.join(folder, "events.jsonl"))
    return sorted(found)


class SdkTestCase(unittest.TestCase):
    """Gives each test a temp workspace and, at the end, validates every log written in it."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trialbook-test-")
        self.root = os.path.join(self.tmp, ".trialbook")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.addCleanup(self._validate_all)
        self._old_env = {k: os.environ.get(k) for k in ("TRIALBOOK_DIR", "TRIALBOOK_CAPTURE", "TRIALBOOK_FORMAT_VERSION", "RANK", "LOCAL_RANK", "WORLD_SIZE")}
        for key in self._old_env:
            os.environ.pop(key, None)
        self.addCleanup(self._restore_env)

    def _restore_env(self):
        for key, value in self._old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def _validate_all(self):
        import trialbook
        trialbook.finish()
        for path in run_logs(self.tmp):
            validate_log(path)

    def events(self, run_id=None):
        logs = run_logs(self.tmp)
        if run_id is not None:
            logs = [p for p in logs if os.path.basename(os.path.dirname(p)) == run_id]
        self.assertEqual(len(logs), 1, "expected one run log, found %r" % logs)
        return validate_log(logs[0])

    def all_events(self):
        return {os.path.basename(os.path.dirname(p)): validate_log(p) for p in run_logs(self.tmp)}

    def child(self, code, env=None, timeout=60, wait=True, cwd=None):
        """Run Python code in a real child process with the SDK importable."""
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = SDK_DIR + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env.setdefault("TRIALBOOK_DIR", self.tmp)
        full_env["PYTHONUNBUFFERED"] = "1"
        full_env.update(env or {})
        args = [sys.executable, "-c", textwrap.dedent(code)]
        if not wait:
            return subprocess.Popen(args, env=full_env, cwd=cwd or self.tmp,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return subprocess.run(args, env=full_env, cwd=cwd or self.tmp, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def metrics_of(events):
    return [e for e in events if e["t"] == "metrics" and not any(k.startswith("system/") for k in e["values"])]
