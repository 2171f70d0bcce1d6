"""避头尾: no line starts with a closing mark, none ends with an opening one; nothing is lost or reordered;
a line runs past the width only where no break on it keeps the rules."""

from hypothesis import given
from hypothesis import strategies as st

from govhall.core.linebreak import NO_LINE_END, NO_LINE_START, break_lines

MARKS = "".join(sorted(NO_LINE_START | NO_LINE_END))
TEXT = st.text(alphabet=st.sampled_from("申请材料受理补正ABC12" + MARKS), max_size=80)


def _break_ok(line: str, k: int) -> bool:
    return line[k] not in NO_LINE_START and line[k - 1] not in NO_LINE_END


@given(TEXT, st.integers(min_value=1, max_value=20))
def test_lines_keep_the_rules_and_the_text(text, width):
    lines = break_lines(text, width)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END
    for line in lines:
        if len(line) > width:  # only where no break inside the line keeps the rules
            assert not any(_break_ok(line, k) for k in range(1, len(line)))


def test_a_closing_mark_pulls_the_character_before_it_down():
    assert break_lines("本机关决定予以受理。", 9) == ["本机关决定予以受", "理。"]


def test_an_opening_mark_goes_to_the_next_line():
    assert break_lines("请提交（营业执照）", 4) == ["请提交", "（营业执", "照）"]


def test_newlines_start_lines_and_a_measure_can_be_points():
    assert break_lines("一二\n三", 10) == ["一二", "三"]
    assert break_lines("一二三四", 25, width=lambda s: 12.0 * len(s)) == ["一二", "三四"]
