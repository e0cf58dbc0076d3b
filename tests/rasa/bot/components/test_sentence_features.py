"""The sentence featurizer: one encoder vector per message text, the same at run time as in
training, paraphrases nearer than other requests, and a model that refuses to run beside another
encoder than it was trained with (the export is built by `make install`).
(e5-small's own similarity across the two languages is weak: "卡的密码忘了怎么办" is as near "I
forgot my card PIN" as "我想还贷款"; DIET learns the rest from the examples.)"""

import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_features import EncoderMismatch, SentenceEncoderFeaturizer

CONFIG = SentenceEncoderFeaturizer.get_default_config()


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def featurizer(storage):
    return SentenceEncoderFeaturizer.create(
        CONFIG, storage, Resource("sentence"), ExecutionContext(None, "sentence")
    )


def vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT, [])
    assert sentence is not None
    return sentence.features[0]


def test_each_text_gets_one_unit_sentence_feature_and_no_sequence(featurizer):
    message = Message(data={TEXT: "我的活期宝余额是多少"})
    featurizer.process([message])
    (feature,) = message.features
    assert feature.type == FEATURE_TYPE_SENTENCE and feature.attribute == TEXT
    assert feature.features.shape == (1, featurizer.encoder.dimension)
    assert np.isclose(np.linalg.norm(feature.features), 1.0, atol=1e-4)


def test_a_message_is_featurized_at_run_time_as_in_training(featurizer):
    texts = ["提前还款有违约金吗", "How do I freeze my card?", "还", "x" * 3000]  # truncated
    alone = [Message(data={TEXT: text}) for text in texts]
    featurizer.process(alone)
    batch = TrainingData([Message(data={TEXT: text, INTENT: "any"}) for text in texts])
    featurizer.process_training_data(batch)
    for single, batched in zip(alone, batch.training_examples, strict=True):
        assert np.array_equal(vector(single), vector(batched))


def test_paraphrases_are_nearer_than_other_requests_in_each_language(featurizer):
    texts = ["卡的密码忘了怎么办", "银行卡密码忘记了", "我想还贷款",
             "I forgot my card PIN", "forgot my PIN", "what's my balance"]
    messages = [Message(data={TEXT: text}) for text in texts]
    featurizer.process(messages)
    pin_zh, pin_zh_too, repay, pin_en, pin_en_too, balance = (vector(m) for m in messages)
    assert pin_zh @ pin_zh_too > pin_zh @ repay + 0.05
    assert pin_en @ pin_en_too > pin_en @ balance + 0.05


def test_messages_without_text_are_left_alone(featurizer):
    intent_only = Message(data={INTENT: "greet"})
    featurizer.process([intent_only])
    assert intent_only.features == []


def test_a_model_refuses_another_encoder_than_it_was_trained_with(featurizer, storage):
    resource = featurizer.train(TrainingData())
    loaded = SentenceEncoderFeaturizer.load(
        CONFIG, storage, resource, ExecutionContext(None, "sentence")
    )
    assert loaded.encoder is featurizer.encoder  # one session per process
    other = Resource("other")
    with storage.write_to(other) as folder:
        (folder / "encoder.json").write_text(json.dumps({"digest": "0123456789abcdef"}))
    with pytest.raises(EncoderMismatch, match="train the model again"):
        SentenceEncoderFeaturizer.load(CONFIG, storage, other, ExecutionContext(None, "x"))


def test_the_training_cache_keys_on_the_encoder():
    assert json.loads(SentenceEncoderFeaturizer.fingerprint_addon(CONFIG))["digest"]
    # As written in config.yml, without model_path: the default encoder.
    assert SentenceEncoderFeaturizer.fingerprint_addon({}) == (
        SentenceEncoderFeaturizer.fingerprint_addon(CONFIG))
