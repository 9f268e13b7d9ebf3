"""Reference profiles and monitoring runs as they land in the log (every line schema-checked by SdkTestCase),
every accepted input shape, and bad input: missing/extra columns, all-NaN columns, unseen categories, one-row
batches, no reference profile, timestamps out of order."""
import json
import os
import warnings

from helpers import SdkTestCase

import trialbook

ROWS = [{"age": 20.0 + (i % 40), "plan": ["a", "b", "c"][i % 3], "spend": float(i % 7)} for i in range(300)]


def by_kind(events, kind):
    return [e for e in events if e["t"] == kind]


class ProfileTest(SdkTestCase):
    def test_log_profile_writes_the_file_and_its_event(self):
        run = trialbook.init(dir=self.tmp)
        profile = run.log_profile("train", ROWS, model="churn", version=3, baseline={"accuracy": 0.9})
        run.finish()
        event, = by_kind(self.events(), "profile")
        self.assertEqual((event["name"], event["rows"], event["columns"]), ("train", 300, 3))
        self.assertEqual((event["model"], event["version"]), ("churn", "3"))
        path = os.path.join(self.tmp, event["path"])
        with open(path, encoding="utf-8") as handle:
            stored = json.load(handle)
        self.assertEqual(stored["baseline"], {"accuracy": 0.9})
        self.assertEqual([c["name"] for c in stored["columns"]], ["age", "plan", "spend"])
        self.assertEqual([c["type"] for c in stored["columns"]], ["numeric", "categorical", "numeric"])
        self.assertEqual(profile["columns"][1]["top"], [["a", 100], ["b", 100], ["c", 100]])

    def test_every_input_shape_gives_the_same_profile(self):
        import numpy
        import pandas
        columns = {"age": [r["age"] for r in ROWS], "spend": [r["spend"] for r in ROWS]}
        csv_path = os.path.join(self.tmp, "train.csv")
        with open(csv_path, "w", encoding="utf-8") as handle:
            handle.write("age,spend\n" + "".join("%r,%r\n" % (a, s) for a, s in zip(columns["age"], columns["spend"])))
        matrix = numpy.array([columns["age"], columns["spend"]]).T
        structured = numpy.zeros(300, dtype=[("age", "f8"), ("spend", "f8")])
        structured["age"], structured["spend"] = columns["age"], columns["spend"]
        shapes = {"dict of columns": (columns, None), "list of dicts": ([{"age": a, "spend": s} for a, s in
                                                                         zip(columns["age"], columns["spend"])], None),
                  "DataFrame": (pandas.DataFrame(columns), None), "CSV path": (csv_path, None),
                  "2-D array": (matrix, ["age", "spend"]), "structured array": (structured, None)}
        run = trialbook.init(dir=self.tmp)
        made = {}
        for index, (shape, (data, names)) in enumerate(shapes.items()):
            profile = run.log_profile("p%d" % index, data, columns=names)
            made[shape] = [{k: v for k, v in c.items()} for c in profile["columns"]]
        run.finish()
        first = made["dict of columns"]
        for shape, columns_made in made.items():
            with self.subTest(shape=shape):
                self.assertEqual(columns_made, first)

    def test_shapes_that_cannot_be_read_are_refused_clearly(self):
        import numpy
        run = trialbook.init(dir=self.tmp)
        with self.assertRaisesRegex(ValueError, "needs column names"):
            run.log_profile("train", numpy.zeros((3, 2)))
        with self.assertRaisesRegex(TypeError, "takes a pandas DataFrame"):
            run.log_profile("train", 42)
        with self.assertRaisesRegex(ValueError, "profile name"):
            run.log_profile("../etc", ROWS)
        with self.assertRaisesRegex(FileNotFoundError, "no CSV file"):
            run.log_profile("train", os.path.join(self.tmp, "missing.csv"))
        with self.assertRaisesRegex(ValueError, "different lengths"):
            run.log_profile("train", {"a": [1, 2], "b": [1]})
        run.finish()


class MonitorTest(SdkTestCase):
    def train(self, rows=ROWS):
        run = trialbook.init(experiment="train", dir=self.tmp)
        run.log_profile("train", rows, model="churn", version="3", baseline={"accuracy": 0.9})
        run.finish()
        return run.id

    def test_monitoring_run_links_the_model_version_and_logs_each_batch(self):
        training = self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        result = mon.log_batch(ROWS[:100], predictions=[0.9] * 100, labels=[1] * 50 + [0] * 50,
                               timestamp="2026-11-02")
        mon.finish()
        events = self.all_events()[mon.run.id]
        start = events[0]
        self.assertEqual(start["kind"], "monitoring")
        self.assertEqual(start["monitor"]["model"], "churn")
        self.assertEqual(start["monitor"]["version"], "3")
        self.assertEqual(start["monitor"]["training_run"], training)
        profile, = by_kind(events, "profile")
        self.assertEqual((profile["name"], profile["role"], profile["source_run"]), ("reference", "reference", training))
        batch, = by_kind(events, "monitor_batch")
        self.assertEqual(batch["timestamp"], 1793577600.0)
        self.assertEqual(batch["metrics"]["accuracy"], 0.5)
        self.assertEqual(result["status"], "alert")  # accuracy 0.5 against a baseline of 0.9
        self.assertTrue(any(a["kind"] == "performance" for a in batch["alerts"]))
        self.assertEqual([f["status"] for f in batch["features"]], ["ok", "ok", "ok"])
        series = [e for e in by_kind(events, "metrics") if "perf/accuracy" in e["values"]]
        self.assertEqual(series[0]["step"], 1793577600)  # keyed by the batch's time

    def test_missing_and_extra_columns_are_reported_and_the_rest_compared(self):
        self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        rows = [{"age": r["age"], "plan": r["plan"], "region": "eu"} for r in ROWS]
        result = mon.log_batch(rows)
        mon.finish()
        self.assertEqual(result["missing_columns"], ["spend"])
        self.assertEqual(result["extra_columns"], ["region"])
        self.assertEqual([f["name"] for f in result["features"]], ["age", "plan"])
        schema, = [a for a in result["alerts"] if a["kind"] == "schema"]
        self.assertEqual((schema["feature"], schema["level"]), ("spend", "warning"))

    def test_an_all_nan_column_is_a_missing_rate_alert_without_drift_numbers(self):
        self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        rows = [{"age": float("nan"), "plan": r["plan"], "spend": r["spend"]} for r in ROWS]
        result = mon.log_batch(rows)
        mon.finish()
        age = result["features"][0]
        self.assertEqual((age["count"], age["missing_rate"]), (0, 1.0))
        self.assertNotIn("psi", age)
        self.assertEqual(age["status"], "alert")
        self.assertEqual([a["statistic"] for a in result["alerts"]], ["missing"])

    def test_unseen_categories_are_named_and_shift_the_distribution(self):
        self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        rows = [dict(r, plan="platinum" if i % 2 else r["plan"]) for i, r in enumerate(ROWS)]
        result = mon.log_batch(rows)
        mon.finish()
        plan = result["features"][1]
        self.assertEqual(plan["unseen_categories"], [["platinum", 150]])
        self.assertEqual(plan["status"], "alert")

    def test_a_one_row_batch_is_unreliable_and_raises_no_alert(self):
        self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = mon.log_batch([{"age": 500.0, "plan": "zzz", "spend": -9.0}], predictions=[1], labels=[0])
        mon.finish()
        self.assertFalse(result["reliable"])
        self.assertEqual((result["status"], result["alerts"]), ("ok", []))
        self.assertIn("unreliable", str(caught[-1].message))
        self.assertIn("psi", result["features"][0])  # the numbers are still there, marked unreliable

    def test_no_reference_profile_means_performance_only_with_a_clear_message(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mon = trialbook.monitor(model="fraud", version="7", dir=self.tmp, baseline={"auc": 0.8})
        self.assertIn("no reference profile for model 'fraud' version '7'", str(caught[0].message))
        self.assertIn("log_profile", str(caught[0].message))
        result = mon.log_batch(ROWS[:50], predictions=[0.2] * 25 + [0.8] * 25, labels=[0] * 25 + [1] * 25)
        mon.finish()
        self.assertEqual(result["features"], [])
        self.assertEqual(result["extra_columns"], ["age", "plan", "spend"])
        self.assertEqual(result["metrics"]["auc"], 1.0)
        events = self.all_events()[mon.run.id]
        self.assertFalse(events[0]["monitor"]["reference"])
        self.assertIn("performance only", by_kind(events, "warning")[0]["message"])

    def test_timestamps_out_of_order_are_kept_and_flagged(self):
        self.train()
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        mon.log_batch(ROWS, timestamp="2026-11-05")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            late = mon.log_batch(ROWS, timestamp="2026-11-03")
        mon.finish()
        self.assertTrue(late["out_of_order"])
        self.assertIn("earlier than the previous batch", str(caught[-1].message))
        self.assertEqual([b["index"] for b in by_kind(self.all_events()[mon.run.id], "monitor_batch")], [0, 1])

    def test_bad_arguments_say_what_to_pass(self):
        self.train()
        with self.assertRaisesRegex(ValueError, "version must be"):
            trialbook.monitor(model="churn", version=None, dir=self.tmp)
        with self.assertRaisesRegex(ValueError, "run nope has no profile"):
            trialbook.monitor(model="churn", version=3, reference="nope", dir=self.tmp)
        mon = trialbook.monitor(model="churn", version=3, dir=self.tmp)
        with self.assertRaisesRegex(ValueError, "needs both labels= and predictions="):
            mon.log_batch(ROWS, labels=[1] * 300)
        with self.assertRaisesRegex(ValueError, "300 labels but 2 predictions"):
            mon.log_batch(ROWS, labels=[1] * 300, predictions=[1, 0])
        with self.assertRaisesRegex(ValueError, "not an ISO date"):
            mon.log_batch(ROWS, timestamp="yesterday")
        with self.assertRaisesRegex(ValueError, "unknown metric 'acc'"):
            trialbook.monitor(model="churn", version=3, dir=self.tmp, metrics=["acc"])
        mon.finish()
