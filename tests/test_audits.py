"""Real-browser audits: accessibility (axe-core), phones, console and network hygiene."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PAGE_TYPES = {
    "home": "",
    "digest": "2023-11-12/",
    "topic": "2023-11-12/discussion/",
    "glossary": "glossary/",
    "papers": "papers/",
    "tags": "tags/",
    "timeline": "timeline/",
    "translations": "translations/",
    "questions": "questions/",
    "graph": "graph/",
    "404": "404.html",
}
EVERY_PAGE = [
    (f"{prefix}{kind}", prefix + path)
    for prefix in ("", "en/")
    for kind, path in PAGE_TYPES.items()
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "path"), EVERY_PAGE, ids=[name for name, _ in EVERY_PAGE])
def test_no_serious_accessibility_violations(browser, server, name, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    context.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.parametrize(("name", "path"), EVERY_PAGE, ids=[name for name, _ in EVERY_PAGE])
def test_every_page_is_clean_in_the_console_and_on_the_network(page, server, name, path):
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert page.console_errors == []
    assert page.foreign_requests == []


MOBILE = [
    ("topic", "2023-11-12/quick-questions/"),
    ("papers", "papers/"),
    ("glossary", "glossary/"),
    ("en-topic", "en/2023-11-12/knowledge-updates/"),
    ("home", ""),
    ("en-papers", "en/papers/"),
    ("graph", "graph/"),
]


@pytest.mark.parametrize(("name", "path"), MOBILE, ids=[name for name, _ in MOBILE])
def test_no_horizontal_scrolling_on_a_phone(browser, server, name, path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('article *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('pre, .highlight, table, .md-typeset__scrollwrap, svg'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"), full_page=False)
    context.close()
    assert width <= viewport, overflowing
    assert overflowing == []
