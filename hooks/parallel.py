"""The other languages are built in their own processes, beside the default one.

mkdocs-static-i18n builds the default language, then, from its
``on_post_build``, the whole site again for each other language, one after
another: two languages took twice as long as one. Here, as soon as the
default language's build has read the notes, each other language's build is
forked off; it writes nothing before the default build has cleaned the
site folder. The child shares what the parent has already done (the notes
read and checked, the search indexing process started) and builds its
language into the same site folder; where i18n would build that language,
the parent waits for the child and replays its log. The pages every
language writes to the site root (404 page, sitemap, search index) are put
right afterwards, in the default language's ``on_post_build``
(``languages.py``, ``search.py``).

Everything runs in one process, languages one after another, where ``fork``
is missing (Windows), on one CPU, or with ``KB_PARALLEL=0``.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.synchronize
import os
from dataclasses import dataclass
from logging.handlers import QueueHandler
from multiprocessing.connection import Connection

import mkdocs_static_i18n.plugin
from jinja2 import Environment
from mkdocs import utils
from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

import glue

# i18n hides these for the languages it builds itself: one build, one summary.
_QUIET = ("Documentation built in", "Building documentation to directory")
_DONE = "done"


@dataclass
class _Child:
    language: str
    process: multiprocessing.process.BaseProcess
    log: Connection

    def finish(self) -> str | None:
        """Replay the child's log here, wait for it; what went wrong, if anything."""
        failure: str | None = f"the '{self.language}' build stopped without a word"
        try:
            while True:
                message = self.log.recv()
                if isinstance(message, logging.LogRecord):
                    logging.getLogger(message.name).handle(message)
                    continue
                failure = None if message == _DONE else message
                break
        except EOFError:
            pass
        self.log.close()
        self.process.join()
        if failure is None and self.process.exitcode != 0:
            failure = f"the '{self.language}' build exited with {self.process.exitcode}"
        return failure


_children: dict[str, _Child] = {}


# The site folder is cleaned between on_pre_build and on_files; a child must
# not write into it before. Set in the default language's on_files.
_site_cleaned: multiprocessing.synchronize.Event | None = None
_default_build = os.getpid()  # the process that forks the others


# After every other on_config (-110 at the lowest): the notes have been read
# and the search indexing process started, which the children share.
@event_priority(-120)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site_cleaned, _default_build
    langs = glue.languages(config)
    if not langs.is_default:
        return config
    # What exists now (the notes read, the config, every module) lives until
    # the build ends: the garbage collector need not walk it again and again,
    # and forked children keep sharing its memory (CPython's advice for fork).
    gc.freeze()
    stop_children()
    _site_cleaned = None
    if not glue.parallel_enabled():
        return config
    context = multiprocessing.get_context("fork")
    _site_cleaned, _default_build = context.Event(), os.getpid()
    for language in langs.translations:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_build_language,
            args=(config, language, sender),
            name=f"mkdocs-{language}",
            daemon=True,
        )
        process.start()
        sender.close()
        _children[language] = _Child(language, process, receiver)
    return config


# First of all on_files: the default language's build has just cleaned the site folder.
@event_priority(200)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    if glue.languages(config).is_default and _site_cleaned is not None:
        _site_cleaned.set()
    return files


# First of all on_env: a child has rendered its pages' Markdown and is about
# to write its first file.
@event_priority(200)
def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    if not glue.languages(config).is_default and _site_cleaned is not None:
        while not _site_cleaned.wait(timeout=1):
            if os.getppid() != _default_build:
                raise Abort("the build that started this one has stopped")
    return env


def _await_or_build(config: MkDocsConfig, dirty: bool = False, **options) -> None:
    """i18n's build of one more language: the child's, when one was forked."""
    child = _children.pop(config.plugins["i18n"].current_language, None)
    if child is None:
        _serial_build(config, dirty=dirty, **options)
        return
    failure = child.finish()
    if failure is not None:
        raise Abort(failure)


# i18n has no event between its languages; its loop calls build() by name.
# MkDocs runs this module again whenever it loads the config: keep the
# original build, not the previous run's replacement.
_serial_build = getattr(mkdocs_static_i18n.plugin, "kb_serial_build", build)
mkdocs_static_i18n.plugin.kb_serial_build = _serial_build
mkdocs_static_i18n.plugin.build = _await_or_build


# Last of all on_post_build: the build, every language included, is over.
@event_priority(-1000)
def on_post_build(config: MkDocsConfig) -> None:
    if glue.languages(config).is_default:
        gc.unfreeze()  # under mkdocs serve, this build's objects may go now


def on_build_error(error: Exception) -> None:
    stop_children()
    gc.unfreeze()


def stop_children() -> None:
    """Children of a build that failed (or of an earlier one) must not write on."""
    for child in _children.values():
        child.process.terminate()
        child.process.join()
        child.log.close()
    _children.clear()


def _build_language(config: MkDocsConfig, language: str, log: Connection) -> None:
    """In the child: build ``language`` the way i18n's loop would, and report."""
    glue.die_with(_default_build)
    i18n = config.plugins["i18n"]
    i18n.building = True
    i18n.current_language = language
    # The site folder is the parent's, cleaned already and being written.
    utils.clean_directory = lambda directory: None
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):
        mkdocs_log.removeHandler(handler)
    mkdocs_log.addHandler(_Forward(log))
    outcome = _DONE
    try:
        build(config, dirty=False)
    except Abort as error:
        outcome = str(error.message)
    except Exception as error:
        logging.getLogger("mkdocs.plugins.kb").exception("building '%s' failed", language)
        outcome = f"building '{language}' failed: {error}"
    log.send(outcome)
    log.close()


class _Forward(QueueHandler):
    """Sends each log record to the parent, formatted (records must pickle)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(queue=None)  # type: ignore[arg-type]
        self.connection = connection

    def enqueue(self, record: logging.LogRecord) -> None:
        if not record.getMessage().startswith(_QUIET):
            self.connection.send(record)
