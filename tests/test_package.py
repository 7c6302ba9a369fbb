"""The package as a user installs it: `pip install .` (not editable) into a fresh virtual environment.

How the test stays fast and offline: the new venv is made `--without-pip`, and a `.pth` file in its
site-packages appends this test venv's site-packages to `sys.path`, so the dependencies (rdflib,
pyoxigraph, …, and pip and setuptools themselves) are the ones already installed here. A directory
added by a `.pth` line is not a site directory, so the `.pth` files inside it, among them this venv's
editable finder for the checkout, are not processed: `graph` can only come from the new venv. Our
package is then installed with `pip install --no-deps --no-build-isolation` from a copy of the source
(so the build leaves nothing in the checkout), and used from a folder outside the checkout with no
$NARAVARD_ROOT: everything it reads must come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from graph.project import REPO_ROOT

NOT_SOURCE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "output",
    ".output.*",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    "test-artifacts",
    "tests",
)


def run(cmd: list[str], cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `cmd` and fail the test with its output if it fails."""
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} exited {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder, environment, site-packages) of a fresh venv with the package installed from a source copy."""
    tmp = tmp_path_factory.mktemp("package")
    src = tmp / "src"
    shutil.copytree(REPO_ROOT, src, ignore=NOT_SOURCE)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / "bin"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(
        subprocess.run(
            [str(bin_dir / "python"), "-c", purelib], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NARAVARD_ROOT", "NARAVARD_OUTPUT", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--ignore-installed",
            "--disable-pip-version-check",
            str(src),
        ],
        cwd=tmp,
        env=env,
    )
    return bin_dir, env, site


def test_installed_package_is_the_wheel_with_everything(installed, tmp_path):
    bin_dir, env, site = installed
    code = (
        "import graph, graph.gaps, graph.server, graph.viz; from graph.project import Project; "
        "p = Project.default(); print(graph.__file__, p.root, p.read_only, len(p.data_files()), sep='\\n')"
    )
    out = run([str(bin_dir / "python"), "-c", code], cwd=tmp_path, env=env).stdout.splitlines()
    assert Path(out[0]).is_relative_to(site), out[0]  # not the checkout's graph
    assert Path(out[1]) == site / "graph" / "_project" and out[2] == "True" and int(out[3]) >= 25
    bundled = site / "graph" / "_project"
    for path in (
        "ontology/naravard.ttl",
        "ontology/shapes.ttl",
        "ontology/imports/org.ttl",
        "queries/region-forums.rq",
        "queries/rules/partial-municipal-representation.rq",
        "queries/derive/10-principal.rq",
        "queries/gaps/audit-pairs.rq",
        "data/national.ttl",
        "data/sources/sources.ttl",
        "data/reference/municipalities.ttl",
        "data/reference/regions-map.json",
        "data/regions/dalarna.ttl",
    ):
        assert (bundled / path).is_file(), path
    assert list((bundled / "data" / "sources").glob("*.txt"))
    static = ("query.js", "network.js", "unpack.js", "clusters.js", "map.js", "naravard.css")
    for path in (*(f"static/{f}" for f in static), "viz/base.html", "viz/map.html", "viz/style.toml"):
        assert (site / "graph" / path).is_file(), path


def test_build_and_query_from_anywhere(installed, tmp_path):
    """`naravard build --out DIR` and a library query, run from a folder outside the checkout; then one
    region's page drawn by the installed package (its template and assets). Nothing is written into
    site-packages.

    The build is `--no-pages`: the full build (gap analysis and 1,238 pages) took 90 s on this 2-core
    machine, against about 35 s for the whole test. The full build runs in the `small_project` fixture
    (tests/conftest.py); here the page code is checked on one region with the wheel's own files."""
    bin_dir, env, site = installed
    before = sorted(p for p in site.rglob("*") if "__pycache__" not in p.parts)
    out = tmp_path / "output"  # the bundled project's default output, so the query below reuses the store
    r = run([str(bin_dir / "naravard"), "build", "--no-pages", "--out", str(out)], cwd=tmp_path, env=env)
    assert (out / "graph.ttl").is_file() and out.is_symlink()
    assert "validating" in r.stderr and "loading the store" in r.stderr  # progress lines
    r = run([str(bin_dir / "naravard"), "query", "region-forums", "--param", "region=dalarna"], cwd=tmp_path, env=env)
    assert "Välfärdsrådet" in r.stdout and "rows)" in r.stdout
    page = (
        "from pathlib import Path; from graph.project import Project; from graph.load import load_store; "
        "from graph.viz.site import write_site; p = Project.default(); "
        "write_site(p, load_store(p), out=Path('pages'), regions=['nvr:dalarna'], actors=[])"
    )
    run([str(bin_dir / "python"), "-c", page], cwd=tmp_path, env=env)
    assert "Välfärdsrådet" in (tmp_path / "pages" / "regions" / "dalarna.html").read_text(encoding="utf-8")
    assert (tmp_path / "pages" / "assets" / "naravard.css").is_file()
    assert sorted(p for p in site.rglob("*") if "__pycache__" not in p.parts) == before


def test_format_refuses_the_installed_copy(installed, tmp_path):
    bin_dir, env, _ = installed
    r = subprocess.run([str(bin_dir / "naravard"), "format"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("Error: ") and "read-only" in r.stderr
    assert "Traceback" not in r.stderr
