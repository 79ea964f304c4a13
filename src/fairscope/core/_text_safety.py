"""Text that leaves the library, made safe for the medium that shows it.

Group labels, column names, titles and policy fields come from data and files
that fairscope does not control. Each medium has its own hazards, so each has
one sanitizer here, and every renderer calls the one for its medium:

- :func:`xml_safe` (JUnit XML, SVG): characters XML 1.0 forbids (``\\x00``,
  ``\\x0b``, lone surrogates, U+FFFE) would make the file unparseable;
- :func:`markdown_safe` (PR comments): a line break would end the table row and
  start a heading; pipes, HTML and emphasis characters would change the markup;
- :func:`terminal_safe` (the command's output): an escape sequence could clear
  the screen or print a fake verdict;
- :func:`html_text` (the HTML report, before jinja's autoescaping): invisible
  controls and very long names; :func:`bidi_isolated` keeps right-to-left text
  from reordering the report's own words.

Controls are not deleted but shown (``\\x1b``, ``\\u202e``), so two labels
that differ only by them stay different, and a reader can see what the data
held. Every display form is capped at :data:`MAX_DISPLAY_LENGTH` characters
(elided in the middle); the JSON result keeps the full text.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Longest label, name or title shown in a report, table or message.
MAX_DISPLAY_LENGTH = 200

#: Characters that change the direction of the text around them (explicit embeddings,
#: overrides, isolates and marks): shown as escapes wherever text leaves the library.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

_ELLIPSIS = "…"

#: What XML 1.0 forbids, the C1 controls HTML forbids, and the bidi controls: replaced in
#: whole documents (an SVG).
_XML_DOCUMENT_UNSAFE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|["
    + "".join(sorted(BIDI_CONTROLS))
    + "]"
)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _is_hidden(char: str) -> bool:
    """A control, format, surrogate or unassigned-noncharacter code point, or a bidi control."""
    if char in BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    code = ord(char)
    return (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF


#: Every character :func:`_is_hidden` names (control, surrogate, line and paragraph
#: separators, bidi controls, noncharacters), as one pattern.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
    + "".join(sorted(BIDI_CONTROLS))
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def visible(text: object, *, keep: str = "") -> str:
    """``text`` as a string with control, bidi and surrogate characters shown as escapes.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    keep : str, default ""
        Characters left as they are (for example ``"\\n"`` for a multi-line message).

    Returns
    -------
    str
        Text that is valid UTF-8 and XML 1.0 and has no invisible controls.

    Examples
    --------
    >>> visible("a\\x1b[2Jb\\u202e")
    'a\\\\x1b[2Jb\\\\u202e'
    """
    out = str(text)
    if _HIDDEN.search(out) is None:  # the common case, scanned in C
        return out
    return _HIDDEN.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), out)


def shorten(text: str, limit: int = MAX_DISPLAY_LENGTH) -> str:
    """``text`` cut in the middle to at most ``limit`` characters (start and end are kept).

    Parameters
    ----------
    text : str
        The text to display.
    limit : int, default MAX_DISPLAY_LENGTH
        Longest result, at least 3.

    Returns
    -------
    str
        ``text`` itself when short enough, else its start, ``"…"`` and its end.

    Examples
    --------
    >>> shorten("abcdefghij", 5)
    'ab…ij'
    """
    if len(text) <= limit:
        return text
    head = limit // 2
    tail = limit - 1 - head
    return text[:head] + _ELLIPSIS + (text[-tail:] if tail else "")


_LONG_WORD = re.compile(rf"(?!https?://)\S{{{MAX_DISPLAY_LENGTH + 1},}}")


def shorten_words(text: str) -> str:
    """``text`` with every run of more than :data:`MAX_DISPLAY_LENGTH` non-space characters
    cut in the middle: no word of prose is that long, so such a run is a name from the data.

    Parameters
    ----------
    text : str
        A sentence, a title or a label (URLs starting with ``http(s)://`` are kept whole).

    Returns
    -------
    str
        The text with its overlong runs shortened.

    Examples
    --------
    >>> len(shorten_words("Selection rate by " + "c" * 100_000))
    218
    """
    return _LONG_WORD.sub(lambda match: shorten(match.group()), text)


def xml_safe(text: object, *, limit: int | None = MAX_DISPLAY_LENGTH) -> str:
    """Text that any XML 1.0 parser accepts (controls, surrogates and noncharacters as escapes).

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int or None, default MAX_DISPLAY_LENGTH
        Cap on the length (``None``: no cap, for messages).

    Returns
    -------
    str
        Text to put in an element or attribute (the XML writer escapes ``<&"``).

    Examples
    --------
    >>> xml_safe("a\\x00b\\x0b")
    'a\\\\x00b\\\\x0b'
    """
    out = visible(text, keep="\t\n")
    return out if limit is None else shorten(out, limit)


def xml_document_safe(document: str) -> str:
    """A whole XML document (an SVG from matplotlib) with forbidden and bidi characters escaped.

    Parameters
    ----------
    document : str
        Markup whose text may hold characters from the data.

    Returns
    -------
    str
        The document, parseable by a strict XML parser.

    Examples
    --------
    >>> xml_document_safe("<text>a\\x0bb</text>")
    '<text>a\\\\x0bb</text>'
    """
    return _XML_DOCUMENT_UNSAFE.sub(lambda match: _escape(match.group()), document)


def terminal_safe(text: object, *, limit: int | None = MAX_DISPLAY_LENGTH) -> str:
    """One line for a terminal: escape sequences, line breaks and bidi controls shown as escapes.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int or None, default MAX_DISPLAY_LENGTH
        Cap on the length (``None``: no cap).

    Returns
    -------
    str
        Text without control characters (it cannot move the cursor or clear the screen).

    Examples
    --------
    >>> terminal_safe("\\x1b[2JALL PASSED")
    '\\\\x1b[2JALL PASSED'
    """
    out = visible(text)
    return out if limit is None else shorten(out, limit)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!&{}])")


def markdown_safe(text: object, *, limit: int | None = MAX_DISPLAY_LENGTH) -> str:
    """Text for one Markdown table cell or list item: one line, no markup, no HTML.

    Line breaks and controls become visible escapes, Markdown and HTML
    characters (``| < > * _ # [ ]`` ...) are backslash-escaped, and text that
    holds right-to-left characters is wrapped in Unicode isolates so it cannot
    reorder the rest of the row.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int or None, default MAX_DISPLAY_LENGTH
        Cap on the length before escaping (``None``: no cap).

    Returns
    -------
    str
        Escaped text.

    Examples
    --------
    >>> markdown_safe("a|b\\r# PASSED <img>")
    'a\\\\|b\\\\\\\\x0d\\\\# PASSED \\\\<img\\\\>'
    """
    out = visible(text)
    if limit is not None:
        out = shorten(out, limit)
    return bidi_isolated(_MARKDOWN_SPECIAL.sub(r"\\\1", out))


def html_text(text: object, *, limit: int | None = MAX_DISPLAY_LENGTH) -> str:
    """Text for the HTML report before autoescaping: controls shown, length capped, bidi isolated.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int or None, default MAX_DISPLAY_LENGTH
        Cap on the length (``None``: no cap).

    Returns
    -------
    str
        Text still to be HTML-escaped (jinja's autoescaping does it).

    Examples
    --------
    >>> html_text("x" * 300).count("x")
    199
    """
    out = visible(text, keep="\t\n")
    return bidi_isolated(out if limit is None else shorten(out, limit))


def bidi_isolated(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds RTL letters.

    The Unicode equivalent of HTML's ``<bdi>``: the text takes its own
    direction without reordering what surrounds it. Left-to-right text is
    returned unchanged.

    Parameters
    ----------
    text : str
        Text already cleared of bidi controls (see :func:`visible`).

    Returns
    -------
    str
        The text, isolated when needed.

    Examples
    --------
    >>> bidi_isolated("abc")
    'abc'
    >>> bidi_isolated("\\u05d0") == "\\u2068\\u05d0\\u2069"
    True
    """
    if text.isascii() or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    return "\u2068" + text + "\u2069"


def html_escaped(text: object, *, quote: bool = True) -> str:
    """Text written straight into HTML or SVG markup: :func:`html_text`, then escaped.

    For markup built outside the template (charts), which jinja's autoescaping and
    finalizer do not see.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    quote : bool, default True
        Also escape quotes (for attribute values).

    Returns
    -------
    str
        Markup-safe text: controls shown as escapes, length capped, bidi isolated.

    Examples
    --------
    >>> html_escaped("a<b\\x0b")
    'a&lt;b\\\\x0b'
    """
    return html.escape(html_text(text), quote=quote)
