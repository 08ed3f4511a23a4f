"""README.md tells the truth: every command and option is in it, every Python snippet runs."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

from boamps_carbon.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^(#{2,6}) (.+)$", re.MULTILINE)
# options every command has, or that are named once for all, before the first command
COMMON = "Commands"


def sections() -> dict[str, str]:
    """Each heading's text (without backticks) -> its text up to the next heading of the same
    or a higher level, sub-sections included."""
    found = list(HEADING.finditer(README))
    result = {}
    for index, match in enumerate(found):
        level = len(match.group(1))
        end = next((m.start() for m in found[index + 1 :] if len(m.group(1)) <= level), len(README))
        result[match.group(2).strip("` ")] = README[match.end() : end]
    return result


def preamble(name: str) -> str:
    """A section's text before its first sub-heading."""
    text = sections()[name]
    first = HEADING.search(text)
    return text[: first.start()] if first else text


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command path, parser) for the parser and every sub-command below it, however deep."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def mentioned(token: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def section_for(path: tuple[str, ...], found: dict[str, str]) -> str | None:
    """A command's section: a heading of its own (`store import` or `import`), else, for a
    sub-command, its parent's section when that section shows the whole command's usage."""
    for name in (" ".join(path), path[-1]):
        if name in found:
            return found[name]
    if len(path) > 1:
        parent = section_for(path[:-1], found)
        if parent is not None and mentioned(f"boamps {' '.join(path)}", parent):
            return parent
    return None


def test_every_command_has_its_section() -> None:
    found = sections()
    missing = [
        " ".join(path)
        for path, _ in commands(build_parser())
        if path and section_for(path, found) is None
    ]
    assert missing == []


def test_every_option_and_choice_is_in_its_commands_section() -> None:
    found = sections()
    common = preamble(COMMON)
    missing = []
    for path, parser in commands(build_parser()):
        text = (section_for(path, found) or "") + common if path else common
        for action in parser._actions:
            for token in action.option_strings:
                if not mentioned(token, text):
                    missing.append(f"{' '.join(path) or 'boamps'} {token}")
            if action.option_strings and action.choices is not None:
                missing += [
                    f"{' '.join(path)} {action.option_strings[-1]} {choice}"
                    for choice in action.choices
                    if not mentioned(str(choice), text)
                ]
    assert missing == []


def test_the_option_check_finds_what_is_missing() -> None:
    parser = argparse.ArgumentParser(prog="boamps")
    sub = parser.add_subparsers().add_parser("validate")
    sub.add_subparsers().add_parser("deeper").add_argument("--not-in-the-readme")
    assert [path for path, _ in commands(parser)] == [(), ("validate",), ("validate", "deeper")]
    text = sections()["validate"]
    assert mentioned("--strict", text) and not mentioned("--not-in-the-readme", README)
    assert not mentioned("--strict", "--strictly") and not mentioned("-o", "--o")


# ---------------------------------------------------------------- Python snippets

SNIPPET = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SNIPPETS = [m.group(1) for m in SNIPPET.finditer(README)]


def test_the_readme_has_python_snippets() -> None:
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet-{i + 1}" for i in range(len(SNIPPETS))])
def test_every_python_snippet_runs(code: str, tmp_path: Path) -> None:
    """Each snippet runs alone, in an empty folder holding the example files it names, with
    this checkout's package and no network (live trackers in snippets are offline)."""
    for example in EXAMPLES.iterdir():
        if example.is_file() and re.search(rf'"{re.escape(example.name)}"', code):
            shutil.copy(example, tmp_path / example.name)
        if example.is_file() and re.search(rf'"examples/{re.escape(example.name)}"', code):
            (tmp_path / "examples").mkdir(exist_ok=True)
            shutil.copy(example, tmp_path / "examples" / example.name)
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{code}\n---\n{done.stderr[-3000:]}"


# ---------------------------------------------------------------- what the README shows


def test_validate_json_shows_the_keys_it_writes(tmp_path: Path) -> None:
    documented = re.search(r'`\{"file": .*?\}`', sections()["validate"])
    assert documented is not None
    problem_keys = re.search(r'"errors": \[\{(.*?)\}\]', documented.group(0))
    assert problem_keys is not None
    report = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    report["quality"] = "hihg"
    del report["task"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "--format", "json", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    [record] = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(p["path"], p["code"], p["hint"]) for p in record["errors"]] == [
        ("task", "required", None),
        ("quality", "enum", 'Did you mean "high"?'),
    ]
    for problem in record["errors"]:
        assert list(problem) == re.findall(r'"(\w+)"', problem_keys.group(1))


def test_the_pre_commit_hook_is_the_one_the_repository_exposes() -> None:
    section = sections()["In pre-commit"]
    [config] = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    [hook_id] = re.findall(r"- id: (\S+)", config)
    assert f"- id: {hook_id}\n" in hooks
    [rev] = re.findall(r"rev: (\S+)", config)
    # no release is tagged: a version-like rev would be a tag pre-commit cannot find
    assert not re.fullmatch(r"v?\d+(\.\d+)*", rev)


# ---------------------------------------------------------------- BibTeX of `statement`


def example_reports() -> list[dict[str, object]]:
    report = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    return [report]


def test_latex_statement_cites_plain_bibtex_entries() -> None:
    from pybtex.backends.plaintext import Backend
    from pybtex.database import parse_string
    from pybtex.style.formatting.plain import Style

    from boamps_carbon import __version__, statement

    text = statement(example_reports(), fmt="latex")
    cited = re.findall(r"\\cite\{(\w+)\}", text)
    entries = parse_string(text[text.index("\n@") :], "bibtex").entries
    assert sorted(cited) == sorted(entries) == ["boamps", "boampscarbon", "codecarbon"]
    for key, entry in entries.items():
        # @misc is in plain BibTeX's styles; @software is biblatex's only
        assert entry.type == "misc", key
        assert sorted(entry.fields) == ["howpublished", "note", "title", "year"], key
        assert len(entry.persons["author"]) == 1, key
    formatted = {
        item.key: item.text.render(Backend())
        for item in Style().format_bibliography(parse_string(text[text.index("\n@") :], "bibtex"))
    }
    assert formatted == {
        "codecarbon": "The CodeCarbon contributors. CodeCarbon: estimate and track the carbon "
        "emissions of computing. \\url https://github.com/mlco2/codecarbon, 2020. Python "
        "package \\texttt codecarbon.",
        "boamps": "Boavizta. BoAmps: a format to share the energy consumption of AI tasks. "
        "\\url https://github.com/Boavizta/BoAmps, 2025. Format version 1.1.",
        "boampscarbon": "boamps_carbon contributors. boamps_carbon: CodeCarbon measurements as "
        f"valid BoAmps reports. Python package \\texttt boamps-carbon, 2026. Version {__version__}.",
    }


def test_plain_bibtex_reads_the_entries(tmp_path: Path) -> None:
    """The real bibtex program with plain.bst, where TeX is installed."""
    if shutil.which("bibtex") is None or shutil.which("kpsewhich") is None:
        pytest.skip("bibtex is not installed (Debian packages texlive-binaries, texlive-base)")
    from boamps_carbon.render.statement import bibliography

    (tmp_path / "refs.bib").write_text(bibliography(), encoding="utf-8")
    (tmp_path / "paper.aux").write_text(
        "\\citation{codecarbon}\n\\citation{boamps}\n\\citation{boampscarbon}\n"
        "\\bibstyle{plain}\n\\bibdata{refs}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["bibtex", "paper"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, "Warning" in done.stdout) == (0, False), done.stdout
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem{") == 3
