"""Text identity (issue 16): what looks the same is the same string, and nothing a reader
cannot see gets through."""

from __future__ import annotations

import pytest

from essex_report.text import character_name, hidden, hidden_problem, nfc, shown_text


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\x00", "U+0000 NULL"),
        ("\x1b", "U+001B ESCAPE"),
        ("\u2028", "U+2028 LINE SEPARATOR"),
        ("\ue000", "U+E000"),  # private use: no name
    ],
)
def test_every_hidden_character_is_found_and_named(char, name):
    assert hidden(f"Essex{char}") == char
    assert character_name(char) == name
    assert name in (hidden_problem(f"a{char}b") or "")
    assert shown_text(f"a{char}b") == f"a<U+{ord(char):04X}>b"


@pytest.mark.parametrize(
    "text", ["Essex", "Région", "£2.1bn", "a\tb", "Colchester – Harwich", "😀"]
)
def test_visible_text_passes(text):
    assert hidden(text) is None


def test_one_spelling_for_what_looks_the_same():
    assert nfc("Re\u0301gion") == nfc("R\u00e9gion") == "R\u00e9gion"


def test_a_name_mixing_latin_with_look_alike_letters_is_named():
    from essex_report.text import mixed_script

    assert "U+0415 CYRILLIC CAPITAL LETTER IE" in (mixed_script("\u0415ssex") or "")
    assert mixed_script("Essex") is None and mixed_script("Москва") is None
    assert mixed_script("Région Île-de-France") is None
