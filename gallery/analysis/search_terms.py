"""What a search box's text means: the words to look for, and what was left out and why.

Pure: no Django. Both databases get the same words from here, so SQLite's FTS5 and PostgreSQL's
full-text search answer the same question. Quotes, operators (AND, NOT, -, *, :, parentheses) and
control characters are not syntax here: only runs of letters and digits are words, so no text a
visitor types can make a query the database refuses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# More words than anyone types into a photo search; a 10 kB paste is cut here, and the page says so.
MAX_SEARCH_WORDS = 12
# Longer "words" are pasted hashes or noise; no title word is this long.
MAX_WORD_LENGTH = 40
# Read at most this much of the text, so a megabyte of input costs nothing to parse.
MAX_SEARCH_CHARS = 1000

# Letters and digits of any script; the underscore (which \w includes) separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words too common to narrow a search. PostgreSQL's "english" configuration drops these (its
# Snowball list) while FTS5 would demand them, so they are dropped here, for both, to agree.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves s t don""".split()  # noqa: SIM905 (a list to read)
)


@dataclass(frozen=True)
class SearchTerms:
    """The words to find (all of them, stemmed by the database) and notes for the visitor."""

    words: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # stop words left out
    truncated: bool = False  # the text had more than MAX_SEARCH_WORDS words

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def text(self) -> str:
        """The words, space-separated: what the databases are asked for."""
        return " ".join(self.words)


def clean_search_text(raw: str) -> str:
    """The text as the page shows it back: control characters (NUL included) as spaces, runs of space
    collapsed, at most MAX_SEARCH_CHARS characters. Never fails."""
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in raw[:MAX_SEARCH_CHARS])
    return " ".join(text.split())


def search_terms(raw: str) -> SearchTerms:
    """The words of `raw`, lower-cased, de-duplicated in order, stop words and noise left out."""
    text = unicodedata.normalize("NFKC", raw[:MAX_SEARCH_CHARS]).lower()
    words: list[str] = []
    ignored: list[str] = []
    truncated = False
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) > MAX_WORD_LENGTH or word in words:
            continue
        if word in STOP_WORDS:
            if word not in ignored:
                ignored.append(word)
            continue
        if len(words) == MAX_SEARCH_WORDS:
            truncated = True
            break
        words.append(word)
    truncated = truncated or len(raw) > MAX_SEARCH_CHARS
    return SearchTerms(tuple(words), tuple(ignored), truncated)


def fts5_query(terms: SearchTerms) -> str:
    """The FTS5 MATCH text: each word a quoted string, all required (FTS5's implicit AND).

    Words hold letters and digits only, so the quotes cannot be unbalanced.
    """
    return " ".join(f'"{word}"' for word in terms.words)
