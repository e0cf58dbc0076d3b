"""One tokenizer for Chinese, English and the mix customers actually type.

Rasa's JiebaTokenizer has two habits that hurt a bilingual bank assistant:
- it keeps spaces as tokens in English text ("my", " ", "balance");
- its word splits cut across amounts and product names ("五千块" is one word, "1.5万稳盈" is split
  as "1.5" + "万稳盈"), so annotated entities like [五千](amount) never line up with tokens
  (RasaHQ/rasa#7689).
This tokenizer keeps amounts and the user dictionary's words (product names, banking terms) whole,
lets jieba cut the rest, and drops whitespace tokens.
"""

from __future__ import annotations

import glob
import re
from typing import Iterator, List, Optional, Pattern, Set

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

# Not inside codes such as L1001 or WM004.
_DIGIT_AMOUNT = r"(?<![A-Za-z\d.,])\d+(?:[.,]\d+)*(?:[kKwW](?![A-Za-z])|[十百千万亿]+)?"
# At least two numeral characters with a unit, so 五千, 两千五, 一万二 and 十五 match but the 一 of
# 一下 or the 十 of 十分 do not.
_CHINESE_AMOUNT = (
    r"(?:[零一二两三四五六七八九]+[十百千万亿]|[十百千万亿][零一二两三四五六七八九十百千万亿])"
    r"[零一二两三四五六七八九十百千万亿点]*"
)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class BilingualTokenizer(JiebaTokenizer):
    """jieba for Chinese runs; amounts and dictionary words kept whole; no space tokens."""

    # jieba's dictionary is process-wide, so the words it was given are too.
    _dictionary_words: Set[str] = set()
    _whole_words: Optional[Pattern[str]] = None

    @staticmethod
    def supported_languages() -> Optional[List[str]]:
        return None

    @classmethod
    def _load_custom_dictionary(cls, path: str) -> None:
        super()._load_custom_dictionary(path)
        for dictionary in glob.glob(f"{path}/*"):
            with open(dictionary, encoding="utf-8") as lines:
                cls._dictionary_words.update(
                    line.split()[0] for line in lines if line.strip()
                )
        cls._whole_words = cls._compile(cls._dictionary_words)

    @staticmethod
    def _compile(words: Set[str]) -> Pattern[str]:
        longest_first = sorted(words, key=len, reverse=True)
        alternatives = [re.escape(word) for word in longest_first]
        alternatives += [_DIGIT_AMOUNT, _CHINESE_AMOUNT]
        return re.compile("|".join(alternatives), re.IGNORECASE)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute)
        tokens = [
            token for token in self._split(text) if token.text and not token.text.isspace()
        ]
        return self._apply_token_pattern(tokens)

    def _split(self, text: str) -> Iterator[Token]:
        import jieba

        whole_words = self._whole_words or self._compile(set())
        position = 0
        for match in whole_words.finditer(text):
            yield from self._jieba_tokens(jieba, text[position : match.start()], position)
            yield Token(match.group(), match.start())
            position = match.end()
        yield from self._jieba_tokens(jieba, text[position:], position)

    @staticmethod
    def _jieba_tokens(jieba, text: str, offset: int) -> Iterator[Token]:
        if not text:
            return
        for word, start, _end in jieba.tokenize(text):
            yield Token(word, offset + start)
