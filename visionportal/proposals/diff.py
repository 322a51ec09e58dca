"""A readable difference between two versions of the vision text. Pure (no database).

The versions are sanitised HTML; the comparison is of what a reader sees: paragraph by
paragraph (list items count as paragraphs), word by word within paragraphs that changed.
The result is plain data (segments of kept, inserted and deleted text); the template
escapes it and marks insertions and deletions with <ins> and <del>.
"""

import difflib
import html
import re
from dataclasses import dataclass

_BLOCK_END = re.compile(r"</(?:p|li)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Words and the spaces between them as separate tokens, so a word before an insertion
# still matches itself.
_WORDS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class Block:
    kind: str  # "same", "insert", "delete" or "change"
    segments: tuple[Segment, ...]


def text_blocks(markup: str) -> list[str]:
    """The readable paragraphs of sanitised `markup`, tags removed, entities decoded."""
    pieces = _BLOCK_END.split(markup or "")
    blocks = [" ".join(html.unescape(_TAG.sub(" ", piece)).split()) for piece in pieces]
    return [block for block in blocks if block]


def _word_diff(old: str, new: str) -> tuple[Segment, ...]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return tuple(segments)


def version_diff(old_markup: str, new_markup: str) -> list[Block]:
    """Blocks from `old_markup` to `new_markup`: unchanged paragraphs, removed and added
    ones, and changed ones with their word-level insertions and deletions."""
    old, new = text_blocks(old_markup), text_blocks(new_markup)
    blocks: list[Block] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks += [Block("same", (Segment("same", text),)) for text in old[i1:i2]]
        elif tag == "delete":
            blocks += [Block("delete", (Segment("delete", text),)) for text in old[i1:i2]]
        elif tag == "insert":
            blocks += [Block("insert", (Segment("insert", text),)) for text in new[j1:j2]]
        else:
            # Paired paragraphs are compared word by word; any left over are whole.
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                blocks.append(Block("change", _word_diff(old[i1 + k], new[j1 + k])))
            blocks += [Block("delete", (Segment("delete", text),)) for text in old[i1 + pairs : i2]]
            blocks += [Block("insert", (Segment("insert", text),)) for text in new[j1 + pairs : j2]]
    return blocks
