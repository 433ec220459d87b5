#!/usr/bin/python3
"""Fits LensSweep's probes again, outside LensSweep, on the features and targets it wrote
(`lenssweep-bench probecheck`, or LensSweep.Models.Evaluation.EvaluationInputs), and prints each validation
score beside LensSweep's with the difference:

- ridge R² of each truth: scikit-learn's Ridge (with an intercept) on the same standardised features, λ scaled by
  the mean diagonal of the Gram matrix of the fitted rows' centred features as LensSweep scales it, λ and the feature set (every layer, or the last block's
  columns) chosen per truth on validation as LensSweep chooses them; r2_macro is their mean over the seven
  macro-lens truths;
- the linear probe: the same recipe in PyTorch (standardised features, full-batch Adam from zero weights on the
  mean cross-entropy + l2/2·|W|²), and scikit-learn's LogisticRegression at the optimum of that objective
  (C = 1/(l2·n)), which says how far LensSweep's fixed number of Adam steps is from converged.

A dev/bench tool only, never a runtime dependency of LensSweep.

    sudo apt-get install -y python3-numpy python3-sklearn python3-torch   # Debian's (torch 1.13 on bookworm)
    /usr/bin/python3 bench/reference/probe_reference.py DIR

The last line printed is one JSON object: {"lenssweep": {...}, "sklearn": {...}, "torch": {...} | null}.
"""
import json
import math
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import r2_score, roc_auc_score

try:
    import torch
except ImportError:  # the ridge and scikit-learn's probe need no torch
    torch = None

MACRO = ["theta_e", "e1", "e2", "gamma1", "gamma2", "source_x", "source_y"]


def load(folder, name):
    return np.load(os.path.join(folder, name)).astype(np.float64)


def standardise(train, *others, ddof):
    mean = train.mean(axis=0)
    std = train.std(axis=0, ddof=ddof)
    std = np.where(std > 1e-12, std, 1.0)
    return [(x - mean) / std for x in (train, *others)]


def macro_auc(probabilities, labels, classes):
    aucs = []
    for c in range(classes):
        positive = labels == c
        if positive.all() or not positive.any():
            continue
        aucs.append(roc_auc_score(positive, probabilities[:, c]))
    return float(np.mean(aucs)) if aucs else float("nan")


def probe_scores(probabilities, labels, classes):
    return {
        "probe_auc": macro_auc(probabilities, labels, classes),
        "probe_accuracy": float((probabilities.argmax(axis=1) == labels).mean()),
    }


def sklearn_probe(x, y, xv, yv, classes, l2):
    x, xv = standardise(x, xv, ddof=0)
    if l2 > 0:
        model = LogisticRegression(C=1.0 / (l2 * len(y)), max_iter=20000, tol=1e-10)
    else:
        model = LogisticRegression(penalty=None, max_iter=20000, tol=1e-10)
    model.fit(x, y)
    probabilities = np.zeros((len(yv), classes))
    probabilities[:, model.classes_] = model.predict_proba(xv)
    return probe_scores(probabilities, yv, classes)


def torch_probe(x, y, xv, yv, classes, l2, iterations, learning_rate):
    torch.manual_seed(0)
    x = torch.tensor(x, dtype=torch.float32)
    xv = torch.tensor(xv, dtype=torch.float32)
    mean = x.mean(0)
    std = x.std(0, unbiased=False)
    std = torch.where(std > 1e-12, std, torch.ones_like(std))
    xs, xvs = (x - mean) / std, (xv - mean) / std
    labels = torch.tensor(y, dtype=torch.long)
    weights = torch.zeros(x.shape[1], classes, requires_grad=True)
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.Adam([weights, bias], lr=learning_rate)
    for _ in range(int(iterations)):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(xs @ weights + bias, labels) + 0.5 * l2 * weights.square().sum()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        probabilities = (xvs @ weights + bias).softmax(1).numpy().astype(np.float64)
    return probe_scores(probabilities, yv, classes)


def ridge_scores(folder, inputs):
    targets = inputs["targets"]
    if not targets:
        return {}
    train, validation = load(folder, "ridge_train.npy"), load(folder, "ridge_validation.npy")
    truth, truth_validation = load(folder, "truth_train.npy"), load(folder, "truth_validation.npy")
    width = inputs["last_width"]
    candidates = [(train, validation), (train[:, -width:], validation[:, -width:])]
    best = {t: -math.inf for t in targets}
    for x, xv in candidates:
        xs, xvs = standardise(x, xv, ddof=1)
        for k, target in enumerate(targets):
            fitted = np.isfinite(truth[:, k])
            known = np.isfinite(truth_validation[:, k])
            if known.sum() < 3:
                continue
            centred = xs[fitted] - xs[fitted].mean(axis=0)   # what Ridge(fit_intercept=True) solves on
            scale = max(float((centred ** 2).sum(axis=1).mean()), 1e-12)
            for lam in inputs["lambdas"]:
                model = Ridge(alpha=lam * scale, fit_intercept=True, solver="svd").fit(xs[fitted], truth[fitted, k])
                score = r2_score(truth_validation[known, k], model.predict(xvs[known]))
                best[target] = max(best[target], score)
    scores = {"r2_" + t: float(v) for t, v in best.items() if math.isfinite(v)}
    if all("r2_" + t in scores for t in MACRO):
        scores["r2_macro"] = float(np.mean([scores["r2_" + t] for t in MACRO]))
    return scores


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = sys.argv[1]
    with open(os.path.join(folder, "inputs.json")) as f:
        inputs = json.load(f)
    x, xv = load(folder, "probe_train.npy"), load(folder, "probe_validation.npy")
    y = load(folder, "labels_train.npy").astype(np.int64)
    yv = load(folder, "labels_validation.npy").astype(np.int64)
    classes, probe = inputs["classes"], inputs["probe"]

    sklearn = sklearn_probe(x, y, xv, yv, classes, probe["l2"])
    sklearn.update(ridge_scores(folder, inputs))
    reference_torch = None if torch is None else torch_probe(
        x, y, xv, yv, classes, probe["l2"], probe["iterations"], probe["learning_rate"])

    ours = inputs["lenssweep"]
    print(f"{'metric':<16}{'LensSweep':>11}{'sklearn':>11}{'diff':>10}{'PyTorch':>11}{'diff':>10}")
    for metric in sorted(set(sklearn) | set(reference_torch or {})):
        if metric not in ours:
            continue
        line = f"{metric:<16}{ours[metric]:>11.4f}"
        for reference in (sklearn, reference_torch or {}):
            if metric in reference:
                line += f"{reference[metric]:>11.4f}{ours[metric] - reference[metric]:>+10.4f}"
            else:
                line += f"{'-':>11}{'':>10}"
        print(line)
    if torch is None:
        print("PyTorch: not installed (python3-torch); its probe was not fitted")
    print(json.dumps({"lenssweep": ours, "sklearn": sklearn, "torch": reference_torch}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
