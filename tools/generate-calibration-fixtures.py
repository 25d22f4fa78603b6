#!/usr/bin/env python3
"""Generate test/fixtures/sklearn/calibration.json from scikit-learn.

The TypeScript calibration code in src/metrics/ (calibration-curve.ts, isotonic-regression.ts) is
tested against this file to 1e-9 (absolute), so `npm test` never needs Python. Regenerate with:

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn scipy numpy
    /tmp/skl/bin/python tools/generate-calibration-fixtures.py   # from the repository root

Output is deterministic for a given set of library versions (fixed seed, Python's `random`).
Cases:
- `curves`: sklearn.calibration.calibration_curve(y_true, y_prob, n_bins, strategy='uniform')
  per non-empty bin, the bin of every sample (np.searchsorted(bins[1:-1], y_prob), as sklearn
  assigns them), the counts per bin (np.bincount), brier_score_loss(y_true, y_prob) and the
  expected calibration error sum(count / N * |accuracy - mean confidence|) over non-empty bins;
  confidences exactly on the edges 0, 0.1, 0.3, 0.7, 1.0 included.
- `isotonic`: sklearn.isotonic.IsotonicRegression(out_of_bounds='clip').fit(x, y), its
  X_thresholds_ / y_thresholds_ and predict(t) on points inside, between, on and outside the
  thresholds (ties in x, constant y, a single distinct x, near-duplicate x).
"""

from __future__ import annotations

import json
import platform
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss

SEED = 20261130
OUT_PATH = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "sklearn" / "calibration.json"


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def floats(values: Any) -> list[float]:
    return [float(v) for v in values]


# --------------------------------------------------------------------------- calibration curves


def curve_case(name: str, y_true: list[int], y_prob: list[float], n_bins: int) -> dict:
    assert len(y_true) == len(y_prob) > 0
    truth = np.asarray(y_true, dtype=float)
    prob = np.asarray(y_prob, dtype=float)
    prob_true, prob_pred = calibration_curve(truth, prob, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_ids = np.searchsorted(edges[1:-1], prob)
    counts = np.bincount(bin_ids, minlength=n_bins)
    nonzero = counts[counts != 0]
    ece = float(np.sum(nonzero / len(prob) * np.abs(prob_true - prob_pred)))
    return {
        "name": name,
        "n_bins": n_bins,
        "y_true": y_true,
        "y_prob": y_prob,
        "bin_ids": [int(b) for b in bin_ids],
        "counts": [int(c) for c in counts],
        "prob_true": floats(prob_true),
        "prob_pred": floats(prob_pred),
        "brier_score": float(brier_score_loss(truth, prob)),
        "ece": ece,
    }


def calibrated_draws(rng: random.Random, n: int, skew: float) -> tuple[list[int], list[float]]:
    """Confidences uniform in [0, 1]; correct with probability confidence ** skew (1 = calibrated)."""
    probs = [rng.random() for _ in range(n)]
    truths = [1 if rng.random() < p**skew else 0 for p in probs]
    return truths, probs


def curve_cases(rng: random.Random) -> list[dict]:
    cases = []
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    cases.append(curve_case("every edge of 10 bins, correct and not", [1, 0] * 11, [e for e in edges for _ in (0, 1)], 10))
    cases.append(curve_case("edges 0, 0.1, 0.3, 1.0", [0, 1, 1, 0, 1, 1, 1], [0.0, 0.1, 0.3, 1.0, 0.3, 1.0, 0.1], 10))
    cases.append(curve_case("just around the edges", [1, 0, 1, 0, 1, 1],
                            [0.1 - 1e-12, 0.1 + 1e-12, 0.3 - 1e-15, 0.30000000000000004, 0.7, 0.7000000000000001], 10))
    cases.append(curve_case("one sample at 0", [0], [0.0], 10))
    cases.append(curve_case("one sample at 1", [1], [1.0], 10))
    cases.append(curve_case("all correct", [1] * 8, [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9], 10))
    cases.append(curve_case("all wrong", [0] * 6, [0.05, 0.15, 0.25, 0.95, 0.99, 1.0], 10))
    for n_bins in [1, 2, 3, 5, 7, 10, 15, 20, 100]:
        truths, probs = calibrated_draws(rng, rng.choice([20, 50, 200]), 1.0)
        cases.append(curve_case(f"calibrated, {n_bins} bins", truths, probs, n_bins))
    for skew in [0.3, 2.0, 4.0]:
        truths, probs = calibrated_draws(rng, 300, skew)
        cases.append(curve_case(f"skewed {skew}, 10 bins", truths, probs, 10))
    # Confidences on a coarse grid (many exact edges and ties), as a voice model rounding to 2 digits.
    for n_bins in [4, 10, 20]:
        probs = [round(rng.randint(0, 20) / 20, 2) for _ in range(120)]
        truths = [1 if rng.random() < p else 0 for p in probs]
        cases.append(curve_case(f"grid of 0.05, {n_bins} bins", truths, probs, n_bins))
    return cases


# --------------------------------------------------------------------------- isotonic regression


def isotonic_case(name: str, x: list[float], y: list[float], t: list[float]) -> dict:
    model = IsotonicRegression(out_of_bounds="clip").fit(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return {
        "name": name,
        "x": x,
        "y": y,
        "x_thresholds": floats(model.X_thresholds_),
        "y_thresholds": floats(model.y_thresholds_),
        "t": t,
        "predictions": floats(model.predict(np.asarray(t, dtype=float))),
    }


def probes(rng: random.Random, x: list[float]) -> list[float]:
    """Every training point, points between them, and points below and above the range."""
    lo, hi = min(x), max(x)
    inside = [lo + (hi - lo) * rng.random() for _ in range(15)]
    return sorted(set(x)) + inside + [lo - 0.5, lo - 1e-9, hi + 1e-9, hi + 0.5, -1.0, 2.0]


def isotonic_cases(rng: random.Random) -> list[dict]:
    cases = []
    x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    y = [5, 3, 1, 2, 8, 10, 7, 9, 6, 4]
    cases.append(isotonic_case("sklearn's example", x, [float(v) for v in y], probes(rng, x)))
    x = [0.5, 0.5, 0.5, 0.7, 0.7, 0.2, 0.2, 0.9]
    cases.append(isotonic_case("ties in x", x, [1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0], probes(rng, x)))
    x = [0.3, 0.6, 0.9, 0.1]
    cases.append(isotonic_case("constant y", x, [1.0, 1.0, 1.0, 1.0], probes(rng, x)))
    x = [0.4, 0.4, 0.4]
    cases.append(isotonic_case("a single distinct x", x, [1.0, 0.0, 1.0], probes(rng, x)))
    x = [0.8]
    cases.append(isotonic_case("one point", x, [0.0], [0.0, 0.8, 1.0]))
    x = [0.5, 0.5 + 1e-16, 0.5 + 4e-16, 0.5 + 2e-15, 0.6]
    cases.append(isotonic_case("near-duplicate x (within sklearn's 1e-15)", x, [1.0, 0.0, 0.0, 1.0, 0.0], probes(rng, x)))
    x = [0.9, 0.8, 0.7, 0.6, 0.5]
    cases.append(isotonic_case("decreasing data pooled to one block", x, [0.0, 0.0, 1.0, 1.0, 1.0], probes(rng, x)))
    x = [0.0, 1.0, 0.0, 1.0]
    cases.append(isotonic_case("x at 0 and 1", x, [0.0, 1.0, 1.0, 1.0], probes(rng, x)))
    for n, skew in [(30, 1.0), (100, 1.0), (300, 1.0), (300, 0.5), (300, 3.0), (1000, 1.0)]:
        truths, probs = calibrated_draws(rng, n, skew)
        cases.append(isotonic_case(f"confidence to correct, n={n}, skew {skew}", probs, [float(v) for v in truths], probes(rng, probs)))
    probs = [round(rng.randint(50, 100) / 100, 2) for _ in range(400)]
    truths = [1.0 if rng.random() < p else 0.0 for p in probs]
    cases.append(isotonic_case("confidences on a grid of 0.01 (many ties)", probs, truths, probes(rng, probs)))
    return cases


# --------------------------------------------------------------------------- output


def main() -> None:
    rng = random.Random(SEED)
    curves = curve_cases(rng)
    isotonic = isotonic_cases(rng)
    header = {"generator": "tools/generate-calibration-fixtures.py", "seed": SEED, "versions": versions()}
    parts = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in header.items()]
    for key, items in {"curves": curves, "isotonic": isotonic}.items():
        body = ",\n".join(f"    {json.dumps(item, allow_nan=False)}" for item in items)
        parts.append(f"  {json.dumps(key)}: [\n{body}\n  ]")
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    OUT_PATH.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")
    print(f"calibration.json: {len(curves)} curves, {len(isotonic)} isotonic fits", file=sys.stderr)


if __name__ == "__main__":
    main()
