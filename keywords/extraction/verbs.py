"""Verbs by their place in the sentence, where the word list alone cannot tell.

Many Scandinavian verb forms are also nouns in simplemma's table ("lytter" listener,
"lever" liver, "ligger"), and the rough word-class guess keeps base forms as written. The
sentence decides: after an infinitive marker ("att", "at", "å") or a modal verb ("kan",
"skal", "må") comes an infinitive, after a subject pronoun or a relative pronoun ("som",
"der") a finite verb. There the first word that is not a stopword is a verb if it can be
one; it is not a keyword.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keywords.extraction.wordlists import AUXILIARIES

if TYPE_CHECKING:
    from keywords.extraction.candidates import Token
    from keywords.extraction.lexicon import Lexicon

INFINITIVE_MARKERS = {"sv": frozenset({"att"}), "da": frozenset({"at"}), "nb": frozenset({"å"})}

# Verbs followed by a bare infinitive.
MODALS = {
    "sv": frozenset(
        """kan kunde ska skall skulle måste vill ville får fick bör borde orkar vågar
        slipper brukar behöver hinner""".split()
    ),
    "da": frozenset(
        "kan kunne skal skulle må måtte vil ville bør burde tør gider behøver plejer".split()
    ),
    "nb": frozenset(
        "kan kunne skal skulle må måtte vil ville bør burde får fikk tør gidder trenger".split()
    ),
}

# Pronouns a finite verb follows (subject pronouns; relative "som", "der"). Danish "I"
# (you) is left out: lowercased it is the preposition "i".
SUBJECTS = {
    "sv": frozenset("jag du han hon vi ni de man som".split()),
    "da": frozenset("jeg du han hun vi de man der som".split()),
    "nb": frozenset("jeg du han hun vi dere de man som".split()),
}

COORDINATORS = {
    "sv": frozenset(("och", "eller")),
    "da": frozenset(("og", "eller")),
    "nb": frozenset(("og", "eller")),
}

# Articles open a noun phrase: no verb follows them directly.
ARTICLES = {
    "sv": frozenset("en ett den det de".split()),
    "da": frozenset("en et den det de".split()),
    "nb": frozenset("en ei et ett den det de".split()),
}

# Adverbs that may stand between a subject and its finite verb ("at kommunen faktisk
# lytter", "hvor de unge selv bestemmer").
SENTENCE_ADVERBS = {
    "sv": frozenset(
        """faktiskt verkligen bara också alltid aldrig ofta ändå inte redan själv själva
        fortfarande gärna""".split()
    ),
    "da": frozenset(
        "faktisk virkelig bare også altid aldrig ofte stadig ikke selv allerede gerne jo".split()
    ),
    "nb": frozenset(
        "faktisk virkelig bare også alltid aldri ofte fortsatt ikke selv allerede gjerne jo".split()
    ),
}

# How many stopwords may stand between the trigger and the verb ("kan inte längre cykla").
_GAP = 2


def mark_verbs_by_position(tokens: list[Token], lexicon: Lexicon) -> None:
    language = lexicon.language
    if language not in INFINITIVE_MARKERS:
        return
    infinitive = INFINITIVE_MARKERS[language] | MODALS[language]
    finite = SUBJECTS[language]
    stop = ARTICLES[language] | AUXILIARIES[language]
    n = len(tokens)
    for i, trigger in enumerate(tokens):
        surface = trigger.surface
        wants_infinitive = surface in infinitive
        if not wants_infinitive and surface not in finite:
            continue
        for j in range(i + 1, min(n, i + _GAP + 2)):
            t = tokens[j]
            if t.group != trigger.group or t.name or t.surface in stop:
                # An article opens a noun phrase; an auxiliary already fills the slot
                # ("der er arbejde", "at have bil").
                break
            if not (t.content or t.modifier):
                if t.surface in lexicon.stopwords:
                    continue  # a pronoun or an adverb: "som bara bråkar", "kan ikke sove"
                # A verb or an adjective the word-class guess found ("de lade ner"); a
                # second infinitive may follow ("kan møtes og spise").
                if wants_infinitive:
                    _coordinated_infinitive(tokens, j, lexicon)
                break
            if wants_infinitive:
                verb = lexicon.infinitive_form(t.surface, t.lemma)
            else:
                verb = lexicon.verb_reading(t.surface, t.lemma)
            if verb:
                t.content = t.modifier = False
                if wants_infinitive:
                    _coordinated_infinitive(tokens, j, lexicon)
            break


def mark_present_tense_after_subject(tokens: list[Token], lexicon: Lexicon) -> None:
    """A present tense right after a noun or a name is its finite verb ("personalet løber",
    "folk stiller opp", "treningssenteret stenger", "invandrare och svenskar lever").

    Compounds are written as one word, so two nouns rarely stand side by side; a word after
    a noun, at most a sentence adverb apart, that reads as an -r present tense of a verb
    (not a noun's plural or definite form, see ``Lexicon.verb_reading``) is the verb.
    """
    adverbs = SENTENCE_ADVERBS.get(lexicon.language)
    if adverbs is None:
        return
    n = len(tokens)
    for i, subject in enumerate(tokens):
        if not (subject.content or subject.name):
            continue
        for j in range(i + 1, min(n, i + 3)):
            t = tokens[j]
            if t.group != subject.group or t.name:
                break
            if t.surface in adverbs:
                continue
            if t.content and t.surface.endswith("r") and lexicon.verb_reading(t.surface, t.lemma):
                t.content = t.modifier = False
            break


def _coordinated_infinitive(tokens: list[Token], j: int, lexicon: Lexicon) -> None:
    """ "kan booke sportshaller og melde huller": the verb after "og" is one too, when the
    first verb's object is at most one word long."""
    for k in range(j + 1, min(len(tokens) - 1, j + 3)):
        if tokens[k].group != tokens[j].group:
            return
        if tokens[k].surface in COORDINATORS[lexicon.language]:
            t = tokens[k + 1]
            if (
                t.group == tokens[j].group
                and t.content
                and lexicon.infinitive_form(t.surface, t.lemma)
            ):
                t.content = t.modifier = False
            return
