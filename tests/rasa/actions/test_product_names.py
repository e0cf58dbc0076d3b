"""Product names as customers type them resolve to the right product, or to a question back; a
common word inside a question is not taken for a product."""

from types import SimpleNamespace

import pytest

from actions.product_names import ProductNames, normalise

CATALOGUE = [SimpleNamespace(code=code, name_zh=zh, name_en=en) for code, zh, en in [
    ("WM001", "活期宝", "Daily Cash"), ("WM002", "稳盈90天", "Steady 90"),
    ("WM003", "安心债基", "Secure Bond Fund"), ("WM004", "均衡混合", "Balanced Mix Fund"),
    ("WM005", "成长股票", "Growth Equity Fund"), ("WM006", "全球科技QDII", "Global Tech QDII"),
]]
NAMES = ProductNames(CATALOGUE)


@pytest.mark.parametrize("typed, code", [
    # as written, any case, spacing and width
    ("活期宝", "WM001"), ("DAILY CASH", "WM001"), ("wm 003", "WM003"), ("ＷＭ００５", "WM005"),
    ("Steady90", "WM002"), ("全球科技qdii", "WM006"),
    # words left out, or added
    ("稳盈", "WM002"), ("活期", "WM001"), ("债基", "WM003"), ("全球科技", "WM006"),
    ("成长股票基金", "WM005"), ("secure bond", "WM003"), ("balanced fund", "WM004"),
    ("growth", "WM005"), ("tech", "WM006"), ("bond", "WM003"), ("混合", "WM004"),
    ("那就买稳盈90天吧", "WM002"), ("the daily cash one please", "WM001"),
    # homophones typed by pinyin, and typos
    ("活期包", "WM001"), ("稳赢", "WM002"), ("稳赢90天", "WM002"), ("安欣债基", "WM003"),
    ("均衡混和", "WM004"), ("成长股漂", "WM005"), ("daily cahs", "WM001"), ("dialy cash", "WM001"),
    ("stedy 90", "WM002"), ("ballanced mix", "WM004"), ("global tek", "WM006"),
    ("growth equty fund", "WM005"),
])
def test_an_answer_names_one_product(typed, code):
    assert NAMES.resolve(typed) == [code]


@pytest.mark.parametrize("typed, code", [
    ("活期宝", "WM001"), ("活期包", "WM001"), ("stedy90", "WM002"), ("Global Tek", "WM006"),
    ("债基", "WM003"), ("活期宝最低买多少", None), ("is daily cash safe", None), ("基金", None),
])
def test_a_bare_name(typed, code):
    assert NAMES.is_name(typed) == code


@pytest.mark.parametrize("typed, codes", [
    ("活期宝还是稳盈", {"WM001", "WM002"}),
    ("bond or equity", {"WM003", "WM005"}),
])
def test_an_answer_naming_several_is_asked_back(typed, codes):
    assert set(NAMES.resolve(typed)) == codes


@pytest.mark.parametrize("typed", [
    "基金", "fund", "存款", "hello", "你好", "我再想想", "", "   ", "5000",
    "随便推荐一个收益高一点的产品可以吗我也不太懂",  # a sentence, not an answer
])
def test_an_answer_naming_no_product(typed):
    assert NAMES.resolve(typed) == []


@pytest.mark.parametrize("question, language, canonical", [
    ("活期包的七日年化是多少", "zh", "活期宝的七日年化是多少"),
    ("稳赢90天能提前赎回吗", "zh", "稳盈90天能提前赎回吗"),
    ("安欣债基手续费多少", "zh", "安心债基手续费多少"),
    ("均衡混合基金的赎回费", "zh", "均衡混合基金的赎回费"),
    ("what's the yield on daily cahs?", "en", "what's the yield on Daily Cash?"),
    ("can i sell stedy 90 early", "en", "can i sell Steady 90 early"),
    ("fees of global tech qdii", "en", "fees of Global Tech QDII"),
    ("is growth equity risky", "en", "is Growth Equity Fund risky"),
    ("WM004 的风险等级", "zh", "均衡混合 的风险等级"),
])
def test_a_question_names_products_as_the_bank_does(question, language, canonical):
    assert NAMES.canonical(question, language) == canonical


@pytest.mark.parametrize("question", [
    "活期存款利率多少", "how do I withdraw cash", "global technology stocks",
    "成长型投资者能买什么", "债券基金和股票基金有什么区别", "what is a bond fund",
    "90天以后能取吗", "my balance is 90 yuan", "安心吗这个银行",
])
def test_common_words_in_a_question_are_not_products(question):
    assert NAMES.mentions(question) == []
    assert NAMES.canonical(question, "zh") == question


def test_mentions_point_at_the_text_as_typed():
    question = "我想对比一下 活期包 和 Steady 90"
    places = [(question[m.start:m.end], m.code) for m in NAMES.mentions(question)]
    assert places == [("活期包", "WM001"), ("Steady 90", "WM002")]


def test_any_banks_catalogue_works_without_aliases():
    names = ProductNames([
        SimpleNamespace(code="P7", name_zh="鑫享季季盈", name_en="Quarterly Plus"),
        SimpleNamespace(code="P8", name_zh="鑫享月月盈", name_en="Monthly Plus")])
    assert names.resolve("鑫想季季盈") == ["P7"]  # a homophone
    assert names.resolve("quartely plus") == ["P7"]
    assert set(names.resolve("鑫享")) == set()  # both share it: names neither
    assert names.resolve("plus") == []


def test_normalise():
    assert normalise("  Ｓteady 90！") == "steady90"
