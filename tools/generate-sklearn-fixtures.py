#!/usr/bin/env python3
"""Generate the reference fixtures in test/fixtures/sklearn/ from scikit-learn, scipy and statsmodels.

The TypeScript metrics in src/metrics/ are tested against these files to 1e-9 (absolute), so
`npm test` never needs Python. Regenerate with:

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn scipy statsmodels
    /tmp/skl/bin/python tools/generate-sklearn-fixtures.py

Output is deterministic for a given set of library versions (fixed seed, Python's `random`).
Writes classification.json (precision/recall/F1 cases) and statistics.json (normal
distribution, Wilson intervals, two-proportion z test, McNemar, sample sizes).
"""

from __future__ import annotations

import json
import math
import platform
import random
import sys
import warnings
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
)
from sklearn.utils.multiclass import unique_labels
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

SEED = 20240601
OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "sklearn"

# sklearn warns on every zero division even with zero_division=0; the zeros are what we want.
warnings.filterwarnings("ignore")


def py(value: Any) -> Any:
    """A numpy scalar as the plain Python value json can write."""
    return value.item() if hasattr(value, "item") else value


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        "mpmath": mpmath.__version__,
    }


# --------------------------------------------------------------------------- classification


def prf(y_true: list, y_pred: list, **kwargs: Any) -> dict[str, float]:
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, zero_division=0, **kwargs)
    return {"precision": float(p), "recall": float(r), "f1_score": float(f)}


def ratio_or_zero(numerator: float, denominator: float) -> float:
    return 0.0 if denominator == 0 else numerator / denominator


def classification_case(name: str, y_true: list, y_pred: list, pos_label: Any = None) -> dict:
    """One case. pos_label given: a binary task (sklearn average='binary'); otherwise multiclass."""
    assert len(y_true) == len(y_pred) > 0
    # Each case keeps to one label type: sklearn cannot sort mixed types, and True == 1 in Python.
    kinds = {type(v) for v in y_true + y_pred}
    assert len(kinds) == 1 and kinds <= {bool, int, str}, (name, kinds)

    labels = [py(v) for v in unique_labels(y_true, y_pred).tolist()]
    p, r, f, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, zero_division=0
    )
    # Per class [[tn, fp], [fn, tp]].
    mcm = multilabel_confusion_matrix(y_true, y_pred, labels=labels)
    per_class = []
    for i, label in enumerate(labels):
        tn, fp, fn, tp = (int(v) for v in mcm[i].ravel())
        per_class.append(
            {
                "label": label,
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1_score": float(f[i]),
                "support": int(support[i]),
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                # Not an sklearn output: FP / (FP + TN) from sklearn's per-class confusion counts.
                "false_positive_rate": ratio_or_zero(fp, fp + tn),
            }
        )

    case: dict[str, Any] = {
        "name": name,
        "task": "multiclass" if pos_label is None else "binary",
        "y_true": y_true,
        "y_pred": y_pred,
        "labels": labels,
        "per_class": per_class,
        "macro": prf(y_true, y_pred, average="macro"),
        "micro": prf(y_true, y_pred, average="micro"),
        "weighted": prf(y_true, y_pred, average="weighted"),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "confusion_matrix": [[int(v) for v in row] for row in confusion_matrix(y_true, y_pred)],
    }
    if pos_label is None:
        case["false_positive_rate"] = float(np.mean([c["false_positive_rate"] for c in per_class]))
    else:
        case["pos_label"] = pos_label
        case["binary"] = prf(y_true, y_pred, average="binary", pos_label=pos_label)
        tn, fp, _, _ = (int(v) for v in multilabel_confusion_matrix(y_true, y_pred, labels=[pos_label])[0].ravel())
        case["false_positive_rate"] = ratio_or_zero(fp, fp + tn)
    check_f1_forms(case)
    return case


def check_f1_forms(case: dict) -> None:
    """Which F1 formula reproduces sklearn: 2tp/(2tp+fp+fn) must match bit for bit."""
    for c in case["per_class"]:
        counts_form = ratio_or_zero(2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"])
        assert counts_form == c["f1_score"], (case["name"], c)
        p, r = c["precision"], c["recall"]
        harmonic_form = ratio_or_zero(2 * p * r, p + r)
        F1_FORM_DEVIATION[0] = max(F1_FORM_DEVIATION[0], abs(harmonic_form - c["f1_score"]))


F1_FORM_DEVIATION = [0.0]


def noisy_predictions(rng: random.Random, y_true: list, pred_labels: list, accuracy: float) -> list:
    """Copy the truth with probability `accuracy` (when allowed), else draw a predicted label."""
    allowed = set(pred_labels)
    return [
        t if t in allowed and rng.random() < accuracy else rng.choice(pred_labels) for t in y_true
    ]


def skewed_draws(rng: random.Random, labels: list, n: int) -> list:
    """n labels drawn with random, uneven class weights."""
    weights = [rng.random() ** 2 + 0.01 for _ in labels]
    return rng.choices(labels, weights=weights, k=n)


NAMES = ["alice", "bob", "carol", "dave", "Eve", "frank", "Grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]


def classification_cases(rng: random.Random) -> list[dict]:
    T, F = True, False
    cases = [
        # Binary, boolean labels, positive class True.
        classification_case("bool perfect", [T, F, T, T, F], [T, F, T, T, F], T),
        classification_case("bool all wrong", [T, F, T, T, F], [F, T, F, F, T], T),
        classification_case("bool all true, all right", [T] * 5, [T] * 5, T),
        classification_case("bool all false, all right (positive never occurs)", [F] * 6, [F] * 6, T),
        classification_case("bool truth all true, predictions mixed", [T] * 7, [T, F, T, T, F, T, F], T),
        classification_case("bool truth all false, predictions mixed", [F] * 7, [F, T, F, F, T, F, F], T),
        classification_case("bool never predicts true", [T, F, T, F, F], [F] * 5, T),
        classification_case("bool always predicts true", [T, F, T, F, F], [T] * 5, T),
        classification_case("bool single sample TT", [T], [T], T),
        classification_case("bool single sample TF", [T], [F], T),
        classification_case("bool single sample FT", [F], [T], T),
        classification_case("bool single sample FF", [F], [F], T),
    ]
    imbalanced = [rng.random() < 0.03 for _ in range(1000)]
    cases.append(classification_case("bool imbalanced 3% positive", imbalanced,
                                     noisy_predictions(rng, imbalanced, [T, F], 0.9), T))
    rare_hits = [t if not t else rng.random() < 0.5 for t in imbalanced]
    cases.append(classification_case("bool imbalanced, positives half missed", imbalanced, rare_hits, T))
    for n in (10, 50, 200, 2000):
        truth = [rng.random() < 0.4 for _ in range(n)]
        cases.append(classification_case(f"bool random n={n}", truth,
                                         noisy_predictions(rng, truth, [T, F], 0.5 + 0.45 * rng.random()), T))
    # Binary with other label types.
    truth = [rng.randrange(2) for _ in range(300)]
    cases.append(classification_case("binary ints, positive 1", truth, noisy_predictions(rng, truth, [0, 1], 0.7), 1))
    cases.append(classification_case("binary ints, positive 0", truth, noisy_predictions(rng, truth, [0, 1], 0.6), 0))
    truth = rng.choices(["yes", "no"], weights=[1, 4], k=250)
    cases.append(classification_case("binary strings, positive yes", truth,
                                     noisy_predictions(rng, truth, ["yes", "no"], 0.8), "yes"))
    cases.append(classification_case("binary strings, positive never occurs", ["no"] * 4, ["no"] * 4, "yes"))
    cases.append(classification_case("binary strings, positive only predicted",
                                     ["no"] * 4, ["no", "yes", "no", "yes"], "yes"))

    # Multiclass, integer labels.
    cases += [
        classification_case("int 3 classes by hand", [0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]),
        classification_case("int labels only in predictions", [1, 2, 3, 1, 2, 3, 1], [1, 7, 3, -1, 2, 7, 1]),
        classification_case("int label never predicted", [5, 1, 2, 5, 1, 2, 5], [1, 1, 2, 2, 1, 2, 1]),
        classification_case("int negative and large", [-10, 0, 3, 1000000, 3, -10], [0, 0, 3, 1000000, -10, 3]),
        classification_case("int single sample right", [4], [4]),
        classification_case("int single sample wrong", [4], [2]),
        classification_case("int two classes as multiclass", [0, 1, 1, 0, 1], [0, 1, 0, 0, 0]),
        classification_case("int all one class", [3] * 8, [3] * 8),
        classification_case("int all predicted one class", [0, 1, 2, 3, 1, 2], [2] * 6),
        classification_case("int nothing right", [0, 1, 2, 0, 1, 2], [1, 2, 0, 2, 0, 1]),
    ]
    for index in range(14):
        k = 2 + index % 11
        n = rng.choice([30, 120, 500, 1500, 3000])
        labels = sorted(rng.sample(range(-5, 40), k))
        truth = skewed_draws(rng, labels, n)
        pred_labels = labels[:]
        if index % 3 == 1:  # some classes never predicted
            pred_labels = labels[: max(1, k - 2)]
        if index % 3 == 2:  # extra labels that occur only in predictions
            pred_labels = labels + [100 + index, 200 + index]
        pred = noisy_predictions(rng, truth, pred_labels, 0.3 + 0.65 * rng.random())
        cases.append(classification_case(f"int random k={k} n={n} #{index}", truth, pred))

    # Multiclass, string labels.
    cases += [
        classification_case("str animals by hand", ["cat", "dog", "bird", "cat", "dog", "cat"],
                            ["cat", "cat", "bird", "dog", "dog", "bird"]),
        classification_case("str code-unit order", ["b", "B", "a", "A", "10", "9", "é", "z", "", "\U0001F600"],
                            ["B", "B", "a", "a", "9", "9", "é", "Z", "", "\U0001F600"]),
        classification_case("str labels only in predictions",
                            ["on", "off", "on", "off"], ["on", "idle", "away", "off"]),
        classification_case("str label never predicted", ["home", "away", "night", "home", "night"],
                            ["home", "away", "home", "home", "away"]),
        classification_case("str single sample right", ["kitchen"], ["kitchen"]),
        classification_case("str single sample wrong", ["kitchen"], ["hall"]),
    ]
    for index in range(12):
        k = 2 + (index * 5) % 11
        n = rng.choice([25, 200, 800, 2500])
        labels = rng.sample(NAMES, k)
        truth = skewed_draws(rng, labels, n)
        pred_labels = labels[:]
        if index % 3 == 1:
            pred_labels = labels[: max(1, k - 1)]
        if index % 3 == 2:
            pred_labels = labels + ["unknown", "Zulu"]
        pred = noisy_predictions(rng, truth, pred_labels, 0.2 + 0.75 * rng.random())
        cases.append(classification_case(f"str random k={k} n={n} #{index}", truth, pred))
    return cases


# --------------------------------------------------------------------------- statistics


def statistics_fixtures(rng: random.Random) -> dict:
    xs = [0.0, 1e-10, 0.1, 0.5, 0.67448975, 0.7, 1.0, 1.959963984540054, 2.5, 3.0, 4.0, 5.0,
          5.656854, 5.7, 6.0, 8.0, 10.0, 20.0, 30.0, 37.0, 38.0]
    xs = xs + [-x for x in xs if x != 0] + [round(rng.uniform(-8, 8), 6) for _ in range(40)]
    normal_cdf = [{"x": x, "cdf": float(stats.norm.cdf(x)), "sf": float(stats.norm.sf(x))} for x in xs]

    # The far lower tail to full relative precision. scipy's ndtr is off by ~1e-13 relative out
    # there (e.g. at -37), so these references come from mpmath with 50 significant digits.
    mpmath.mp.dps = 50
    tail_xs = [-0.7, -1.0, -2.0, -3.0, -5.0, -5.65, -5.66, -6.0, -8.0, -10.0, -15.0, -20.0, -25.0,
               -30.0, -35.0, -37.0, -37.5]
    tail_xs += [-round(rng.uniform(0.7, 37.5), 6) for _ in range(20)]
    normal_tail = [{"x": x, "cdf": float(mpmath.ncdf(mpmath.mpf(x)))} for x in tail_xs]

    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.25, 0.5,
          0.75, 0.8, 0.9, 0.95, 0.97575, 0.975, 0.99, 0.999, 1 - 1e-10]
    ps += [rng.random() for _ in range(30)]
    normal_quantile = [{"p": p, "x": float(stats.norm.ppf(p))} for p in ps]

    wilson = []
    pairs = [(0, 1), (1, 1), (0, 10), (10, 10), (5, 10), (1, 1000), (999, 1000), (0, 5000), (37, 40)]
    for _ in range(30):
        n = rng.choice([2, 7, 30, 100, 1000, 25000])
        pairs.append((rng.randint(0, n), n))
    for i, (count, nobs) in enumerate(pairs):
        alpha = [0.05, 0.1, 0.01, 0.2][i % 4]
        lower, upper = proportion_confint(count, nobs, alpha=alpha, method="wilson")
        wilson.append({"successes": count, "n": nobs, "alpha": alpha, "z": float(stats.norm.isf(alpha / 2)),
                       "lower": float(lower), "upper": float(upper)})

    z_tests = []
    samples = [(5, 10, 5, 10), (0, 10, 10, 10), (1, 1, 0, 1), (90, 100, 80, 100), (450, 500, 430, 500),
               (1, 5000, 0, 3)]
    for _ in range(34):
        n1, n2 = rng.choice([5, 40, 300, 2000]), rng.choice([5, 40, 300, 2000])
        samples.append((rng.randint(0, n1), n1, rng.randint(0, n2), n2))
    for x1, n1, x2, n2 in samples:
        pooled = (x1 + x2) / (n1 + n2)
        assert 0 < pooled < 1, "cases with zero pooled variance are tested by hand"
        statistic, p_value = proportions_ztest(np.array([x1, x2]), np.array([n1, n2]))
        z_tests.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2,
                        "statistic": float(statistic), "p_value": float(p_value)})

    mcnemar_cases = []
    discordant = [(1, 0), (0, 1), (3, 3), (5, 0), (12, 12), (24, 0), (12, 11), (2, 9), (13, 12),
                  (15, 15), (25, 0), (40, 10), (100, 130), (500, 560), (7, 1000)]
    for _ in range(25):
        total = rng.choice([rng.randint(1, 24), rng.randint(25, 400)])
        b = rng.randint(0, total)
        discordant.append((b, total - b))
    for b, c in discordant:
        exact = b + c < 25
        result = mcnemar([[rng.randint(0, 50), b], [c, rng.randint(0, 50)]], exact=exact, correction=True)
        mcnemar_cases.append({"b": b, "c": c, "method": "mcnemar_exact" if exact else "mcnemar_chi2",
                              "statistic": float(result.statistic), "p_value": float(result.pvalue)})

    sample_sizes = []
    settings = [(0.9, 0.95, 0.05, 0.8), (0.5, 0.6, 0.05, 0.8), (0.8, 0.7, 0.01, 0.9), (0.0, 1.0, 0.05, 0.8),
                (0.99, 0.999, 0.05, 0.8), (0.3, 0.31, 0.1, 0.5)]
    for _ in range(30):
        p1, p2 = round(rng.random(), 3), round(rng.random(), 3)
        if p1 != p2:
            settings.append((p1, p2, rng.choice([0.01, 0.05, 0.1]), rng.choice([0.7, 0.8, 0.9, 0.95])))
    for p1, p2, alpha, power in settings:
        z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
        p_bar = (p1 + p2) / 2
        spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        raw = spread**2 / (p1 - p2) ** 2
        sample_sizes.append({"p1": p1, "p2": p2, "alpha": alpha, "power": power,
                             "unrounded": float(raw), "n": math.ceil(raw)})

    return {"normal_cdf": normal_cdf, "normal_tail": normal_tail, "normal_quantile": normal_quantile, "wilson": wilson,
            "two_proportion_z_test": z_tests, "mcnemar": mcnemar_cases, "sample_size": sample_sizes}


# --------------------------------------------------------------------------- output


def write(path: Path, header: dict, lists: dict[str, list]) -> None:
    """JSON with one array item per line: compact, yet diffs stay readable."""
    parts = [f'  {json.dumps(key)}: {json.dumps(value)}' for key, value in header.items()]
    for key, items in lists.items():
        body = ",\n".join(f"    {json.dumps(item, allow_nan=False)}" for item in items)
        parts.append(f'  {json.dumps(key)}: [\n{body}\n  ]')
    path.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")


def main() -> None:
    rng = random.Random(SEED)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    header = {"generator": "tools/generate-sklearn-fixtures.py", "seed": SEED, "versions": versions()}
    cases = classification_cases(rng)
    write(OUT_DIR / "classification.json", header, {"cases": cases})
    statistics = statistics_fixtures(rng)
    write(OUT_DIR / "statistics.json", header, statistics)
    counts = ", ".join(f"{len(v)} {k}" for k, v in statistics.items())
    print(f"classification.json: {len(cases)} cases; statistics.json: {counts}", file=sys.stderr)
    print(f"largest |2PR/(P+R) - sklearn f1|: {F1_FORM_DEVIATION[0]:.3e}", file=sys.stderr)


if __name__ == "__main__":
    main()
