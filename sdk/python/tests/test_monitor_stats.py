"""Drift statistics and model metrics against independent computations: scipy's ks_2samp and jensenshannon,
scikit-learn's metrics (Debian's python3-scipy and python3-sklearn; missing ones are a failure, not a skip),
and cases computed by hand. Each statistic is checked on the NumPy path and on the standard-library path."""
import math
import os
import random
import unittest
from contextlib import contextmanager

import helpers  # noqa: F401  (puts the SDK on sys.path)
from trialbook import _monitor_metrics as metrics
from trialbook._monitor_rules import feature_findings, performance_findings, thresholds
from trialbook._monitor_stats import compare_column, js_distance, ks_statistic, psi
from trialbook._profile import build_profile, numeric_profile, present_sorted
from trialbook._profile_table import read_table


def scipy_stats():
    try:
        from scipy.spatial.distance import jensenshannon
        from scipy.stats import ks_2samp
    except ImportError as exc:
        raise AssertionError("the monitoring statistics are checked against scipy: install Debian's python3-scipy "
                             "and run with /usr/bin/python3 (%s)" % exc)
    return ks_2samp, jensenshannon


@contextmanager
def standard_library_only():
    os.environ["TRIALBOOK_PURE_PYTHON"] = "1"
    try:
        yield
    finally:
        del os.environ["TRIALBOOK_PURE_PYTHON"]


PATHS = (("numpy", contextmanager(lambda: (yield))), ("stdlib", standard_library_only))


class HandComputedTest(unittest.TestCase):
    def test_psi_of_two_bins(self):
        # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.17329 + 0.10137
        self.assertAlmostEqual(psi([50, 50], [25, 75]), 0.274653, places=5)
        self.assertEqual(psi([10, 20, 30], [1, 2, 3]), 0.0)

    def test_psi_floors_an_empty_bin_instead_of_dividing_by_zero(self):
        # bin 2 empty in the reference: its share is raised to 1e-4
        value = psi([100, 0], [90, 10])
        expected = (0.9 - 1.0) * math.log(0.9 / 1.0) + (0.1 - 1e-4) * math.log(0.1 / 1e-4)
        self.assertAlmostEqual(value, expected, places=9)

    def test_js_distance_of_disjoint_and_equal_distributions(self):
        self.assertAlmostEqual(js_distance([1, 0], [0, 1]), 1.0)
        self.assertEqual(js_distance([3, 1], [6, 2]), 0.0)

    def test_ks_against_a_uniform_sketch(self):
        quantiles = [i / 200 for i in range(201)]  # the uniform distribution on [0, 1]
        for name, path in PATHS:
            with self.subTest(path=name), path():
                # every batch value at 0.5: the empirical CDF jumps from 0 to 1 where the reference is 0.5
                self.assertAlmostEqual(ks_statistic(quantiles, present_sorted(_floats([0.5] * 10))), 0.5)
                # all below the reference's support
                self.assertAlmostEqual(ks_statistic(quantiles, present_sorted(_floats([-1.0, -2.0]))), 1.0)

    def test_numeric_profile_by_hand(self):
        for name, path in PATHS:
            with self.subTest(path=name), path():
                column = numeric_profile("x", _floats([1.0, 2.0, 3.0, 4.0, float("nan")]), 5)
                self.assertEqual((column["count"], column["missing"]), (4, 1))
                self.assertAlmostEqual(column["missing_rate"], 0.2)
                self.assertAlmostEqual(column["mean"], 2.5)
                self.assertAlmostEqual(column["std"], math.sqrt(1.25))
                self.assertEqual(column["quantiles"][0], 1.0)
                self.assertAlmostEqual(column["quantiles"][100], 2.5)
                self.assertEqual(column["quantiles"][-1], 4.0)
                self.assertEqual(sum(column["psi_counts"]), 4)
                self.assertEqual(sum(column["hist_counts"]), 4)

    def test_a_constant_column_still_sees_a_shift(self):
        for name, path in PATHS:
            with self.subTest(path=name), path():
                reference = numeric_profile("c", _floats([5.0] * 100), 100)
                self.assertEqual(reference["psi_edges"], [5.0])
                same = compare_column(reference, [5.0] * 50, 50)
                moved = compare_column(reference, [6.0] * 50, 50)
                self.assertEqual(same["psi"], 0.0)
                self.assertGreater(moved["psi"], 1.0)
                self.assertAlmostEqual(moved["ks"], 1.0)


def _floats(values):
    with_numpy = os.environ.get("TRIALBOOK_PURE_PYTHON") != "1"
    if with_numpy:
        import numpy
        return numpy.array(values, dtype="float64")
    return list(values)


class AgainstScipyTest(unittest.TestCase):
    def test_ks_matches_ks_2samp_within_the_sketch_resolution(self):
        ks_2samp, _ = scipy_stats()
        rng = random.Random(3)
        cases = {
            "same normal": ([rng.gauss(0, 1) for _ in range(5000)], [rng.gauss(0, 1) for _ in range(700)]),
            "shifted normal": ([rng.gauss(0, 1) for _ in range(5000)], [rng.gauss(0.4, 1) for _ in range(700)]),
            "wider": ([rng.gauss(0, 1) for _ in range(3000)], [rng.gauss(0, 2) for _ in range(900)]),
            "uniform vs normal": ([rng.random() for _ in range(4000)], [rng.gauss(0.5, 0.3) for _ in range(500)]),
            "integers with ties": ([float(rng.randint(0, 5)) for _ in range(4000)],
                                   [float(rng.randint(1, 6)) for _ in range(500)]),
        }
        for name, path in PATHS:
            for case, (reference, batch) in cases.items():
                with self.subTest(path=name, case=case), path():
                    column = numeric_profile("x", _floats(reference), len(reference))
                    ours = compare_column(column, _floats(batch), len(batch))["ks"]
                    expected = ks_2samp(reference, batch).statistic
                    # the sketch knows the reference CDF to within 1/200 between knots (ties: exactly at them)
                    self.assertAlmostEqual(ours, expected, delta=0.006, msg="%s: %f vs scipy %f" % (case, ours, expected))

    def test_js_matches_scipy_jensenshannon_base_2(self):
        _, jensenshannon = scipy_stats()
        rng = random.Random(5)
        for _ in range(20):
            size = rng.randint(2, 8)
            p = [rng.randint(0, 50) for _ in range(size)]
            q = [rng.randint(0, 50) for _ in range(size)]
            p[0] += 1
            q[-1] += 1
            self.assertAlmostEqual(js_distance(p, q), float(jensenshannon(p, q, base=2)), places=9)

    def test_categorical_column_js_and_unseen_categories(self):
        _, jensenshannon = scipy_stats()
        reference = build_profile("t", read_table({"plan": ["a"] * 60 + ["b"] * 30 + ["c"] * 10}, "t"))["columns"][0]
        batch = ["a"] * 40 + ["b"] * 30 + ["c"] * 20 + ["zeta"] * 10 + [None] * 5
        out = compare_column(reference, batch, len(batch))
        self.assertAlmostEqual(out["js"], float(jensenshannon([60, 30, 10, 0], [40, 30, 20, 10], base=2)), places=9)
        self.assertEqual(out["unseen"], 10)
        self.assertEqual(out["unseen_categories"], [["zeta", 10]])
        self.assertAlmostEqual(out["missing_rate"], 5 / 105)

    def test_model_metrics_match_scikit_learn(self):
        try:
            from sklearn import metrics as sk
        except ImportError as exc:
            raise AssertionError("install Debian's python3-sklearn (%s)" % exc)
        rng = random.Random(9)
        labels = [rng.randint(0, 1) for _ in range(500)]
        scores = [min(1.0, max(0.0, 0.3 * y + rng.random() * 0.7)) for y in labels]
        scores[:20] = [0.5] * 20  # ties
        hard = [1 if s >= 0.5 else 0 for s in scores]
        self.assertAlmostEqual(metrics.accuracy(labels, scores), sk.accuracy_score(labels, hard))
        self.assertAlmostEqual(metrics.f1(labels, scores), sk.f1_score(labels, hard))
        self.assertAlmostEqual(metrics.auc(labels, scores), sk.roc_auc_score(labels, scores))
        values = [rng.gauss(0, 1) for _ in range(200)]
        guesses = [v + rng.gauss(0, 0.3) for v in values]
        self.assertAlmostEqual(metrics.rmse(values, guesses), math.sqrt(sk.mean_squared_error(values, guesses)))
        self.assertAlmostEqual(metrics.mae(values, guesses), sk.mean_absolute_error(values, guesses))
        classes = [rng.choice("xyz") for _ in range(300)]
        predicted = [c if rng.random() < 0.7 else rng.choice("xyz") for c in classes]
        self.assertAlmostEqual(metrics.f1(classes, predicted), sk.f1_score(classes, predicted, average="macro"))


class ThresholdTest(unittest.TestCase):
    def test_defaults_and_overrides(self):
        rules = thresholds(None)
        self.assertEqual(rules["psi"], [0.1, 0.2])
        self.assertEqual(thresholds({"psi": 0.3})["psi"], [0.1, 0.3])
        self.assertEqual(thresholds({"psi": 0.05})["psi"], [0.05, 0.05])
        self.assertEqual(thresholds({"ks": [0.05, 0.15]})["ks"], [0.05, 0.15])
        feature = {"name": "age", "psi": 0.25}
        self.assertEqual(feature_findings(feature, rules)[0]["level"], "alert")
        relaxed = thresholds({"features": {"age": {"psi": 0.3}}})
        self.assertEqual(feature_findings(dict(feature), relaxed)[0]["level"], "warning")

    def test_bad_thresholds_say_what_to_write(self):
        with self.assertRaisesRegex(ValueError, "unknown threshold 'psii'"):
            thresholds({"psii": 0.2})
        with self.assertRaisesRegex(ValueError, r"\[warning, alert\]"):
            thresholds({"psi": [0.3, 0.1]})
        with self.assertRaisesRegex(ValueError, "min_rows"):
            thresholds({"min_rows": 0})

    def test_performance_drop_is_relative_to_the_baseline_and_goal(self):
        rules = thresholds(None)
        goals = metrics.GOALS
        self.assertEqual(performance_findings({"accuracy": 0.8}, {"accuracy": 0.9}, goals, rules)[0]["level"], "alert")
        self.assertEqual(performance_findings({"accuracy": 0.84}, {"accuracy": 0.9}, goals, rules)[0]["level"],
                         "warning")
        self.assertEqual(performance_findings({"accuracy": 0.95}, {"accuracy": 0.9}, goals, rules), [])
        self.assertEqual(performance_findings({"rmse": 1.25}, {"rmse": 1.0}, goals, rules)[0]["level"], "alert")
        self.assertEqual(performance_findings({"rmse": 0.5}, {"rmse": 1.0}, goals, rules), [])


if __name__ == "__main__":
    unittest.main()
