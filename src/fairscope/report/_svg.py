"""Matplotlib figures as safe, accessible inline SVG.

matplotlib escapes text in SVG output, but labels come from data, so the SVG is
also parsed and rebuilt: scripts, foreign objects, event-handler attributes and
links other than internal ``#`` references are removed, and the document gets
``role="img"`` with a ``<title>`` and ``<desc>`` for screen readers.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

from fairscope.core._text_safety import shorten_words, xml_document_safe

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "a", "style", "metadata"}
_HREF = {"href", f"{{{_XLINK}}}href"}

_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")
_GEOMETRY = {
    "d",
    "x",
    "y",
    "width",
    "height",
    "transform",
    "points",
    "x1",
    "x2",
    "y1",
    "y2",
    "viewBox",
}
_FONT_FAMILY = re.compile(r"font-family:[^;]*;?\s*")

ET.register_namespace("", _SVG)
ET.register_namespace("xlink", _XLINK)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sanitize(tree: ET.Element) -> ET.Element:
    """Remove active content from a parsed SVG in place and return it."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if _local(child.tag) in _FORBIDDEN:
                parent.remove(child)
    for element in tree.iter():
        for name in list(element.attrib):
            local = _local(name).lower()
            value = element.attrib[name]
            active = local.startswith("on") or "javascript:" in value.replace(" ", "").lower()
            if active or (name in _HREF and not value.startswith("#")):
                del element.attrib[name]
    return tree


def _safe_texts(fig: Any) -> None:
    """Labels from the data made safe before the figure is laid out: controls shown as
    escapes, overlong words (a 100 KB name) shortened; laying out such a name takes seconds."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    def safe(text: str) -> str:
        return shorten_words(xml_document_safe(text))

    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text and safe(text) != text:
            artist.set_text(safe(text))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            # group labels are redrawn from the formatter at every draw: make it safe too
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [safe(str(label)) for label in formatter.seq]
            elif isinstance(formatter, FuncFormatter):
                formatter.func = _safe_func(formatter.func, safe)


def _safe_func(func: Any, safe: Any) -> Any:
    def wrapped(value: Any, position: Any = None) -> str:
        return str(safe(str(func(value, position))))

    return wrapped


def figure_to_svg(fig: Any, *, title: str, description: str, element_id: str) -> str:
    """Serialize a figure to an inline ``<svg>`` element (no XML prolog).

    Text stays text (``svg.fonttype="none"``) so it is small, selectable and
    searchable; ids are made deterministic and unique per figure with
    ``element_id`` so several figures can share one page.
    """
    import matplotlib

    _safe_texts(fig)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": element_id}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    # labels from the data may hold characters XML forbids (\x0b): escape them, visibly
    text = xml_document_safe(buffer.getvalue())
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", text))
    sanitize(root)
    local_url = re.compile(r"url\(#([^)]*)\)")
    referenced = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in _HREF:
                referenced.add(value[1:])
            referenced.update(local_url.findall(value))
    for element in root.iter():
        # matplotlib ids every group; only the referenced ones are needed
        if "id" in element.attrib and element.attrib["id"] not in referenced:
            del element.attrib["id"]
        if element.text is not None and not element.text.strip():
            element.text = None
        elif element.text is not None:
            element.text = shorten_words(element.text)  # a 100 KB name in an axis title
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        if "id" in element.attrib:
            element.set("id", f"{element_id}-{element.attrib['id']}")
        for name in _HREF:
            if name in element.attrib:
                element.set(name, f"#{element_id}-{element.attrib[name][1:]}")
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, local_url.sub(rf"url(#{element_id}-\1)", value))
        for name in _GEOMETRY & set(element.attrib):
            # points to 0.01 pt: invisible, and halves the size of the paths
            element.set(name, _LONG_DECIMAL.sub(r"\1", element.attrib[name]))
        style = element.attrib.get("style")
        if style and "font-family" in style:
            # the page's stylesheet sets the font once for every plot
            element.set("style", _FONT_FAMILY.sub("", style))
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("class", "fs-plot")
    root.set("aria-labelledby", f"{element_id}-title {element_id}-desc")
    title_el = ET.Element(f"{{{_SVG}}}title", {"id": f"{element_id}-title"})
    title_el.text = shorten_words(xml_document_safe(title))
    desc_el = ET.Element(f"{{{_SVG}}}desc", {"id": f"{element_id}-desc"})
    desc_el.text = shorten_words(xml_document_safe(description))
    root.insert(0, desc_el)
    root.insert(0, title_el)
    out = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return out
