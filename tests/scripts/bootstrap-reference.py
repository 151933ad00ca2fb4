#!/usr/bin/python3
"""scikit-learn reference for src/lib/metrics/bootstrap.ts: reads a case (labels, probabilities, groups, threshold,
draws, seed, level) from the JSON file given, draws the same patient resamples (mulberry32, as patientDraws does),
computes the metrics with sklearn and the intervals with numpy.percentile, and writes them into the file's
"expected". Debian: python3-sklearn python3-numpy.   /usr/bin/python3 tests/scripts/bootstrap-reference.py FILE"""
import json
import sys

import numpy as np
from sklearn.metrics import accuracy_score, average_precision_score, f1_score, precision_score, recall_score, roc_auc_score


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def rng():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rng


def metrics(y, p, threshold):
    pred = (p >= threshold).astype(int)
    both = 0 < y.sum() < len(y)
    return {
        "auc": roc_auc_score(y, p) if both else None,
        "ap": average_precision_score(y, p) if y.sum() > 0 else None,
        "sensitivity": recall_score(y, pred, zero_division=0) if y.sum() > 0 else None,
        "specificity": recall_score(1 - y, 1 - pred, zero_division=0) if y.sum() < len(y) else None,
        "precision": precision_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "accuracy": accuracy_score(y, pred),
    }


path = sys.argv[1]
case = json.load(open(path))
y = np.array(case["labels"])
p = np.array(case["probabilities"])
members = {}
for i, g in enumerate(case["groups"]):
    members.setdefault(g, []).append(i)
patients = list(members.values())
rng = mulberry32(case["seed"])
samples = {k: [] for k in ["auc", "ap", "sensitivity", "specificity", "precision", "f1", "accuracy"]}
for _ in range(case["draws"]):
    idx = [i for _ in patients for i in patients[int(rng() * len(patients))]]
    for k, v in metrics(y[idx], p[idx], case["threshold"]).items():
        if v is not None:
            samples[k].append(v)
tail = (1 - case["level"]) / 2 * 100
estimate = metrics(y, p, case["threshold"])
case["expected"] = {
    k: {"estimate": estimate[k], "low": float(np.percentile(v, tail)), "high": float(np.percentile(v, 100 - tail)), "draws": len(v)}
    for k, v in samples.items()
}
json.dump(case, open(path, "w"), indent=1)
print(json.dumps(case["expected"], indent=1))
