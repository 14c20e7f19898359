"""The site on MkDocs' successors: ProperDocs builds the same site as MkDocs.

``scripts/compare_sites.py`` reads two built sites as a reader would (the
pages, each page's title, article text and links). ProperDocs installs
beside MkDocs (Material needs ``mkdocs``), so one environment builds with
both, and the two sites are compared page by page. MkDocs-NG replaces
``mkdocs`` itself: CI builds it in an environment of its own
(``.ci/run``, ``.github/workflows/ci.yml``) and compares with this script.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import compare_sites

_PAGE = """<!doctype html><html><head><title>{title}</title>
<meta name="generator" content="{generator}"><script>var x = "<article>";</script></head>
<body><nav><a href="/elsewhere/">nav</a></nav>
<article class="md-content__inner md-typeset"><h1>{title}</h1>
<p>{text} <a href="{link}">link</a></p><svg><path d="M0 0"/></svg></article>
<footer><a href="https://example.org/{generator}">Made with</a></footer></body></html>"""


def _site(root: Path, pages: dict[str, dict[str, str]], asset: str = "bundle.1.js") -> Path:
    defaults = {"title": "T", "text": "Some text", "link": "../a/", "generator": "mkdocs-1.6.1"}
    for name, fields in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_PAGE.format(**{**defaults, **fields}), encoding="utf-8")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / asset).write_text("//", encoding="utf-8")
    return root


def test_sites_differing_outside_the_article_read_the_same(tmp_path):
    first = _site(tmp_path / "a", {"index.html": {}, "en/index.html": {}})
    second = _site(tmp_path / "b", {"index.html": {"generator": "ProperDocs"}, "en/index.html": {}})
    assert compare_sites.compare(first, second) == []
    assert compare_sites.main([str(first), str(second)]) == 0


def test_every_difference_a_reader_sees_is_listed_with_its_page(tmp_path, capsys):
    first = _site(tmp_path / "a", {"index.html": {}, "x/index.html": {}, "gone/index.html": {}})
    (first / "assets" / "javascripts").mkdir()
    (first / "assets" / "javascripts" / "bundle.1234abcd.min.js").write_text("//")
    second = _site(
        tmp_path / "b",
        {"index.html": {"text": "Other text"}, "x/index.html": {"link": "../b/", "title": "U"}},
        asset="bundle.2.js",
    )
    differences = compare_sites.compare(first, second)
    assert f"only in {first}: gone/index.html" in differences
    assert f"only in {first}: assets/bundle.1.js" in differences
    assert f"only in {second}: assets/bundle.2.js" in differences
    # Another Material release's bundles: a note, not a difference.
    assert not any("bundle.1234abcd" in line for line in differences)
    assert compare_sites.bundles_apart(first, second) == [
        "assets/javascripts/bundle.1234abcd.min.js"
    ]
    assert "index.html: text differs: -Some text | +Other text" in differences
    assert "x/index.html: title 'T' ≠ 'U'" in differences
    assert any(d.startswith("x/index.html: links differs: -../a/ | +../b/") for d in differences)
    assert compare_sites.main([str(first), str(second)]) == 1
    assert capsys.readouterr().out.endswith("7 differences\n")


def test_a_folder_that_is_not_a_built_site_is_refused(tmp_path, capsys):
    site = _site(tmp_path / "a", {"index.html": {}})
    with pytest.raises(SystemExit) as stopped:
        compare_sites.main([str(site), str(tmp_path)])
    assert stopped.value.code == 2
    assert "no index.html, not a built site" in capsys.readouterr().err


def _build(engine: str, site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.build
def test_properdocs_builds_the_same_site_as_mkdocs(tmp_path):
    if importlib.util.find_spec("properdocs") is None:
        # The test extra installs it: under CI, its absence is a failure.
        message = "ProperDocs is not installed (pip install -e '.[test]' installs it)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    _build("mkdocs", tmp_path / "mkdocs")
    _build("properdocs", tmp_path / "properdocs")
    assert compare_sites.compare(tmp_path / "mkdocs", tmp_path / "properdocs") == []
    generator = '<meta name="generator" content="mkdocs-ProperDocs'
    for page in ("index.html", "en/index.html", "en/glossary/index.html"):
        assert generator in (tmp_path / "properdocs" / page).read_text(encoding="utf-8"), page
