"""Instant navigation (Material's navigation.instant) through the built site,
in Debian's Chromium: pages of a language load without a full reload, and
what the first page set up (the policy, search, tooltips, the switcher)
serves every page after it."""

from __future__ import annotations

import pytest

from conftest import search

pytestmark = pytest.mark.browser

# Every policy violation reaches the console, where the page fixture records errors.
REPORT_VIOLATIONS = """
addEventListener("securitypolicyviolation", (event) =>
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
"""
TOOLTIP = ".md-tooltip2--active"


def start(page, url: str) -> None:
    """Open ``url`` with a full load and mark the window: a full reload loses the mark."""
    page.add_init_script(REPORT_VIOLATIONS)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__marker = 'first load'")


def follow(page, link) -> str:
    """Click ``link``; its page once shown (its canonical link in <head>), without a reload."""
    href = link.evaluate("a => a.href.split('#')[0]")
    link.click()
    page.wait_for_function(
        "href => document.querySelector('link[rel=canonical]')?.href === href", arg=href
    )
    assert not reloaded(page), href
    return href


def reloaded(page) -> bool:
    return page.evaluate("window.__marker") != "first load"


def shows_preview(page, link) -> str:
    """Hover ``link``: the text of the preview Material shows of its page."""
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator(f"{TOOLTIP} article, {TOOLTIP} .md-typeset").first
    preview.wait_for(state="visible")
    text = preview.inner_text()
    page.mouse.move(0, 0)
    page.locator(TOOLTIP).first.wait_for(state="detached")
    return text


def switcher_link(page, language: str) -> str:
    return page.locator(f'.md-select__link[hreflang="{language}"]').evaluate("a => a.href")


def test_a_reader_clicks_through_a_language_without_a_reload(page, server):
    start(page, server)
    follow(page, page.locator("article a", has_text="如何实现知识更新").first)

    # A glossary term's definition, on a page the first did not show.
    term = page.locator('a.kb-term[href$="#memory-replay"]').first
    term.scroll_into_view_if_needed()
    term.hover()
    page.locator(TOOLTIP).first.wait_for(state="visible")
    assert "旧" in page.locator(TOOLTIP).first.inner_text()
    page.mouse.move(0, 0)

    # A related topic: previewed on hover, then followed.
    related = page.locator("h2#related + ul a[data-preview]").first
    title = related.inner_text()
    assert title in shows_preview(page, related)
    follow(page, related)
    assert page.locator("article h1").inner_text().startswith(title)
    assert switcher_link(page, "en") == page.url.replace(server, server + "en/")

    # The glossary: its filter set up, its "discussed in" topics previewed.
    follow(page, page.locator('.md-tabs__link[href$="/glossary/"]'))
    field = page.locator("input.kb-filter")
    assert field.is_visible()
    discussed = page.locator(".kb-discussed a[data-preview]").first
    assert discussed.inner_text() in shows_preview(page, discussed)

    # The graph: drawn, and each topic of its list previewed.
    follow(page, page.locator('.md-tabs__link[href$="/graph/"]'))
    drawing = page.locator("article svg a")
    assert drawing.count() > 10 and drawing.first.is_visible()
    listed = page.locator("h2#as-list + ul a[data-preview]").first
    assert listed.inner_text() in shows_preview(page, listed)

    results, _ = search(page, "memory replay")
    assert results
    page.keyboard.press("Escape")

    # The switcher leads to this very page in English, with a full load.
    assert switcher_link(page, "en") == server + "en/graph/"
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    page.wait_for_url(server + "en/graph/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert reloaded(page)
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_switcher_follows_instant_navigation_back_and_forth(page, server):
    start(page, server + "en/2023-11-12/knowledge-updates/")
    follow(page, page.locator('h2#related + ul a[href$="/wider-not-deeper/"]'))
    assert switcher_link(page, "zh") == server + "2023-11-12/wider-not-deeper/"
    page.go_back()
    page.wait_for_function(
        "href => document.querySelector('link[rel=canonical]')?.href === href",
        arg=server + "en/2023-11-12/knowledge-updates/",
    )
    assert not reloaded(page)
    assert switcher_link(page, "zh") == server + "2023-11-12/knowledge-updates/"
    # The reader's place goes along (#q1), as on a page loaded in full.
    follow(page, page.locator("#q1 a.headerlink"))
    page.locator(".md-header .md-select").hover()
    page.locator('.md-select__link[hreflang="zh"]').click()
    page.wait_for_url(server + "2023-11-12/knowledge-updates/#q1")
    assert page.locator("#q1").is_visible()
    assert page.console_errors == [] and page.foreign_requests == []
