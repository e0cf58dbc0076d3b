"""What a pretrained sentence encoder would add to intent classification: `python -m
bench.intents` (on demand, part of `make bench`).

BANKING77's published 93.4% came from pretrained sentence encoders (USE + ConveRT) under a small
classifier; config.yml's DIET learns from the training examples' words and characters alone.
This measures the retriever's encoder (multilingual-e5-small, already installed) the same way: it
embeds BANKING77's train and test splits (read from ../shared/datasets, never copied) and trains
a linear classifier on the embeddings, and reports test accuracy, macro-F1 and the time taken. A
figure well above DIET's is the case for feeding these embeddings to DIET as dense features.
"""

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from bench.figures import publish
from bench.retriever import DATASETS
from core.config import PROJECT_ROOT
from retriever.encoder.model import Encoder

BASE_ENCODER = PROJECT_ROOT / ".cache" / "models" / "multilingual-e5-small"


def banking77(folder: Path, split: str) -> tuple[list[str], list[str]]:
    with (folder / "banking77" / f"{split}.csv").open(encoding="utf-8") as rows:
        pairs = [(row["text"].strip(), row["category"]) for row in csv.DictReader(rows)]
    return [text for text, _ in pairs], [label for _, label in pairs]


def linear_classifier(features: np.ndarray, labels: np.ndarray, classes: int,
                      epochs: int = 300) -> torch.nn.Linear:
    """Softmax regression, full batch (the embeddings are small); a little weight decay."""
    torch.manual_seed(1)
    x, y = torch.from_numpy(features), torch.from_numpy(labels)
    layer = torch.nn.Linear(x.shape[1], classes)
    optimiser = torch.optim.Adam(layer.parameters(), lr=0.05, weight_decay=1e-5)
    for _ in range(epochs):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(layer(x) * 10, y).backward()  # unit vectors: scaled
        optimiser.step()
    return layer


def macro_f1(truth: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    scores = []
    for c in range(classes):
        tp = np.sum((predicted == c) & (truth == c))
        fp, fn = np.sum((predicted == c) & (truth != c)), np.sum((predicted != c) & (truth == c))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intents", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=BASE_ENCODER,
                        help="a transformers model directory (default: e5-small as installed)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    encoder = Encoder(args.model, threads=os.cpu_count() or 1)
    train_texts, train_labels = banking77(args.datasets, "train")
    test_texts, test_labels = banking77(args.datasets, "test")
    names = sorted(set(train_labels))
    index = {name: i for i, name in enumerate(names)}
    started = time.monotonic()
    train = encoder.encode(train_texts)
    encode_seconds = time.monotonic() - started
    test = encoder.encode(test_texts)
    started = time.monotonic()
    layer = linear_classifier(train, np.array([index[n] for n in train_labels]), len(names))
    fit_seconds = time.monotonic() - started
    truth = np.array([index[n] for n in test_labels])
    with torch.no_grad():
        predicted = layer(torch.from_numpy(test)).argmax(dim=1).numpy()
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "data": f"BANKING77 ({args.datasets}): {len(train_texts)} train, {len(test_texts)} test",
        "encoder": args.model.name,
        "accuracy": round(float(np.mean(predicted == truth)), 4),
        "macro_f1": round(macro_f1(truth, predicted, len(names)), 4),
        "encode_train_seconds": round(encode_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
    }
    publish(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
