"""The encoder's fast path for one question: exactly the transformers tokenizer's ids, the batch
path's embedding in fp32 and close to it in int8 (the encoder is built by `make install`)."""

import numpy as np
from transformers import AutoTokenizer

from core import knowledge_base as kb
from core.config import get_settings
from retriever.encoder.model import QUERY_PREFIX, Encoder, QuestionTokenizer

MODEL_DIR = get_settings().retriever_base_model_dir
ODD_TEXTS = ["<s>余额</s> <mask>", "two  spaces\tand\nlines", "１～３个工作日，ＡＢＣ",
             "cafe\u0301 café", "😀 ok\u200b", "  leading", "trailing  ", "\x01\x7f", "ﬁ ① ㎏", ""]


def test_one_question_is_tokenized_exactly_as_transformers_does():
    tokenizer = AutoTokenizer.from_pretrained(str(MODEL_DIR), local_files_only=True)
    fast = QuestionTokenizer.of(tokenizer)
    assert fast is not None, "the converted tokenizer's normaliser should take the fast path"
    texts = [text for entry in kb.load(get_settings().knowledge_dir)
             for side in entry.sides.values() for text in side.texts()] + ODD_TEXTS
    for text in texts:
        assert fast.ids(QUERY_PREFIX + text) == tokenizer([QUERY_PREFIX + text])["input_ids"][0]


def test_one_question_encodes_as_in_a_batch_and_close_to_it_in_int8():
    exact, fast = Encoder(MODEL_DIR, int8_questions=False), Encoder(MODEL_DIR)
    questions = ["提前还款有违约金吗", "How do I freeze my card?", "x" * 3000]  # the last truncates
    batch = exact.encode(questions + ["padding makes this batch uneven in length"])[:3]
    assert np.allclose(batch, [exact.encode_question(q) for q in questions], atol=1e-4)
    cosines = np.sum(batch * [fast.encode_question(q) for q in questions], axis=1)
    assert cosines.min() > 0.95 and cosines.max() < 0.9999  # close, and really quantised
