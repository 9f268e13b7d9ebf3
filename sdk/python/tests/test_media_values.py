"""Rich values (issue 17): histograms, tables, confusion matrices, curves and text from every input kind
available here, their events (validated against the schema), bad input (one warning, value skipped, training
goes on), and the schema's own checks of media events."""
import json
import os
import time
import unittest
import warnings

from helpers import SdkTestCase, validator
from media_helpers import media_events, warnings_of

import numpy
import torch
import trialbook

try:
    import pandas
except ImportError:  # Debian's python3-pandas is on this machine; without it the DataFrame test says so
    pandas = None


class ValueTest(SdkTestCase):
    def init(self):
        return trialbook.init(experiment="media", dir=self.tmp, system_metrics=False)

    def item(self, key, events=None):
        found = media_events(events if events is not None else self.events(), key)
        self.assertEqual(len(found), 1, "one media event for %r" % key)
        return found[0]["items"][0]

    def test_histograms_from_values_arrays_tensors_and_counts(self):
        values = numpy.random.default_rng(5).normal(size=10_000)
        run = self.init()
        run.log({"np": trialbook.Histogram(values, bins=16),
                 "list": trialbook.Histogram([0.0, 1.0, 1.0, 2.0, float("nan"), float("inf")], bins=2),
                 "tensor": trialbook.Histogram(torch.tensor([1.0, 2.0, 3.0, 4.0]), bins=4),
                 "same": trialbook.Histogram([5, 5, 5], bins=2),
                 "counts": trialbook.Histogram([3, 4], edges=[0.0, 1.0, 10.0]),
                 "equal": trialbook.Histogram(numpy.histogram(values, bins=8))}, step=2)
        run.finish()
        events = self.events()
        counts, edges = numpy.histogram(values, bins=16)
        np_item = self.item("np", events)
        self.assertEqual(np_item["counts"], counts.tolist())
        self.assertAlmostEqual(np_item["min"], edges[0])
        self.assertAlmostEqual(np_item["max"], edges[-1])
        self.assertEqual(self.item("list", events), {"min": 0.0, "max": 2.0, "counts": [1, 3], "nonfinite": 2})
        self.assertEqual(self.item("tensor", events)["counts"], [1, 1, 1, 1])
        self.assertEqual(self.item("same", events), {"min": 4.5, "max": 5.5, "counts": [0, 3]})
        self.assertEqual(self.item("counts", events), {"edges": [0.0, 1.0, 10.0], "counts": [3, 4]})
        equal = self.item("equal", events)
        self.assertNotIn("edges", equal, "equal bins are stored as min and max only")
        self.assertEqual(sum(equal["counts"]), 10_000)

    def test_histogram_of_a_million_values_on_the_writer_thread(self):
        values = numpy.random.default_rng(2).normal(size=1_000_000)
        histogram = trialbook.Histogram(values)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            item = histogram.render_item(None)
            times.append(time.perf_counter() - start)
        print("\nHistogram of 1,000,000 values: %.1f ms" % (min(times) * 1e3))
        self.assertEqual(sum(item["counts"]), 1_000_000)
        self.assertLess(min(times), 0.06)

    def test_tables_from_rows_dicts_and_a_dataframe_are_stored_as_json_files(self):
        run = self.init()
        rows = [["cat", 0.9, True], ["dog", float("nan"), None]]
        logged = {"rows": trialbook.Table(["label", "score", "ok"], rows),
                  "dicts": trialbook.Table(["a", "b"], [{"a": 1, "b": 2}])}
        if pandas is None:
            self.fail("pandas (Debian's python3-pandas) is needed to test Table(DataFrame)")
        frame = pandas.DataFrame({"x": numpy.arange(3), "y": ["p", "q", "r"]})
        logged["frame"] = trialbook.Table(frame)
        run.log(logged, step=0)
        rows[0][0] = "changed after log()"
        run.finish()
        events = self.events()
        for key, expected in (("rows", {"columns": ["label", "score", "ok"], "rows": [["cat", 0.9, True], ["dog", {"$float": "NaN"}, None]]}),
                              ("dicts", {"columns": ["a", "b"], "rows": [[1, 2]]}),
                              ("frame", {"columns": ["x", "y"], "rows": [[0, "p"], [1, "q"], [2, "r"]]})):
            item = self.item(key, events)
            with open(os.path.join(run.dir, item["path"]), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle), expected, key)
            self.assertEqual((item["rows"], item["columns"]), (len(expected["rows"]), expected["columns"]))

    def test_confusion_matrices_from_labels_and_from_counts(self):
        run = self.init()
        run.log({"pairs": trialbook.ConfusionMatrix(["cat", "dog", "dog", "cat"], ["cat", "dog", "cat", "cat"]),
                 "labels": trialbook.ConfusionMatrix(numpy.array([0, 1, 2, 2]), torch.tensor([0, 2, 2, 1]),
                                                     labels=[0, 1, 2]),
                 "counts": trialbook.ConfusionMatrix(matrix=[[5, 1], [2, 7]], labels=["neg", "pos"])}, step=0)
        run.finish()
        events = self.events()
        self.assertEqual(self.item("pairs", events), {"labels": ["cat", "dog"], "matrix": [[2, 0], [1, 1]]})
        self.assertEqual(self.item("labels", events), {"labels": ["0", "1", "2"], "matrix": [[1, 0, 0], [0, 0, 1], [0, 1, 1]]})
        self.assertEqual(self.item("counts", events), {"labels": ["neg", "pos"], "matrix": [[5, 1], [2, 7]]})

    def test_curves_custom_pr_and_roc_with_their_areas(self):
        run = self.init()
        run.log({"custom": trialbook.Curve([0, 1, 2], numpy.array([1.0, 0.5, 0.25]), x_label="epoch"),
                 "pr": trialbook.pr_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]),
                 "roc": trialbook.roc_curve(numpy.array([0, 1, 1, 0]), torch.tensor([0.1, 0.9, 0.4, 0.5])),
                 "big": trialbook.Curve.roc([i % 2 for i in range(10_000)], [i / 10_000 for i in range(10_000)])}, step=0)
        run.finish()
        events = self.events()
        custom = self.item("custom", events)
        self.assertEqual((custom["kind"], custom["x"], custom["y"], custom["x_label"]), ("custom", [0.0, 1.0, 2.0], [1.0, 0.5, 0.25], "epoch"))
        self.assertNotIn("auc", custom)
        pr = self.item("pr", events)
        self.assertEqual((pr["x"], pr["y"]), ([0.0, 0.5, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 2 / 3, 0.5]))
        self.assertAlmostEqual(pr["auc"], 0.5 * 1.0 + 0.5 * 2 / 3)  # average precision
        roc = self.item("roc", events)
        self.assertAlmostEqual(roc["auc"], 0.75)  # 3 of 4 (positive, negative) pairs ordered right
        big = self.item("big", events)
        self.assertEqual(len(big["x"]), 2000)
        self.assertEqual((big["x"][0], big["x"][-1]), (0.0, 1.0))
        self.assertAlmostEqual(big["auc"], 0.5, places=3)

    def test_text_is_kept_as_markdown(self):
        run = self.init()
        run.log({"notes": trialbook.Text("# Title\n<script>alert(1)</script>")}, step=3)
        run.finish()
        self.assertEqual(self.item("notes"), {"markdown": "# Title\n<script>alert(1)</script>"})

    def test_bad_values_warn_once_each_and_the_rest_is_logged(self):
        run = self.init()
        bad = {"bins": trialbook.Histogram([1, 2], bins=0), "hist_type": trialbook.Histogram(["a"]),
               "hist_nan": trialbook.Histogram([float("nan")]),
               "edges": trialbook.Histogram([1, 2], edges=[0, 1]),
               "cells": trialbook.Table(["a"], ([i] for i in range(1_000_001))),
               "ragged": trialbook.Table(["a", "b"], [[1]]), "columns": trialbook.Table("abc", []),
               "cm": trialbook.ConfusionMatrix([1, 2], [1]), "cm_matrix": trialbook.ConfusionMatrix(matrix=[[1, -1], [0, 0]]),
               "curve": trialbook.Curve([0, 1], [1]), "curve_kind": trialbook.Curve([0], [1], kind="lift"),
               "roc_one_class": trialbook.roc_curve([1, 1], [0.2, 0.4]),
               "text": trialbook.Text(42), "big_text": trialbook.Text("x" * (1024 * 1024 + 1))}
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            run.log(dict(bad, ok=trialbook.Text("fine")), step=0)
        run.finish()
        events = self.events()
        self.assertEqual([e["key"] for e in media_events(events)], ["ok"])
        messages = warnings_of(events)
        self.assertEqual(len(messages), len(bad), messages)
        for words in ("bins=0", "holds 'a'", "no finite values", "2 counts and 2 edges", "over 1000000 cells",
                      "row 0 has 1 values", "list of column names", "2 true and 1 predicted", "counts must be whole",
                      "2 x and 1 y", "kind='lift'", "no negative labels", "not int", "over 1 MiB"):
            self.assertTrue(any(words in m for m in messages), "no warning says %r: %r" % (words, messages))


class MediaSchemaTest(unittest.TestCase):
    def test_schema_refuses_media_events_with_bad_items_and_accepts_unknown_types(self):
        check = validator()
        sha = "0" * 64
        good = {"v": 1, "t": "media", "ts": 1.0, "step": 0, "key": "img", "type": "image",
                "items": [{"path": "media/%s.png" % sha, "sha256": sha, "format": "png", "width": 1, "height": 1}]}
        self.assertEqual(list(check.iter_errors(good)), [])
        for broken in ({"items": []}, {"items": [{"path": "../escape.png", "sha256": sha, "format": "png", "width": 1, "height": 1}]},
                       {"type": "histogram", "items": [{"counts": [1], "min": 0}]},
                       {"type": "histogram", "items": [{"counts": [1], "min": 0, "max": 1, "edges": [0, 1]}]},
                       {"type": "confusion_matrix", "items": [{"labels": ["a"], "matrix": [[-1]]}]},
                       {"type": "curve", "items": [{"kind": "pr", "x": [0], "y": ["a"]}]},
                       {"type": "text", "items": [{"text": "no markdown field"}]}, {"step": -1}):
            self.assertTrue(list(check.iter_errors(dict(good, **broken))), "the schema accepted %r" % broken)
        future = dict(good, type="video", items=[{"anything": True}])
        self.assertEqual(list(check.iter_errors(future)), [], "a newer writer's item type must stay valid")


if __name__ == "__main__":
    unittest.main()
