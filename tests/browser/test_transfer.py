"""The rows' HTML crosses from the page gzip-compressed (workfossa/transfer.py): on the saved
real list page and on hostile text it arrives exactly as the page holds it, and where the page
cannot pack it (no CompressionStream, or a page script that broke Response) it arrives as it is.
"""

from __future__ import annotations

import base64
import gzip

import pytest

from wosync.workfossa import site
from wosync.workfossa.transfer import PACKED, packing_reader, unpack_text

from support.captures import browser, capture_page  # noqa: F401 - fixtures

ARG = {"sel": site.PAGE_SELECTORS}
KEY = "rowsHtml"
# Text a packing could garble: multi-byte UTF-8 (the creator line's bullet is one, seen),
# characters outside the BMP, bidi controls, markup-like and escape-like text.
AWKWARD = "Café • 名前 🚚 \u202eevil\u202c [/] \x1b[31m =HYPERLINK(\"x\") ' \" & < >"


def _row_page(text: str) -> str:
    """Return a list page of three rows whose customer text is `text` (escaped by the page)."""
    rows = "".join(
        f'<div class="row work-list-item w-{n}"><a href="/app/work/{n}/">W-{n}</a>'
        f'<div class="address" data-n="{n}"></div></div>' for n in (1, 2, 3))
    return (f'<div class="mt-2 bg-white">{rows}</div>'
            "<script>for (const el of document.querySelectorAll('.address')) "
            f"el.textContent = {text!r} + el.dataset.n;</script>")


def _read_both(page) -> tuple[dict, dict, object]:
    """Return (the reader's result as it is, the packed result unpacked, the packed rows)."""
    plain = page.evaluate(site.READ_PAGE, ARG)
    packed = page.evaluate(packing_reader(site.READ_PAGE, KEY), ARG)
    packed_rows = packed[KEY]
    return plain, unpack_text(packed, KEY), packed_rows


@pytest.mark.browser
def test_the_captured_list_page_arrives_exactly_and_packed(capture_page):
    page = capture_page("work-list-length-aware.html")
    plain, unpacked, packed_rows = _read_both(page)
    assert isinstance(packed_rows, dict) and PACKED in packed_rows  # it did travel packed
    assert unpacked == plain
    assert plain[KEY].count("work-list-item") == 44
    # Far smaller on the way: the point of packing.
    assert len(packed_rows[PACKED]) * 5 < len(plain[KEY])


@pytest.mark.browser
def test_hostile_text_arrives_exactly(capture_page):
    page = capture_page(html=_row_page(AWKWARD))
    plain, unpacked, packed_rows = _read_both(page)
    assert isinstance(packed_rows, dict)
    assert unpacked[KEY] == plain[KEY]
    assert "Café • 名前 🚚 \u202eevil\u202c" in unpacked[KEY]


@pytest.mark.browser
@pytest.mark.parametrize("breakage", [
    "delete window.CompressionStream;",
    "window.Response = function () { throw new Error('no'); };",
])
def test_a_page_that_cannot_pack_sends_the_text_as_it_is(capture_page, breakage):
    page = capture_page(html=_row_page("Wawa #") + f"<script>{breakage}</script>")
    plain, unpacked, packed_rows = _read_both(page)
    assert isinstance(packed_rows, str)  # not packed
    assert unpacked == plain and "Wawa #2" in unpacked[KEY]


def test_unpack_text_inflates_a_packed_value_and_leaves_others_alone():
    html = "<div>" + AWKWARD + "</div>"
    packed = {"url": "u", KEY: {PACKED: base64.b64encode(gzip.compress(html.encode())).decode()}}
    assert unpack_text(packed, KEY) == {"url": "u", KEY: html}
    assert unpack_text({KEY: html}, KEY) == {KEY: html}
    assert unpack_text(None, KEY) is None


@pytest.mark.parametrize("garbage", ["not base64!", base64.b64encode(b"not gzip").decode()])
def test_unpack_text_refuses_a_tampered_packing(garbage):
    with pytest.raises(ValueError, match="could not be unpacked"):
        unpack_text({KEY: {PACKED: garbage}}, KEY)
