"""The bilingual tokenizer keeps amounts, codes and product names whole and drops spaces."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.components.tokenizer import BilingualTokenizer


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    config = {**BilingualTokenizer.get_default_config(), "dictionary_path": "nlu/jieba"}
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    return BilingualTokenizer.create(
        config, storage, Resource("tokenizer"), ExecutionContext(None, "test")
    )


def words(tokenizer, text):
    return [token.text for token in tokenizer.tokenize(Message(data={"text": text}), "text")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我想买五千块的活期宝", ["我", "想", "买", "五千", "块", "的", "活期宝"]),
        ("买1.5万稳盈90天", ["买", "1.5万", "稳盈90天"]),
        ("还两千五", ["还", "两千五"]),
        ("帮我还L1001的一万二", ["帮", "我", "还", "L1001", "的", "一万二"]),
        ("我想查下balance还有5k", ["我想查", "下", "balance", "还有", "5k"]),
        ("what's my account balance", ["what", "'", "s", "my", "account", "balance"]),
        ("buy 5,000 of Daily Cash", ["buy", "5,000", "of", "Daily", "Cash"]),
        ("redeem wm004 all", ["redeem", "wm004", "all"]),
        ("查一下十分钟前的交易", ["查", "一下", "十分钟", "前", "的", "交易"]),
    ],
)
def test_keeps_amounts_and_names_whole(tokenizer, text, expected):
    assert words(tokenizer, text) == expected


def test_offsets_point_into_the_text(tokenizer):
    text = "买 1.5万 的 Steady 90"
    for token in tokenizer.tokenize(Message(data={"text": text}), "text"):
        assert text[token.start : token.end] == token.text
