"""The project's one MkDocs hook: each event goes to one ``KnowledgeBase``.

What the events do, and in which order, is in ``kb_mkdocs/plugin.py``; the
object keeps one build's state, made anew by each build's ``on_config``.
"""

from kb_mkdocs.plugin import KnowledgeBase

_knowledge_base = KnowledgeBase()

on_config = _knowledge_base.on_config
on_files = _knowledge_base.on_files
on_pre_page = _knowledge_base.on_pre_page
on_page_markdown = _knowledge_base.on_page_markdown
on_page_content = _knowledge_base.on_page_content
on_page_context = _knowledge_base.on_page_context
on_env = _knowledge_base.on_env
on_template_context = _knowledge_base.on_template_context
on_post_template = _knowledge_base.on_post_template
on_post_page = _knowledge_base.on_post_page
on_post_build = _knowledge_base.on_post_build
on_build_error = _knowledge_base.on_build_error
on_shutdown = _knowledge_base.on_shutdown
