"""core.text.text_lines: a typed text line by line, as the PDF templates print a long text (each line a block of
its own; a single block of 6,000 characters made WeasyPrint encode the whole text again for each laid-out line)."""

from core.text import text_lines


def test_text_lines_split_at_every_kind_of_line_break_and_keep_spaces_and_blank_lines():
    lines = text_lines("第一段  两个空格\r\n\r\n第三段\r第四段\n第五段")
    assert lines == ["第一段  两个空格", "", "第三段", "第四段", "第五段"]


def test_text_lines_open_no_line_after_a_final_line_break():
    assert text_lines("") == [] and text_lines(None) == []
    assert text_lines("一行\n") == ["一行"]
    assert text_lines("一行\n\n") == ["一行", ""]
