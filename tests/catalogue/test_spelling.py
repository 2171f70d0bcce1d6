"""Respelling queries into the catalogue's words, as pure code (no database)."""

from govhall.catalogue.search import compact
from govhall.catalogue.spelling import Lexicon

LEXICON = Lexicon.build(
    [
        "居民身份证补领",
        "身份证",
        "结婚登记",
        "低保",
        "失业保险金申领",
        "失业金",
        "开KTV",
        "出生登记",
        "补办身份证",
    ]
)


def test_traditional_characters_become_simplified():
    assert LEXICON.respell("結婚登記") == "结婚登记"


def test_full_pinyin_and_initials_become_catalogue_words():
    assert LEXICON.respell("shenfenzheng").split() == ["身份证"]
    assert LEXICON.respell("sfz").split() == ["身份证"]
    assert LEXICON.respell("shi ye jin").split() == ["失业金"]
    assert LEXICON.respell("shenfenzheng buling").split() == ["身份证", "补领"]


def test_latin_words_the_catalogue_uses_stay():
    assert LEXICON.respell("KTV") == "ktv"
    assert LEXICON.respell("xyzzy") == "xyzzy"  # spells nothing: left as typed


def test_homophone_slips_become_catalogue_words():
    assert LEXICON.respell("身分证") == "身份证"
    assert LEXICON.respell("结婚登纪") == "结婚登记"
    assert LEXICON.respell("低宝") == "低保"


def test_words_the_catalogue_writes_are_never_respelled():
    assert LEXICON.respell("身份证补办") == "身份证补办"
    assert LEXICON.respell("宠物") == "宠物"


def test_compact_drops_padding():
    assert compact("生了小孩要上户口") == "生小孩上户口"
    assert compact("新买的车要上牌", {"新买", "上牌"}) == "新买车上牌"
