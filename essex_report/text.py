"""Text identity: what every string a build reads must be before it is compared or printed.

Two strings that look the same must be the same string: text is NFC-normalised (`Région`
typed with a combining accent is `Région`), and characters a reader cannot see or that reorder
what is shown (zero-width spaces, byte-order marks, soft hyphens, bidirectional controls,
control characters) are refused, named, wherever they are found. A YAML mapping says each
key once (UniqueSafeLoader, UniqueBaseLoader): of two, YAML keeps the last without a word.
Imports nothing of the package."""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

# Categories of characters that print nothing a reader can see, or change the order in which
# what follows is shown: Cf (format: zero-width, bidi controls, BOM, soft hyphen), Cc
# (control), Zl and Zp (line and paragraph separators), Co (private use), Cn (unassigned).
HIDDEN_CATEGORIES = {"Cf", "Cc", "Zl", "Zp", "Co", "Cn"}
ALLOWED_CONTROLS = {"\t", "\n"}  # white space a file may hold: tabs and line ends


def character_name(char: str) -> str:
    """U+200B ZERO WIDTH SPACE: how a message names a character a reader cannot see."""
    name = unicodedata.name(char, "") or {
        "\x00": "NULL",
        "\r": "CARRIAGE RETURN",
        "\x1b": "ESCAPE",
        "\x7f": "DELETE",
    }.get(char, "a control character" if unicodedata.category(char) == "Cc" else "")
    return f"U+{ord(char):04X} {name}".rstrip()


def hidden(text: str) -> str | None:
    """The first character of `text` a reader cannot see (or that reorders what follows), or
    None."""
    for char in text:
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) in HIDDEN_CATEGORIES:
            return char
    return None


def hidden_problem(text: str) -> str | None:
    """What a message says of the first hidden character in `text`, or None."""
    char = hidden(text)
    if char is None:
        return None
    return (
        f"holds {character_name(char)}, a character that is invisible or reorders the text "
        "around it, so what is printed would not read as written; delete it (retype the "
        "words around it if need be)"
    )


def nfc(text: str) -> str:
    """`text` in Unicode's composed form: one spelling for what looks the same."""
    return unicodedata.normalize("NFC", text)


def shown_text(text: str) -> str:
    """Text for a one-line message: hidden characters written as <U+200B>, never raw."""
    return "".join(f"<U+{ord(c):04X}>" if hidden(c) else c for c in text)


# Scripts whose letters look like Latin ones (А, Е, О, Р, С; Α, Ο): a name mixing them with
# Latin letters looks like another name ("Еssex" with a Cyrillic Е is not "Essex").
LOOKALIKE_SCRIPTS = ("CYRILLIC", "GREEK")


def mixed_script(text: str) -> str | None:
    """What a message says of a word mixing Latin letters with look-alike letters of another
    script, or None."""
    for word in text.split():
        letters = [c for c in word if c.isalpha()]
        latin = any(unicodedata.name(c, "").startswith("LATIN") for c in letters)
        other = next(
            (c for c in letters if unicodedata.name(c, "").startswith(LOOKALIKE_SCRIPTS)), None
        )
        if latin and other is not None:
            return (
                f"'{word}' mixes Latin letters with {character_name(other)}, which looks like a "
                "Latin letter, so the name looks like another; retype it"
            )
    return None


class _UniqueKeys:
    """A YAML loader's mappings with each key once: `published:` written twice is an error at
    the second, not the second value taken silently (Quarto's reader refuses it too)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            line = key_node.start_mark.line + 1
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # a key that is a list or mapping: the loader says what is wrong
                continue
            if first != line:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key '{key}' is written twice; write each key once",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep)  # type: ignore[misc]


class UniqueSafeLoader(_UniqueKeys, yaml.SafeLoader):
    pass


class UniqueBaseLoader(_UniqueKeys, yaml.BaseLoader):
    pass
