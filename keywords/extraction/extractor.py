"""Candidate keywords from free-text answers in Swedish, Danish and Norwegian Bokmål.

Pure text processing: no ORM, no Django. Everything runs offline on data shipped in the
wheels (simplemma's lemma tables, stopwords-iso, Snowball stemmers).

Pipeline per answer (see ../shared/KEYWORDS-NOTES.md for the measurements behind it):

1. clean: HTML entities, ``<script>/<style>`` with their content, other tags, URLs and
   e-mail addresses, NFC, zero-width characters and soft hyphens, lowercase;
2. language: the municipality's language unless the answer reads as English or Arabic
   (``"other"`` when no word is recognised at all);
3. tokenise letters only (digits, emoji and punctuation fall away but still break phrases);
4. drop stopwords (stopwords-iso plus a short survey stoplist);
5. lemmatise (simplemma, greedy, but keep words that already are base forms, plus an
   override table for simplemma's known mistakes);
6. drop adjectives and verbs with a rough part-of-speech guess from the lemma table;
7. optionally repair rare misspellings against more frequent words of the same batch;
8. phrases of up to three words that do not cross stopwords or punctuation.

simplemma's tables cost ~250 MB and a second or two per language to load, so they are
loaded lazily, once per process; run extraction in the Celery worker, not in web processes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

HOME_LANGUAGES = ("sv", "da", "nb")
OTHER = "other"
MAX_PHRASE_WORDS = 3
MIN_WORD_LENGTH = 2

# Languages as stopwords-iso and Snowball name them: Bokmål must be asked for as "no"
# (stopwords-iso returns an empty list for "nb").
_STOPWORDS_ISO_CODE = {"sv": "sv", "da": "da", "nb": "no", "en": "en", "ar": "ar"}
_SNOWBALL_NAME = {
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "en": "english",
    "ar": "arabic",
}

# Survey words that carry no topic of their own: quantifiers and comparatives respondents
# put in front of what they want ("fler", "bättre"), opinion verbs, the survey's own
# subject (the municipality, the town) and units of time. Kept short; staff extend it.
SURVEY_STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        """fler flera mer mera bättre sämre mindre större behöver behövs behöva saknar saknas
        tycker tycka känns känna önskar önska vill finns bra dålig dåligt mycket lite jätte
        kommun kommunen stad staden stan ort orten sak saker grej grejer folk människor
        person personer tid gång gången gånger dag dagar vecka veckor månad månader år
        timme timmar minut minuter kväll kvällen kvällar morgon morgnar helg helger
        helgerna natt nätter ställe ställen del delar typ både bo bor bodde bott måndag
        sommar sommaren vinter vintern höst hösten
        tisdag onsdag torsdag fredag lördag söndag""".split()
    ),
    "da": frozenset(
        """flere mere bedre dårligere mindre større mangler mangel savner synes syntes
        ønsker vil gerne godt god dårlig meget lidt kommune kommunen by byen sted steder
        ting folk mennesker person personer tid gang gange dag dage uge uger måned måneder
        år time timer minut minutter aften aftener morgen weekend weekender nat del dele
        sommer vinter bo bor boede gøre gør gjort
        mandag tirsdag onsdag torsdag fredag lørdag søndag""".split()
    ),
    "nb": frozenset(
        """flere mer mere bedre dårligere mindre større mangler savner synes syns ønsker
        vil gjerne bra dårlig mye litt kommune kommunen by byen sted steder ting folk
        mennesker person personer tid gang ganger dag dager uke uker måned måneder år
        time timer minutt minutter kveld kvelder morgen helg helger natt del deler
        sommer vinter bo bor bodde gjøre gjør gjort
        mandag tirsdag onsdag torsdag fredag lørdag søndag""".split()
    ),
    "en": frozenset(
        """more better less need needs want like good bad lot lots thing things people
        municipality town city place time day days week weeks month months year years""".split()
    ),
    "ar": frozenset(),
}

# simplemma's known lemma errors (KEYWORDS-NOTES.md, "Pitfalls"): a noun read as a verb
# form, a definite plural read as another noun, comparatives mapped to their positive.
# Only general fixes belong here; staff renames can extend it later.
LEMMA_OVERRIDES: dict[str, dict[str, str]] = {
    "sv": {
        "buss": "buss",
        "bussen": "buss",
        "lugn": "lugn",
        "lugnet": "lugn",
        "klotter": "klotter",
        "klottret": "klotter",
        "boende": "boende",
        "boendet": "boende",
        "gängen": "gäng",
        "gängens": "gäng",
        "träden": "träd",
        "fler": "fler",
        "flera": "fler",
        "mer": "mer",
        "mera": "mer",
        "bättre": "bättre",
    },
    "da": {
        "flere": "flere",
        "mere": "mere",
        "bedre": "bedre",
        "busser": "bus",
        "busserne": "bus",
    },
    "nb": {
        "bussene": "buss",
        "busser": "buss",
        "bussen": "buss",
        "flere": "flere",
        "mer": "mer",
        "mere": "mer",
        "bedre": "bedre",
    },
    "en": {},
    "ar": {},
}

# Word-form suffixes that tell a lemma's word class: the comparative/superlative only
# exists for adjectives, the past tense only for verbs, the definite forms only for nouns.
_ADJECTIVE_SUFFIXES = {
    "sv": ("are", "ast", "aste"),
    "da": ("ere", "est", "este"),
    "nb": ("ere", "est", "este"),
    "en": ("er", "est"),
    "ar": (),
}
_NOUN_SUFFIXES = {
    "sv": ("en", "et", "n", "na", "arna", "orna", "erna"),
    "da": ("en", "et", "n", "ne", "ene", "erne", "rne"),
    "nb": ("en", "et", "a", "ene", "ne"),
    "en": (),
    "ar": (),
}
_DEFINITE_SUFFIXES = {
    "sv": ("arna", "orna", "erna", "na", "en", "et", "n"),
    "da": ("erne", "ene", "ne", "en", "et"),
    "nb": ("ene", "ne", "en", "et", "a"),
}
_PAST_SUFFIXES = {
    "sv": ("de", "dde", "te"),
    "da": ("de", "ede", "te"),
    "nb": ("de", "te", "et", "dde"),
    "en": (),
    "ar": (),
}

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
# A URL ends before trailing punctuation of the sentence it stands in.
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Letters only, hyphenated compounds kept together ("e-tjänster"); a trailing hyphen marks
# the first part of a coordinated compound ("gång- och cykelvägar").
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(-?)")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_SPACE_ONLY = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate keyword of one answer.

    ``keyword`` is the base form (lowercase, NFC; phrase words joined by one space) and is
    what answers are grouped by. ``surface_forms`` are the forms as written in the answer,
    for example quotes and for teaching the override table from staff renames.
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


@dataclass(frozen=True, slots=True)
class MergeSuggestion:
    """Two keywords that may mean the same; staff decide, nothing is merged silently."""

    keyword: str
    other: str
    reason: str  # "stem" (same Snowball stem) or "similar" (character similarity)
    score: float


@dataclass(slots=True)
class _Token:
    surface: str  # lowercased, as written
    lemma: str
    content: bool  # a noun-like word that may be a keyword on its own
    modifier: bool  # may start a phrase (adjective, participle, "fler/mer/bättre")
    group: int  # tokens of one group are adjacent with only whitespace between them


@dataclass(slots=True)
class _Analysis:
    language: str
    tokens: list[_Token] = field(default_factory=list)


# --- cleaning ---------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Markup-, URL- and e-mail-free, NFC-normalised text (case kept)."""
    if not text:
        return ""
    text = html.unescape(text)
    text = _SCRIPT_STYLE.sub(" ", text)
    text = _TAG.sub(" ", text)
    # Entities decoded from the markup can themselves spell tags ("&lt;b&gt;").
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return text.translate(_ZERO_WIDTH)


# --- language resources (lazy, cached per process) --------------------------------------


@cache
def _lemma_table(language: str):
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DEFAULT_DICTIONARY_FACTORY,
    )

    return DEFAULT_DICTIONARY_FACTORY.get_dictionary(language)


def _lemma_pairs(language: str) -> Iterable[tuple[bytes | str, bytes | str]]:
    table = _lemma_table(language)
    # simplemma 2 keeps its table as UTF-8 bytes behind a str view; reading the bytes
    # directly avoids decoding a million entries just to collect the lemmas.
    raw = getattr(table, "_dict", None)
    return raw.items() if isinstance(raw, dict) else table.items()


def _decoded(words: Iterable[bytes | str]) -> frozenset[str]:
    return frozenset(w.decode() if isinstance(w, bytes) else w for w in words)


@cache
def _base_forms(language: str) -> frozenset[str]:
    """Every lemma in simplemma's table: a word that is one is kept as written."""
    return _decoded({v for _, v in _lemma_pairs(language)})


@cache
def _inflected_lemmas(language: str) -> frozenset[str]:
    """Lemmas the table lists at least one other form for."""
    return _decoded({v for k, v in _lemma_pairs(language) if k != v})


@cache
def stopwords(language: str) -> frozenset[str]:
    import stopwordsiso

    shipped = stopwordsiso.stopwords(_STOPWORDS_ISO_CODE[language])
    return frozenset(shipped) | SURVEY_STOPWORDS[language]


def _check_language(language: str) -> str:
    if language not in _STOPWORDS_ISO_CODE:
        raise ValueError(f"unsupported language: {language!r}")
    return language


class _Lexicon:
    """Per-language word analysis with a cache: answers repeat the same words a lot."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.table = _lemma_table(language)
        self.base_forms = _base_forms(language)
        self.inflected_lemmas = _inflected_lemmas(language)
        self.stopwords = stopwords(language)
        self.long_stopwords = sorted(w for w in self.stopwords if len(w) >= 5)
        self.overrides = LEMMA_OVERRIDES[language]
        self.analyse = lru_cache(maxsize=200_000)(self._analyse)

    def known(self, word: str) -> bool:
        return word in self.base_forms or self.table.get(word) is not None

    def lemma(self, word: str) -> str:
        override = self.overrides.get(word)
        if override is not None:
            return override
        if word in self.base_forms:
            return word
        import simplemma

        return simplemma.lemmatize(word, self.language, greedy=True)

    def _forms_of(self, lemma: str, suffixes: Iterable[str]) -> bool:
        table = self.table
        return any(table.get(lemma + s) == lemma for s in suffixes)

    def word_class(self, surface: str, lemma: str) -> str:
        """A rough guess: "noun", "adjective", "verb", "particle" or "unknown".

        The written form decides when it carries a telling ending ("högre" is an adjective,
        "kvällarna" a noun); otherwise the forms the table lists for the lemma do, nouns
        first because the table mixes homographs ("skola" noun and verb). A word the table
        knows but never inflects is a particle (adverb, preposition: "längs", "överallt").
        """
        lang = self.language
        noun_suffixes = _NOUN_SUFFIXES[lang]
        if surface != lemma and surface.startswith(lemma):
            ending = surface[len(lemma) :]
            if ending in _ADJECTIVE_SUFFIXES[lang]:
                return "adjective"
            if ending in noun_suffixes and self._forms_of(lemma, noun_suffixes):
                return "noun"
        if lang not in HOME_LANGUAGES:
            adjective = lang == "en" and self._forms_of(lemma, _ADJECTIVE_SUFFIXES[lang])
            return "adjective" if adjective else "unknown"
        if self._forms_of(lemma, noun_suffixes):
            return "noun"
        if self._forms_of(lemma, _ADJECTIVE_SUFFIXES[lang]):
            return "adjective"
        if self._is_verb(lemma):
            return "verb"
        if self._is_participle_or_deponent(lemma):
            return "verb"
        # Adjectives without comparative forms still have a neuter in -t; Swedish ones in
        # -en/-el/-er contract before an ending ("öppen": "öppna", "vuxen": "vuxna").
        if self._forms_of(lemma, ("t",)):
            return "adjective"
        if (
            lang == "sv"
            and lemma.endswith(("en", "el", "er"))
            and self.table.get(lemma[:-2] + lemma[-1] + "a") == lemma
        ):
            return "adjective"
        if lemma in self.base_forms and lemma not in self.inflected_lemmas:
            return "particle"
        return "unknown"

    def attributive_adjective(self, surface: str, lemma: str) -> bool:
        if self._forms_of(lemma, _ADJECTIVE_SUFFIXES[self.language]):
            return True  # "ny idrottshall": the table also lists a noun "ny"
        if not surface.endswith(("a", "e")) or len(surface) < 3:
            return False
        stems = [surface[:-1]]
        if len(surface) > 3 and surface[-2] == surface[-3]:
            stems.append(surface[:-2])  # "tomma" -> "tom"
        return any(
            stem in self.base_forms and self.table.get(stem + "t") is not None for stem in stems
        )

    def _is_participle_or_deponent(self, lemma: str) -> bool:
        """Swedish past participles ("försenad" of "försena") and s-verbs ("trives")."""
        if self.language == "sv" and lemma.endswith("ad"):
            stem = lemma[:-1]
        elif lemma.endswith("s") and len(lemma) > 4:
            stem = lemma[:-1]
        else:
            return False
        return stem in self.base_forms and self._is_verb(stem)

    def _is_verb(self, lemma: str) -> bool:
        table = self.table
        if self.language == "sv":
            if not lemma.endswith("a"):
                return False
            present = (lemma + "r", lemma[:-1] + "er")
        else:
            if not lemma.endswith("e"):
                return False
            present = (lemma + "r",)
        return any(table.get(form) == lemma for form in present) or self._forms_of(
            lemma, _PAST_SUFFIXES[self.language]
        )

    def _is_present_tense(self, surface: str) -> bool:
        """A base form the table also reads as a verb's present tense ("legger", "lukker").

        Keeping base forms protects nouns from simplemma's verb readings ("buss"), but a
        written form that is exactly infinitive + -r (or Swedish stem + -er) of a word with
        no noun forms is the verb.
        """
        if self.language not in HOME_LANGUAGES or not surface.endswith("r"):
            return False
        reading = self.table.get(surface)
        if reading is None or reading == surface:
            return False
        if surface not in (reading + "r", reading[:-1] + "er"):
            return False
        return self._is_verb(reading) and not self._forms_of(reading, _NOUN_SUFFIXES[self.language])

    def _misspelt_stopword(self, surface: str) -> bool:
        """An unknown word one edit from a long stopword ("alldelles" for "alldeles")."""
        if len(surface) < 6:
            return False
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        return (
            process.extractOne(
                surface, self.long_stopwords, scorer=Levenshtein.distance, score_cutoff=1
            )
            is not None
        )

    def lemma_of(self, surface: str) -> str:
        """simplemma's lemma, unless that reads a noun's definite form as something else.

        simplemma maps e.g. Norwegian "vannet" (the water) to the verb "vanne"; when the
        written form is a known noun plus a definite ending, the noun wins.
        """
        lemma = self.lemma(surface)
        if surface in self.overrides or lemma == surface:
            return lemma
        if self.language in HOME_LANGUAGES and self.word_class(surface, lemma) == "verb":
            for ending in _DEFINITE_SUFFIXES[self.language]:
                stem = surface[: -len(ending)]
                if (
                    surface.endswith(ending)
                    and len(stem) >= 3
                    and stem in self.base_forms
                    and self._forms_of(stem, _NOUN_SUFFIXES[self.language])
                ):
                    return stem
        return lemma

    def _analyse(self, surface: str) -> tuple[str, bool, bool]:
        """(lemma, content, modifier) for one lowercase token."""
        if surface in self.stopwords or len(surface) < MIN_WORD_LENGTH:
            lemma = self.overrides.get(surface, surface)
            # "fler bostäder": a comparative quantifier may open a phrase.
            return lemma, False, lemma in self.overrides.values()
        lemma = self.lemma_of(surface)
        if lemma in self.stopwords or not lemma:
            return lemma, False, False
        if surface in self.overrides:
            return lemma, True, False  # a known simplemma mistake, already corrected
        if self._is_present_tense(surface):
            return lemma, False, False
        if not self.known(surface) and self._misspelt_stopword(surface):
            return surface, False, False
        word_class = self.word_class(surface, lemma)
        if word_class == "adjective":
            return lemma, False, True
        if word_class == "particle":
            return lemma, False, False
        if self.language == "sv" and surface.endswith("ande") and lemma == surface:
            # A present participle ("levande") describes; it may open a phrase.
            return lemma, False, True
        if word_class == "verb":
            # Present participles ("levande") modify nouns like adjectives do.
            return lemma, False, surface.endswith(("ande", "ende"))
        return lemma, True, False


@cache
def _lexicon(language: str) -> _Lexicon:
    return _Lexicon(_check_language(language))


# --- language detection -----------------------------------------------------------------


def detect_language(words: Sequence[str], home_language: str) -> str:
    """The home language, "en", "ar" or "other" for a list of lowercase words.

    Only tests whether an answer is English or Arabic instead of the home language: a free
    choice between sv, da and nb misreads Norwegian as Danish too often.
    """
    if not words:
        return OTHER
    arabic = sum(1 for w in words if _ARABIC_LETTER.match(w))
    if arabic * 2 > len(words):
        return "ar"
    home, english = _lexicon(home_language), _lexicon("en")
    home_known = sum(1 for w in words if w in home.stopwords or home.known(w))
    english_known = sum(1 for w in words if w in english.stopwords or english.known(w))
    if home_known == 0 and english_known == 0:
        return OTHER
    # Scandinavian and English share many words; English must clearly win.
    if english_known > home_known and english_known - home_known >= max(1, len(words) // 5):
        return "en"
    return home_language


# --- analysis ---------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, int, bool]]:
    """(word as written, group, truncated) with groups split at anything but whitespace."""
    out: list[tuple[str, int, bool]] = []
    group = 0
    last_end = 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        if out and not _SPACE_ONLY.fullmatch(text, last_end, start):
            group += 1
        truncated = bool(match.group(1))
        word = match.group(0)[:-1] if truncated else match.group(0)
        out.append((word, group, truncated))
        last_end = match.end()
        if truncated:
            group += 1
    return out


def _analyse(text: str, home_language: str) -> _Analysis:
    raw = _tokens(clean_text(text))
    lowered = [w.lower() for w, _, _ in raw]
    language = detect_language(lowered, home_language)
    lexicon_language = language if language in ("en", "ar") else home_language
    lexicon = _lexicon(lexicon_language)
    english = _lexicon("en") if lexicon_language != "en" else None
    analysis = _Analysis(language)
    sentence_start = True
    for (word, group, truncated), lower in zip(raw, lowered, strict=True):
        if truncated:
            # "gång-" of "gång- och cykelvägar" is half a word, never a keyword on its own.
            analysis.tokens.append(_Token(lower, lower, False, False, group))
            continue
        lemma, content, modifier = lexicon.analyse(lower)
        if content and not lexicon.known(lower):
            if english is not None and (lower in english.stopwords or english.known(lower)):
                # An English word inside a Scandinavian answer ("so frustrating").
                content = modifier = False
            elif word[:1].isupper() and not sentence_start and not word.isupper():
                # A proper noun (a place, a person): not a topic keyword.
                content = modifier = False
        analysis.tokens.append(_Token(lower, lemma, content, modifier, group))
        sentence_start = False
    _mark_attributive_adjectives(analysis.tokens, lexicon)
    return analysis


def _mark_attributive_adjectives(tokens: list[_Token], lexicon: _Lexicon) -> None:
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
            and lexicon.attributive_adjective(current.surface, current.lemma)
        ):
            current.content = False
            current.modifier = True


def _phrases(tokens: list[_Token]) -> Iterable[tuple[str, tuple[str, ...], int]]:
    """Runs of up to three words ending in a content word, within one group.

    Modifiers (adjectives, participles, "fler/mer/bättre") may open a phrase, content words
    may follow each other ("levande stadskärna", "fler bostäder"); a stopword, punctuation
    or a non-keyword ends the run.
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


def _candidates(tokens: list[_Token], language: str) -> tuple[Candidate, ...]:
    seen: dict[str, tuple[list[str], int]] = {}
    for t in tokens:
        if t.content:
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
    return tuple(Candidate(k, tuple(forms), words) for k, (forms, words) in seen.items())


# --- typo repair across a batch ---------------------------------------------------------


def _typo_repairs(analyses: list[_Analysis], home_language: str) -> dict[str, str]:
    """Rare unknown words mapped to a known word ≥ 3× as frequent, 1–2 edits away."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    counts: Counter[str] = Counter()
    for a in analyses:
        counts.update({t.lemma for t in a.tokens if t.content})
    if len(counts) < 2:
        return {}
    lexicon = _lexicon(home_language)
    known_by_initial: dict[str, list[str]] = {}
    for word in counts:
        if lexicon.known(word):
            known_by_initial.setdefault(word[0], []).append(word)
    repairs: dict[str, str] = {}
    for word, count in counts.items():
        if len(word) < 5 or lexicon.known(word):
            continue
        choices = known_by_initial.get(word[0])
        if not choices:
            continue
        max_edits = 1 if len(word) < 8 else 2
        best = None
        for choice, distance, _ in process.extract_iter(
            word, choices, scorer=Levenshtein.distance, score_cutoff=max_edits
        ):
            if counts[choice] >= 3 * count and (best is None or distance < best[1]):
                best = (choice, distance)
        if best is not None:
            repairs[word] = best[0]
    return repairs


def _apply_repairs(analysis: _Analysis, repairs: dict[str, str]) -> None:
    for t in analysis.tokens:
        if t.content and t.lemma in repairs:
            t.lemma = repairs[t.lemma]


# --- public API -------------------------------------------------------------------------


def extract(text: str, home_language: str) -> AnswerKeywords:
    """Candidate keywords of one answer (no typo repair: that needs a batch)."""
    analysis = _analyse(text or "", _check_language(home_language))
    return AnswerKeywords(analysis.language, _candidates(analysis.tokens, analysis.language))


def extract_batch(
    texts: Iterable[str], home_language: str, *, repair_typos: bool = True
) -> list[AnswerKeywords]:
    """Candidate keywords for many answers of one municipality, aligned with ``texts``.

    With ``repair_typos`` a rare misspelling is mapped to a word at least three times as
    frequent in the same batch, one or two edits away.
    """
    _check_language(home_language)
    analyses = [_analyse(text or "", home_language) for text in texts]
    if repair_typos:
        repairs = _typo_repairs(analyses, home_language)
        if repairs:
            for analysis in analyses:
                _apply_repairs(analysis, repairs)
    return [AnswerKeywords(a.language, _candidates(a.tokens, a.language)) for a in analyses]


def suggest_merges(
    keywords: Iterable[str], language: str, *, min_similarity: float = 88.0
) -> list[MergeSuggestion]:
    """Pairs of keywords staff may want to merge: same Snowball stem, or near-identical.

    Suggestions only: Snowball over-merges (spelare/spel, kvarter/kvart).
    """
    import Stemmer
    from rapidfuzz import fuzz, process

    unique = sorted(set(keywords))
    stemmer = Stemmer.Stemmer(_SNOWBALL_NAME[_check_language(language)])
    suggestions: dict[tuple[str, str], MergeSuggestion] = {}
    by_stem: dict[str, list[str]] = {}
    for keyword in unique:
        stem = " ".join(stemmer.stemWords(keyword.split()))
        by_stem.setdefault(stem, []).append(keyword)
    for group in by_stem.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                suggestions[(a, b)] = MergeSuggestion(a, b, "stem", 100.0)
    if len(unique) > 1:
        scores = process.cdist(unique, unique, scorer=fuzz.ratio, score_cutoff=min_similarity)
        for i, a in enumerate(unique):
            for j in range(i + 1, len(unique)):
                score = float(scores[i][j])
                if score and (a, unique[j]) not in suggestions:
                    suggestions[(a, unique[j])] = MergeSuggestion(a, unique[j], "similar", score)
    return sorted(suggestions.values(), key=lambda s: (-s.score, s.keyword, s.other))


def base_form(word: str, language: str) -> str:
    """The lemma our extractor would use for one word (lowercased, NFC)."""
    word = unicodedata.normalize("NFC", word).lower()
    return _lexicon(_check_language(language)).analyse(word)[0]
