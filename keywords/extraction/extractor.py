"""Candidate keywords from free-text answers in Swedish, Danish and Norwegian Bokmål.

Pure text processing: no ORM, no Django. Everything runs offline on data shipped in the
wheels (simplemma's lemma tables, stopwords-iso, Snowball stemmers).

Pipeline per answer (see ../shared/KEYWORDS-NOTES.md for the measurements behind it):

1. clean: HTML entities, ``<script>/<style>`` with their content, other tags, URLs and
   e-mail addresses, NFC, zero-width characters and soft hyphens, lowercase;
2. language: the municipality's language unless the answer reads as English or Arabic
   (``"other"`` when no word is recognised at all);
3. tokenise letters only (digits, emoji and punctuation fall away but still break phrases),
   noting where sentences start;
4. drop stopwords: stopwords-iso plus closed word classes (quantifiers, numerals, kinship
   terms, auxiliaries, prepositions and adverbs, ...) and fixed expressions ("har råd");
5. repair unknown words against the lemma table (missing diacritics, one slip);
6. lemmatise (simplemma, greedy, but keep words that already are base forms, regular
   plurals of known nouns, plus an override table for simplemma's known mistakes);
7. drop adjectives and verbs with a rough part-of-speech guess from the lemma table, verb
   forms by their endings and verbs by their place in the sentence (after "att", a modal,
   a subject pronoun), and English stretches inside a Nordic answer;
8. proper names kept whole as written ("Gamla Hamnen", "Ljungsala IF"), names a batch
   writes inside sentences recognised at sentence starts too;
9. optionally repair rare misspellings against more frequent words of the same batch;
10. phrases of up to three words that do not cross stopwords or punctuation.

simplemma's tables cost ~250 MB and a second or two per language to load, so they are
loaded lazily, once per process; run extraction in the Celery worker, not in web processes.

The steps live in modules of their own: ``text`` (cleaning, tokens), ``languages`` and
``wordlists`` (language codes, endings, stoplists, overrides), ``tables`` and ``lexicon``
(lemma and word class), ``spelling`` (single-word repair), ``detection`` (language),
``names``, ``verbs`` (verbs by position), ``candidates`` (keywords and phrases of one
answer) and ``typos`` (repair across a batch). Merge suggestions for staff are
keywords.curation.pairs's. This module is the public API callers import.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from keywords.extraction.candidates import AnswerKeywords, Candidate, analyse, candidates
from keywords.extraction.detection import detect_language
from keywords.extraction.languages import HOME_LANGUAGES, OTHER, check_language, stopwords
from keywords.extraction.lexicon import get_lexicon
from keywords.extraction.names import promote_batch_names
from keywords.extraction.text import clean_text
from keywords.extraction.typos import apply_repairs, typo_repairs

__all__ = [
    "HOME_LANGUAGES",
    "OTHER",
    "AnswerKeywords",
    "Candidate",
    "base_form",
    "clean_text",
    "detect_language",
    "extract",
    "extract_batch",
    "stopwords",
]


def extract(text: str, home_language: str) -> AnswerKeywords:
    """Candidate keywords of one answer (no typo repair: that needs a batch)."""
    analysis = analyse(text or "", check_language(home_language))
    promote_batch_names([analysis])
    return AnswerKeywords(analysis.language, candidates(analysis.tokens, analysis.language))


def extract_batch(
    texts: Iterable[str], home_language: str, *, repair_typos: bool = True
) -> list[AnswerKeywords]:
    """Candidate keywords for many answers of one municipality, aligned with ``texts``.

    With ``repair_typos`` a rare misspelling is mapped to a word at least three times as
    frequent in the same batch, one or two edits away.
    """
    check_language(home_language)
    analyses = [analyse(text or "", home_language) for text in texts]
    promote_batch_names(analyses)
    if repair_typos:
        repairs = typo_repairs(analyses, home_language)
        if repairs:
            for analysis in analyses:
                apply_repairs(analysis, repairs)
    return [AnswerKeywords(a.language, candidates(a.tokens, a.language)) for a in analyses]


def base_form(word: str, language: str) -> str:
    """The lemma our extractor would use for one word (lowercased, NFC)."""
    word = unicodedata.normalize("NFC", word).lower()
    return get_lexicon(check_language(language)).analyse(word)[0]
