"""The contract: what the SDK writes validates against schema/event.schema.json."""
import math
import os
import unittest

from helpers import SdkTestCase, validator, validate_log, SCHEMA_PATH

import trialbook


class SchemaTest(SdkTestCase):
    def test_jsonschema_is_available_and_rejects_bad_events(self):
        check = validator()  # raises AssertionError with a clear message when jsonschema is missing
        self.assertTrue(os.path.isfile(SCHEMA_PATH))
        bad = {"v": 1, "t": "metrics", "ts": 1.0, "step": -1, "values": {"loss": float("nan")}}
        self.assertTrue(list(check.iter_errors(bad)), "the validator must reject a negative step / NaN value")

    def test_every_event_kind_validates(self):
        artifact = os.path.join(self.tmp, "model.bin")
        with open(artifact, "wb") as handle:
            handle.write(b"weights")
        run = trialbook.init(experiment="schema", config={"lr": 0.1, "nan": math.nan, "nested": {"a": [1, 2]}},
                             tags=["t1"], notes="why", dir=self.tmp, system_metrics=False)
        run.log({"loss": 1.0, "inf": math.inf, "ninf": -math.inf, "nan": math.nan, "flag": True})
        run.config.update({"batch": 32})
        run.summary["best"] = math.inf
        run.set_tags(["a", "b"])
        run.notes = "changed"
        run.log_artifact(artifact, type="model", metadata={"framework": "none"})
        run.warn("a warning")
        run.finish()
        events = validate_log(os.path.join(run.dir, "events.jsonl"))
        kinds = [e["t"] for e in events]
        for kind in ("run_start", "metrics", "params", "summary", "tags", "notes", "artifact", "warning", "run_end"):
            self.assertIn(kind, kinds)
        self.assertTrue(all(e["v"] == trialbook.FORMAT_VERSION for e in events))
        metrics = [e for e in events if e["t"] == "metrics"][0]
        self.assertEqual(metrics["values"], {"loss": 1.0, "inf": "Infinity", "ninf": "-Infinity", "nan": "NaN", "flag": 1})
        start = events[0]
        self.assertEqual(start["config"]["nan"], {"$float": "NaN"})
        summary = [e for e in events if e["t"] == "summary"][0]
        self.assertEqual(summary["summary"], {"best": {"$float": "Infinity"}})


if __name__ == "__main__":
    unittest.main()
