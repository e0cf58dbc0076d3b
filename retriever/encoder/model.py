"""Sentence embeddings from any Hugging Face encoder directory, the e5 way.

Texts get the "query: " prefix (the retriever compares questions with questions, a symmetric task),
token states are mean-pooled over the attention mask and L2-normalised, so a dot product is a
cosine. Nothing is downloaded: the directory is local (HF_HUB_OFFLINE=1 is set by the launcher).
"""

import copy
import hashlib
import json
import logging
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Optional

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
from transformers import AutoModel, AutoTokenizer, PreTrainedModel

logger = logging.getLogger(__name__)
QUERY_PREFIX = "query: "


class QuestionTokenizer:
    """Ids of one question, the same as the transformers tokenizer gives but about 3 ms faster.

    The tokenizer that retriever.encoder.convert writes normalises with ~4.8k literal one-character
    Replace steps (exact to the e5 engine, 1.5 ms a question); here they run as one str.translate.
    The transformers wrapper around the Rust tokenizer costs another ~1.3 ms per call.
    """

    def __init__(self, backend: Tokenizer, normalise: Callable[[str], str]) -> None:
        self.backend, self.normalise = backend, normalise

    @classmethod
    def of(cls, tokenizer) -> Optional["QuestionTokenizer"]:
        """None if the tokenizer normalises in a way this does not reproduce."""
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        spec = json.loads(backend.to_str())
        normaliser = spec.get("normalizer")
        steps = ([] if normaliser is None else normaliser.get("normalizers", [normaliser]))
        table: dict = {}
        spaces = False
        for step in steps:
            pattern = step.get("pattern", {}) if step.get("type") == "Replace" else {}
            literal = pattern.get("String")
            if literal is not None and len(literal) == 1 and not spaces:
                table[ord(literal)] = step["content"]
            elif pattern.get("Regex") == " {2,}" and step["content"] == " ":
                spaces = True  # collapses runs of spaces, after the replacements
            else:
                return None
        if any(chr(key) in "".join(table.values()) for key in table):
            return None  # a replacement's output is replaced again: not one translate
        collapse = re.compile(" {2,}")
        normalise = ((lambda text: collapse.sub(" ", text.translate(table))) if spaces
                     else (lambda text: text.translate(table)))
        single = Tokenizer.from_str(backend.to_str())
        single.normalizer = None
        single.no_truncation()
        single.no_padding()
        single.encode_special_tokens = backend.encode_special_tokens
        return cls(single, normalise)

    def ids(self, text: str) -> list[int]:
        return self.backend.encode(self.normalise(text)).ids


def feed_forward_int8(model: PreTrainedModel) -> torch.nn.Module:
    """A copy of the model whose feed-forward layers run in int8 (weights per output channel,
    activations quantised on the fly); the word embeddings stay shared with the original.
    Models whose layers are named otherwise come back unchanged."""
    names = {name for name, module in model.named_modules()
             if isinstance(module, torch.nn.Linear) and (".intermediate." in name or (
                 name.endswith(".output.dense") and ".attention." not in name))}
    if not names:
        return model
    embeddings = model.get_input_embeddings()
    duplicate = copy.deepcopy(model, memo={id(embeddings): embeddings})
    with warnings.catch_warnings():  # "deprecated": still in the pinned torch; see the test
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return quantize_dynamic(duplicate, {name: per_channel_dynamic_qconfig for name in names},
                                dtype=torch.qint8, inplace=True)


def _states(output) -> torch.Tensor:
    return output["last_hidden_state"] if isinstance(output, dict) else output[0]


class Encoder:
    """`encode` embeds knowledge-base texts in batches with the model as it is; `encode_question`
    embeds one customer's question the fast way (see there)."""

    def __init__(self, model_dir: Path, threads: int = 1, max_length: int = 128,
                 int8_questions: bool = True) -> None:
        torch.set_num_threads(threads)
        # numpy's BLAS (the index product) keeps one thread: its pool spinning beside torch's
        # threads on a 2-core machine made a whole search ~2.5x slower.
        threadpool_limits(1, user_api="blas")
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        self.max_length = max_length
        self.dimension = int(self.model.config.hidden_size)
        # Names these exact weights, so stored embeddings are reused only with the same model.
        weights = sorted(Path(model_dir).glob("*.safetensors")) or sorted(Path(model_dir).glob("*"))
        self.identity = hashlib.sha256("|".join(
            f"{path.resolve()}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
            for path in weights).encode()).hexdigest()[:16]
        self.int8_questions = int8_questions
        self._question_model: Callable | None = None  # built at the first question
        self._question_tokenizer = QuestionTokenizer.of(self.tokenizer)

    def _question_runner(self, arguments: tuple) -> Callable:
        """The model for single questions. Reading the fp32 weights (85 MB) is most of a question's
        time, so the feed-forward layers (2/3 of them) run in int8: 6 ms instead of 10 on 2 cores,
        with hit@1 on the held-out questions as good as fp32 (the index stays fp32). A frozen
        TorchScript trace saves the Python of each layer; it fixes the branches taken for an
        all-ones attention mask, which is what a single unpadded question has."""
        model = feed_forward_int8(self.model) if self.int8_questions else self.model
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", torch.jit.TracerWarning)
                traced = torch.jit.trace(model, arguments, strict=False, check_trace=False)
            return torch.jit.freeze(traced.eval())
        except Exception as error:  # an architecture the tracer cannot follow: stay eager
            logger.warning("encoder not traced, questions run eagerly: %s", error)
            return lambda ids, mask: model(input_ids=ids, attention_mask=mask)

    @torch.inference_mode()
    def encode_question(self, text: str) -> np.ndarray:
        """The L2-normalised embedding of one question (float32)."""
        ids = (self._question_tokenizer.ids(QUERY_PREFIX + text)
               if self._question_tokenizer else None)
        if ids is not None and len(ids) <= self.max_length:
            input_ids = torch.tensor([ids], dtype=torch.long)
        else:  # a long question is truncated the transformers way
            input_ids = self.tokenizer([QUERY_PREFIX + text], truncation=True,
                                       max_length=self.max_length,
                                       return_tensors="pt")["input_ids"]
        arguments = (input_ids, torch.ones_like(input_ids))
        if self._question_model is None:
            self._question_model = self._question_runner(arguments)
        states = _states(self._question_model(*arguments))
        return torch.nn.functional.normalize(states.mean(dim=1), dim=-1)[0].numpy()

    @torch.inference_mode()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised row per text (float32)."""
        rows: list[np.ndarray] = []
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
