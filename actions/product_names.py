"""Product names as customers type them: 活期包, 稳赢90, steady90, daily cahs, 债基, global tech.

Built from the catalogue the account service returns (codes and the names in both languages), so
a bank's own products work without a list of aliases. A name is cut into words (jieba for
Chinese), and a customer may leave words out, add 基金 / fund, change case and spacing, type a
homophone (Chinese typed by pinyin: 稳赢 for 稳盈, with the usual z/zh, n/l, in/ing confusions) or
make a typo (one wrong, missing, extra or swapped letter in a short name, two in a long one).

Two readings, because a word means more when the assistant has just asked "which product?":
- `resolve(answer)`: the answer to that question. Any word of one product's name is enough
  (成长 -> 成长股票, bond -> Secure Bond Fund); several products -> all of them, to ask back.
- `mentions(text)`: product names inside a free question, where a single common word (活期, cash,
  growth) is not a product: only a whole name, or two of its words together, exact or nearly.
"""

import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Tuple

import jieba
from pypinyin import Style, lazy_pinyin
from rapidfuzz.distance import DamerauLevenshtein

logger = logging.getLogger(__name__)
# Words a customer adds to or drops from a name without meaning another product.
GENERIC = {"基金", "理财", "产品", "fund", "funds", "product"}
# Longest answer still read as naming a product ("那就买稳盈90天吧"); longer is a sentence.
ANSWER_CHARS = 24
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _syllable(ch: str) -> str:
    """A character as typed by pinyin, with the confusions pinyin input makes common."""
    if not _CJK.match(ch):
        return ch
    sound = lazy_pinyin(ch, style=Style.NORMAL)[0]
    for blurred, plain in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if sound.startswith(blurred):
            sound = plain + sound[2:]
    if sound.startswith("l"):
        sound = "n" + sound[1:]
    for blurred, plain in (("ing", "in"), ("eng", "en"), ("ang", "an")):
        if sound.endswith(blurred):
            sound = sound[: -len(blurred)] + plain
    return sound


def _words(name: str) -> List[str]:
    """A name's words: 稳盈90天 -> 稳盈, 90天; Global Tech QDII -> global, tech, qdii."""
    text = unicodedata.normalize("NFKC", name).lower()
    if not _CJK.search(text):
        return _ASCII_WORD.findall(text)
    words: List[str] = []
    for word in jieba.lcut(text):
        word = normalise(word)
        if not word:
            continue
        if words and words[-1].isdigit() and len(word) == 1 and _CJK.match(word):
            words[-1] += word  # 90 + 天
        else:
            words.append(word)
    return words


@dataclass(frozen=True)
class Variant:
    text: str  # normalised
    code: str
    strong: bool  # a product's name even inside a free question
    chinese: bool


@dataclass(frozen=True)
class Mention:
    start: int
    end: int  # in the text as typed
    code: str


def _code(product: Any) -> str:
    return getattr(product, "code", None) or product.product_code


def _variants(product: Any) -> List[Variant]:
    code = _code(product)
    found = [(normalise(code), True)]
    for name in (product.name_zh, product.name_en):
        words = _words(name)
        real = [w for w in words if w not in GENERIC]
        found += [("".join(words), True), ("".join(real), True)]
        found += [(w, False) for w in real]
        for left_out in range(len(real)):  # one word missing: "secure bond", 全球科技
            kept = real[:left_out] + real[left_out + 1:]
            if kept:
                found.append(("".join(kept), len(kept) >= 2))
    return [Variant(text, code, strong, bool(_CJK.search(text))) for text, strong in found]


def _shortest_useful(variant: Variant) -> bool:
    """Too short to be told apart from ordinary words: one Chinese character, two letters."""
    return len(variant.text) >= (2 if variant.chinese else 3) or variant.text.isdigit()


def _typos_allowed(text: str, chinese: bool) -> int:
    if chinese:
        return 1 if len(text) >= 4 else 0  # plus any homophone
    return 0 if len(text) < 5 else 1 if len(text) < 9 else 2


class ProductNames:
    def __init__(self, products: Iterable[Any]) -> None:
        self.names: Dict[str, Tuple[str, str]] = {}
        written: Dict[str, List[str]] = {}
        candidates: List[Variant] = []
        for product in products:
            code = _code(product)
            self.names[code] = (product.name_zh, product.name_en)
            written[code] = [normalise(name) for name in (code, product.name_zh, product.name_en)]
            candidates += [v for v in _variants(product) if v.text and _shortest_useful(v)]
        # A word inside two products' names (鑫享 of 鑫享季季盈 and 鑫享月月盈, fund) names neither.
        unique: Dict[Tuple[str, str], Variant] = {}
        for variant in candidates:
            owners = {variant.code} | {code for code, names in written.items()
                                       if any(variant.text in name for name in names)}
            if len(owners) == 1:
                old = unique.get((variant.text, variant.code))
                if old is None or (variant.strong and not old.strong):
                    unique[(variant.text, variant.code)] = variant
        # Longest first: the most specific name wins a place in the text.
        self.variants = sorted(unique.values(), key=lambda v: -len(v.text))
        self._codes_typed = {normalise(code) for code in self.names}
        self._sounds = {v.text: [_syllable(ch) for ch in v.text] for v in self.variants}

    # -- an answer to "which product?" -------------------------------------------------------

    def resolve(self, answer: str) -> List[str]:
        """The products a short answer names: one, several (ask which), or none."""
        typed = _Typed(answer)
        if not typed.text or len(typed.text) > ANSWER_CHARS:
            return []
        for variant in self.variants:  # the whole answer is a name
            if typed.text == variant.text:
                return [variant.code]
        named = self._codes(v for v in self.variants if self._exact(typed, v))
        if named:
            return named
        return self._codes(v for v in self.variants if self._near(typed, v))

    def is_name(self, answer: str) -> Optional[str]:
        """The product when the whole answer is its name (or a word of it), nothing more."""
        typed = _Typed(answer)
        if not typed.text:
            return None
        for variant in self.variants:
            if typed.text == variant.text:
                return variant.code
        whole = [(0, len(typed.text))]
        return next((v.code for v in self.variants if self._near(typed, v) == whole), None)

    # -- names inside a question -------------------------------------------------------------

    def mentions(self, text: str) -> List[Mention]:
        """Where the question names a product, each place once, the longest name first."""
        typed = _Typed(text)
        taken = [False] * len(typed.text)
        found: List[Mention] = []
        strong = [v for v in self.variants if v.strong]
        places = [(v, p) for v in strong for p in self._exact(typed, v)]  # exact names first
        places += [(v, p) for v in strong for p in self._near(typed, v)]
        for variant, (start, end) in places:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            found.append(Mention(typed.where[start], typed.where[end - 1] + 1, variant.code))
        return sorted(found, key=lambda m: m.start)

    def tagged(self, text: str, entities: Iterable[Dict[str, Any]]) -> List[Mention]:
        """Rasa's `product` entities where their span or value names one product."""
        found = []
        for entity in entities:
            start, end = entity.get("start"), entity.get("end")
            if entity.get("entity") != "product" or not isinstance(start, int) \
                    or not isinstance(end, int):
                continue
            value = str(entity.get("value") or "").upper()
            codes = [value] if value in self.names else self.resolve(text[start:end])
            if len(codes) == 1:
                found.append(Mention(start, end, codes[0]))
        return found

    def canonical(self, text: str, language: str,
                  entities: Iterable[Dict[str, Any]] = ()) -> str:
        """The question with each product named as the bank names it, in its language: names
        found here first, then the spans Rasa tagged that do not overlap them."""
        places = self.mentions(text)
        for extra in self.tagged(text, entities):
            if all(extra.end <= m.start or extra.start >= m.end for m in places):
                places.append(extra)
        out, last = [], 0
        for mention in sorted(places, key=lambda m: m.start):
            zh, en = self.names[mention.code]
            out += [text[last:mention.start], zh if language == "zh" else en]
            last = mention.end
        return "".join(out) + text[last:]


    # -- matching ----------------------------------------------------------------------------

    @staticmethod
    def _codes(variants: Iterable[Variant]) -> List[str]:
        codes: List[str] = []
        for variant in variants:
            if variant.code not in codes:
                codes.append(variant.code)
        return codes

    @staticmethod
    def _exact(typed: "_Typed", variant: Variant) -> List[Tuple[int, int]]:
        places, start = [], typed.text.find(variant.text)
        while start >= 0:
            end = start + len(variant.text)
            if variant.chinese or typed.whole_words(start, end):
                places.append((start, end))
            start = typed.text.find(variant.text, start + 1)
        return places

    def _near(self, typed: "_Typed", variant: Variant) -> List[Tuple[int, int]]:
        """Where the text holds `variant` with a homophone or a typo (the first place); a
        product code only as written."""
        if variant.text in self._codes_typed:
            return []
        if variant.chinese:
            return self._sounds_alike(typed, variant)
        return self._spelt_alike(typed, variant)

    def _sounds_alike(self, typed: "_Typed", variant: Variant) -> List[Tuple[int, int]]:
        sounds = self._sounds[variant.text]
        size, allowed = len(sounds), _typos_allowed(variant.text, chinese=True)
        if size < 2:
            return []
        for start in range(len(typed.text) - size + 1):
            if not (_CJK.match(typed.text[start]) and _CJK.match(typed.text[start + size - 1])):
                continue
            window = typed.sounds[start:start + size]
            if sum(a != b for a, b in zip(window, sounds, strict=True)) <= allowed:
                return [(start, start + size)]
        return []

    @staticmethod
    def _spelt_alike(typed: "_Typed", variant: Variant) -> List[Tuple[int, int]]:
        allowed = _typos_allowed(variant.text, chinese=False)
        if not allowed:
            return []
        size = len(variant.text)
        for length in (size, size - 1, size + 1):
            for start in range(0, len(typed.text) - length + 1):
                end = start + length
                if typed.whole_words(start, end) and DamerauLevenshtein.distance(
                        typed.text[start:end], variant.text, score_cutoff=allowed) <= allowed:
                    return [(start, end)]
        return []


class _Typed:
    """A text normalised, with where each character came from and where its words begin and
    end (a space, punctuation or a change between Chinese and Latin letters)."""

    def __init__(self, text: str) -> None:
        chars, self.where = [], []
        for index, ch in enumerate(text):
            for piece in normalise(ch):
                chars.append(piece)
                self.where.append(index)
        self.text = "".join(chars)
        self.sounds = [_syllable(ch) for ch in self.text]

    def _joined(self, left: int, right: int) -> bool:
        """Whether characters `left` and `right` (adjacent here) were one word as typed."""
        a, b = self.text[left], self.text[right]
        return (self.where[right] == self.where[left] + 1
                and bool(_CJK.match(a)) == bool(_CJK.match(b)))

    def whole_words(self, start: int, end: int) -> bool:
        starts = start == 0 or not self._joined(start - 1, start)
        ends = end == len(self.text) or not self._joined(end - 1, end)
        return starts and ends


class Catalogue:
    """The bank's products as names to read, asked of the account service once and again every
    few minutes; when it cannot be asked, the last known names (or none)."""

    def __init__(self, fetch: Callable[[], Awaitable[List[Any]]], seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch, self._seconds, self._clock = fetch, seconds, clock
        self._names: Optional[ProductNames] = None
        self._asked_at: Optional[float] = None

    async def names(self) -> Optional[ProductNames]:
        now = self._clock()
        if self._asked_at is None or now - self._asked_at >= self._seconds:
            self._asked_at = now
            try:
                self._names = ProductNames(await self._fetch())
            except Exception as error:  # the question is still answered, as typed
                logger.warning("product names unavailable: %r", error)
        return self._names
