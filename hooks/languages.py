"""mkdocs-static-i18n glue: generated pages localized the way i18n localizes files.

i18n builds the site once per language and rewrites each file it knows in
its ``on_files``; it cannot handle generated files (they have no source
path). Every generated page without a locale is given what i18n gives its
own pages: a destination under the language prefix, its locale, alternates
in every language (for the language switcher and the sitemap's hreflang).
"""

from __future__ import annotations

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
    for language in langs.all:
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
