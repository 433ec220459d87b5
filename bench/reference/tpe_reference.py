#!/usr/bin/python3
"""Optuna 3.1 reference for `lenssweep-bench tpe`: TPESampler + SuccessiveHalvingPruner on the same
synthetic surface with fidelity, one trial at a time. Prints one JSON line: per seed, the trial-epochs
spent until a trial completes (trained to max_epochs) within eps of the optimum (null if it never does).

  /usr/bin/python3 bench/reference/tpe_reference.py --seeds 30 --trials 200 --eps 0.05 --startup 10

Keep the surface identical to SyntheticSurface in bench/LensSweep.Bench/TpeSearchBenchmark.cs.
"""
import argparse
import json
import math

import optuna

MAX_EPOCHS = 27


def final_score(mask_ratio, learning_rate, depth):
    return -((mask_ratio - 0.7) ** 2 / 0.1 + (math.log10(learning_rate) + 3) ** 2 / 4 + (depth - 5) ** 2 / 16)


def score(mask_ratio, learning_rate, depth, epoch):
    return final_score(mask_ratio, learning_rate, depth) - 0.5 * math.exp(-epoch / (2 + depth / 2))


def run(seed, trials, eps, startup):
    spent = {"epochs": 0, "reached": None}

    def objective(trial):
        m = trial.suggest_float("mask_ratio", 0.05, 0.95)
        lr = trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True)
        d = trial.suggest_int("depth", 1, 8)
        value = None
        for epoch in range(1, MAX_EPOCHS + 1):
            spent["epochs"] += 1
            value = score(m, lr, d, epoch)
            trial.report(value, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    def stop_when_close(study, trial):
        if trial.state == optuna.trial.TrialState.COMPLETE and trial.value >= -eps and spent["reached"] is None:
            spent["reached"] = spent["epochs"]
            study.stop()

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup),
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    study.optimize(objective, n_trials=trials, callbacks=[stop_when_close])
    return spent["reached"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--eps", type=float, default=0.05)
    ap.add_argument("--startup", type=int, default=10)
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    epochs = [run(seed, args.trials, args.eps, args.startup) for seed in range(args.seeds)]
    print(json.dumps({"impl": "optuna", "optuna": optuna.__version__, "epochs": epochs}), flush=True)


if __name__ == "__main__":
    main()
