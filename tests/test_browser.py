"""The built site in Debian's Chromium, driven by Playwright, served on 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "2023-11-12/",
    "2023-11-12/discussion/",
    "en/",
    "en/2023-11-12/",
    "en/2023-11-12/discussion/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_without_errors_or_foreign_requests(page, server, path):
    response = page.goto(server + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1").first.is_visible()
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_topic_page_shows_turns_and_question_anchors(page, server):
    page.goto(server + "2023-11-12/wider-not-deeper/")
    speakers = page.locator(".kb-turn .kb-speaker")
    assert speakers.count() == 3
    assert speakers.first.inner_text() == "研究员 1"
    page.goto(server + "2023-11-12/quick-questions/#q3")
    assert page.locator("#q3").is_visible()
    assert page.locator("#q3").bounding_box()["y"] < 300


@pytest.mark.parametrize(
    ("start", "language", "expected"),
    [
        ("2023-11-12/discussion/", "en", "en/2023-11-12/discussion/"),
        ("en/2023-11-12/discussion/", "zh", "2023-11-12/discussion/"),
    ],
)
def test_language_switcher_leads_to_the_counterpart(page, server, start, language, expected):
    page.goto(server + start)
    page.locator(".md-header .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{language}"]').click()
    page.wait_for_url(server + expected)
    assert page.locator("html").get_attribute("lang") == language
    assert page.console_errors == []


def test_the_language_switcher_keeps_the_readers_place(page, server):
    """Issue "A site that reads well on a phone": switching lost #q1."""
    page.goto(server + "2023-11-12/knowledge-updates/#q1")
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    page.wait_for_url(server + "en/2023-11-12/knowledge-updates/#q1")
    assert page.locator("#q1").is_visible()
    assert page.console_errors == []


def test_language_switcher_on_the_tag_index(page, server):
    page.goto(server + "en/tags/")
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="zh"]').click()
    page.wait_for_url(server + "tags/")
    assert "检索增强" in page.locator("article").inner_text()


@pytest.mark.parametrize(
    ("path", "term", "definition"),
    [
        ("2023-11-12/knowledge-updates/", "memory-replay", "旧"),
        ("en/2023-11-12/knowledge-updates/", "memory-replay", "old"),
    ],
)
def test_hovering_a_term_shows_its_definition(page, server, path, term, definition):
    page.goto(server + path)
    link = page.locator(f'a.kb-term[href$="#{term}"]').first
    link.scroll_into_view_if_needed()
    link.hover()
    tooltip = page.locator(".md-tooltip2--active, .md-tooltip--active").first
    tooltip.wait_for(state="visible")
    assert definition in tooltip.inner_text()
    link.click()
    page.wait_for_url(f"**/glossary/#{term}")
    # Instant navigation changes the address first and shows the page after.
    page.locator(f"#{term}").wait_for(state="visible")


def test_language_switcher_on_the_glossary(page, server):
    page.goto(server + "glossary/")
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    page.wait_for_url(server + "en/glossary/")
    assert "Glossary" in page.locator("article h1").inner_text()


def test_a_reader_clicks_through_the_site_under_its_sub_path(page, server):
    page.goto(server)
    page.locator("article a", has_text="如何实现知识更新").first.click()
    page.wait_for_url(server + "2023-11-12/knowledge-updates/")
    field = page.locator("input.md-search__input")
    field.click()
    page.keyboard.type("memory replay", delay=10)
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_url(f"{server}**")
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    page.wait_for_url(f"{server}en/**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.console_errors == [] and page.foreign_requests == []


def test_on_a_touch_screen_a_tap_shows_the_definition_in_place(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(server + "2023-11-12/knowledge-updates/")
    term = page.locator('a.kb-term[href$="#memory-replay"]').first
    term.scroll_into_view_if_needed()
    term.tap()
    box = page.locator(".kb-definition")
    box.wait_for(state="visible")
    assert "旧" in box.inner_text() and "术语表" in box.inner_text()
    assert page.url == server + "2023-11-12/knowledge-updates/"
    term.tap()  # a second tap follows the link
    page.wait_for_url("**/glossary/#memory-replay")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_definition_tooltip_is_legible_with_a_visible_edge(browser, server, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(server + "en/2023-11-12/knowledge-updates/")
    term = page.locator('a.kb-term[href$="#memory-replay"]').first
    term.scroll_into_view_if_needed()
    term.hover()
    tooltip = page.locator(".md-tooltip2--active .md-tooltip2__inner").first
    tooltip.wait_for(state="visible")
    style = tooltip.evaluate(
        "e => { const s = getComputedStyle(e); return [s.fontSize, s.fontWeight,"
        " s.borderTopColor, s.borderTopWidth, s.backgroundColor] }"
    )
    size, weight, edge, width, background = style
    assert float(size.removesuffix("px")) >= 13 and int(weight) < 600, style
    assert float(width.removesuffix("px")) >= 1 and edge != background, style
    context.close()


def test_a_question_heading_is_compact_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "2023-11-12/quick-questions/")
    heading = page.locator("h2:has(> .kb-label)").first
    size = heading.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    body = page.locator("article p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size <= body * 1.25, (size, body)
    context.close()


def test_the_glossary_filter_keeps_the_terms_a_reader_types(page, server):
    page.goto(server + "en/glossary/")
    field = page.locator("input.kb-filter")
    assert field.is_visible()
    field.fill("bert")
    visible = page.locator(".kb-entry:visible")
    names = [
        " ".join(visible.nth(i).locator("h3, .kb-aliases").all_inner_texts())
        for i in range(visible.count())
    ]
    assert names and all("bert" in name.lower() for name in names), names
    assert any(name.startswith("BERT (bidirectional") for name in names)
    assert page.locator(".kb-index").is_hidden()
    field.fill("no such term at all")
    assert page.locator(".kb-entry:visible").count() == 0
    assert page.locator(".kb-no-match").is_visible()
    field.fill("")
    assert page.locator(".kb-entry:visible").count() > 100
