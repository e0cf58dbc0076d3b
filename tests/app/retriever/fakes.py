"""Stand-ins for the retriever's tests: an encoder without the transformer, and a project with
one curated FAQ topic (its training examples and its response)."""

import zlib

import numpy as np


class FakeEncoder:
    """Character-bigram hashing: similar texts get similar vectors, deterministically."""

    dimension = 256

    def __init__(self):
        self.encoded = []

    def encode(self, texts):
        self.encoded += list(texts)
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            lowered = text.lower()
            for i in range(len(lowered) - 1):
                row[zlib.crc32(lowered[i:i + 2].encode()) % self.dimension] += 1.0
            row /= np.linalg.norm(row) or 1.0
        return rows

    def encode_question(self, text):
        return self.encode([text])[0]


FAQ_TRAINING = ('version: "3.1"\nnlu:\n- intent: faq_service/transfers\n  examples: |\n'
                "    - 转账多久能到\n    - 转出去的钱几点到账\n    - transfer arrival times\n"
                "- intent: out_of_scope\n  examples: |\n    - 今天天气怎么样\n")
FAQ_DOMAIN = ('version: "3.1"\nresponses:\n  utter_faq_service/transfers:\n  - text: "实时到账。"\n'
              "  - condition:\n    - type: slot\n      name: language\n      value: en\n"
              '    text: "At once."\n')


def curated_project(root):
    (root / "nlu" / "train").mkdir(parents=True)
    (root / "bot" / "domain").mkdir(parents=True)
    (root / "nlu" / "train" / "faq_service.yml").write_text(FAQ_TRAINING, encoding="utf-8")
    (root / "bot" / "domain" / "faq_service.yml").write_text(FAQ_DOMAIN, encoding="utf-8")
    return root
