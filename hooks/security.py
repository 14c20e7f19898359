"""Every page carries its Content Security Policy (see kb/csp.py)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from kb import csp


def _secured(output: str, name: str) -> str:
    try:
        return csp.apply(output)
    except csp.MissingMarkerError as error:
        raise PluginError(
            f"hooks/security.py: {name}: {error}; is overrides/main.html used?"
        ) from error


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _secured(output, page.file.src_uri)


# Before languages.py (0) moves a later language's 404 page under its prefix.
@event_priority(10)
def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    return _secured(output, template_name) if template_name.endswith(".html") else output
