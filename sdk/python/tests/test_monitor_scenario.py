"""The drift scenario shipped in examples/monitoring/scenario.py, run as a user runs it (a child process, real
scikit-learn), over several seeds: quiet on days 1-14, a drift alert on the shifted feature within two days of
day 15 and never on the unshifted ones, a performance alert after the labels' relation changes on day 22."""
import json
import os
import subprocess
import sys

from helpers import REPO_ROOT, SdkTestCase

SCENARIO = os.path.join(REPO_ROOT, "examples", "monitoring", "scenario.py")
SEEDS = (1, 2, 3, 4)
UNSHIFTED = ("monthly_spend", "usage", "support_calls")


def alerts(day, kind=None, subject=None):
    return [a for a in day["alerts"] if a[3] == "alert" and (kind is None or a[0] == kind)
            and (subject is None or a[1] == subject)]


class ScenarioTest(SdkTestCase):
    def run_seed(self, seed):
        folder = os.path.join(self.tmp, "seed-%d" % seed)
        os.makedirs(folder)
        done = subprocess.run([sys.executable, SCENARIO, "--seed", str(seed), "--json", "--dir", folder],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, cwd=folder)
        self.assertEqual(done.returncode, 0, done.stderr.decode("utf-8", "replace")[-2000:])
        return json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])

    def test_drift_then_concept_change_over_several_seeds(self):
        false_alarms = 0
        checked = 0
        for seed in SEEDS:
            result = self.run_seed(seed)
            self.assertEqual(result["model"], "sklearn", "the scenario trains scikit-learn (python3-sklearn)")
            days = result["days"]
            self.assertEqual(len(days), 30)
            with self.subTest(seed=seed):
                for day in days[:14]:
                    self.assertEqual(alerts(day), [], "seed %d day %d: an alert before any shift" % (seed, day["day"]))
                first = next((d["day"] for d in days if alerts(d, "drift", "tenure")), None)
                self.assertIsNotNone(first, "seed %d: no drift alert on tenure" % seed)
                self.assertLessEqual(first, 16, "seed %d: tenure's drift alert came on day %s" % (seed, first))
                self.assertGreaterEqual(first, 15)
                self.assertTrue(any(alerts(d, "drift", "plan") for d in days[14:]), "seed %d: plan's share" % seed)
                perf = [d["day"] for d in days if alerts(d, "performance")]
                self.assertTrue(perf and min(perf) >= 22, "seed %d: performance alerts on days %s" % (seed, perf))
                self.assertIn(22, perf)
            for day in days:
                for feature in UNSHIFTED:
                    checked += 1
                    false_alarms += 1 if alerts(day, "drift", feature) else 0
        self.assertEqual(false_alarms, 0, "drift alerts on unshifted features: %d of %d" % (false_alarms, checked))
