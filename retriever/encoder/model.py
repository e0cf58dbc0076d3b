"""Sentence embeddings from any Hugging Face encoder directory, the e5 way.

Texts get the "query: " prefix (the retriever compares questions with questions, a symmetric task),
token states are mean-pooled over the attention mask and L2-normalised, so a dot product is a
cosine. Nothing is downloaded: the directory is local (HF_HUB_OFFLINE=1 is set by the launcher).
"""

import hashlib
import logging
import warnings
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

logger = logging.getLogger(__name__)
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
        # A customer's question is one unpadded text: a frozen TorchScript trace of the model runs
        # it about a fifth faster than eager PyTorch (no Python per layer). Batches with padding
        # stay eager: the trace fixes the branches taken for an all-ones attention mask.
        self._single: Optional[torch.jit.ScriptModule] = None
        self._trace_failed = False

    @torch.inference_mode()
    def _encode_one(self, text: str) -> Optional[np.ndarray]:
        inputs = self.tokenizer([QUERY_PREFIX + text], truncation=True,
                                max_length=self.max_length, return_tensors="pt")
        arguments = (inputs["input_ids"], inputs["attention_mask"])
        if self._single is None:
            try:
                with warnings.catch_warnings():  # the branches it fixes are the unpadded ones
                    warnings.simplefilter("ignore", torch.jit.TracerWarning)
                    traced = torch.jit.trace(self.model, arguments, strict=False,
                                             check_trace=False)
                self._single = torch.jit.freeze(traced.eval())
            except Exception as error:  # an architecture the tracer cannot follow: stay eager
                logger.warning("encoder not traced, queries run eagerly: %s", error)
                self._trace_failed = True
                return None
        output = self._single(*arguments)
        states = output["last_hidden_state"] if isinstance(output, dict) else output[0]
        return torch.nn.functional.normalize(states.mean(dim=1), dim=-1).numpy()

    @torch.inference_mode()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised row per text (float32)."""
        if len(texts) == 1 and not self._trace_failed:
            row = self._encode_one(texts[0])
            if row is not None:
                return row.astype(np.float32)
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
