"""Hook: the notes are sources of pages, not pages; MkDocs' file list leaves them out.

``exclude_docs`` keeps them out of the built site, but excluded files stay in
the file list, where mkdocs-static-i18n reads them as localized pages: a
translation into the default language (``compression.zh.md`` beside the
English ``compression.md``) is a "conflicting file" to it, and the build stops.
The hooks read the notes from disk (``kb.archive``); ``mkdocs serve`` watches
``docs/`` whatever the file list holds.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

import glue


# Before mkdocs-static-i18n's on_files (-100), which would read them.
@event_priority(-90)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    notes = f"{glue.NOTES_FOLDER}/"
    for file in [file for file in files if file.src_uri.startswith(notes)]:
        files.remove(file)
    return files
