"""mkdocs-static-i18n glue: generated pages localized the way i18n localizes files.

i18n builds the site once per language and rewrites each file it knows in
its ``on_files``; it cannot handle generated files (they have no source
path). Every generated page without a locale is given what i18n gives its
own pages: a destination under the language prefix, its locale, alternates
in every language (for the language switcher and the sitemap's hreflang).
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

import glue


# Last of all on_files: after content.py (-110) has added the generated pages.
@event_priority(-120)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    langs = glue.languages(config)
    for file in files.documentation_pages():
        if file.generated_by is not None and not hasattr(file, "locale"):
            _localize(file, langs, config)
    config.plugins["i18n"].i18n_files_per_language[langs.current] = files.documentation_pages()
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
    roots = deepcopy(config.plugins["i18n"].extra_alternate)
    for alternate in roots:
        # Fully qualified, as hreflang links must be.
        alternate["link"] = urljoin(config.site_url or "/", alternate["link"])
    # i18n sets the attribute (which Jinja reads first), not the item.
    config.extra.alternate = roots
    return context


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Give every language its own ``404.html`` and ``sitemap.xml``.

    Every language's build renders these to the site root. The builds after
    the default one would overwrite the default's 404 page (i18n issue #284),
    so theirs goes under the language prefix and the root keeps the page the
    default build wrote first. Material's language switcher reads
    ``sitemap.xml`` below the current language's root; the sitemap of the
    last build lists the pages of every language, so it serves every prefix.
    """
    langs = glue.languages(config)
    if langs.is_default or template_name not in ("404.html", "sitemap.xml"):
        return output
    site = Path(config.site_dir)
    localized = site / langs.current / template_name
    localized.parent.mkdir(parents=True, exist_ok=True)
    localized.write_text(output, encoding="utf-8")
    root_page = site / template_name
    if template_name == "404.html" and root_page.exists():
        return root_page.read_text(encoding="utf-8")
    return output
