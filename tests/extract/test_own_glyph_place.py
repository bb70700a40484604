"""A value is judged by its own glyphs, found where the value itself stands: the digit the
recogniser gave as a look-alike letter (an O for a 0: the finders read it as the digit) is one
of its figures, and the same figures standing earlier in the line, in another amount, are not
its own. Both were found by the session's review of the one-glyph-rule change."""
from __future__ import annotations

from decimal import Decimal

from core.models import Box
from extract.layout import Cell, Value, telling
from tests.extract.builders import OCR, boxes_page, old_invoice_lines
from tests.extract.test_value_glyphs import INVOICE, OLD_INVOICE, SMALL, low, read


def test_a_figures_digit_read_as_a_look_alike_letter_is_one_of_its_glyphs():
    assert telling("￥120000.0O", [0.99] * 9 + [0.25], figures=True)[-1] == 0.25
    assert telling("2O23年3月5日", [0.99, 0.25] + [0.99] * 7, figures=True) == [0.99, 0.25] + [0.99] * 4


def test_a_total_whose_doubtful_zero_was_read_as_an_o_goes_to_a_reviewer():
    as_o = SMALL[:-1] + "O"
    items = [(as_o if t == SMALL else t, x, y) for t, x, y in old_invoice_lines(OLD_INVOICE)]
    dc = read(boxes_page(items, source=OCR), as_o, len(as_o) - 1)
    assert dc.get("total_amount").value == Decimal(OLD_INVOICE["total"])  # read as the digit
    assert low(dc, "total_amount")


def test_a_values_glyphs_are_taken_where_it_stands_not_where_its_figures_first_appear():
    text = "2,100.00及100.00"
    glyphs = tuple(0.2 if i == text.rindex("1") else 0.99 for i in range(len(text)))
    found = Value(text, (Cell(text, Box(x0=0, y0=0, x1=200, y1=14), glyphs=glyphs),), 1.0)
    at = text.rindex("100.00")
    assert min(found.glyphs("100.00", True, start=at)) == 0.2
    assert min(found.glyphs("100.00", True)) == 0.99  # without the place: the first 100.00's


def test_the_invoice_reads_sure_with_no_doubtful_glyph():
    assert not read(INVOICE, SMALL, None).get("total_amount").doubtful
