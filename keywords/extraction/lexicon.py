"""Per-language word analysis on simplemma's tables (tables.py): lemma, a rough word class,
verb forms, and spelling repair of unknown words (spelling.py)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from keywords.extraction.languages import (
    ADJECTIVE_SUFFIXES,
    DEFINITE_SUFFIXES,
    HOME_LANGUAGES,
    NOUN_ONLY_AFTER_DROPPED_A,
    NOUN_ONLY_SUFFIXES,
    NOUN_SUFFIXES,
    PAST_ONLY_SUFFIXES,
    PAST_SUFFIXES,
    REGULAR_PLURAL_SUFFIXES,
    check_language,
    stopwords,
)
from keywords.extraction.spelling import diacritic_variants, repair
from keywords.extraction.tables import base_forms, inflected_lemmas, lemma_table
from keywords.extraction.wordlists import IDIOMS, LEMMA_OVERRIDES, NOMINALISED_ADJECTIVES

MIN_WORD_LENGTH = 2
VOWELS = frozenset("aeiouyæøåäö")
# The shortest last part of a compound lemmatised on its own ("avgift" of "p-avgift").
_MIN_COMPOUND_HEAD = 4


class Lexicon:
    """Per-language word analysis with a cache: answers repeat the same words a lot."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.table = lemma_table(language)
        self.base_forms = base_forms(language)
        self.inflected_lemmas = inflected_lemmas(language)
        self.stopwords = stopwords(language)
        self.long_stopwords = sorted(w for w in self.stopwords if len(w) >= 5)
        self.overrides = LEMMA_OVERRIDES[language]
        self.nominalised = NOMINALISED_ADJECTIVES[language]
        self.idiom_nouns = frozenset(noun for _, noun in IDIOMS.get(language, ()))
        self.analyse = lru_cache(maxsize=200_000)(self._analyse)
        # Answers repeat words: the table's lookups decode bytes, a dict of answers does not.
        self._known: dict[str, bool] = {}
        # simplemma 2 keeps its table as UTF-8 bytes behind a str view that decodes every
        # value it finds; whether a word is listed needs no decoding. Spelling repair asks
        # this of ~150 made-up spellings per unknown word, which the view made 40% of
        # extraction time.
        raw = getattr(self.table, "_dict", None)
        self._raw_table: dict[bytes, bytes] | None = raw if isinstance(raw, dict) else None
        # Spelling repair asks simplemma about an unknown word (is it analysable?) and, when
        # nothing repairs it, lemma_of asks the same again: its greedy search is the dearest
        # step for a word first seen.
        self.lemma = lru_cache(maxsize=50_000)(self._lemma)
        self.verb_reading = lru_cache(maxsize=50_000)(self._verb_reading)
        self.infinitive_form = lru_cache(maxsize=50_000)(self._infinitive_form)

    def known(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            known = self.listed(word)
            if len(self._known) < 200_000:
                self._known[word] = known
        return known

    def listed(self, word: str) -> bool:
        """``known`` without its cache: for spellings tried once and never seen again (a
        cache of them would crowd out the words answers do repeat)."""
        if word in self.base_forms:
            return True
        raw = self._raw_table
        if raw is not None:
            return word.encode() in raw
        return self.table.get(word) is not None

    def _lemma(self, word: str) -> str:
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
        noun_suffixes = NOUN_SUFFIXES[lang]
        if surface != lemma and surface.startswith(lemma):
            ending = surface[len(lemma) :]
            if ending in ADJECTIVE_SUFFIXES[lang]:
                return "adjective"
            if ending in noun_suffixes and self._forms_of(lemma, noun_suffixes):
                return "noun"
        if lang not in HOME_LANGUAGES:
            adjective = lang == "en" and self._forms_of(lemma, ADJECTIVE_SUFFIXES[lang])
            return "adjective" if adjective else "unknown"
        if self._forms_of(lemma, noun_suffixes):
            return "noun"
        if self._forms_of(lemma, ADJECTIVE_SUFFIXES[lang]):
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
        if self._forms_of(lemma, ADJECTIVE_SUFFIXES[self.language]):
            return True  # "ny idrottshall": the table also lists a noun "ny"
        if not surface.endswith(("a", "e")) or len(surface) < 3:
            return False
        stems = [surface[:-1]]
        if len(surface) > 3 and surface[-2] == surface[-3]:
            stems.append(surface[:-2])  # "tomma" -> "tom"
        return any(
            stem in self.base_forms and self.table.get(stem + "t") is not None for stem in stems
        )

    def _verb_reading(self, surface: str, lemma: str) -> bool:
        """The written form can be a verb: an infinitive, a present or past tense, an s-form.

        Asked only where the sentence wants a verb (after "att", a modal, a subject), so a
        homograph counts as a verb unless the table lists a form only a noun has for it
        ("skolen", "skolorna": "skoler" is a plural, "skolan" no verb).
        """
        if self.language not in HOME_LANGUAGES:
            return False
        if surface != lemma and surface[len(lemma) :] in NOUN_SUFFIXES[self.language]:
            return False  # a noun's inflection: "skolan", "bussen"
        stems = {lemma, surface}
        if surface.endswith("r"):  # "lytter", "går", "lyssnar"
            stems.add(surface[:-1])
            if self.language == "sv" and surface.endswith(("ar", "er")):
                stems.add(surface[:-2] + "a")
        if surface.endswith("s"):  # "samlas", "mødes", "trivs"
            stems.update((surface[:-1], surface[:-1] + "a"))
        for ending in PAST_SUFFIXES[self.language]:  # "frågade", "lukkede"
            if surface.endswith(ending) and len(surface) > len(ending) + 2:
                stem = surface[: -len(ending)]
                stems.update((stem, stem + "a", stem + "e"))
        return any(self._verb_lemma(stem) for stem in stems if stem)

    def _infinitive_form(self, surface: str, lemma: str) -> bool:
        """Shaped like an infinitive: a known uninflected word ending in the infinitive vowel
        (-a in Swedish, -e in Danish and Norwegian) or its s-form ("mødes"), or a short verb
        ("gå", "se"). Asked only right after "att"/"at"/"å" or a modal."""
        if self.language not in HOME_LANGUAGES:
            return False
        vowel = "a" if self.language == "sv" else "e"
        if surface.endswith(vowel) and surface == lemma and self.known(surface):
            return True
        if surface.endswith(vowel + "s") and self.known(surface):
            return True
        return len(surface) <= 3 and self.verb_reading(surface, lemma)

    def _verb_lemma(self, lemma: str) -> bool:
        """A past tense in the table makes a verb; a present tense does unless the table
        also lists a definite plural, which only a noun has ("skolerne")."""
        table = self.table
        if self._forms_of(lemma, PAST_ONLY_SUFFIXES[self.language]):
            return True
        if lemma[-1:] in ("a", "e"):
            stems = [lemma[:-1]]
            if len(lemma) > 3 and lemma[-2] == lemma[-3] and lemma[-2] not in VOWELS:
                stems.append(lemma[:-2])  # "kjente", "kände": a double consonant is written
                # single before the ending
            if any(table.get(stem + ending) == lemma for stem in stems for ending in ("de", "te")):
                return True  # "kørte", "stängde": the vowel of the infinitive goes
        if self._forms_of(lemma, NOUN_ONLY_SUFFIXES[self.language]):
            return False
        if self.language == "sv" and lemma.endswith("a"):
            stem = lemma[:-1]
            if any(table.get(stem + ending) == lemma for ending in NOUN_ONLY_AFTER_DROPPED_A):
                return False
        present = (lemma + "r", lemma[:-1] + "er") if self.language == "sv" else (lemma + "r",)
        return any(table.get(form) == lemma for form in present)

    def _verb_form(self, surface: str, lemma: str) -> str | None:
        """ "finite" or "participle" when ``surface`` is a regular inflection of a verb lemma.

        The lemma counts as a verb only when the table lists a past tense for it ("lukkede",
        "stängde", "købte"): simplemma's tables list noun-looking forms for many verbs
        ("lukken"), so noun endings prove nothing. A participle ("lukket kultur",
        "stengt legevakt", "gennemkørende trafik") describes; it may open a phrase.
        """
        if self.language not in HOME_LANGUAGES or surface == lemma or lemma[-1:] not in "ae":
            return None
        stem = lemma[:-1]
        table = self.table
        past = (lemma + "de", stem + "de", stem + "te")
        if not any(table.get(form) == lemma for form in past):
            return None
        if surface in (lemma + "t", stem + "et", stem + "t", lemma + "nde", stem + "ende"):
            return "participle"
        if surface in past:
            return "finite"
        if surface in (lemma + "r", stem + "er", lemma + "s", stem + "es") and not (
            self._forms_of(lemma, NOUN_ONLY_SUFFIXES[self.language])
        ):
            # "-r" is also a noun plural ("skoler", "læger"): a definite plural in the
            # table makes the lemma a noun.
            return "finite"
        return None

    def _deponent(self, lemma: str) -> bool:
        """A Swedish s-verb or passive ("samlas", "trivas", "misslyckas"): the table lists
        its past tense in -des/-tes or its supine in -ts ("trivdes", "samlats")."""
        if self.language != "sv" or not lemma.endswith("as") or len(lemma) < 5:
            return False
        table = self.table
        readings = (lemma, lemma[:-1])  # "samlades" may be listed under "samla"
        return any(
            table.get(form) in readings
            for form in (
                lemma[:-1] + "des",
                lemma[:-2] + "des",
                lemma[:-2] + "tes",
                lemma[:-1] + "ts",
            )
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
            lemma, PAST_SUFFIXES[self.language]
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
        return self._is_verb(reading) and not self._forms_of(reading, NOUN_SUFFIXES[self.language])

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
        if surface in self.overrides:
            return lemma
        if (
            len(lemma) > len(surface)
            and self.language in HOME_LANGUAGES
            and not self.known(surface)
        ):
            # simplemma's greedy guess lengthened an unknown compound ("ladestasjoner" ->
            # "ladestasjonere", "p-avgift" -> "p-avgifte"): lemmatise its longest known
            # last part instead ("stasjoner" -> "stasjon").
            head = self._compound_head(surface)
            if head is not None:
                return head
        if self.language in HOME_LANGUAGES and (lemma == surface or not surface.startswith(lemma)):
            # A regular plural of a known noun that simplemma keeps as a word of its own or
            # reads as another noun: "ungdomarna" (ungdom), "vägarna" (not "vägare"); the
            # lemma simplemma gives may itself be one ("ungdommar" -> "ungdomar").
            for form in (surface, lemma):
                stem = self._singular_of_regular_plural(form)
                if stem is not None:
                    return stem
        if lemma == surface:
            return lemma
        if self.language in HOME_LANGUAGES and self.word_class(surface, lemma) == "verb":
            for ending in DEFINITE_SUFFIXES[self.language]:
                stem = surface[: -len(ending)]
                if (
                    surface.endswith(ending)
                    and len(stem) >= 3
                    and stem in self.base_forms
                    and self._forms_of(stem, NOUN_SUFFIXES[self.language])
                ):
                    return stem
        return lemma

    def _compound_head(self, surface: str) -> str | None:
        for cut in range(1, len(surface) - _MIN_COMPOUND_HEAD + 1):
            head = surface[cut:]
            if head[0] != "-" and self.known(head):
                # Compounds are nouns: a plural of a known noun is one ("stasjoner", which
                # the table also reads as the verb "stasjonere").
                head_lemma = (
                    self._singular_of_regular_plural(head)
                    or self._singular_of_er_plural(head)
                    or self.lemma_of(head)
                )
                if len(head_lemma) <= len(head):
                    return surface[:cut] + head_lemma
                return None
        return None

    def _singular_of_er_plural(self, form: str) -> str | None:
        stem = form[:-2]
        if form.endswith(("er", "ar", "or")) and len(stem) >= 3 and stem in self.base_forms:
            if self._forms_of(stem, ("en", "et")):
                return stem
        return None

    def _singular_of_regular_plural(self, form: str) -> str | None:
        for ending in REGULAR_PLURAL_SUFFIXES[self.language]:
            stem = form[: -len(ending)]
            if (
                form.endswith(ending)
                and len(stem) >= 3
                and stem in self.base_forms
                and self._forms_of(stem, ("en", "et"))
            ):
                return stem
        return None

    @lru_cache(maxsize=50_000)  # noqa: B019 - one Lexicon per language for the process
    def repaired(self, surface: str) -> str | None:
        """The spelling an unknown word stands for: diacritics restored ("affar", "aeldre")
        or one slip undone ("skadegörlesen"); see spelling.py."""
        return repair(surface, self.language, self.listed, self._spelling_rank, self._analysable)

    @lru_cache(maxsize=20_000)  # noqa: B019 - one Lexicon per language for the process
    def stopword_without_diacritics(self, word: str) -> bool:
        """A function word with its diacritics lost ("pa" for "på", "ar" for "är")."""
        return any(v in self.stopwords for v in diacritic_variants(word, self.language))

    @lru_cache(maxsize=20_000)  # noqa: B019 - one Lexicon per language for the process
    def well_known_name(self, word: str) -> bool:
        """The table lists the word as a proper noun (its lemma has a capital): a well-known
        place elsewhere (Göteborg, Aarhus, London), where respondents commute or compare
        with, not a local topic (see names.py)."""
        return self.lemma(word)[:1].isupper()

    def _spelling_rank(self, word: str) -> int:
        return 0 if word in self.stopwords else 1 if word in self.base_forms else 2

    def _analysable(self, word: str) -> bool:
        return self.lemma(word) != word

    def _analyse(self, surface: str) -> tuple[str, bool, bool]:
        """(lemma, content, modifier) for one lowercase token."""
        nominal = self.nominalised.get(surface)
        if nominal is not None:
            return nominal, True, True
        if surface in self.stopwords or len(surface) < MIN_WORD_LENGTH:
            lemma = self.overrides.get(surface, surface)
            # "fler bostäder": a comparative quantifier may open a phrase.
            return lemma, False, lemma in self.overrides.values()
        if self.language in HOME_LANGUAGES and not self.known(surface):
            repaired = self.repaired(surface)
            if repaired is not None:
                return self.analyse(repaired)
        lemma = self.lemma_of(surface)
        if lemma in self.stopwords or not lemma:
            return lemma, False, False
        if surface in self.overrides:
            return lemma, True, False  # a known simplemma mistake, already corrected
        if self._is_present_tense(surface):
            return lemma, False, False
        verb_form = self._verb_form(surface, lemma)
        if verb_form is not None:
            return lemma, False, verb_form == "participle"
        if self._deponent(lemma):
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
def get_lexicon(language: str) -> Lexicon:
    return Lexicon(check_language(language))
