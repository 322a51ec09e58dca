"""The vision text's light formatting: paragraphs, emphasis and lists, nothing else.

Pure (no database). Staff type either plain text (blank lines separate paragraphs, lines
starting with "- " make a list) or the few tags below. nh3 (bindings to the Rust `ammonia`
sanitiser) parses HTML as a browser would and keeps only these tags, without attributes:
a pasted `<script>`, `<img src=...>`, event handler or style is gone and the stored text
is safe to show as it is. Text without any of the allowed tags is plain text: every `<`
in it is kept as a visible character, so "a < b" loses nothing.
"""

import html
import re

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li"})

# Tags whose content goes with them instead of staying as text.
_CLEAN_CONTENT_TAGS = {"script", "style", "template", "iframe", "object", "noscript", "title"}
_HTML_HINT = re.compile(r"</?(?:p|br|em|strong|ul|ol|li|b|i)\b[^<>]*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*[-*•]\s+")


def _clean(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes={},
        clean_content_tags=_CLEAN_CONTENT_TAGS,
        link_rel=None,
        strip_comments=True,
    ).strip()


def _plain_block(block: str) -> str:
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if all(_LIST_ITEM.match(line) for line in lines):
        items = "".join(
            f"<li>{html.escape(_LIST_ITEM.sub('', line), quote=False)}</li>" for line in lines
        )
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>".join(html.escape(line, quote=False) for line in lines) + "</p>"


def sanitise_vision_text(text: str) -> str:
    """The allowed subset of `text` as HTML (see the module docstring)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        return ""
    if not _HTML_HINT.search(text):
        blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
        return _clean("".join(_plain_block(block) for block in blocks))
    return _clean(text)


def visible_text(markup: str) -> str:
    """The text of sanitised `markup` without tags, entities decoded."""
    return html.unescape(nh3.clean(markup or "", tags=set(), attributes={}))


def has_text(markup: str) -> bool:
    """Whether sanitised `markup` has any visible text (not only tags and spaces)."""
    return bool(visible_text(markup).strip())
