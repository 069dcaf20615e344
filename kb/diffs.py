"""Line diffs between two versions of a text, for the history pages."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap"
    text: str
    old_number: int | None = None
    new_number: int | None = None


def line_diff(old, new, *, context=3):
    """The changed lines of ``new`` against ``old``, with ``context`` unchanged lines around."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines = []
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset, text in enumerate(old_lines[i1:i2]):
                    lines.append(DiffLine("same", text, i1 + offset + 1, j1 + offset + 1))
                continue
            for offset, text in enumerate(old_lines[i1:i2]):
                lines.append(DiffLine("removed", text, old_number=i1 + offset + 1))
            for offset, text in enumerate(new_lines[j1:j2]):
                lines.append(DiffLine("added", text, new_number=j1 + offset + 1))
    return lines
