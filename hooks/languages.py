"""mkdocs-static-i18n glue: generated pages localized the way i18n localizes files.

i18n builds the site once per language and rewrites each file it knows in
its ``on_files``; it cannot handle generated files (they have no source
path). Every generated page without a locale is given what i18n gives its
own pages: a destination under the language prefix, its locale, alternates
in every language (for the language switcher and the sitemap's hreflang).
"""

from __future__ import annotations

import gzip
from copy import deepcopy
from pathlib import Path
from urllib.parse import urljoin

from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

import glue
from kb import sitemap

ROOT_PAGES = ("404.html", "sitemap.xml")


# Last of all on_files: after content.py (-110) has added the generated pages.
@event_priority(-120)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    langs = glue.languages(config)
    for file in files.documentation_pages():
        if file.generated_by is not None and not hasattr(file, "locale"):
            _localize(file, langs, config)
    config.plugins["i18n"].i18n_files_per_language[langs.current] = files.documentation_pages()
    if langs.is_default:
        _root_pages.clear()
    return files


def _localize(file: File, langs: glue.Languages, config: MkDocsConfig) -> None:
    file.alternates = {}
    for language in langs.built:
        if language == langs.current:
            alternate = file
        else:
            alternate = File.generated(config, file.src_uri, content="")
        _set_locale(alternate, language, langs)
        file.alternates[language] = alternate


def _set_locale(file: File, language: str, langs: glue.Languages) -> None:
    if language != langs.default:
        file.dest_uri = f"{language}/{file.dest_uri}"
    file.locale = language
    file.localization = None if language == langs.default else language
    file.locale_alternate_of = language
    file.norm_src_uri = file.src_uri


# After mkdocs-static-i18n's on_page_context (50), which points the language
# links at this page's counterparts.
@event_priority(0)
def on_page_context(context, page, config: MkDocsConfig, nav):
    """Language links: page-level in the switcher, language roots in ``<head>``.

    Material's script reads ``sitemap.xml`` below every ``<link rel="alternate">``
    of a page (to switch to the counterpart page itself). Pointed at pages,
    as i18n leaves them, it asks for ``<page>/sitemap.xml``: a 404 and a
    console error on every page view (Material issue #6582). The head links
    go back to the language roots, whose sitemaps exist; the switcher
    (``overrides/partials/alternate.html``) keeps the page-level links, so it
    leads to the counterpart also without JavaScript.
    """
    if len(glue.languages(config).built) < 2:
        return context  # one language: no switcher
    context["kb_alternates"] = deepcopy(config.extra.alternate)
    _point_at_roots(config)
    return context


def _point_at_roots(config: MkDocsConfig) -> None:
    roots = deepcopy(config.plugins["i18n"].extra_alternate)
    for alternate in roots:
        # Fully qualified, as hreflang links must be.
        alternate["link"] = urljoin(config.site_url or "/", alternate["link"])
    # i18n sets the attribute (which Jinja reads first), not the item.
    config.extra.alternate = roots


# After mkdocs-static-i18n's on_template_context (50), which hands the
# sitemap every language's pages.
@event_priority(0)
def on_template_context(context, template_name: str, config: MkDocsConfig):
    """Each language's build lists its own pages; :func:`on_post_build` merges them.

    A language built in its own process (``parallel.py``) knows only its own
    pages, so every language's build does the same.
    """
    if template_name == "404.html" and len(glue.languages(config).built) > 1:
        _point_at_roots(config)  # as on every page
    if template_name == "sitemap.xml":
        current = glue.languages(config).current
        context["i18n_alternates"] = {
            current: config.plugins["i18n"].i18n_files_per_language.get(current, [])
        }
    return context


_root_pages: dict[str, str] = {}  # the default language's 404 page and sitemap


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Every language gets its own ``404.html`` and ``sitemap.xml``.

    Every language's build renders them to the site root; a later language's
    would overwrite the default's (i18n issue #284). A later language's go
    under its prefix, and the default's are written again once every
    language is built.
    """
    if template_name not in ROOT_PAGES:
        return output
    langs = glue.languages(config)
    if langs.is_default:
        _root_pages[template_name] = output
    else:
        localized = Path(config.site_dir) / langs.current / template_name
        localized.parent.mkdir(parents=True, exist_ok=True)
        localized.write_text(output, encoding="utf-8")
    return output


# After mkdocs-static-i18n's on_post_build (-100), from which every other
# language has been built (or, by parallel.py, awaited).
@event_priority(-110)
def on_post_build(config: MkDocsConfig) -> None:
    """The default language's 404 page at the root; one sitemap of every page.

    Material's language switcher reads the sitemap below the current
    language's root, so each language's root gets the whole sitemap too.
    """
    langs = glue.languages(config)
    if not langs.is_default or set(_root_pages) != set(ROOT_PAGES):
        return
    site = Path(config.site_dir)
    (site / "404.html").write_text(_root_pages["404.html"], encoding="utf-8")
    parts = [_root_pages["sitemap.xml"]]
    parts += [
        (site / language / "sitemap.xml").read_text(encoding="utf-8")
        for language in langs.translations
    ]
    merged = sitemap.merge(parts)
    for folder in ("", *langs.translations):
        (site / folder / "sitemap.xml").write_text(merged, encoding="utf-8")
    with gzip.GzipFile(
        site / "sitemap.xml.gz", mode="wb", mtime=utils.get_build_timestamp()
    ) as compressed:
        compressed.write(merged.encode("utf-8"))
    _root_pages.clear()
