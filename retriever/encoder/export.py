"""The encoder as one ONNX file, for Rasa's sentence featurizer (bot/components/sentence_features).

Rasa's side has no torch (Python 3.10, TensorFlow, numpy 1.23): it runs the encoder with
onnxruntime and tokenizes with the Rust `tokenizers`. This writes, into --out:

    model.onnx       input_ids, attention_mask (int64, batch x tokens) -> sentence (batch x 384):
                     mean-pooled over the mask and L2-normalised, as retriever.encoder.model does
    tokenizer.json   the encoder's own tokenizer
    encoder.json     what the featurizer needs to know: dimension, prefix, max length, a digest

The graph's matrix products are quantised to int8 (weights per channel, activations on the fly):
the weights come from a 4-bit file anyway (retriever.encoder.convert), and int8 makes the file
a quarter of the size and a message about twice as fast (cosine to the torch model 0.96-0.98
for the fine-tuned encoder, above 0.99 for the base). The test suite checks the file
against the torch model (tests/app/retriever/encoder/test_export.py).

    python -m retriever.encoder.export --model .cache/models/multilingual-e5-small \
        --out .cache/models/multilingual-e5-small-onnx
"""

import argparse
import hashlib
import json
import logging
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import torch
from transformers import AutoModel

from retriever.encoder.model import QUERY_PREFIX

MAX_LENGTH = 128
OPSET = 17


class SentenceEmbedding(torch.nn.Module):
    """The encoder followed by the e5 pooling, so the exported graph gives the sentence vector."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # Keywords: BertModel's positional arguments are not (ids, mask) in every release.
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)


def export(model_dir: Path, out: Path, int8: bool = True) -> dict:
    """Write the three files into `out` (replaced whole: a half-written folder is never left)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    wrapper = SentenceEmbedding(model).eval()
    example = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        folder = Path(scratch)
        fp32 = folder / "fp32.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's notes on Python branches it fixed
            torch.onnx.export(
                wrapper, example, str(fp32), dynamo=False, opset_version=OPSET,
                input_names=["input_ids", "attention_mask"], output_names=["sentence"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                              "attention_mask": {0: "batch", 1: "tokens"},
                              "sentence": {0: "batch"}})
        target = folder / "model.onnx"
        if int8:
            logging.disable(logging.WARNING)  # its advice to pre-process: for convolutions
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8,
                             per_channel=True, op_types_to_quantize=["MatMul", "Gather"])
            logging.disable(logging.NOTSET)
            fp32.unlink()
        else:
            fp32.rename(target)
        shutil.copy(model_dir / "tokenizer.json", folder / "tokenizer.json")
        digest = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
        description = {"dimension": int(model.config.hidden_size), "prefix": QUERY_PREFIX,
                       "max_length": MAX_LENGTH, "int8": int8, "digest": digest,
                       "source": model_dir.name}
        (folder / "encoder.json").write_text(json.dumps(description, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        folder.chmod(0o755)  # TemporaryDirectory makes it private
        folder.rename(out)
        Path(scratch).mkdir()  # for TemporaryDirectory's clean-up
    return description


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retriever.encoder.export",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a transformers model directory")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fp32", action="store_true", help="keep the matrix products in fp32")
    args = parser.parse_args(argv)
    description = export(args.model, args.out, int8=not args.fp32)
    size = (args.out / "model.onnx").stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.0f} MB, {json.dumps(description)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
