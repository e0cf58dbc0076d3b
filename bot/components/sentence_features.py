"""The pretrained encoder's sentence embedding as a dense feature for DIET.

DIET alone learns only from the words and characters of the project's own examples; a sentence
encoder trained on millions of sentences in both languages knows that "卡的pin码想不起来了" and
"I forgot my card's PIN" ask the same thing. This featurizer runs multilingual-e5-small (exported
to ONNX by the app side at install: retriever/encoder/export.py) with onnxruntime, so Rasa's side
needs no torch, and adds one 384-dimensional sentence feature per message. It runs once per
message; every component after it reads the same feature.

The model records the digest of the encoder it was trained with and refuses to load beside
another one: features from a different encoder would be silently wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import onnxruntime
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from tokenizers import Tokenizer


class EncoderMismatch(RasaException):
    """The model was trained with another encoder than the one installed."""


class SentenceEncoder:
    """The exported encoder: texts in, L2-normalised sentence vectors (float32) out."""

    def __init__(self, folder: Path, threads: int) -> None:
        description = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        self.digest: str = description["digest"]
        self.dimension: int = description["dimension"]
        self.prefix: str = description["prefix"]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are not ours
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(description["max_length"])

    def encode(self, texts: List[str]) -> np.ndarray:
        """One text at a time, in training as at run time: int8 activations are scaled per
        input, so a text padded into a batch would come out slightly different (about 1e-3)."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = np.array([self.tokenizer.encode(self.prefix + text).ids], dtype=np.int64)
            (vector,) = self.session.run(
                None, {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            )
            rows[row] = vector[0]
        return rows


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the encoder's sentence embedding of each message's text."""

    _encoders: Dict[Path, SentenceEncoder] = {}  # one per process: the session is ~200 MB

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "model_path": ".cache/models/multilingual-e5-small-kb-onnx",
            # One: a message is a few dozen tokens (about 4 ms), too little to share out, and
            # a second thread would spin on the other core that the rest of the stack needs.
            "threads": 1,
        }

    @staticmethod
    def required_packages() -> List[str]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if not (Path(config["model_path"]) / "encoder.json").is_file():
            raise RasaException(
                f"No exported encoder at {config['model_path']}: run `make install` "
                "(python -m retriever.encoder.export on the app side) first."
            )

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Another encoder makes other features: Rasa's training cache must not reuse them."""
        # The training cache may pass the config as written, without the defaults.
        path = Path({**cls.get_default_config(), **config}["model_path"]) / "encoder.json"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def __init__(
        self,
        config: Dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        trained_with: Optional[str] = None,
    ) -> None:
        super().__init__(name, config)
        folder = Path(config["model_path"]).resolve()
        if folder not in self._encoders:
            self._encoders[folder] = SentenceEncoder(folder, config["threads"])
        self.encoder = self._encoders[folder]
        if trained_with is not None and trained_with != self.encoder.digest:
            raise EncoderMismatch(
                f"This model was trained with encoder {trained_with}, but {folder} holds "
                f"{self.encoder.digest}: train the model again (make train)."
            )
        self._model_storage, self._resource = model_storage, resource

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEncoderFeaturizer:
        with model_storage.read_from(resource) as folder:
            trained_with = json.loads((folder / "encoder.json").read_text())["digest"]
        return cls(config, execution_context.node_name, model_storage, resource, trained_with)

    def train(self, training_data: TrainingData) -> Resource:
        """Nothing is learnt; the model keeps which encoder its features came from."""
        with self._model_storage.write_to(self._resource) as folder:
            (folder / "encoder.json").write_text(json.dumps({"digest": self.encoder.digest}))
        return self._resource

    def _featurize(self, messages: List[Message]) -> None:
        texts = [m for m in messages if m.get(TEXT)]
        vectors = self.encoder.encode([m.get(TEXT) for m in texts])
        for message, vector in zip(texts, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages
