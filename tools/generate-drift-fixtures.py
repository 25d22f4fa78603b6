#!/usr/bin/env python3
"""Generate test/fixtures/reference/drift.json: reference values for the drift statistics.

The TypeScript code in src/metrics/ (ks-two-sample, kolmogorov-distribution, gamma-functions,
chi-square-homogeneity, population-stability, adwin) is tested against this file, so `npm test`
never needs Python. Regenerate with (see test/fixtures/reference/README.md):

    python3 -m venv /tmp/drift && /tmp/drift/bin/pip install scipy numpy river
    /tmp/drift/bin/python tools/generate-drift-fixtures.py

Deterministic for a given set of library versions (fixed seeds, Python's `random`).
"""

from __future__ import annotations

import json
import platform
import random
from pathlib import Path

import numpy as np
import river
import scipy
from river import drift
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "reference" / "drift.json"
FLOOR = 1e-4
EDGES = [k / 10 for k in range(1, 10)]  # bin k holds (k/10, (k+1)/10]; bin 0 also holds 0


def confidence_bin(c: float) -> int:
    return sum(1 for edge in EDGES if c > edge)


def psi(ref_counts: list[int], cur_counts: list[int]) -> float:
    r = np.maximum(np.asarray(ref_counts, dtype=float) / sum(ref_counts), FLOOR)
    c = np.maximum(np.asarray(cur_counts, dtype=float) / sum(cur_counts), FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def beta_sample(rng: random.Random, n: int, a: float, b: float, digits: int | None) -> list[float]:
    values = [rng.betavariate(a, b) for _ in range(n)]
    return [round(v, digits) for v in values] if digits is not None else values


def ks_cases(rng: random.Random) -> list[dict]:
    cases = []
    shapes = [(8, 2), (8, 2.5), (5, 5), (2, 8), (9, 1.5)]
    sizes = [1, 2, 3, 7, 20, 50, 141, 300, 1000, 2500]
    for i in range(60):
        n1 = rng.choice(sizes)
        n2 = rng.choice(sizes)
        a1, b1 = rng.choice(shapes)
        a2, b2 = (a1, b1) if i % 3 == 0 else rng.choice(shapes)
        digits = rng.choice([6, 2, 3])  # 2-3 digits give ties, as real confidences do
        a = beta_sample(rng, n1, a1, b1, digits)
        b = beta_sample(rng, n2, a2, b2, digits)
        result = stats.ks_2samp(a, b, method="asymp")
        cases.append({"a": a, "b": b, "statistic": float(result.statistic), "p_value": float(result.pvalue)})
    return cases


def kstwo_cases() -> list[dict]:
    cases = []
    for n in [1, 2, 3, 5, 10, 25, 50, 100, 139, 140, 141, 200, 500, 1000, 5000, 25000, 99999, 100001, 250000]:
        for x in [0.0005, 0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.95, 0.999]:
            cases.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
        for t in [0.6, 0.9, 1.0]:
            cases.append({"n": n, "x": t / n, "sf": float(stats.kstwo.sf(t / n, n))})
    return cases


def chi2_cases(rng: random.Random) -> list[dict]:
    cases = []
    for i in range(50):
        k = rng.choice([2, 2, 3, 4, 6, 10])
        row1 = [rng.randint(0, 200 if i % 2 else 15) for _ in range(k)]
        row2 = [rng.randint(0, 200 if i % 3 else 15) for _ in range(k)]
        kept = [(x, y) for x, y in zip(row1, row2) if x + y > 0]
        if len(kept) < 2 or sum(x for x, _ in kept) == 0 or sum(y for _, y in kept) == 0:
            continue
        table = np.array([[x for x, _ in kept], [y for _, y in kept]])
        result = stats.chi2_contingency(table, correction=False)
        cases.append({"first": row1, "second": row2, "statistic": float(result.statistic),
                      "p_value": float(result.pvalue), "degrees_of_freedom": int(result.dof)})
    return cases


def chi2_sf_cases() -> list[dict]:
    cases = []
    for dof in [1, 2, 3, 4, 5, 9, 20, 50, 150]:
        for x in [0.0, 0.001, 0.1, 0.5, 1.0, 2.0, 3.84, 5.0, 10.0, 25.0, 60.0, 100.0, 200.0, 400.0]:
            cases.append({"x": x, "dof": dof, "sf": float(stats.chi2.sf(x, dof))})
    return cases


def psi_cases(rng: random.Random) -> list[dict]:
    cases = []
    shapes = [(8, 2), (5, 5), (2, 8), (20, 1), (1, 1)]
    for i in range(30):
        ref = beta_sample(rng, rng.choice([5, 40, 400]), *rng.choice(shapes), rng.choice([6, 1, 2]))
        cur = beta_sample(rng, rng.choice([5, 40, 400]), *rng.choice(shapes), rng.choice([6, 1, 2]))
        if i == 0:
            ref += [0.0, 0.1, 0.2, 0.3, 0.7, 0.9, 1.0]
        ref_counts = [0] * 10
        cur_counts = [0] * 10
        for c in ref:
            ref_counts[confidence_bin(c)] += 1
        for c in cur:
            cur_counts[confidence_bin(c)] += 1
        cases.append({"reference": ref, "current": cur, "reference_counts": ref_counts,
                      "current_counts": cur_counts, "psi": psi(ref_counts, cur_counts)})
    for i in range(15):
        labels = ["alice", "bob", "carol", "dave", "erin"][: rng.randint(1, 5)]
        ref = {label: rng.randint(0, 50) for label in labels if rng.random() < 0.9}
        cur = {label: rng.randint(0, 50) for label in labels if rng.random() < 0.9}
        if sum(ref.values()) == 0 or sum(cur.values()) == 0:
            continue
        union = sorted(set(ref) | set(cur))
        cases.append({"reference_labels": ref, "current_labels": cur,
                      "psi": psi([ref.get(k, 0) for k in union], [cur.get(k, 0) for k in union])})
    return cases


def bernoulli(rng: random.Random, segments: list[tuple[float, int]]) -> list[int]:
    return [1 if rng.random() < p else 0 for p, n in segments for _ in range(n)]


def adwin_cases(rng: random.Random) -> list[dict]:
    streams = [
        ("stable 95% x400", bernoulli(rng, [(0.95, 400)])),
        ("stable 95% x400 (2)", bernoulli(rng, [(0.95, 400)])),
        ("stable 80% x1000", bernoulli(rng, [(0.8, 1000)])),
        ("95% to 60% at 500", bernoulli(rng, [(0.95, 500), (0.6, 500)])),
        ("95% to 60% at 300", bernoulli(rng, [(0.95, 300), (0.6, 400)])),
        ("90% to 50% to 90%", bernoulli(rng, [(0.9, 400), (0.5, 300), (0.9, 400)])),
        ("70% to 95% (recovery)", bernoulli(rng, [(0.7, 300), (0.95, 300)])),
        ("slow slide", [1 if rng.random() < 0.95 - 0.4 * i / 2000 else 0 for i in range(2000)]),
        ("long stable 90% then 40%", bernoulli(rng, [(0.9, 3000), (0.4, 600)])),
    ]
    cases = []
    for name, values in streams:
        detector = drift.ADWIN()
        changes = []
        width, total = 0, 0.0
        for index, value in enumerate(values):
            if detector.drift_detected:
                width, total = 0, 0.0
            width_before, total_before = width + 1, total + value
            detector.update(value)
            width, total = detector.width, detector.total
            if detector.drift_detected:
                dropped = width_before - width
                changes.append({"index": index, "before": (total_before - total) / dropped,
                                "after": detector.estimation, "dropped": dropped, "kept": width})
        cases.append({"name": name, "values": values, "changes": changes, "final_width": detector.width,
                      "final_estimation": detector.estimation})
    return cases


def main() -> None:
    rng = random.Random(20261130)
    document = {
        "generated_with": {"python": platform.python_version(), "numpy": np.__version__,
                           "scipy": scipy.__version__, "river": river.__version__},
        "psi_floor": FLOOR,
        "ks_2samp_asymp": ks_cases(rng),
        "kstwo_sf": kstwo_cases(),
        "chi2_contingency": chi2_cases(rng),
        "chi2_sf": chi2_sf_cases(),
        "psi": psi_cases(rng),
        "adwin": adwin_cases(rng),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
