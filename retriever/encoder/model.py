"""Sentence embeddings from any Hugging Face encoder directory, the e5 way.

Texts get the "query: " prefix (the retriever compares questions with questions, a symmetric task),
token states are mean-pooled over the attention mask and L2-normalised, so a dot product is a
cosine. Nothing is downloaded: the directory is local (HF_HUB_OFFLINE=1 is set by the launcher).
"""

import hashlib
from pathlib import Path
from typing import List, Sequence

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

QUERY_PREFIX = "query: "


class Encoder:
    def __init__(self, model_dir: Path, threads: int = 1, max_length: int = 128) -> None:
        torch.set_num_threads(threads)
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        self.max_length = max_length
        self.dimension = int(self.model.config.hidden_size)
        # Names these exact weights, so stored embeddings are reused only with the same model.
        weights = sorted(Path(model_dir).glob("*.safetensors")) or sorted(Path(model_dir).glob("*"))
        self.identity = hashlib.sha256("|".join(
            f"{path.resolve()}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
            for path in weights).encode()).hexdigest()[:16]

    @torch.inference_mode()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised row per text (float32)."""
        rows: List[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            batch = [QUERY_PREFIX + text for text in texts[start:start + batch_size]]
            inputs = self.tokenizer(batch, padding=True, truncation=True,
                                    max_length=self.max_length, return_tensors="pt")
            states = self.model(**inputs).last_hidden_state
            mask = inputs["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(rows).astype(np.float32)
