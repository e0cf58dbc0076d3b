"""Fine-tune the encoder on the knowledge base: `python -m retriever.encoder.finetune`.

Contrastive training with in-batch negatives: a batch holds two texts of each of N different
entries (question or paraphrase, either language); each text must be closer to its partner than
to the other 2N - 2 texts (InfoNCE, temperature 0.05, both directions). The word-embedding matrix
(250k x 384, most of the model) stays frozen, so a few epochs take minutes on 2 CPU cores and the
vocabulary of words the knowledge base never uses is left as it was.

Seeds are fixed, so the same base model and knowledge base give the same fine-tuned model. The
held-out questions are never used here; `python -m retriever.evaluate --model <out>` measures the
result on them.
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from core import knowledge_base as kb
from core.config import get_settings
from retriever import faq
from retriever.calibrate import held_out
from retriever.encoder.model import QUERY_PREFIX

TEXTS_PER_PAIR = 8
MAX_PAIRS = 6


def groups(entries: list[kb.Entry]) -> list[list[str]]:
    """Per entry, every text that should land near the others, but the calibration's held-out
    split (retriever/calibrate.py): thresholds are chosen on texts the encoder never saw."""
    return [[text for side in entry.sides.values() for text in side.texts()
             if text == side.question or not held_out(text)] for entry in entries]


def batches(texts_by_entry: list[list[str]], size: int, rng: random.Random) -> list[list]:
    """Batches of (text, partner) pairs, at most one pair per entry in a batch. An entry with
    many texts (a curated FAQ topic's training examples) gives a pair per TEXTS_PER_PAIR of them
    (up to MAX_PAIRS) an epoch, so its variety is seen."""
    rounds: list[list] = []
    for i, texts in enumerate(texts_by_entry):
        for round_number in range(min(MAX_PAIRS, max(1, len(texts) // TEXTS_PER_PAIR))
                                  if len(texts) >= 2 else 0):
            while len(rounds) <= round_number:
                rounds.append([])
            rounds[round_number].append(i)
    found = []
    for order in rounds:
        rng.shuffle(order)
        pairs = [tuple(rng.sample(texts_by_entry[i], 2)) for i in order]
        found += [pairs[start:start + size] for start in range(0, len(pairs), size)
                  if len(pairs[start:start + size]) >= 2]
    rng.shuffle(found)
    return found


def embed(model, tokenizer, texts: list[str]) -> torch.Tensor:
    inputs = tokenizer([QUERY_PREFIX + text for text in texts], padding=True, truncation=True,
                       max_length=64, return_tensors="pt")
    states = model(**inputs).last_hidden_state
    mask = inputs["attention_mask"].unsqueeze(-1).to(states.dtype)
    pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
    return torch.nn.functional.normalize(pooled, dim=-1)


def finetune(base: Path, out: Path, entries: list[kb.Entry], epochs: int = 8,
             batch_size: int = 32, learning_rate: float = 2e-5, temperature: float = 0.05,
             seed: int = 13, threads: int = 2) -> None:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModel.from_pretrained(str(base), local_files_only=True)
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    texts_by_entry = groups(entries)
    model.train()
    started = time.monotonic()
    for epoch in range(epochs):
        total, steps = 0.0, 0
        for batch in batches(texts_by_entry, batch_size, rng):
            left = embed(model, tokenizer, [a for a, _ in batch])
            right = embed(model, tokenizer, [b for _, b in batch])
            logits = left @ right.T / temperature
            target = torch.arange(len(batch))
            loss = (torch.nn.functional.cross_entropy(logits, target)
                    + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, steps = total + loss.item(), steps + 1
        print(f"epoch {epoch + 1}: loss {total / max(steps, 1):.4f} "
              f"({time.monotonic() - started:.0f} s)", flush=True)
    model.eval()
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        staged = Path(scratch) / "model"
        model.save_pretrained(staged)
        tokenizer.save_pretrained(staged)
        if out.exists():
            shutil.rmtree(out)
        staged.rename(out)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m retriever.encoder.finetune",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, default=settings.retriever_base_model_dir)
    parser.add_argument("--out", type=Path, default=settings.retriever_model_dir)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    entries = kb.load(settings.knowledge_dir) + faq.load_topics(settings.training_data_dir)
    finetune(args.base, args.out, entries, args.epochs,
             args.batch_size, args.learning_rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
