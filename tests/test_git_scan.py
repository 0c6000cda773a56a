"""``portfolio git``: scanning a repository for the apprentice's work and importing it.

Every repository here is built in tmp_path with dulwich: merges with pull-request
text (GitHub and GitLab wording), a tag, two authors, a renamed file and a commit
message that is not UTF-8.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli_run import run
from tests.git_helpers import DAY, ME, OTHER, T0, RepoBuilder


@dataclass
class Team:
    path: Path
    tidy: str
    ci_merge: str
    alerts_merge: str
    move: str
    latin: str
    release: str


def build_team_repo(path: Path, *, bare: bool = False) -> Team:
    b = RepoBuilder(path, bare=bare)
    root = b.commit({"README.md": b"# app\n", "app.py": b"print(1)\n"}, "Initial", author=OTHER)
    tidy = b.change(root, {"app.py": b"print(2)\nprint(3)\n"}, "Tidy app", when=T0 + DAY)
    f1 = b.change(tidy, {".github/workflows/ci.yml": b"on: push\njobs: {}\n"}, "Add CI workflow",
                  when=T0 + 2 * DAY)  # fmt: skip
    f2 = b.change(f1, {"tests/test_app.py": b"def test():\n    pass\n"}, "Add tests",
                  when=T0 + 2 * DAY + 60)  # fmt: skip
    o1 = b.change(tidy, {"other.txt": b"theirs\n"}, "Their work", author=OTHER,
                  when=T0 + 2 * DAY + 120)  # fmt: skip
    ci_merge = b.commit(
        {**b.trees[f2], "other.txt": b"theirs\n"},
        "Merge pull request #12 from ada/ci\n\nRun the tests on every push\n\n"
        "The pipeline runs pytest on each pull request.\n",
        author=OTHER,
        when=T0 + 3 * DAY,
        parents=[o1, f2],
    )
    g1 = b.change(ci_merge, {"monitoring/alerts/cpu.yml": b"alert: cpu\nexpr: up\n"},
                  "Add CPU alert rule", when=T0 + 4 * DAY)  # fmt: skip
    alerts_merge = b.commit(
        b.trees[g1],
        "Merge branch 'alerts' into 'main'\n\nAlert on high CPU\n\n"
        "Pages the on-call engineer.\n\nSee merge request team/app!7",
        when=T0 + 4 * DAY + 600,
        parents=[ci_merge, g1],
    )
    move = b.change(
        alerts_merge,
        {"README.md": None, "docs/README.md": b"# app\n", "infra/main.tf": b"resource {}\n"},
        "Move readme, add terraform",
        when=T0 + 5 * DAY,
    )
    latin = b.change(move, {"notes.txt": b"caf\xe9\n"}, b"Caf\xe9 notes", when=T0 + 6 * DAY)
    release = b.change(latin, {"other.txt": b"more\n"}, "Their fix", author=OTHER,
                       when=T0 + 6 * DAY + 600)  # fmt: skip
    b.branch("master", release)
    b.tag("v1.0", release, "First release\n\nEverything so far.", tagger=OTHER,
          when=T0 + 7 * DAY)  # fmt: skip
    b.close()
    return Team(path, tidy, ci_merge, alerts_merge, move, latin, release)


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return build_team_repo(tmp_path / "team-app")


@pytest.fixture
def pf(tmp_path: Path, template_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "p.sqlite3"
    shutil.copyfile(template_portfolio, path)
    code, _, err = run(capsys, "--file", str(path), "git", "identity", "add", "ADA@example.org")
    assert code == 0, err
    return str(path)


def scan(capsys: pytest.CaptureFixture[str], pf: str, repo: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "--file", pf, "git", "scan", str(repo), "--json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def by_id(result: dict) -> dict[str, dict]:
    return {c["id"]: c for c in result["candidates"]}


def test_work_is_grouped_into_merges_days_and_a_release(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = scan(capsys, pf, team.path)

    assert result["repository"] == "team-app"
    assert (result["commits"], result["mine"]) == (11, 7)
    found = by_id(result)
    assert (
        list(found)
        == [  # newest first
            f"T-{team.release[:12]}",
            f"D-{team.latin[:12]}",
            f"D-{team.move[:12]}",
            f"M-{team.alerts_merge[:12]}",
            f"M-{team.ci_merge[:12]}",
            f"D-{team.tidy[:12]}",
        ]
    )
    ci = found[f"M-{team.ci_merge[:12]}"]
    assert ci["title"] == "Run the tests on every push"  # the pull request's title
    assert ci["body"] == "The pipeline runs pytest on each pull request."
    assert [c["summary"] for c in ci["commits"] if c["mine"]] == ["Add CI workflow", "Add tests"]
    assert {k: [f["path"] for f in v["files"]] for k, v in ci["files"].items()} == {
        "pipelines": [".github/workflows/ci.yml"],
        "tests": ["tests/test_app.py"],
    }  # their other.txt came in on the main line, not with the pull request
    assert (ci["added"], ci["removed"]) == (4, 0)
    assert (ci["first_date"], ci["last_date"]) == ("2026-01-03", "2026-01-04")

    gitlab = found[f"M-{team.alerts_merge[:12]}"]
    assert gitlab["title"] == "Alert on high CPU"
    assert gitlab["body"] == "Pages the on-call engineer."

    tidy = found[f"D-{team.tidy[:12]}"]
    assert tidy["files"]["code"]["files"] == [
        {"path": "app.py", "status": "modified", "added": 2, "removed": 1}
    ]
    release = found[f"T-{team.release[:12]}"]
    assert (release["tag"], release["title"]) == ("v1.0", "First release")


def test_a_renamed_file_is_one_rename_not_a_delete_and_an_add(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    move = by_id(scan(capsys, pf, team.path))[f"D-{team.move[:12]}"]
    assert move["files"]["docs"]["files"] == [
        {"path": "docs/README.md", "status": "renamed", "added": 0, "removed": 0,
         "old_path": "README.md"}
    ]  # fmt: skip
    assert move["files"]["iac"]["files"][0]["path"] == "infra/main.tf"


def test_hints_follow_the_shipped_rules_with_their_reasons(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = by_id(scan(capsys, pf, team.path))
    hints = {cid: {h["code"]: h["reasons"] for h in c["hints"]} for cid, c in found.items()}
    assert hints[f"M-{team.ci_merge[:12]}"] == {
        "K1": ["changed .github/workflows/ci.yml → K1"],
        "K15": ["changed .github/workflows/ci.yml → K15"],
        "S15": ["changed .github/workflows/ci.yml → S15"],
        "K14": ["changed tests/test_app.py → K14"],
        "S14": ["changed tests/test_app.py → S14"],
        "K2": ["merged a branch → K2"],
    }
    assert hints[f"D-{team.move[:12]}"] == {
        "K7": ["changed infra/main.tf → K7", "message says 'terraform' → K7"],
        "S18": ["changed infra/main.tf → S18", "message says 'terraform' → S18"],
        "K8": ["changed infra/main.tf → K8"],
        "S4": ["changed docs/README.md → S4", "message says 'readme' → S4"],
        "S1": ["message says 'readme' → S1"],
    }
    assert hints[f"M-{team.alerts_merge[:12]}"] == {
        "K11": ["changed monitoring/alerts/cpu.yml → K11", "message says 'alert' → K11"],
        "S6": ["changed monitoring/alerts/cpu.yml → S6", "message says 'alert' → S6"],
        "K2": ["merged a branch → K2"],
        "B3": ["message says 'on-call' → B3"],
        "S7": ["message says 'on-call' → S7"],
        "S11": ["message says 'on-call' → S11"],
        "K23": ["message says 'on-call' → K23"],
    }
    assert hints[f"D-{team.tidy[:12]}"] == {"S17": ["changed app.py → S17"]}


def test_a_message_that_is_not_utf8_is_read_and_noted(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = by_id(scan(capsys, pf, team.path))[f"D-{team.latin[:12]}"]
    assert latin["title"] == "Café notes"
    assert latin["notes"] == [f"{team.latin[:7]}: message not UTF-8; read as Windows-1252"]


def test_ids_are_stable_and_since_leaves_out_older_work(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [c["id"] for c in scan(capsys, pf, team.path)["candidates"]]
    assert [c["id"] for c in scan(capsys, pf, team.path)["candidates"]] == first
    recent = [c["id"] for c in scan(capsys, pf, team.path, "--since", "2026-01-06")["candidates"]]
    assert recent == [f"T-{team.release[:12]}", f"D-{team.latin[:12]}", f"D-{team.move[:12]}"]


def test_author_options_replace_the_stored_identities(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = scan(capsys, pf, team.path, "--author", "charles@example.org")
    assert theirs["mine"] == 4
    assert f"M-{team.ci_merge[:12]}" in by_id(theirs)  # they merged it, with their own work in


def test_a_bare_repository_scans_the_same(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    team = build_team_repo(tmp_path / "team-app.git", bare=True)
    result = scan(capsys, pf, team.path)
    assert result["repository"] == "team-app"
    assert len(result["candidates"]) == 6


def test_importing_makes_drafts_with_facts_and_imports_each_piece_once(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ci = f"M-{team.ci_merge[:12]}"
    code, out, err = run(
        capsys, "--file", pf, "git", "import", str(team.path), ci, f"D-{team.tidy[:12]}"
    )
    assert code == 0, err
    assert out.split() == ["E001", "E002"]

    code, out, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    item = json.loads(out)
    assert (item["title"], item["date"], item["status"]) == (
        "Run the tests on every push", "2026-01-04", "draft"
    )  # fmt: skip
    assert item["ksbs"] == []  # hints are suggestions until ticked
    body = item["body"]
    assert "## Context" in body and "## What I did" in body and "## Result" in body
    assert "- 2026-01-03 Add CI workflow (" in body
    assert "removed):\n\n- Pipelines (1): .github/workflows/ci.yml\n- Tests (1)" in body

    again = scan(capsys, pf, team.path)
    assert ci not in by_id(again)
    assert f"D-{team.tidy[:12]}" not in by_id(again)
    assert again["already_imported"] == 1

    code, out, err = run(capsys, "--file", pf, "git", "import", str(team.path), ci)
    assert code == 1
    assert f"no candidate {ci}" in err
    code, out, _ = run(capsys, "--file", pf, "item", "list", "--json")
    assert [i["ref"] for i in json.loads(out)] == ["E001", "E002"]


def test_an_unknown_id_imports_nothing(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "--file",
        pf,
        "git",
        "import",
        str(team.path),
        f"D-{team.tidy[:12]}",
        "M-000000000000",
    )
    assert code == 1
    assert "no candidate M-000000000000" in err
    _, out, _ = run(capsys, "--file", pf, "item", "list", "--json")
    assert json.loads(out) == []


def test_identities_are_kept_in_the_portfolio(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--file", pf, "git", "identity", "add", "a.l@work.example", "--name",
               "Ada L")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "--file", pf, "git", "identity", "list", "--json")
    assert json.loads(out) == [
        {"email": "ada@example.org", "name": ""},
        {"email": "a.l@work.example", "name": "Ada L"},
    ]
    assert run(capsys, "--file", pf, "git", "identity", "remove", "ada@example.org")[0] == 0
    code, _, err = run(capsys, "--file", pf, "git", "identity", "add", "not an email")
    assert code == 1
    assert "is not an email address" in err


# --- bad input ------------------------------------------------------------------------------------


def test_not_a_repository_is_one_sentence(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").mkdir()
    code, out, err = run(capsys, "--file", pf, "git", "scan", str(tmp_path / "plain"))
    assert (code, out) == (1, "")
    assert "is not a git repository" in err
    assert err.count("\n") == 1


def test_a_shallow_clone_is_refused(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (team.path / ".git" / "shallow").write_text(team.move + "\n")
    code, _, err = run(capsys, "--file", pf, "git", "scan", str(team.path))
    assert code == 1
    assert "is a shallow clone" in err


def test_an_identity_with_no_commits_says_who_does_commit_there(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--file", pf, "git", "scan", str(team.path), "--author", "x@y.org")
    assert code == 1
    assert "None of the 11 commits in team-app is by x@y.org" in err
    assert "ada@example.org" in err


def test_no_identity_at_all_says_how_to_set_one(
    team: Team, tmp_path: Path, template_portfolio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.sqlite3"
    shutil.copyfile(template_portfolio, path)
    code, _, err = run(capsys, "--file", str(path), "git", "scan", str(team.path))
    assert code == 1
    assert "portfolio git identity add" in err


def _loose(repo: Path, sha: str) -> Path:
    return repo / ".git" / "objects" / sha[:2] / sha[2:]


def test_a_damaged_commit_is_one_sentence(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _loose(team.path, team.tidy)
    path.chmod(0o644)
    path.write_bytes(b"this is not zlib")
    code, _, err = run(capsys, "--file", pf, "git", "scan", str(team.path))
    assert code == 1
    assert f"The object {team.tidy[:12]} is damaged" in err
    assert "unexpected" not in err


def test_a_damaged_file_skips_that_candidates_files_with_a_note(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from dulwich.objects import Blob

    blob = Blob.from_string(b"resource {}\n").id.decode()
    path = _loose(team.path, blob)
    path.chmod(0o644)
    path.write_bytes(b"garbage")
    found = by_id(scan(capsys, pf, team.path))
    move = found[f"D-{team.move[:12]}"]
    assert any(f"The object {blob[:12]} is damaged" in note for note in move["notes"])
    assert found[f"D-{team.tidy[:12]}"]["files"]  # the rest go on


def test_submodules_and_huge_binaries_are_listed_not_read(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    b = RepoBuilder(tmp_path / "mono")
    sub = "1" * 40
    root = b.commit({"a.txt": b"a\n"}, "Start", author=OTHER)
    work = b.change(
        root,
        {"vendor/lib": sub.encode(), "assets/video.bin": b"\0" * (2 * 1024 * 1024)},
        "Add the library and a video",
        when=T0 + DAY,
        modes={"vendor/lib": 0o160000},
    )
    b.branch("master", work)
    b.close()
    (only,) = scan(capsys, pf, tmp_path / "mono")["candidates"]
    assert only["files"]["submodule"]["files"] == [
        {"path": "vendor/lib", "status": "submodule", "added": 0, "removed": 0, "counted": False}
    ]
    assert only["files"]["other"]["files"] == [
        {"path": "assets/video.bin", "status": "added", "added": 0, "removed": 0,
         "counted": False}
    ]  # fmt: skip
    assert "submodule vendor/lib changed: its own commits are not scanned" in only["notes"]
    assert "assets/video.bin is over 1 MB: lines not counted" in only["notes"]


def test_a_name_identity_also_counts(
    team: Team, tmp_path: Path, template_portfolio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "n.sqlite3"
    shutil.copyfile(template_portfolio, path)
    run(capsys, "--file", str(path), "git", "identity", "add", "old@laptop.local", "--name",
        ME.split(" <")[0])  # fmt: skip
    assert scan(capsys, str(path), team.path)["mine"] == 7


# --- provenance travels -------------------------------------------------------------------------


def test_provenance_is_in_the_pdf_and_survives_a_package_round_trip(
    team: Team, pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    from tests.pdf_reading import all_text

    ci = f"M-{team.ci_merge[:12]}"
    code, out, err = run(capsys, "--file", pf, "git", "import", str(team.path), ci)
    assert (code, out.strip()) == (0, "E001"), err
    assert run(capsys, "--file", pf, "item", "edit", "E001", "--status", "ready")[0] == 0

    pdf = tmp_path / "out.pdf"
    code, _, err = run(capsys, "--file", pf, "export", "pdf", str(pdf))
    assert code == 0, err
    text = " ".join(all_text(pdf).split())
    assert "Source Repository: team-app Work: a branch merged into master" in text
    assert "Author: Ada Lovelace <ada@example.org>" in text
    assert f"3 commits: {team.ci_merge[:12]}" in text

    package = tmp_path / "out.portfolio"
    code, _, err = run(capsys, "--file", pf, "export", "package", str(package))
    assert code == 0, err
    with zipfile.ZipFile(package) as z:
        (item,) = json.loads(z.read("portfolio.json"))["items"]
    assert item["source"]["kind"] == "merge"
    assert item["source"]["repository"] == "team-app"
    assert item["source"]["commits"][0] == team.ci_merge
    assert {h["code"] for h in item["source"]["hints"]} >= {"K1", "K2"}

    copy = tmp_path / "copy.sqlite3"
    code, _, err = run(capsys, "--file", str(copy), "import", "package", str(package))
    assert code == 0, err
    again = scan(capsys, str(copy), team.path, "--author", "ada@example.org")
    assert ci not in by_id(again)  # the copy knows it is imported
    code, out, err = run(
        capsys, "--file", str(copy), "export", "package", str(tmp_path / "2.portfolio")
    )
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "2.portfolio") as z:
        (item_again,) = json.loads(z.read("portfolio.json"))["items"]
    assert item_again["source"] == item["source"]


def test_a_hand_typed_item_has_no_source_in_portfolio_json(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    assert run(capsys, "--file", pf, "item", "add", "--title", "Typed")[0] == 0
    package = tmp_path / "out.portfolio"
    assert run(capsys, "--file", pf, "export", "package", str(package), "--for", "review")[0] == 0
    with zipfile.ZipFile(package) as z:
        (item,) = json.loads(z.read("portfolio.json"))["items"]
    assert "source" not in item


def test_importing_a_release_leaves_its_days_and_merges_proposed(
    team: Team, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    release = f"T-{team.release[:12]}"
    assert run(capsys, "--file", pf, "git", "import", str(team.path), release)[0] == 0
    left = list(by_id(scan(capsys, pf, team.path)))
    assert release not in left
    assert len(left) == 5


def test_a_cancelled_scan_stops_with_one_sentence(team: Team) -> None:
    from app.services.git_scan import Identity, ScanCancelled, scan_repository

    with pytest.raises(ScanCancelled, match="cancelled"):
        scan_repository(team.path, [Identity("ada@example.org")], cancelled=lambda: True)
