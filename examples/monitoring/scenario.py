"""Monitoring after deployment, end to end: train a small churn classifier, save its reference profile, then
score 30 daily batches of production data in a monitoring run.

From day 15 one feature's mean moves (`tenure`) and one category's share grows (`plan` = "enterprise");
from day 22 the relation between the features and the label changes (`support_calls` flips sign), so the
model's accuracy falls. Trialbook should stay quiet on days 1-14, raise a drift alert on `tenure` within two
days of day 15 (and never on `monthly_spend` or `usage`), and a performance alert after day 22.

    python3 examples/monitoring/scenario.py                 # one workspace in ./.trialbook, a summary printed
    python3 examples/monitoring/scenario.py --seed 7 --json --dir /tmp/ws

Uses scikit-learn's LogisticRegression where it is installed (Debian: python3-sklearn), else a small
standard-library logistic regression. Needs only the trialbook SDK otherwise.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import pickle
import random
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))

import trialbook  # noqa: E402

MODEL = "churn-classifier"
VERSION = "1"
PLANS = ["basic", "pro", "enterprise"]
FEATURES = ["tenure", "monthly_spend", "usage", "support_calls", "plan"]
SHIFT_DAY = 15
CONCEPT_DAY = 22
DAYS = 30
BATCH_ROWS = 400


def make_rows(rng, count, day):
    """Rows of one day (day 0 is the training data)."""
    shifted = day >= SHIFT_DAY
    enterprise = 0.1 + (0.04 * (day - SHIFT_DAY + 1) if shifted else 0.0)
    weights = [0.6 * (1 - enterprise) / 0.9, 0.3 * (1 - enterprise) / 0.9, enterprise]
    rows, labels = [], []
    for _ in range(count):
        row = {
            "tenure": rng.gauss(24.0 + (10.0 if shifted else 0.0), 10.0),
            "monthly_spend": rng.gauss(50.0, 15.0),
            "usage": rng.random(),
            "support_calls": float(rng.randint(0, 6)),
            "plan": rng.choices(PLANS, weights)[0],
        }
        calls = row["support_calls"] - 2.5
        sign = -1.0 if day >= CONCEPT_DAY else 1.0  # from day 22, support calls mean the opposite
        score = (-0.08 * (row["tenure"] - 24.0) + sign * 0.9 * calls + 1.5 * (row["usage"] - 0.5)
                 + (0.4 if row["plan"] == "basic" else 0.0) + rng.gauss(0.0, 0.5))
        rows.append(row)
        labels.append(1 if score > 0 else 0)
    return rows, labels


def encode(rows):
    return [[r["tenure"] / 10.0, r["monthly_spend"] / 10.0, r["usage"], r["support_calls"]]
            + [1.0 if r["plan"] == plan else 0.0 for plan in PLANS] for r in rows]


class StdlibLogistic:
    """Plain gradient descent; enough for five features."""

    def fit(self, x, y, epochs=300, rate=0.5):
        self.w = [0.0] * len(x[0])
        self.b = 0.0
        n = len(x)
        for _ in range(epochs):
            gw = [0.0] * len(self.w)
            gb = 0.0
            for row, label in zip(x, y):
                err = self._p(row) - label
                gb += err
                for i, v in enumerate(row):
                    gw[i] += err * v
            self.w = [w - rate * g / n for w, g in zip(self.w, gw)]
            self.b -= rate * gb / n
        return self

    def _p(self, row):
        z = self.b + sum(w * v for w, v in zip(self.w, row))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict_proba(self, x):
        return [[1 - self._p(row), self._p(row)] for row in x]


def make_model():
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        return StdlibLogistic(), "stdlib"
    return LogisticRegression(max_iter=1000), "sklearn"


def scores(model, rows):
    return [float(p[1]) for p in model.predict_proba(encode(rows))]


def run(seed, directory):
    rng = random.Random(seed)
    train_rows, train_labels = make_rows(rng, 4000, 0)
    valid_rows, valid_labels = make_rows(rng, 1000, 0)
    model, kind = make_model()
    model.fit(encode(train_rows), train_labels)
    valid = scores(model, valid_rows)
    accuracy = sum(1 for p, y in zip(valid, valid_labels) if (p >= 0.5) == (y == 1)) / len(valid_labels)

    training = trialbook.init(experiment="churn", name="train-seed-%d" % seed, dir=directory,
                              config={"seed": seed, "model": kind}, system_metrics=False)
    training.log({"val/accuracy": accuracy})
    # The model file, so the version can be registered (Models view: Register Model…) and its alerts recorded
    # in .trialbook/models.jsonl; copied into the run's folder, since the pickle is written to a temporary folder.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pkl")
        with open(path, "wb") as f:
            pickle.dump(model, f)
        training.log_model(path, name="model.pkl", copy=True)
    training.log_profile("train", train_rows, model=MODEL, version=VERSION, baseline={"accuracy": accuracy})
    training.finish()

    mon = trialbook.monitor(model=MODEL, version=VERSION, dir=directory, metrics=["accuracy", "f1", "auc"])
    start = datetime.date(2026, 11, 1)
    days = []
    for day in range(1, DAYS + 1):
        rows, labels = make_rows(rng, BATCH_ROWS, day)
        result = mon.log_batch(rows, predictions=scores(model, rows), labels=labels,
                               timestamp=start + datetime.timedelta(days=day - 1))
        days.append({"day": day, "status": result["status"],
                     "alerts": [[a["kind"], a.get("feature") or a.get("metric"), a["statistic"], a["level"]]
                                for a in result["alerts"]],
                     "accuracy": result["metrics"].get("accuracy")})
    mon.finish()
    return {"seed": seed, "model": kind, "baseline_accuracy": accuracy, "training_run": training.id,
            "monitoring_run": mon.run.id, "days": days}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default=None, help="workspace folder (default: found as trialbook.init does)")
    parser.add_argument("--json", action="store_true", help="print the day-by-day result as JSON")
    args = parser.parse_args(argv)
    result = run(args.seed, args.dir)
    if args.json:
        print(json.dumps(result))
        return
    print("model: %s, baseline accuracy %.3f" % (result["model"], result["baseline_accuracy"]))
    for day in result["days"]:
        print("day %2d  %-7s  accuracy %.3f  %s" % (day["day"], day["status"], day["accuracy"],
                                                    "; ".join("%s %s %s" % tuple(a[1:]) for a in day["alerts"]
                                                              if a[3] == "alert")))


if __name__ == "__main__":
    main()
