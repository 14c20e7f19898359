"""Everything the project asks of mkdocs-static-i18n, and sets on its behalf.

i18n builds the site once per language, from one config object; it knows
which language is being built, and localizes the files it finds. The rest
of the project asks this module, never the plugin: which languages there
are, and which is being built; and this module gives the pages the hooks
generate what i18n gives its own (it cannot handle generated files), and
puts right what every language's build writes to the same place.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
from copy import deepcopy
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs_static_i18n import reconfigure

from kb import sitemap
from kb.sitepages import NOTES_FOLDER
from kb_mkdocs.workers import engine

ROOT_PAGES = ("404.html", "sitemap.xml")


def recognise_material_fork() -> None:
    """Let i18n configure each language's Material when Material is MkDocs-NG's fork.

    i18n 1.3 finds Material by the distribution name ``mkdocs-material``; on
    MkDocs-NG, the same ``material`` package is installed as
    ``mkdocs-ng-material``. Unrecognised, i18n warns (a stop under
    ``--strict``) and leaves every language with the default's palette,
    switcher and search language. Called before any ``on_config``: i18n reads
    the version in its own ``on_config``.
    """
    if reconfigure.MATERIAL_VERSION is None:
        # Neither distribution: i18n's own warning says so.
        with contextlib.suppress(metadata.PackageNotFoundError):
            reconfigure.MATERIAL_VERSION = metadata.version("mkdocs-ng-material")


@dataclass(frozen=True)
class Languages:
    current: str
    default: str
    all: tuple[str, ...]  # configured: notes may be written in these
    built: tuple[str, ...]  # the ones this build makes pages in

    @property
    def is_default(self) -> bool:
        return self.current == self.default

    @property
    def translations(self) -> tuple[str, ...]:
        """The languages notes are translated into, of those built."""
        return tuple(language for language in self.built if language != self.default)

    @property
    def prefix(self) -> str:
        """The folder of the current language's pages: ``""`` or ``en/``."""
        return "" if self.is_default else f"{self.current}/"


def languages(config: MkDocsConfig) -> Languages:
    """The languages, and the one being built.

    i18n builds the other languages from inside the default language's
    ``on_post_build`` and leaves ``current_language`` at the last one;
    while it is not ``building`` another language, the build is the
    default language's.
    """
    i18n = config.plugins["i18n"]
    current = i18n.current_language if i18n.building else i18n.default_language
    return Languages(
        current, i18n.default_language, tuple(i18n.all_languages), tuple(i18n.build_languages)
    )


def building_another_language(config: MkDocsConfig) -> bool:
    """Whether this is a later language's build (inside the first, or in a worker)."""
    return bool(config.plugins["i18n"].building)


def skip_other_languages(config: MkDocsConfig, skip: bool) -> None:
    """Whether i18n's ``on_post_build`` builds the other languages (it does unless
    they have been built by the workers): it skips while ``building``."""
    config.plugins["i18n"].building = skip


def build_only(config: MkDocsConfig, language: str) -> None:
    """The next build of ``config`` is of ``language`` alone, as i18n's own loop
    builds a later language (a worker's build, :mod:`~kb_mkdocs.language_builds`)."""
    i18n = config.plugins["i18n"]
    i18n.current_language = language
    i18n.building = True


def drop_notes(files: Files) -> None:
    """The notes are sources of pages, not pages: MkDocs' file list leaves them out.

    ``exclude_docs`` keeps them out of the built site, but excluded files stay
    in the file list, where i18n reads them as localized pages: a
    translation into the default language (``compression.zh.md`` beside the
    English ``compression.md``) is a "conflicting file" to it, and the build
    stops. The hooks read the notes from disk; ``mkdocs serve`` watches
    ``docs/`` whatever the file list holds.
    """
    for file in [file for file in files if file.src_uri.startswith(f"{NOTES_FOLDER}/")]:
        files.remove(file)


def localize(files: Files, config: MkDocsConfig, langs: Languages) -> None:
    """Each generated page as i18n makes its own: under the language's prefix,
    with its locale and its alternates in every language (for the language
    switcher and the sitemap's hreflang); then i18n's list of the language's
    pages, which the sitemap reads."""
    for file in files.documentation_pages():
        if file.generated_by is not None and not hasattr(file, "locale"):
            file.alternates = {}
            for language in langs.built:
                if language == langs.current:
                    alternate = file
                else:
                    alternate = File.generated(config, file.src_uri, content="")
                _set_locale(alternate, language, langs)
                file.alternates[language] = alternate
    config.plugins["i18n"].i18n_files_per_language[langs.current] = files.documentation_pages()


def _set_locale(file: File, language: str, langs: Languages) -> None:
    if language != langs.default:
        file.dest_uri = f"{language}/{file.dest_uri}"
    file.locale = language
    file.localization = None if language == langs.default else language
    file.locale_alternate_of = language
    file.norm_src_uri = file.src_uri


def _not_the_instant_navigation_warning(record: logging.LogRecord) -> bool:
    return "compatible with theme.features = navigation.instant" not in record.getMessage()


def allow_instant_navigation() -> None:
    """Silence i18n's one warning about Material's instant navigation, which
    fails a strict build: the language switcher would keep the first page's
    links. Here it does not: its links load whole pages
    (``overrides/partials/alternate.html``) and ``docs/assets/kb.js`` points
    them at each page an instant navigation shows (``tests/test_instant.py``).
    Before i18n's ``on_config``, which warns; adding the same function again
    (a later build in the same process) adds nothing."""
    # i18n's logger is named for the engine: mkdocs.* or, on ProperDocs, properdocs.*.
    logging.getLogger(f"{engine()}.plugins.mkdocs_static_i18n.reconfigure").addFilter(
        _not_the_instant_navigation_warning
    )


def page_alternates(context: dict[str, Any], config: MkDocsConfig) -> None:
    """Language links, page-level: in the switcher and in ``<head>``.

    Material's script reads ``sitemap.xml`` below every ``<link rel="alternate">``
    of a page (to switch to the counterpart page itself). Pointed at pages,
    as i18n leaves them, it asks for ``<page>/sitemap.xml``: a 404 and a
    console error on every page view (Material issue #6582). So Material
    writes none (:class:`_SwitcherOnly`), and
    ``overrides/main.html`` writes the page-level ``kb_hreflang`` with
    ``rel=" alternate"``, which Material's ``[rel=alternate]`` does not match.
    The switcher (``overrides/partials/alternate.html``) lists ``kb_alternates``,
    so it leads to the counterpart also without JavaScript.
    """
    if len(languages(config).built) < 2:
        return  # one language: no switcher
    context["kb_alternates"] = deepcopy(config.extra.alternate)
    # The same page in every language, fully qualified as hreflang links must
    # be; overrides/main.html writes them so that Material's script passes them by.
    context["kb_hreflang"] = [
        {"lang": alt["lang"], "href": urljoin(config.site_url or "", alt["link"].lstrip("/"))}
        for alt in config.extra.alternate
    ]
    config.extra.alternate = _SwitcherOnly()


class _SwitcherOnly(list):
    """What ``config.extra.alternate`` is while a page renders: true to
    Material's header, which shows the language switcher when it is (the
    switcher lists ``kb_alternates``), and empty to Material's ``<head>``
    loop, which would write its links where Material's script fetches
    sitemaps."""

    def __bool__(self) -> bool:
        return True


def _point_at_roots(config: MkDocsConfig) -> None:
    roots = deepcopy(config.plugins["i18n"].extra_alternate)
    for alternate in roots:
        # Fully qualified, as hreflang links must be.
        alternate["link"] = urljoin(config.site_url or "/", alternate["link"])
    # i18n sets the attribute (which Jinja reads first), not the item.
    config.extra.alternate = roots


def template_alternates(context: dict[str, Any], template_name: str, config: MkDocsConfig) -> None:
    """Each language's sitemap lists its own pages; :meth:`RootPages.merge` joins them.

    A language built by a worker knows only its own pages, so every
    language's build does the same.
    """
    langs = languages(config)
    if template_name == "404.html" and len(langs.built) > 1:
        _point_at_roots(config)  # as on every page
    if template_name == "sitemap.xml":
        context["i18n_alternates"] = {
            langs.current: config.plugins["i18n"].i18n_files_per_language.get(langs.current, [])
        }


class RootPages:
    """Every language gets its own ``404.html`` and ``sitemap.xml``.

    Every language's build renders them to the site root; a later language's
    would overwrite the default's (i18n issue #284). A later language's go
    under its prefix, and the default's are written again once every
    language is built.
    """

    def __init__(self) -> None:
        self._default: dict[str, str] = {}

    def rendered(self, output: str, template_name: str, config: MkDocsConfig) -> None:
        if template_name not in ROOT_PAGES:
            return
        langs = languages(config)
        if langs.is_default:
            self._default[template_name] = output
        else:
            localized = Path(config.site_dir) / langs.current / template_name
            localized.parent.mkdir(parents=True, exist_ok=True)
            localized.write_text(output, encoding="utf-8")

    def merge(self, config: MkDocsConfig, timestamp: int) -> None:
        """The default language's 404 page at the root; one sitemap of every
        page, compressed with ``timestamp`` as its time.

        Material's language switcher reads the sitemap below the current
        language's root, so each language's root gets the whole sitemap too.
        """
        langs = languages(config)
        if not langs.is_default or set(self._default) != set(ROOT_PAGES):
            return
        site = Path(config.site_dir)
        (site / "404.html").write_text(self._default["404.html"], encoding="utf-8")
        parts = [self._default["sitemap.xml"]]
        parts += [
            (site / language / "sitemap.xml").read_text(encoding="utf-8")
            for language in langs.translations
        ]
        merged = sitemap.merge(parts)
        for folder in ("", *langs.translations):
            (site / folder / "sitemap.xml").write_text(merged, encoding="utf-8")
        with gzip.GzipFile(site / "sitemap.xml.gz", mode="wb", mtime=timestamp) as compressed:
            compressed.write(merged.encode("utf-8"))
