"""Character n-grams for the Chinese words of a message, nothing for its English words."""

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.chinese_characters import ChineseCharacterFeaturizer
from bot.components.tokenizer import BilingualTokenizer

CONFIG = {**ChineseCharacterFeaturizer.get_default_config(), "analyzer": "char_wb",
          "min_ngram": 1, "max_ngram": 3}


def components(storage):
    context = ExecutionContext(None, "test")
    tokenizer = BilingualTokenizer.create(
        {**BilingualTokenizer.get_default_config(), "dictionary_path": "nlu/jieba"},
        storage, Resource("tokenizer"), context)
    featurizer = ChineseCharacterFeaturizer.create(CONFIG, storage, Resource("chars"), context)
    return tokenizer, featurizer


def test_only_chinese_words_get_character_features(tmp_path):
    tokenizer, featurizer = components(LocalModelStorage(tmp_path))
    training = TrainingData([Message(data={TEXT: text, INTENT: "check_balance"})
                             for text in ("帮我看看余额", "check my balance", "余额 balance")])
    tokenizer.process_training_data(training)
    featurizer.train(training)
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert {"余", "余额", "看看"} <= set(vocabulary)
    assert not {"b", "ba", "bal", "che"} & set(vocabulary)

    message = Message(data={TEXT: "瞅瞅余额 balance"})
    tokenizer.process([message])
    featurizer.process([message])
    sequence, _ = message.get_sparse_features(TEXT, [])
    rows = sequence.features.toarray()
    words = [token.text for token in message.get("text_tokens")]
    assert words[-1] == "balance" and np.count_nonzero(rows[words.index("balance")]) <= 2
    assert np.count_nonzero(rows[words.index("余额")]) >= 3  # 余, 额, 余额 at least


def test_english_only_data_train_and_featurize_nothing(tmp_path):
    """An English-only bank (or BANKING77) trains; its messages just get no character features."""
    storage = LocalModelStorage(tmp_path)
    tokenizer, featurizer = components(storage)
    training = TrainingData([Message(data={TEXT: text, INTENT: "check_balance"})
                             for text in ("check my balance", "what's left on my card")])
    tokenizer.process_training_data(training)
    featurizer.train(training)
    assert TEXT not in featurizer.vectorizers

    loaded = ChineseCharacterFeaturizer.load(CONFIG, storage, Resource("chars"),
                                             ExecutionContext(None, "test"))
    for component in (featurizer, loaded):
        message = Message(data={TEXT: "余额 balance"})
        tokenizer.process([message])
        component.process([message])
        sequence, sentence = message.get_sparse_features(TEXT, [])
        assert sequence is None and sentence is None
