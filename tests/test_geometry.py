"""What a reader sees of the drawings and the glossary, measured from the page's geometry.

Chromium renders a topic page, the archive's graph and the glossary at 390
and 1280 px, light and dark, for the first digest alone and with the corpus
notes (``KB_CORPUS``). The checks read bounding boxes: no two names of a
drawing overlap, none runs off its frame, a phone's finger finds every node
(24 px at least), and no page is wider than the screen. Screenshots go to
``test-artifacts/geometry/`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "geometry"
PAGES = ["2023-11-12/length-extrapolation/", "graph/", "glossary/", "en/graph/"]
CORPUS_PAGES = ["2023-12-10/tao-lun-za-tan/", "graph/", "en/2023-12-10/mo-xing-wai-tui/"]

MEASURE = """() => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height, text: e.textContent};
  };
  return [...document.querySelectorAll("svg.kb-graph")].map((svg) => ({
    frame: box(svg),
    texts: [...svg.querySelectorAll("text")].map(box),
    targets: [...svg.querySelectorAll("a")].map(box),
  }));
}"""


def _overlap(a: dict, b: dict) -> float:
    width = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    height = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(0.0, width) * max(0.0, height)


def _check(page, url: str, width: int, scheme: str, name: str) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-{scheme}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} is {overflow} px wider than the {width} px screen"
    for drawing in page.evaluate(MEASURE):
        frame, texts = drawing["frame"], drawing["texts"]
        assert texts, f"{url}: a drawing without names"
        for text in texts:
            inside = (
                text["x"] >= frame["x"] - 0.5
                and text["y"] >= frame["y"] - 0.5
                and text["x"] + text["w"] <= frame["x"] + frame["w"] + 0.5
                and text["y"] + text["h"] <= frame["y"] + frame["h"] + 0.5
            )
            assert inside, f"{url}: '{text['text']}' runs off the drawing at {width} px"
            assert text["h"] >= 11, f"{url}: '{text['text']}' is {text['h']:.1f} px tall"
        for index, first in enumerate(texts):
            for second in texts[index + 1 :]:
                assert _overlap(first, second) < 1, (
                    f"{url}: '{first['text']}' and '{second['text']}' overlap at {width} px"
                )
        if width < 500:
            small = [t for t in drawing["targets"] if t["h"] < 24 or t["w"] < 24]
            assert not small, f"{url}: targets under 24 px on a phone: {small[:3]}"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_the_seeds_drawings_and_glossary_are_legible(browser, server, path, width, scheme):
    page = browser.new_page()
    _check(page, server + path, width, scheme, "seed-" + path.strip("/").replace("/", "-"))
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", CORPUS_PAGES)
def test_the_corpus_drawings_are_legible(browser, corpus_server, path, width, scheme):
    url, built = corpus_server
    if len(built) == 1:
        pytest.skip("KB_CORPUS is not set: the corpus pages need the folder of real notes")
    page = browser.new_page()
    _check(page, url + path, width, scheme, "corpus-" + path.strip("/").replace("/", "-"))
    page.close()


def test_print_leaves_the_drawing_out(browser, server):
    page = browser.new_page()
    page.goto(server + "graph/")
    page.emulate_media(media="print")
    assert page.locator("svg.kb-graph").is_hidden()
    assert page.locator("#as-list").is_visible()
    page.close()


def test_the_not_translated_notice_is_not_squeezed_on_a_phone(browser, corpus_server):
    url, built = corpus_server
    if len(built) == 1:
        pytest.skip("KB_CORPUS is not set: untranslated pages are the corpus's")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "en/2023-12-10/tao-lun-za-tan/")
    notice = page.locator(".kb-notice > .admonition").first.bounding_box()
    article = page.locator("article").first.bounding_box()
    assert notice["width"] >= 0.9 * article["width"], (notice, article)
    page.close()
