"""The bundled framework JSON files match the seed texts they were taken from.

The seed pages are re-parsed here, independently of whatever produced the JSON,
so a typo, a dropped KSB or a wrong duty→KSB link in ``resources/frameworks``
fails the build.  No Qt, no database: plain file parsing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FRAMEWORKS = REPO / "resources" / "frameworks"
SEEDS = REPO.parent / "shared" / "seeds"

KEYS = ("ST0825", "DDAT-DEVOPS", "TECIT50761")
TOP_LEVEL_KEYS = [
    "schema",
    "key",
    "version",
    "title",
    "kind",
    "level",
    "group_label",
    "source",
    "licence",
    "attribution",
    "description",
    "competency_kinds",
    "competencies",
    "groups",
]
SKILL_LEVELS = ("awareness", "working", "practitioner", "expert")


# --------------------------------------------------------------------------- helpers


def load(key: str) -> dict:
    return json.loads((FRAMEWORKS / f"{key}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[str]]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not available at {SEEDS}")
    out = {}
    for number in ("000", "001", "002", "003", "004"):
        (path,) = SEEDS.glob(f"{number}_*.txt")
        out[number] = path.read_text(encoding="utf-8").splitlines()
    return out


def paragraphs(lines: list[str]) -> list[list[str]]:
    """Blocks of consecutive non-blank (stripped) lines."""
    result: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            result.append(current)
            current = []
    return result


def join_paragraphs(blocks: list[list[str]]) -> str:
    return "\n\n".join("\n".join(block) for block in blocks)


def index_of(lines: list[str], pattern: str, start: int = 0) -> int:
    rx = re.compile(pattern)
    for n in range(start, len(lines)):
        if rx.fullmatch(lines[n].strip()):
            return n
    raise AssertionError(f"no line matching {pattern!r} after line {start}")


def ksb_sort_key(code: str) -> tuple[int, int]:
    return ("KSB".index(code[0]), int(code[1:]))


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("key", KEYS)
def test_file_is_canonical_json_with_schema(key: str) -> None:
    raw = (FRAMEWORKS / f"{key}.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert list(data) == TOP_LEVEL_KEYS
    assert data["schema"] == "apprentice-portfolio-framework/1"
    assert data["key"] == key
    assert isinstance(data["version"], str) and data["version"]
    assert data["licence"] == "Open Government Licence v3.0"
    assert data["attribution"].startswith(
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    assert set(data["source"]) == {"publisher", "title", "url"}
    assert data["source"]["url"].startswith("https://")
    for comp in data["competencies"]:
        assert list(comp) == ["code", "kind", "name", "text"]
    for group in data["groups"]:
        assert list(group) == ["code", "name", "text", "links"]
        for link in group["links"]:
            assert list(link) == ["competency", "level", "text"]


@pytest.mark.parametrize("key", KEYS)
def test_codes_unique_and_links_resolve(key: str) -> None:
    data = load(key)
    kinds = {k["kind"]: k["prefix"] for k in data["competency_kinds"]}
    codes = [c["code"] for c in data["competencies"]]
    assert len(codes) == len(set(codes))
    for comp in data["competencies"]:
        assert comp["kind"] in kinds
        assert re.fullmatch(re.escape(kinds[comp["kind"]]) + r"[1-9]\d*", comp["code"])
        assert comp["text"] == comp["text"].strip()
    group_codes = [g["code"] for g in data["groups"]]
    assert len(group_codes) == len(set(group_codes))
    for group in data["groups"]:
        targets = [link["competency"] for link in group["links"]]
        assert len(targets) == len(set(targets)), group["code"]
        assert set(targets) <= set(codes), group["code"]
    assert (data["group_label"] is None) == (not data["groups"])


# --------------------------------------------------------------------------- ST0825


def st0825_from_seeds(seeds: dict[str, list[str]]) -> tuple[dict, dict, dict, dict]:
    """KSB texts and duties (text, links) from 001 (IfATE) and 002 (listing)."""
    ksb_001, ksb_002 = {}, {}
    for line in seeds["001"]:
        m = re.fullmatch(r"([KSB]\d+):\s*(.*?)\s*(?:Back to Duty)?", line.strip())
        if m:
            ksb_001[m[1]] = m[2]
    for line in seeds["002"]:
        m = re.fullmatch(r"[•\-*]\s*([KSB]\d+):\s*(.*)", line.strip())
        if m:
            ksb_002[m[1]] = m[2].strip()

    duties_001: dict[int, dict] = {}
    lines = seeds["001"]
    start = index_of(lines, r"Duty KSBs")
    end = index_of(lines, r"KSBs", start + 1)
    current = None
    for line in lines[start + 1 : end]:
        m = re.fullmatch(r"Duty (\d+)\s+(.*)", line.strip())
        if m:
            current = duties_001.setdefault(int(m[1]), {"text": m[2].strip(), "links": []})
        elif current is not None:
            current["links"] += re.findall(r"\b[KSB]\d+\b", line)

    duties_002: dict[int, dict] = {}
    current = None
    for line in seeds["002"]:
        s = line.strip()
        if m := re.fullmatch(r"Duty (\d+)", s):
            current = duties_002.setdefault(int(m[1]), {"text": None, "links": []})
        elif current is not None and (m := re.fullmatch(r"[•\-*]\s*DUTY:\s*(.*)", s)):
            current["text"] = m[1].strip()
        elif current is not None and (m := re.fullmatch(r"[•\-*]\s*([KSB]\d+)", s)):
            current["links"].append(m[1])
    return ksb_001, ksb_002, duties_001, duties_002


def test_st0825_competencies_match_seed(seeds: dict[str, list[str]]) -> None:
    ksb_001, ksb_002, _, _ = st0825_from_seeds(seeds)
    expected_codes = (
        [f"K{n}" for n in range(1, 26)]
        + [f"S{n}" for n in range(1, 23)]
        + [f"B{n}" for n in range(1, 5)]
    )
    # 002 lists every KSB; 001 (the official page) is preferred wherever it has one.
    assert sorted(ksb_002, key=ksb_sort_key) == expected_codes
    expected = {code: ksb_001.get(code, ksb_002[code]) for code in expected_codes}

    data = load("ST0825")
    assert data["level"] == 4
    assert data["version"] == "1.0"
    assert data["group_label"] == "Duty"
    comps = data["competencies"]
    assert len(comps) == 51
    assert [c["code"] for c in comps] == expected_codes
    kind = {"K": "knowledge", "S": "skill", "B": "behaviour"}
    for comp in comps:
        assert comp["kind"] == kind[comp["code"][0]]
        assert comp["name"] is None
        assert comp["text"] == expected[comp["code"]], comp["code"]


def test_st0825_duties_and_links_match_seed(seeds: dict[str, list[str]]) -> None:
    _, _, duties_001, duties_002 = st0825_from_seeds(seeds)
    assert sorted(duties_001) == list(range(1, 14))
    assert sorted(duties_002) == list(range(1, 14))
    for n in duties_001:
        # The two seed pages must agree on the mapping, or the data is ambiguous.
        assert set(duties_001[n]["links"]) == set(duties_002[n]["links"]), n

    data = load("ST0825")
    groups = data["groups"]
    assert [g["code"] for g in groups] == [f"D{n}" for n in range(1, 14)]
    total = 0
    for group in groups:
        n = int(group["code"][1:])
        seed_duty = duties_001[n]
        assert group["name"] is None
        assert group["text"] == (seed_duty["text"] or duties_002[n]["text"]), group["code"]
        targets = [link["competency"] for link in group["links"]]
        assert targets == sorted(set(seed_duty["links"]), key=ksb_sort_key), group["code"]
        assert all(link["level"] is None and link["text"] is None for link in group["links"])
        total += len(targets)
    assert total == 236


def test_st0825_description_is_verbatim(seeds: dict[str, list[str]]) -> None:
    lines = seeds["001"]
    start = index_of(lines, r"Occupation summary")
    end = index_of(lines, r"Typical job titles include:", start)
    assert load("ST0825")["description"] == join_paragraphs(paragraphs(lines[start + 1 : end]))


# --------------------------------------------------------------------------- DDaT

SKILL_LINE = re.compile(
    r"(?P<name>[^.]+?)\.\s+(?P<desc>.*?)(?:\s*\(Relevant skill level:\s*(?P<level>\w+)\))?"
)
LEVEL_TITLE = re.compile(r"(?:(?:Apprentice|Junior|Senior|Lead|Principal) )?DevOps engineer")


def base_skill(name: str) -> str:
    """'Systems integration (management)' → 'Systems integration', and so on."""
    name = re.sub(r"\s*\(management\)$", "", name)
    return re.sub(r"\s*[–-]\s*management\)$", ")", name)


def ddat_from_seed(lines: list[str]) -> tuple[list[tuple[str, str]], list[dict]]:
    """(skills required list, levels); each level has title, intro and its skill lists."""
    start = index_of(lines, r"Skills required to be .*")
    stop = index_of(lines, r"Read more", start)
    skills: list[tuple[str, str]] = []
    levels: list[dict] = []
    lists: list[dict] | None = None
    for line in lines[start + 1 : stop]:
        s = line.strip()
        if not s:
            if levels and lists is None:
                levels[-1]["intro"].append(line)  # keep the paragraph breaks
            continue
        if LEVEL_TITLE.fullmatch(s):
            levels.append({"title": s, "intro": [], "lists": []})
            lists = None
            continue
        if not levels:
            m = SKILL_LINE.fullmatch(s)
            if m and not s.startswith("You will need"):
                skills.append((m["name"], m["desc"]))
            continue
        level = levels[-1]
        heading = re.fullmatch(
            r"(?:(Management|Technical) role:\s*)?skills needed for this role", s, re.I
        )
        if heading:
            lists = level["lists"]
            lists.append({"variant": (heading[1] or "").lower(), "skills": []})
        elif lists is None:
            if not re.match(r"There are \d+ (?:different )?roles", s):
                level["intro"].append(line)
        else:
            m = SKILL_LINE.fullmatch(s)
            assert m and m["level"], f"unparsed skill line: {s!r}"
            lists[-1]["skills"].append((m["name"], m["desc"], m["level"].lower()))
    for level in levels:
        level["intro"] = join_paragraphs(paragraphs(level["intro"]))
    return skills, levels


def test_ddat_skills_match_seed(seeds: dict[str, list[str]]) -> None:
    skills, levels = ddat_from_seed(seeds["003"])
    assert len(skills) >= 6
    data = load("DDAT-DEVOPS")
    assert data["version"] == "2020-01-07"
    assert data["title"] == "Development operations (DevOps) engineer"
    assert data["group_label"] == "Role level"
    comps = data["competencies"]
    # The "Skills required" list first, in its order, with its descriptions …
    for n, (name, desc) in enumerate(skills, start=1):
        assert comps[n - 1] == {"code": f"DS{n}", "kind": "skill", "name": name, "text": desc}
    # … then any skill that only appears in the level lists, in order of first
    # appearance, with no general description (the seed gives none).
    extra: list[str] = []
    for level in levels:
        for variant in level["lists"]:
            for name, _, _ in variant["skills"]:
                base = base_skill(name)
                if base not in [s for s, _ in skills] and base not in extra:
                    extra.append(base)
    assert [c["name"] for c in comps[len(skills) :]] == extra
    assert all(c["text"] == "" for c in comps[len(skills) :])
    assert [c["code"] for c in comps] == [f"DS{n}" for n in range(1, len(comps) + 1)]


def test_ddat_levels_match_seed(seeds: dict[str, list[str]]) -> None:
    _, levels = ddat_from_seed(seeds["003"])
    assert [lv["title"].split()[0] for lv in levels] == [
        "Apprentice",
        "Junior",
        "DevOps",
        "Senior",
        "Lead",
        "Principal",
    ]
    data = load("DDAT-DEVOPS")
    code_of = {c["name"]: c["code"] for c in data["competencies"]}
    expected = []
    for n, level in enumerate(levels, start=1):
        variants = level["lists"]
        assert variants, level["title"]
        if len(variants) > 1:
            assert sorted(v["variant"] for v in variants) == ["management", "technical"]
        for variant in variants:
            suffix = {"": "", "technical": "T", "management": "M"}[variant["variant"]]
            name = level["title"] + (f" ({variant['variant']} role)" if suffix else "")
            links = [
                {
                    "competency": code_of[base_skill(skill)],
                    "level": required,
                    "text": desc if skill == base_skill(skill) else f"{skill}. {desc}",
                }
                for skill, desc, required in variant["skills"]
            ]
            expected.append(
                {"code": f"L{n}{suffix}", "name": name, "text": level["intro"], "links": links}
            )
    assert [g["code"] for g in data["groups"]] == [
        "L1",
        "L2",
        "L3",
        "L4M",
        "L4T",
        "L5T",
        "L5M",
        "L6T",
        "L6M",
    ]
    assert data["groups"] == expected
    for group in data["groups"]:
        assert all(link["level"] in SKILL_LEVELS for link in group["links"])


def test_ddat_description_is_verbatim(seeds: dict[str, list[str]]) -> None:
    lines = seeds["003"]
    heading = r"Introduction to the role of development operations \(DevOps\) engineers"
    first = index_of(lines, heading)
    body = index_of(lines, heading, first + 1)  # the first occurrence is the contents list
    end = index_of(lines, r"Skills required to be .*", body)
    assert load("DDAT-DEVOPS")["description"] == join_paragraphs(paragraphs(lines[body + 1 : end]))


# --------------------------------------------------------------------------- NOS


def test_nos_matches_seed(seeds: dict[str, list[str]]) -> None:
    lines = seeds["004"]
    pc_at = index_of(lines, r"Performance criteria")
    kn_at = index_of(lines, r"Knowledge and understanding", pc_at)
    expected = []
    for prefix, kind, section in (
        ("P", "performance", lines[pc_at + 1 : kn_at]),
        ("K", "knowledge", lines[kn_at + 1 :]),
    ):
        numbered = [re.fullmatch(r"(\d+)\.\s+(.*)", ln.strip()) for ln in section]
        for m in filter(None, numbered):
            expected.append(
                {"code": f"{prefix}{m[1]}", "kind": kind, "name": None, "text": m[2].strip()}
            )
    data = load("TECIT50761")
    assert [c["code"] for c in data["competencies"]] == [f"P{n}" for n in range(1, 10)] + [
        f"K{n}" for n in range(1, 13)
    ]
    assert data["competencies"] == expected
    assert data["groups"] == []
    assert data["group_label"] is None
    assert "TECIT50761" in "\n".join(lines)
    version = next(
        (m[1] for ln in lines if (m := re.fullmatch(r"Version Number\s+(\S+)", ln.strip()))),
        "1",
    )
    assert data["version"] == version
    overview = index_of(lines, r"Overview")
    assert data["description"] == join_paragraphs(paragraphs(lines[overview + 1 : pc_at]))
