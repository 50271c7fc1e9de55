"""Web addresses in the data, checked with a real parser: nothing in a `url` can become
markup, a script, a request to another host than the one written, or a login."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# RFC 3986 characters, less the quote (') that could close an attribute, and '[' ']' (no
# address literals are needed). Anything else (spaces, control characters, quotes, angle
# brackets, backslashes, non-ASCII) must be percent-encoded.
ALLOWED = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]+")
HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_web_address(text: str, schemes: tuple[str, ...] = ("https",)) -> str | None:
    """None for a well-formed address, else what is wrong with it."""
    wanted = " or ".join(f"{s}://" for s in schemes)
    bad = next((c for c in text if not ALLOWED.fullmatch(c)), None)
    if bad is not None:
        shown = repr(bad) if bad.isprintable() and not bad.isspace() else f"U+{ord(bad):04X}"
        return (
            f"the web address holds {shown}, which an address may not hold as it is "
            "(a space, quote, angle bracket or control character); percent-encode it or "
            "copy the address again from the browser"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return f"is not a well-formed web address ({error})"
    if parts.scheme not in schemes:
        return f"expected a web address starting {wanted}"
    if "@" in parts.netloc:
        return "the web address holds a user name or password (before @); remove it"
    if not parts.hostname or not HOST.fullmatch(parts.hostname):
        return f"the web address has no valid host name after {parts.scheme}://"
    if port is not None and parts.netloc.rsplit(":", 1)[-1] != str(port):
        return "the web address has a malformed port"
    if BAD_ESCAPE.search(text):
        return "the web address holds a % that is not followed by two hex digits"
    return None
