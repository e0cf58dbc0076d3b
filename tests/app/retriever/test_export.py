"""The encoder exported for Rasa's sentence featurizer (built by `make install`) gives the torch
model's sentence vectors, quantised: close to them, padding masked out of the pooling,
and its description names the file it describes."""

import hashlib
import json

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from core.config import PROJECT_ROOT, get_settings
from retriever.encoder.model import QUERY_PREFIX, Encoder

EXPORT = PROJECT_ROOT / ".cache" / "models" / "multilingual-e5-small-kb-onnx"
TEXTS = ["提前还款有违约金吗", "How do I freeze my card?", "我想查下balance还有5k", "还",
         "x" * 3000]  # the last is truncated to the same 128 tokens on both sides


def run(texts: list[str]) -> np.ndarray:
    """As the featurizer runs it: one text at a time."""
    description = json.loads((EXPORT / "encoder.json").read_text())
    tokenizer = Tokenizer.from_file(str(EXPORT / "tokenizer.json"))
    tokenizer.enable_truncation(description["max_length"])
    session = onnxruntime.InferenceSession(str(EXPORT / "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    rows = []
    for text in texts:
        ids = np.array([tokenizer.encode(description["prefix"] + text).ids], dtype=np.int64)
        (vector,) = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        rows.append(vector[0])
    return np.array(rows)


def test_the_export_gives_the_encoders_sentence_vectors_quantised():
    torch_vectors = Encoder(get_settings().retriever_model_dir,
                            int8_questions=False).encode(TEXTS)
    exported = run(TEXTS)
    cosines = np.sum(torch_vectors * exported, axis=1)
    # Close, and really int8: the fine-tuned weights quantise less tightly than the 4-bit base
    # (0.96-0.98 here, above 0.99 for the base); the held-out figures are measured on this file.
    assert cosines[:4].min() > 0.95 and cosines.max() < 0.99999
    assert cosines[4] > 0.95  # 128 tokens of one letter: int8 loses the most there
    assert np.allclose(np.linalg.norm(exported, axis=1), 1.0, atol=1e-4)
    assert json.loads((EXPORT / "encoder.json").read_text())["prefix"] == QUERY_PREFIX


def test_a_batch_padded_to_its_longest_text_pools_over_the_real_tokens_only():
    """The graph takes a mask: padding shifts a vector only by int8's per-input scaling."""
    description = json.loads((EXPORT / "encoder.json").read_text())
    tokenizer = Tokenizer.from_file(str(EXPORT / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>"))
    encodings = tokenizer.encode_batch([description["prefix"] + text for text in TEXTS[:4]])
    session = onnxruntime.InferenceSession(str(EXPORT / "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    (batch,) = session.run(None, {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)})
    assert np.sum(batch * run(TEXTS[:4]), axis=1).min() > 0.975


def test_the_description_names_the_file_it_describes():
    description = json.loads((EXPORT / "encoder.json").read_text())
    digest = hashlib.sha256((EXPORT / "model.onnx").read_bytes()).hexdigest()[:16]
    assert description["digest"] == digest and description["int8"]
    assert (EXPORT / "model.onnx").stat().st_size < 150e6  # the embeddings are int8 too
