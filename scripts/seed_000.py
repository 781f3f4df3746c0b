"""Parse the CHM programme of work and the KM strategy tables out of seed 000.

Seed 000 is SBI recommendation 4/6 as plain text (tables flattened to tab-separated lines, Word
footnotes inlined as ``[footnoteRef:N]`` markers and ``[N:  text]`` bodies). The parser keeps the
official wording and only removes layout residue; every correction it makes is listed in FIXES so
that a reader can check it against the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SOURCE = "SBI recommendation 4/6 (CBD/SBI/REC/4/6, 29 May 2024)"

# Layout residue in the KM table: footnote letters glued to words, a stray parenthesis, doubled
# spaces. Each pair is (as in the seed, as in the official text).
FIXES = [
    ("sourcesa and platforms", "sources and platforms"),
    ("platforms.b", "platforms."),
    ("conventionsc and", "conventions and"),
    ("(7. Develop", "7. Develop"),
]

# Footnotes a-c under the KM table, attached to the actions that carry their markers.
KM_TABLE_NOTES = {"A.1": "a", "D.2": "b", "D.3": "c"}


@dataclass
class Action:
    code: str
    text: str
    lead: list[str] = field(default_factory=list)
    contributing: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Group:
    """A CHM goal or outcome, or a KM strategic objective."""

    code: str
    title: str
    definition: str = ""
    children: list = field(default_factory=list)


def _strip_footnotes(text: str) -> tuple[str, dict[str, str]]:
    """Remove footnote markers and bodies; return clean text and the bodies by number."""
    bodies: dict[str, str] = {}
    out: list[str] = []
    i = 0
    body_start = re.compile(r"\[(\d+):\s")
    while i < len(text):
        m = body_start.match(text, i)
        if m:
            depth, j = 1, m.end()
            while j < len(text) and depth:
                depth += {"[": 1, "]": -1}.get(text[j], 0)
                j += 1
            bodies[m.group(1)] = " ".join(text[m.end() : j - 1].split())
            i = j
            continue
        out.append(text[i])
        i += 1
    clean = "".join(out)
    clean = re.sub(r"\[footnoteRef:\d+\]", "", clean)
    clean = re.sub(r"\[bookmark: [^\]]*\]", "", clean)
    return clean, bodies


def _footnote_refs(raw_line: str) -> list[str]:
    return re.findall(r"\[footnoteRef:(\d+)\]", raw_line)


def _years(text: str) -> tuple[int, int]:
    a, b = re.split(r"[–-]", text.strip())
    return int(a), int(b)


def _split_actors(text: str) -> list[str]:
    return [a.strip() for a in re.split(r",\s*", " ".join(text.split()).rstrip(".")) if a.strip()]


def _tidy(text: str) -> str:
    for old, new in FIXES:
        text = text.replace(old, new)
    return " ".join(text.split())


def parse_chm(text: str) -> list[Group]:
    """Goals -> outcomes -> strategic actions of the CHM programme of work (part A, annex)."""
    start = text.index("Goals, outcomes and strategic actions of the programme of work")
    end = text.index("\n B\nKnowledge management")
    raw_lines = text[start:end].split("\n")
    _, bodies = _strip_footnotes(text)
    goal_defs = dict(re.findall(r"Goal (\d): to [^.]+\. (The clearing-house mechanism will [^\n]+?)\n", text))
    goals: list[Group] = []
    action: Action | None = None
    for raw in raw_lines:
        refs = _footnote_refs(raw)
        line, _ = _strip_footnotes(raw)
        line = line.strip("\t ").strip()
        if not line:
            continue
        if m := re.fullmatch(r"(\d)\. (To .+)", line):
            goals.append(Group(m.group(1), m.group(2).strip(), goal_defs.get(m.group(1), "").strip()))
        elif m := re.fullmatch(r"(\d\.\d)\.? (.+)", line):
            goals[-1].children.append(Group(m.group(1), m.group(2).strip()))
        elif m := re.fullmatch(r"(\d\.\d\.[A-J])\. (.+)", line):
            action = Action(m.group(1), _tidy(m.group(2)), notes=[bodies[r] for r in refs])
            goals[-1].children[-1].children.append(action)
        elif line.startswith("Lead:") and action:
            action.lead = _split_actors(line[5:])
            action.notes += [bodies[r] for r in refs]
        elif line.startswith("Contributing:") and action:
            action.contributing = _split_actors(line[13:])
        elif re.fullmatch(r"\d{4}[–-]\d{4}", line) and action:
            action.start, action.end = _years(line)
    return goals


def parse_km(text: str) -> list[Group]:
    """Strategic objectives -> component actions of the KM strategy (part B annex, section VIII)."""
    start = text.index("VIII.\tStrategic objectives, actions and actors")
    end = text.index("\na\tIncluding tools")
    clean, _ = _strip_footnotes(text[start:end])
    letters = dict(re.findall(r"\n([abc])\t([^\n]+)", text[end:]))
    objectives: list[Group] = []
    pending: Action | None = None
    for line in clean.split("\n")[1:]:
        line = _tidy(line.replace("\t", " "))
        if not line or line.startswith("Strategic objectives") or line in ("Component actions", "Main actors"):
            continue
        if m := re.fullmatch(r"([A-H])\. (.+)", line):
            objectives.append(Group(m.group(1), m.group(2)))
        elif m := re.fullmatch(r"(\d)\.? (.+)", line):
            code = f"{objectives[-1].code}.{m.group(1)}"
            pending = Action(code, m.group(2))
            if code in KM_TABLE_NOTES:
                pending.notes.append(" ".join(letters[KM_TABLE_NOTES[code]].split()))
            objectives[-1].children.append(pending)
        elif pending is not None:
            pending.lead = _split_actors(line)
            pending = None
    return objectives


def paragraph(text: str, number: int, section_marker: str) -> str:
    """Return paragraph ``number`` of the part that starts at ``section_marker`` (footnotes removed)."""
    part = text[text.index(section_marker) :]
    m = re.search(rf"\n{number}\.\t(.+)", part)
    if not m:
        raise ValueError(f"paragraph {number} not found after {section_marker!r}")
    clean, _ = _strip_footnotes(m.group(1))
    return " ".join(clean.split())


def footnote(text: str, number: int) -> str:
    _, bodies = _strip_footnotes(text)
    return bodies[str(number)]
