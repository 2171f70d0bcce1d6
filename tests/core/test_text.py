from hypothesis import given
from hypothesis import strategies as st

from govhall.core.text import MAX_QUERY_CHARS, index_tokens, normalise, query_words, word_terms


def test_index_has_characters_bigrams_and_words():
    tokens = index_tokens("社会保障卡申领")
    assert {"社", "会", "社会", "保障", "障卡", "社会保障"} <= set(tokens)


def test_two_character_query_is_one_word():
    assert query_words("社保") == ["社保"]
    assert word_terms("户口") == ["户口"]


def test_long_word_becomes_its_bigrams():
    assert word_terms("身份证") == ["身份", "份证"]


def test_normalise_full_width():
    assert normalise("ＡＢＣ１２３") == "abc123"


@given(st.text(max_size=300))
def test_query_words_never_fail_and_stay_bounded(text):
    words = query_words(text)
    assert sum(len(w) for w in words) <= MAX_QUERY_CHARS
    for word in words:
        for term in word_terms(word):
            assert term and '"' not in term and "'" not in term
