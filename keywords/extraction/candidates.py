"""From one answer's tokens to its candidate keywords and phrases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from keywords.extraction.detection import detect_language
from keywords.extraction.languages import HOME_LANGUAGES
from keywords.extraction.lexicon import MIN_WORD_LENGTH, Lexicon, get_lexicon
from keywords.extraction.names import mark_direction_names, mark_names, name_form, names
from keywords.extraction.spelling import DIACRITIC
from keywords.extraction.text import clean_text, tokens
from keywords.extraction.verbs import mark_present_tense_after_subject, mark_verbs_by_position
from keywords.extraction.wordlists import ENGLISH_FUNCTION_WORDS, IDIOMS

MAX_PHRASE_WORDS = 3


class Candidate(NamedTuple):
    """One candidate keyword of one answer.

    ``keyword`` is the base form (lowercase, NFC; phrase words joined by one space) and is
    what answers are grouped by. ``surface_forms`` are the forms as written in the answer,
    for example quotes and for teaching the override table from staff renames.

    A named tuple, not a frozen dataclass: a rebuild makes millions of them, and a frozen
    dataclass sets each field through object.__setattr__.
    """

    keyword: str
    surface_forms: tuple[str, ...]
    words: int = 1

    @property
    def is_phrase(self) -> bool:
        return self.words > 1


@dataclass(frozen=True, slots=True)
class AnswerKeywords:
    """The candidates of one answer, in order of first appearance, each keyword once.

    Results of :func:`extract_batch` are aligned with its input, so a caller keeps the link
    to the answer by position and counts distinct respondents per keyword by collecting
    answer ids (not mentions) per ``Candidate.keyword``.
    """

    language: str
    candidates: tuple[Candidate, ...] = ()

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(c.keyword for c in self.candidates)

    @property
    def single_words(self) -> tuple[str, ...]:
        return tuple(c.keyword for c in self.candidates if not c.is_phrase)

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(c.keyword for c in self.candidates if c.is_phrase)


@dataclass(slots=True)
class Token:
    surface: str  # lowercased, as written
    lemma: str
    content: bool  # a noun-like word that may be a keyword on its own
    modifier: bool  # may start a phrase (adjective, participle, "fler/mer/bättre")
    group: int  # tokens of one group are adjacent with only whitespace between them
    capitalised: bool = False  # written with a capital first letter, not all in capitals
    acronym: bool = False  # written all in capitals ("IF", "BUP")
    sentence_start: bool = False
    name: bool = False  # part of a proper name (see names.py)


@dataclass(slots=True)
class Analysis:
    language: str
    tokens: list[Token] = field(default_factory=list)


# Per lexicon language: word -> (lemma, content, modifier, unknown content word). Every
# token of every answer needs these; answers repeat words, so one dict lookup gives them
# all (the lexicon's own caches still answer the first time a word is seen).
_MAX_CACHED = 200_000
_FACTS: dict[str, dict[str, tuple[str, bool, bool, bool]]] = {}


def _word_facts(lower: str, lexicon: Lexicon, english: Lexicon | None):
    lemma, content, modifier = lexicon.analyse(lower)
    unknown = content and not lexicon.known(lower)
    if unknown and english is not None and (lower in english.stopwords or english.known(lower)):
        # An English word inside a Scandinavian answer ("so frustrating").
        return lemma, False, False, False
    return lemma, content, modifier, unknown


def analyse(text: str, home_language: str) -> Analysis:
    raw = tokens(clean_text(text))
    lowered = [w.lower() for w, _, _, _ in raw]
    language = detect_language(lowered, home_language)
    lexicon_language = language if language in ("en", "ar") else home_language
    lexicon = get_lexicon(lexicon_language)
    english = get_lexicon("en") if lexicon_language != "en" else None
    facts = _FACTS.get(lexicon_language)
    if facts is None:
        facts = _FACTS[lexicon_language] = {}
    # Capitals mark names only in the home languages; English capitalises more than names.
    find_names = lexicon_language in HOME_LANGUAGES
    analysis = Analysis(language)
    append = analysis.tokens.append
    capitals = False
    for (word, group, truncated, sentence_start), lower in zip(raw, lowered, strict=True):
        if truncated:
            # "gång-" of "gång- och cykelvägar" is half a word, never a keyword on its own.
            append(Token(lower, lower, False, False, group))
            continue
        known = facts.get(lower)
        if known is None:
            known = _word_facts(lower, lexicon, english)
            if len(facts) < _MAX_CACHED:
                facts[lower] = known
        lemma, content, modifier, unknown = known
        if word[0].islower():
            append(Token(lower, lemma, content, modifier, group, False, False, sentence_start))
            continue
        acronym = len(word) > 1 and word.isupper()
        # Names need a capital inside a sentence or an acronym ("Ljungsala IF").
        capitals = capitals or acronym or not sentence_start
        if acronym or sentence_start:
            append(
                Token(lower, lemma, content, modifier, group, False, True, sentence_start)
                if acronym
                else Token(lower, lemma, content, modifier, group, True, False, sentence_start)
            )
        elif find_names:
            # A name inside a sentence is a keyword unless it is a well-known place
            # elsewhere.
            name = len(lower) >= MIN_WORD_LENGTH and not lexicon.well_known_name(lower)
            append(Token(lower, lemma, False, False, group, True, False, False, name))
        elif unknown:
            # A name in an English answer: not a topic keyword.
            append(Token(lower, lemma, False, False, group, True, False, False))
        else:
            append(Token(lower, lemma, content, modifier, group, True, False, False))
    if (
        find_names
        and english is not None
        and not ENGLISH_FUNCTION_WORDS.isdisjoint(lowered)
        and not (ENGLISH_FUNCTION_WORDS & set(lowered)) <= lexicon.stopwords
    ):
        _mark_english_runs(analysis.tokens, lexicon, english)
    if find_names and not DIACRITIC.search(text):
        # Typed without diacritics: "pa", "ar", "sa" are "på", "är", "så".
        for token in analysis.tokens:
            if token.content and lexicon.stopword_without_diacritics(token.surface):
                token.content = token.modifier = False
    if find_names:
        if not lexicon.idiom_nouns.isdisjoint(lowered):
            _mark_idioms(analysis.tokens, IDIOMS[lexicon_language])
        if capitals:
            mark_names(analysis.tokens, lexicon)
        mark_direction_names(analysis.tokens, lexicon)
        mark_verbs_by_position(analysis.tokens, lexicon)
        mark_present_tense_after_subject(analysis.tokens, lexicon)
    _mark_attributive_adjectives(analysis.tokens, lexicon)
    return analysis


def _mark_english_runs(tokens: list[Token], lexicon: Lexicon, english: Lexicon) -> None:
    """Words of an English stretch inside a Nordic answer are not keywords.

    A stretch is a run of adjacent words English knows, within one group, that holds an
    English function word the home language does not have ("the worst part of living
    here", "so cozy", "more co-working spaces").
    """
    n, i = len(tokens), 0
    home_stopwords = lexicon.stopwords
    while i < n:
        j = i
        while (
            j < n
            and tokens[j].group == tokens[i].group
            and not tokens[j].name
            and (tokens[j].surface in english.stopwords or english.known(tokens[j].surface))
        ):
            j += 1
        if j - i >= 2 and any(
            t.surface in ENGLISH_FUNCTION_WORDS and t.surface not in home_stopwords
            for t in tokens[i:j]
        ):
            for t in tokens[i:j]:
                t.content = t.modifier = False
        i = max(j, i + 1)


def _mark_idioms(tokens: list[Token], idioms) -> None:
    """Fixed expressions ("har inte råd", "guld værd") give no keywords."""
    nouns = {noun: first for first, noun in idioms}
    for j, t in enumerate(tokens):
        first = nouns.get(t.surface)
        if first is None:
            continue
        for i in range(max(0, j - 3), j):
            if tokens[i].surface in first and tokens[i].group == t.group:
                for u in tokens[i : j + 1]:
                    u.content = u.modifier = False
                break


def _mark_attributive_adjectives(tokens: list[Token], lexicon: Lexicon) -> None:
    """An -a/-e word right before a noun whose stem has an adjective's -t form is one.

    Scandinavian compounds are written as one word, so two nouns rarely stand side by side:
    "nya ansikten", "höga hyror", "billige boliger" are adjective + noun even where the
    table also lists a noun "ny" or reads "billige" as a lemma of its own.
    """
    if lexicon.language not in HOME_LANGUAGES:
        return
    for current, following in zip(tokens, tokens[1:], strict=False):
        if (
            current.content
            and following.content
            and current.group == following.group
            and (
                current.surface in lexicon.nominalised
                or lexicon.attributive_adjective(current.surface, current.lemma)
            )
        ):
            current.content = False
            current.modifier = True


# The comparatives respondents put before what they want, as the lexicon lemmatises them
# (wordlists.LEMMA_OVERRIDES): stopwords that used to open phrases ("fler bostad").
SURVEY_COMPARATIVES = frozenset({"fler", "mer", "bättre", "flere", "mere", "bedre"})


def _phrases(tokens: list[Token]) -> Iterable[tuple[str, tuple[str, ...], int]]:
    """Runs of up to three words ending in a content word, within one group.

    Modifiers (adjectives, participles) may open a phrase, content words may follow each
    other ("levande stadskärna", "billig bolig"); a stopword, punctuation or a non-keyword
    ends the run. A survey comparative ("fler", "mer", "bättre") ends it too: "fler
    bostäder" says what residents want more of, which is the keyword "bostad" itself; as a
    phrase it split one topic into two keywords for staff to merge (issue 14).
    """
    n = len(tokens)
    for end in range(n):
        last = tokens[end]
        if not last.content:
            continue
        words = [last]
        i = end - 1
        while i >= 0 and len(words) < MAX_PHRASE_WORDS:
            t = tokens[i]
            if t.group != last.group or not (t.content or t.modifier):
                break
            if not t.content and t.lemma in SURVEY_COMPARATIVES:
                break
            if any(t.lemma == w.lemma for w in words):
                break  # "bibliotek bibliotek"
            words.insert(0, t)
            i -= 1
            if len(words) >= 2:
                yield (
                    " ".join(w.lemma for w in words),
                    (" ".join(w.surface for w in words),),
                    len(words),
                )


def candidates(tokens: list[Token], language: str) -> tuple[Candidate, ...]:
    seen: dict[str, tuple[list[str], int]] = {}
    names_at = (
        {i: (name_form(name, language), words) for i, name, words in names(tokens)}
        if any(t.name for t in tokens)
        else {}
    )
    for i, t in enumerate(tokens):
        if i in names_at:
            name, words = names_at[i]
            forms, _ = seen.setdefault(name, ([], words))
            if name not in forms:
                forms.append(name)
        elif t.content:
            forms, _ = seen.setdefault(t.lemma, ([], 1))
            if t.surface not in forms:
                forms.append(t.surface)
    # Arabic is written without compounds and with clitics: phrases would be noise.
    phrases = _phrases(tokens) if language != "ar" else ()
    for keyword, surfaces, words in phrases:
        forms, _ = seen.setdefault(keyword, ([], words))
        for s in surfaces:
            if s not in forms:
                forms.append(s)
    # tuple.__new__ directly: the named tuple's own __new__ is a Python function, called
    # for each of millions of candidates in a rebuild.
    return tuple(_new(Candidate, (k, tuple(forms), words)) for k, (forms, words) in seen.items())


_new = tuple.__new__
