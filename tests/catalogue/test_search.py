"""The query language, as pure code (no database)."""

from hypothesis import example, given
from hypothesis import strategies as st

from govhall.catalogue.search import build_query


def test_short_query_is_one_term():
    query = build_query("社保", {})
    assert query.clauses == ((("社保",),),)
    assert query.fts5() == '(("社保"))'
    assert query.tsquery() == "(('社保'))"


def test_synonyms_become_alternatives():
    query = build_query("社保", {"社保": ["社会保险"]})
    assert query.clauses == ((("社保",), ("社会", "会保", "保险")),)
    assert query.fts5() == '(("社保") OR ("社会" AND "会保" AND "保险"))'


def test_whole_query_synonym_wins_over_segmentation():
    query = build_query("生孩子", {"生孩子": ["出生登记"]})
    assert len(query.clauses) == 1
    assert ("出生", "登记") in query.clauses[0]


def test_stopwords_are_dropped():
    query = build_query("我想办理户口", {})
    assert query.clauses == ((("户口",),),)


def test_any_clause_mode_joins_with_or():
    query = build_query("食品 许可", {})
    assert " OR " in query.fts5(any_clause=True) and " | " in query.tsquery(any_clause=True)
    assert " AND " in query.fts5()


def test_sql_and_fts_metacharacters_cannot_reach_the_query():
    query = build_query("'; DROP TABLE x; -- \" OR * NEAR( ) ^ :", {})
    text = query.fts5()
    assert (
        ";" not in text
        and "*" not in text
        and "(" not in text.replace('("', "").replace("(", "", text.count("("))
    )


@example("䷀")  # Yijing hexagram symbols sit inside the CJK Extension A block but are not letters
@example("ㄅ〇")
@given(st.text(max_size=500))
def test_any_text_builds_a_query_with_quoted_terms_only(text):
    query = build_query(text, {})
    for clause in query.clauses:
        for alternative in clause:
            for term in alternative:
                assert term.isalnum()
