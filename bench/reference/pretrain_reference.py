#!/usr/bin/python3
"""Pretrains ../shared/bench/mae_reference.py's PyTorch MAE on the images LensSweep pretrained on, for the same
configuration, seeds and epochs (written by `lenssweep-bench pretraincheck`, i.e.
LensSweep.Models.Evaluation.PretrainingInputs), evaluates it at initialisation and after training as LensSweep
evaluates a trial, and prints both implementations' validation scores side by side.

What is the same as LensSweep (so a difference is the implementation's, not the recipe's):
- the model: mae_reference.py's MAE with its shape constants set to LensSweep's MaeConfig (the reference
  configuration is the default), norm-pixel MSE on masked patches;
- the initialisation: MAE's scheme as LensSweep applies it (xavier-uniform linears and patch-embedding kernel,
  zero biases except the patch embedding's PyTorch default, LayerNorm 1/0, mask token N(0, 0.02^2));
- the loop: AdamW (lr, betas, weight decay; no decay on biases and 1-D parameters), learning rate per step from
  a linear warm-up and cosine decay over the run's epochs, a fresh shuffle per epoch, full batches only;
- the features: the encoder on every patch, each layer (0 = embedded patches) through the final LayerNorm; the
  linear probe on the last layer mean-pooled (or region means), the ridge on 4x4 region means of every layer;
- the probes: the linear probe (standardised features, full-batch Adam from zero on cross-entropy + l2/2|W|^2)
  and the ridge of each truth (standardised features, intercept, lambda relative to the mean squared norm of
  the centred rows, lambda and feature set -- every layer or the last block -- chosen per truth on validation),
  r2_macro the mean of the seven macro-lens truths; a 95% percentile bootstrap over validation images, the gain's
  interval paired (the same draws for both encoders) and averaged over seeds.
What differs: the random streams (weights, shuffles, masks, bootstrap draws), so seed k is not the same network
in both; compare the spread over seeds, not one seed's number.

A dev/bench tool only, never a runtime dependency of LensSweep.

    sudo apt-get install -y python3-numpy python3-torch   # Debian's (torch 1.13 on bookworm)
    /usr/bin/python3 bench/reference/pretrain_reference.py DIR [--mae-reference PATH] [--threads 2]

The comparison is written to DIR/comparison.json (and printed as the last line with --json), one JSON object: {"parameters": n, "lenssweep": {...}, "pytorch": {...}}, each side
{"random_init": {metric: mean over seeds}, "pretrained": {...}, "gain": {metric: [value, low, high]},
"seeds": [{"random_init": {...}, "pretrained": {...}}, ...]}.
"""
import argparse
import importlib.util
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

MACRO = ["theta_e", "e1", "e2", "gamma1", "gamma2", "source_x", "source_y"]
SHOWN = ["r2_macro", "probe_auc", "probe_accuracy"]


def find_mae_reference(explicit):
    """shared/bench/mae_reference.py in a folder above this script (the lead's checkout keeps ../shared)."""
    if explicit:
        return explicit
    folder = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(folder, "shared", "bench", "mae_reference.py")
        if os.path.exists(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            raise SystemExit("mae_reference.py not found above this script; pass --mae-reference")
        folder = parent


def load_reference(path, model):
    """mae_reference.py as a module, its shape constants set to LensSweep's config before the model is built."""
    spec = importlib.util.spec_from_file_location("mae_reference", path)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    ref.IMG, ref.PATCH, ref.IN_CH = model["image_size"], model["patch_size"], model["channels"]
    ref.GRID = ref.IMG // ref.PATCH
    ref.L = ref.GRID * ref.GRID
    ref.PDIM = ref.PATCH * ref.PATCH * ref.IN_CH
    ref.EMB, ref.DEPTH, ref.HEADS = model["embed_dim"], model["depth"], model["heads"]
    ref.DEC_EMB, ref.DEC_DEPTH, ref.DEC_HEADS = model["decoder_dim"], model["decoder_depth"], model["decoder_heads"]
    if model["mlp_ratio"] != int(model["mlp_ratio"]):
        raise SystemExit("mae_reference.py builds integer MLP ratios only")
    ref.MLP_RATIO = int(model["mlp_ratio"])
    ref.MASK_RATIO = model["mask_ratio"]
    return ref


def xavier_(weight, fan_in, fan_out):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        weight.uniform_(-bound, bound)


def mae_init(model):
    """MAE's initialisation as LensSweep's MaeModel applies it."""
    kernel = model.patch_embed.weight
    xavier_(kernel, kernel[0].numel(), kernel.shape[0])   # bias keeps PyTorch's default U(+-1/sqrt(fan_in))
    with torch.no_grad():
        model.mask_token.normal_(std=0.02)
        for module in model.modules():
            if isinstance(module, nn.Linear):
                xavier_(module.weight, module.weight.shape[1], module.weight.shape[0])
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.LayerNorm):
                module.weight.fill_(1.0)
                module.bias.zero_()


def adamw(model, optimizer):
    decayed, undecayed = [], []
    for name, parameter in model.named_parameters():
        (undecayed if parameter.dim() <= 1 or name.endswith(".bias") else decayed).append(parameter)
    return torch.optim.AdamW(
        [{"params": decayed, "weight_decay": optimizer["weight_decay"]}, {"params": undecayed, "weight_decay": 0.0}],
        lr=optimizer["learning_rate"], betas=(optimizer["beta1"], optimizer["beta2"]), eps=1e-8)


def learning_rate_at(optimizer, epoch):
    lr, warmup, total = optimizer["learning_rate"], optimizer["warmup_epochs"], optimizer["total_epochs"]
    if epoch < warmup:
        return lr * epoch / warmup
    progress = min(1.0, (epoch - warmup) / max(total - warmup, 1e-12))
    return lr * 0.5 * (1.0 + math.cos(math.pi * progress))


def pretrain(model, images, optimizer, epochs, seed):
    count, batch = len(images), min(optimizer["batch_size"], len(images))
    steps = 1 if count < optimizer["batch_size"] else count // optimizer["batch_size"]
    opt = adamw(model, optimizer)
    shuffle = torch.Generator().manual_seed(10_000 + seed)
    model.train()
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(count, generator=shuffle)
        total = 0.0
        for i in range(steps):
            for group in opt.param_groups:
                group["lr"] = learning_rate_at(optimizer, epoch + i / steps)
            opt.zero_grad()
            loss = model(images[order[i * batch:(i + 1) * batch]])
            loss.backward()
            opt.step()
            total += loss.item()
        losses.append(total / steps)
    return losses


def layer_tokens(model, images, batch=256):
    """[layer][n, L, D]: the embedded patches (layer 0) and each block's output, each through the final LayerNorm."""
    model.eval()
    kept = [[] for _ in range(len(model.blocks) + 1)]
    with torch.no_grad():
        for start in range(0, len(images), batch):
            x = model.embed(images[start:start + batch])
            kept[0].append(model.norm(x))
            for k, block in enumerate(model.blocks):
                x = block(x)
                kept[k + 1].append(model.norm(x))
    return [torch.cat(parts) for parts in kept]


def region_means(tokens, grid):
    n, count, dim = tokens.shape
    side = int(round(math.sqrt(count)))
    planes = tokens.transpose(1, 2).reshape(n, dim, side, side)
    return torch.nn.functional.avg_pool2d(planes, side // grid).flatten(1)


def pool(tokens, pooling, grid):
    return region_means(tokens, grid) if pooling == "regions" else tokens.mean(1)


def features(model, images, settings):
    layers = layer_tokens(model, images)
    probe = settings["probe"]
    last = layers[-probe["last_layers"]:]
    probe_features = torch.stack([pool(t, probe["pooling"], probe["region_grid"]) for t in last]).mean(0)
    ridge_features = torch.cat([region_means(t, settings["ridge"]["region_grid"]) for t in layers], 1)
    return probe_features.numpy().astype(np.float64), ridge_features.numpy().astype(np.float64)


def standardise(train, other, ddof):
    mean, std = train.mean(axis=0), train.std(axis=0, ddof=ddof)
    std = np.where(std > 1e-12, std, 1.0)
    return (train - mean) / std, (other - mean) / std


def probe_probabilities(x, y, xv, classes, probe):
    x, xv = standardise(x, xv, ddof=0)
    xs, xvs = torch.tensor(x, dtype=torch.float32), torch.tensor(xv, dtype=torch.float32)
    labels = torch.tensor(y, dtype=torch.long)
    weights = torch.zeros(x.shape[1], classes, requires_grad=True)
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.Adam([weights, bias], lr=probe["learning_rate"])
    for _ in range(int(probe["iterations"])):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(xs @ weights + bias, labels) + 0.5 * probe["l2"] * weights.square().sum()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return (xvs @ weights + bias).softmax(1).numpy().astype(np.float64)


def auc_binary(scores, positive):
    """Mann-Whitney AUC with average ranks for ties."""
    values, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return (ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def macro_auc(probabilities, labels, classes):
    aucs = [auc_binary(probabilities[:, c], labels == c) for c in range(classes)
            if (labels == c).any() and not (labels == c).all()]
    return float(np.mean(aucs)) if aucs else float("nan")


def r2(truth, predicted):
    total = ((truth - truth.mean()) ** 2).sum()
    return float("nan") if total <= 1e-300 else 1.0 - ((truth - predicted) ** 2).sum() / total


def ridge_predictions(train, validation, truth, targets, last_width, lambdas):
    """Per truth, the validation predictions of the candidate (every layer or last block, lambda) best on validation."""
    truth_train, truth_validation = truth
    best = {t: (-math.inf, None) for t in targets}
    for x, xv in [(train, validation), (train[:, -last_width:], validation[:, -last_width:])]:
        xs, xvs = standardise(x, xv, ddof=1)
        solved = {}
        for k, target in enumerate(targets):
            fitted = np.isfinite(truth_train[:, k])
            known = np.isfinite(truth_validation[:, k])
            if known.sum() < 3 or fitted.sum() < 3:
                continue
            key = fitted.tobytes()
            if key not in solved:
                mean = xs[fitted].mean(axis=0)
                u, s, vt = np.linalg.svd(xs[fitted] - mean, full_matrices=False)
                scale = max(float(((xs[fitted] - mean) ** 2).sum(axis=1).mean()), 1e-12)
                solved[key] = (mean, u, s, vt, scale)
            mean, u, s, vt, scale = solved[key]
            y = truth_train[fitted, k]
            uty = u.T @ (y - y.mean())
            for lam in lambdas:
                w = vt.T @ (s / (s ** 2 + lam * scale) * uty)
                predicted = (xvs - mean) @ w + y.mean()
                score = r2(truth_validation[known, k], predicted[known])
                if score > best[target][0]:
                    best[target] = (score, predicted)
    return {t: p for t, (score, p) in best.items() if p is not None}


class Scored:
    """One encoder's validation predictions, so any metric can be recomputed on a bootstrap draw of the rows."""

    def __init__(self, probabilities, ridge, labels, truth_validation, targets, classes):
        self.probabilities, self.ridge, self.labels = probabilities, ridge, labels
        self.truth, self.targets, self.classes = truth_validation, targets, classes

    def metrics(self, rows=None):
        rows = np.arange(len(self.labels)) if rows is None else rows
        p, y = self.probabilities[rows], self.labels[rows]
        out = {"probe_auc": macro_auc(p, y, self.classes), "probe_accuracy": float((p.argmax(1) == y).mean())}
        for k, target in enumerate(self.targets):
            if target in self.ridge:
                truth = self.truth[rows, k]
                known = np.isfinite(truth)
                out["r2_" + target] = r2(truth[known], self.ridge[target][rows][known])
        if all("r2_" + t in out for t in MACRO):
            out["r2_macro"] = float(np.mean([out["r2_" + t] for t in MACRO]))
        return out


def evaluate(model, data, settings):
    probe_train, ridge_train = features(model, data["train"], settings)
    probe_validation, ridge_validation = features(model, data["validation"], settings)
    probabilities = probe_probabilities(probe_train, data["labels_train"], probe_validation, settings["classes"], settings["probe"])
    rows = evenly_spaced(len(ridge_train), settings["ridge"]["max_train_rows"])
    last_width = ridge_train.shape[1] // (settings["model"]["depth"] + 1)
    ridge = ridge_predictions(ridge_train[rows], ridge_validation, (data["truth_train"][rows], data["truth_validation"]),
                              settings["targets"], last_width, settings["ridge"]["lambdas"])
    return Scored(probabilities, ridge, data["labels_validation"], data["truth_validation"], settings["targets"], settings["classes"])


def evenly_spaced(count, most):
    return np.arange(count) if count <= most else np.array([k * count // most for k in range(most)])


def paired_gain(pairs, resamples, seed=0):
    """Mean over seeds of pretrained minus random init, with the 95% percentile interval of the same statistic on
    bootstrap draws of the validation rows (each draw shared by both encoders and every seed)."""
    metrics = set.intersection(*[set(trained.metrics()) & set(initial.metrics()) for initial, trained in pairs])
    rows = len(pairs[0][0].labels)
    random = np.random.default_rng(seed)
    draws = [random.integers(0, rows, rows) for _ in range(resamples)]

    def gain(metric, draw=None):
        return float(np.mean([trained.metrics(draw)[metric] - initial.metrics(draw)[metric] for initial, trained in pairs]))

    values = {m: gain(m) for m in metrics}
    resampled = {m: [] for m in metrics}
    for draw in draws:
        per_seed = [(initial.metrics(draw), trained.metrics(draw)) for initial, trained in pairs]
        for m in metrics:
            resampled[m].append(np.mean([t[m] - i[m] for i, t in per_seed]))
    return {m: [values[m], *np.nanpercentile(resampled[m], [2.5, 97.5]).tolist()] for m in sorted(metrics)}


def mean_over_seeds(results):
    keys = set.intersection(*[set(r) for r in results])
    return {k: float(np.mean([r[k] for r in results])) for k in sorted(keys)}


def load(folder, name, dtype=np.float64):
    return np.load(os.path.join(folder, name)).astype(dtype)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--mae-reference", default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="also print the comparison as one JSON line last")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.folder, "inputs.json")) as f:
        settings = json.load(f)
    model_config, optimizer = settings["model"], settings["optimizer"]
    if model_config["loss"] != "mse_norm_pix" or model_config["masking"] != "random" or model_config["objective"] != "mae":
        raise SystemExit("mae_reference.py trains the MAE with random masking and the norm-pixel MSE only")
    ref = load_reference(find_mae_reference(args.mae_reference), model_config)

    shape = (-1, model_config["channels"], model_config["image_size"], model_config["image_size"])
    data = {
        "pretraining": torch.tensor(load(args.folder, "images_pretraining.npy", np.float32)).reshape(shape),
        "train": torch.tensor(load(args.folder, "images_train.npy", np.float32)).reshape(shape),
        "validation": torch.tensor(load(args.folder, "images_validation.npy", np.float32)).reshape(shape),
        "labels_train": load(args.folder, "labels_train.npy").astype(np.int64),
        "labels_validation": load(args.folder, "labels_validation.npy").astype(np.int64),
        "truth_train": load(args.folder, "truth_train.npy").reshape(-1, len(settings["targets"])),
        "truth_validation": load(args.folder, "truth_validation.npy").reshape(-1, len(settings["targets"])),
    }

    pairs, seeds, parameters = [], [], None
    for seed in settings["seeds"]:
        torch.manual_seed(seed)
        model = ref.MAE()
        mae_init(model)
        parameters = sum(p.numel() for p in model.parameters())
        initial = evaluate(model, data, settings)
        losses = pretrain(model, data["pretraining"], optimizer, settings["epochs"], seed)
        trained = evaluate(model, data, settings)
        pairs.append((initial, trained))
        seeds.append({"random_init": initial.metrics(), "pretrained": trained.metrics(), "losses": losses})
        print(f"pytorch seed {seed}: loss {losses[0]:.4f} -> {losses[-1]:.4f}, r2_macro {seeds[-1]['random_init'].get('r2_macro', math.nan):.4f}"
              f" -> {seeds[-1]['pretrained'].get('r2_macro', math.nan):.4f}", flush=True)

    pytorch = {
        "random_init": mean_over_seeds([s["random_init"] for s in seeds]),
        "pretrained": mean_over_seeds([s["pretrained"] for s in seeds]),
        "gain": paired_gain(pairs, settings["bootstrap_resamples"]),
        "seeds": seeds,
    }
    ours = settings["lenssweep"]
    print(f"{len(settings['seeds'])} seed(s), {settings['epochs']} epochs on {len(data['pretraining'])} images;"
          f" probes on {len(data['train'])} train / {len(data['validation'])} validation images; {parameters} parameters"
          f" (LensSweep {settings['parameters']})")
    for k, seed in enumerate(settings["seeds"]):
        a, b = ours["seeds"][k].get("losses") or [math.nan], seeds[k]["losses"]
        print(f"seed {seed}: training loss, first -> last epoch: LensSweep {a[0]:.4f} -> {a[-1]:.4f}, PyTorch {b[0]:.4f} -> {b[-1]:.4f}")
    # Each side's means and paired gains; their difference, with its interval over seeds, is the bench's to print
    # (lenssweep-bench pretraincheck reads comparison.json), so it has one home.
    print(f"{'metric':<16}{'':<12}{'LensSweep':>10}{'PyTorch':>10}")
    for metric in SHOWN:
        for part in ("random_init", "pretrained"):
            if metric in ours[part] and metric in pytorch[part]:
                print(f"{metric:<16}{part:<12}{ours[part][metric]:>10.4f}{pytorch[part][metric]:>10.4f}")
        if metric in ours["gain"] and metric in pytorch["gain"]:
            (a, al, ah), (b, bl, bh) = ours["gain"][metric], pytorch["gain"][metric]
            print(f"{metric:<16}{'gain':<12}{a:>+10.4f}{b:>+10.4f}"
                  f"   LensSweep [{al:+.4f}, {ah:+.4f}]  PyTorch [{bl:+.4f}, {bh:+.4f}] (paired, over validation)")
    comparison = {"parameters": parameters, "lenssweep": ours, "pytorch": pytorch}
    with open(os.path.join(args.folder, "comparison.json"), "w") as f:
        json.dump(comparison, f, indent=1)
    print(f"written to {os.path.join(args.folder, 'comparison.json')}")
    if args.json:
        print(json.dumps(comparison))
    return 0


if __name__ == "__main__":
    sys.exit(main())
