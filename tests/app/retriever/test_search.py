"""The search without the transformer: the lexical index's terms, the fused search with a
stand-in encoder, what an edit re-encodes, and how near a question comes to what the bank does
not serve."""

import pytest

from retriever.lexical import terms
from retriever.search import Searcher
from tests.app.retriever.fakes import FakeEncoder


def test_terms_cut_chinese_into_words_and_bigrams_and_keep_latin_words():
    found = terms("提前还款要手续费吗 early repayment fee?")
    assert {"提前", "还款", "手续费", "前还", "early", "repayment", "fee"} <= set(found)


@pytest.mark.parametrize("encoder", [None, FakeEncoder()])
@pytest.mark.parametrize("query, expected", [
    ("跨行转账什么时候能到账", "ac-transfer-time"),
    ("how long until my transfer arrives", "ac-transfer-time"),
    ("存款保险最多赔多少", "sv-deposit-insurance"),
    ("贷款结清证明怎么弄", "ln-settlement-certificate"),
])
def test_search_finds_the_entry_by_its_question_or_paraphrases(entries, encoder, query, expected):
    hits = Searcher(entries, encoder, 0.1).search(query)
    assert hits[0].entry.id == expected


def test_an_edit_encodes_only_the_new_texts(entries):
    encoder, cache = FakeEncoder(), {}
    Searcher(entries, encoder, 0.1, cache)
    first = len(encoder.encoded)
    entries[0].sides["en"].paraphrases.append("wire transfer timing")
    Searcher(entries, encoder, 0.1, cache)
    assert encoder.encoded[first:] == ["wire transfer timing"]


def test_the_searcher_scores_how_near_a_question_comes_to_what_the_bank_does_not_serve(entries):
    outside = ["can i get a mortgage from you", "credit card annual fee"]
    searcher = Searcher(entries, FakeEncoder(), 0.1, outside=outside)
    reading = searcher.read("do you give mortgages", 3)
    assert reading.hits == searcher.search("do you give mortgages", 3)
    assert reading.outside > searcher.read("how long does a transfer take", 3).outside
    assert reading.outside > reading.hits[0].score
    fee = "credit card annual fee"
    assert searcher.outside.score(fee, None, leave_out=fee) < searcher.outside.score(fee)
    assert searcher.read(fee, 3, leave_out=fee).outside < searcher.read(fee, 3).outside
    assert Searcher(entries, FakeEncoder(), 0.1).read("anything", 3).outside == float("-inf")
    words = searcher.read("deposit insurance limit", 3)  # the words alone find it too
    assert (words.words_first, words.hits[0].entry.id) == ("sv-deposit-insurance",) * 2
    assert words.words_score > 0
