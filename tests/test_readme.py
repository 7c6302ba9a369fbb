"""The README's examples run as written: every command line of its ```sh blocks (but `make …`, which
sets up and builds) and its Python example, each in a fresh `bash -c` with the venv's bin/ first on
PATH, as a reader has after `make run` and `. .venv/bin/activate`.

They run in a temporary folder so that files an example writes (`--out governance.graphml`) do not
land in the checkout; the project is still the checkout (the default project of a checkout's package,
whatever the current folder) and its store cache, which the session's `store` fixture has built.
The commands run four at a time: each is a process start plus a query or two.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from graph.project import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    """The text of every ```lang block of the README.

    >>> len(blocks("sh")) >= 2
    True
    """
    return re.findall(rf"^```{lang}\n(.*?)^```", README, flags=re.S | re.M)


def sh_commands() -> list[str]:
    """Every command line of the ```sh blocks, `make …` lines left out."""
    lines = [line.strip() for block in blocks("sh") for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "make "))]


COMMANDS = sh_commands()
PYTHON = blocks("python")


@pytest.fixture(scope="module")
def results(store, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Every example (shell line or Python block) → its finished process."""
    cwd = tmp_path_factory.mktemp("readme")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NARAVARD_ROOT", None)
    examples = {line: ["bash", "-c", line] for line in COMMANDS}
    examples |= {code: ["bash", "-c", 'python -c "$0"', code] for code in PYTHON}

    def run(cmd):
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(examples, pool.map(run, examples.values()), strict=True))


def test_readme_has_examples():
    assert len(COMMANDS) >= 8 and any(c.startswith("naravard query region-forums --param region=") for c in COMMANDS)
    assert PYTHON and "graph.query(" in PYTHON[0]


@pytest.mark.parametrize(
    "example", COMMANDS + PYTHON, ids=[c.split("\n")[1][:40] if "\n" in c else c[:60] for c in COMMANDS + PYTHON]
)
def test_example_runs(results, example):
    r = results[example]
    assert r.returncode == 0, f"{example}\nexit {r.returncode}\n{r.stderr[-2000:]}"
    assert (r.stdout + r.stderr).strip(), f"{example}: no output"


def test_every_image_the_readme_shows_is_committed_for_every_page_kind():
    """The screenshots (make screenshots) exist, a desktop and a phone one for each page kind shown."""
    images = re.findall(r'<img src="(docs/[^"]+\.png)"', README)
    kinds = {Path(i).stem.rsplit("-", 1)[0] for i in images}
    assert len(kinds) >= 8 and all((REPO_ROOT / i).is_file() for i in images)
    assert {f"docs/screenshots/{k}-{size}.png" for k in kinds for size in ("desktop", "phone")} == set(images)
