#!/usr/bin/python3
"""Checks a `lenssweep export` folder in PyTorch: loads encoder.pt into a ViT encoder written here from
encoder.json (facebookresearch/mae's encoder: timm Block, pre-LayerNorm, exact GELU), runs it on the
sample images the C# side embedded (samples.npy), and prints the largest difference from its features
(features.npy). A dev/bench tool only, never a runtime dependency of LensSweep.

    sudo apt-get install -y python3-torch python3-numpy     # Debian's PyTorch (1.13 on bookworm)
    /usr/bin/python3 bench/export_check.py exports/quick [--tolerance 1e-4]

Exit code 0 when the difference is within the tolerance, 1 when it is not, 2 when the folder is unusable.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        weights = (q @ k.transpose(-2, -1) / math.sqrt(d // self.heads)).softmax(dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, channels, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Encoder(nn.Module):
    """The encoder half of models_mae.MaskedAutoencoderViT, without masking."""

    def __init__(self, c):
        super().__init__()
        patches = (c["img_size"] // c["patch_size"]) ** 2
        self.has_cls = c["cls_token"]
        self.patch_embed = PatchEmbed(c["in_chans"], c["embed_dim"], c["patch_size"])
        if self.has_cls:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, c["embed_dim"]))
        self.pos_embed = nn.Parameter(torch.zeros(1, patches + (1 if self.has_cls else 0), c["embed_dim"]), requires_grad=False)
        self.blocks = nn.ModuleList(Block(c["embed_dim"], c["num_heads"], c["mlp_hidden"], c["norm_eps"]) for _ in range(c["depth"]))
        self.norm = nn.LayerNorm(c["embed_dim"], eps=c["norm_eps"])

    def forward(self, images):
        x = self.patch_embed(images)
        if self.has_cls:
            x = x + self.pos_embed[:, 1:, :]
            cls = self.cls_token + self.pos_embed[:, :1, :]
            x = torch.cat([cls.expand(x.shape[0], -1, -1), x], dim=1)
        else:
            x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


def read_safetensors(path):
    """The safetensors file as name -> tensor: with the safetensors package when installed (Debian's
    python3-safetensors), else by its format: 8-byte little-endian header length, JSON header, raw data."""
    try:
        from safetensors.torch import load_file
        return load_file(path), "safetensors"
    except ImportError:
        pass
    dtypes = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, "its format"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="a folder written by 'lenssweep export' (with samples)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="largest absolute feature difference accepted (default 1e-4)")
    args = parser.parse_args()

    paths = {name: os.path.join(args.folder, name) for name in ("encoder.json", "encoder.pt", "samples.npy", "features.npy")}
    missing = [p for p in paths.values() if not os.path.isfile(p)]
    if missing:
        print(f"export_check: missing {', '.join(missing)}; write the folder with 'lenssweep export ... --samples 8'", file=sys.stderr)
        return 2

    with open(paths["encoder.json"]) as f:
        config = json.load(f)
    torch.manual_seed(0)
    encoder = Encoder(config)
    state = torch.load(paths["encoder.pt"], map_location="cpu")
    encoder.load_state_dict(state, strict=True)
    encoder.eval()

    safetensors_path = os.path.join(args.folder, "encoder.safetensors")
    if os.path.isfile(safetensors_path):
        tensors, reader = read_safetensors(safetensors_path)
        differing = sorted(set(tensors) ^ set(state)) + [n for n in state if n in tensors and not torch.equal(tensors[n], state[n])]
        if differing:
            print(f"export_check: encoder.safetensors and encoder.pt differ in {', '.join(differing)}", file=sys.stderr)
            return 1
        print(f"encoder.safetensors (read with {reader}) holds the same {len(tensors)} tensors as encoder.pt")

    images = torch.from_numpy(np.load(paths["samples.npy"]))
    expected = torch.from_numpy(np.load(paths["features.npy"]))
    with torch.no_grad():
        features = encoder(images)
    if features.shape != expected.shape:
        print(f"export_check: PyTorch features are {tuple(features.shape)}, the export's {tuple(expected.shape)}", file=sys.stderr)
        return 1

    difference = (features - expected).abs()
    scale = expected.abs().max().item()
    pooled = (features.mean(1) - expected.mean(1)).abs().max().item()
    print(f"torch {torch.__version__}: {len(images)} images, {config['depth']} blocks, embed {config['embed_dim']}, objective {config['objective']}")
    print(f"max |features - C# features| = {difference.max().item():.3e} (mean {difference.mean().item():.3e}; largest feature {scale:.3f}); mean-pooled: {pooled:.3e}")
    ok = difference.max().item() <= args.tolerance
    print("OK: PyTorch gives the C# features" if ok else f"FAIL: above the tolerance {args.tolerance:g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
