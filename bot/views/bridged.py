"""The line that tells a reader of a partial language a text is shown in its bridge language.

One wording everywhere (cards, quiz questions, FAQ answers) so a learner recognises it; the
HTML form goes under a text in a message, the plain form into a quiz poll, which takes no
markup.
"""

from __future__ import annotations

from html import escape

from bot.i18n import Translator


def not_translated(t: Translator, language: str) -> str:
    """Plain text: `language` is the bridge language's own name."""
    return "🌐 " + t.gettext("Not translated yet: shown in {language}.").format(language=language)


def not_translated_html(t: Translator, language: str) -> str:
    return "<i>" + escape(not_translated(t, language)) + "</i>"
