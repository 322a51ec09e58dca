"""Proper names: local places, clubs and institutions are keywords, kept whole as written.

Scandinavian writes common nouns in lower case, so a capital letter inside a sentence marks
a name ("på Vallen", "i Storelva"); at the start of a sentence it says nothing. A name is
kept as written (lowercased), never lemmatised: "Vallen" is not the noun "vall", "Hjortån"
not "hjortå". Words of one name stay together ("Gamla Hamnen", "Ljungsala IF", "Nordbyen
skole"). A name the lemma table itself knows with a capital (Göteborg, Aarhus, London) is a
well-known place elsewhere, where respondents commute or compare with; not a local topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from keywords.extraction.languages import DEFINITE_SUFFIXES
from keywords.extraction.lexicon import get_lexicon
from keywords.extraction.wordlists import NAME_GENERICS

# A name as the first part of a compound, and the known word after it, are at least this
# long: "Hjortå" + "festivalen".
_MIN_NAME_STEM = 4
_MIN_HEAD = 4

if TYPE_CHECKING:
    from keywords.extraction.candidates import Analysis, Token
    from keywords.extraction.lexicon import Lexicon


def mark_names(tokens: list[Token], lexicon: Lexicon) -> None:
    """Extend the names found inside sentences to the words that belong to them.

    - an acronym right after a capitalised word ("Ljungsala IF", "Vesteng IL");
    - a capitalised word at a sentence start that the table does not know, right before a
      name ("Kærholm Ålefest"): a known word there is a common noun ("Kulturhuset Remisen");
    - a lower-case generic right after a name ("Haugmoen skole").
    """
    generics = NAME_GENERICS[lexicon.language]
    for i in range(len(tokens) - 1):
        current, following = tokens[i], tokens[i + 1]
        if current.group != following.group:
            continue
        if following.acronym and (current.name or current.capitalised):
            following.name = True
            _make_name(current, lexicon)
    for i in range(len(tokens) - 2, -1, -1):
        current, following = tokens[i], tokens[i + 1]
        if current.group != following.group or current.name or not following.name:
            continue
        if current.capitalised and current.sentence_start:
            _make_name(current, lexicon)
    for i in range(len(tokens) - 1):
        current, following = tokens[i], tokens[i + 1]
        if current.group == following.group and current.name and following.surface in generics:
            following.name = True
            following.content = following.modifier = False


# Compass points that open local names ("Norrskolan", "Söderhallen", "Nordbyen",
# "Vesterbro"): a cardinal direction and a common noun, the direction written first.
_DIRECTIONS = {
    "sv": ("norr", "söder", "öster", "väster", "nord", "syd", "öst", "väst"),
    "da": ("nørre", "sønder", "øster", "vester", "nord", "syd", "øst", "vest"),
    "nb": ("nordre", "søndre", "nord", "sør", "øst", "vest"),
}


def mark_direction_names(tokens: list[Token], lexicon: Lexicon) -> None:
    """A capitalised word at a sentence start that the table does not know, made of a
    compass point and a known word, is a local name ("Norrskolan, där mina barn går")."""
    directions = _DIRECTIONS.get(lexicon.language, ())
    for t in tokens:
        if not (t.sentence_start and t.capitalised and not t.name) or lexicon.known(t.surface):
            continue
        for direction in directions:
            rest = t.surface[len(direction) :]
            if t.surface.startswith(direction) and len(rest) >= _MIN_HEAD and lexicon.known(rest):
                t.name = True
                t.content = t.modifier = False
                break


def _make_name(token: Token, lexicon: Lexicon) -> None:
    if token.name or (token.sentence_start and lexicon.known(token.surface)):
        return
    token.name = True
    token.content = token.modifier = False


def promote_batch_names(analyses: Iterable[Analysis]) -> None:
    """A capitalised word at a sentence start is a name when the batch writes it as one
    inside a sentence elsewhere ("Kvarnsjön" alone, "vid Kvarnsjön" in another answer), or
    when it is a compound the table does not know of such a name and a known word: a thing
    named after a local place is a local name too ("Hjortåfestivalen" of "Hjortån")."""
    analyses = list(analyses)
    seen = {t.surface for a in analyses for t in a.tokens if t.name and not t.sentence_start}
    if not seen:
        return
    stems: dict[str, set[str]] = {}
    for analysis in analyses:
        for t in analysis.tokens:
            if not (t.sentence_start and t.capitalised and not t.name):
                continue
            if t.surface in seen:
                t.name = True
                t.content = t.modifier = False
                continue
            if analysis.language not in DEFINITE_SUFFIXES:
                continue
            language_stems = stems.get(analysis.language)
            if language_stems is None:
                language_stems = stems[analysis.language] = _name_stems(seen, analysis.language)
            if _compound_of_name(t.surface, language_stems, get_lexicon(analysis.language)):
                t.name = True
                t.content = t.modifier = False


def _name_stems(seen: Iterable[str], language: str) -> set[str]:
    """Names and names without their definite ending ("hjortån": "hjortå"), as a compound's
    first part."""
    stems = set()
    for name in seen:
        stems.add(name)
        for ending in DEFINITE_SUFFIXES[language]:
            if name.endswith(ending):
                stems.add(name[: -len(ending)])
    return {stem for stem in stems if len(stem) >= _MIN_NAME_STEM}


def _compound_of_name(surface: str, stems: set[str], lexicon: Lexicon) -> bool:
    if lexicon.known(surface):
        return False
    for cut in range(_MIN_NAME_STEM, len(surface) - _MIN_HEAD + 1):
        if surface[:cut] in stems and lexicon.known(surface[cut:]):
            return True
    return False


# Danish names of waters and woods are indefinite ("Gudenå", "Furesø", "Rold Skov") and
# take the definite ending only in use ("langs Gudenåen"); Swedish and Norwegian names carry
# it as part of the name ("Hjortån", "Storelva"), as do Danish names of buildings
# ("Multisalen"). Definite generic -> the indefinite it is named with.
_DANISH_NATURE_DEFINITES = {
    "åen": "å",
    "søen": "sø",
    "bækken": "bæk",
    "skoven": "skov",
    "mosen": "mose",
    "fjorden": "fjord",
}


def name_form(name: str, language: str) -> str:
    """The form a name is listed under: Danish "Ravnsåen" is "ravnså", "Rold Skoven" is
    "rold skov"; a generic alone ("Søen") is left as it is."""
    if language != "da":
        return name
    head, _, last = name.rpartition(" ")
    for definite, indefinite in _DANISH_NATURE_DEFINITES.items():
        if last.endswith(definite) and (head or len(last) > len(definite) + 1):
            return name[: -len(definite)] + indefinite
    return name


def names(tokens: list[Token]) -> Iterator[tuple[int, str, int]]:
    """(index of the first word, name, number of words) for each run of name words."""
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].name:
            i += 1
            continue
        j = i + 1
        while j < n and tokens[j].name and tokens[j].group == tokens[i].group:
            j += 1
        yield i, " ".join(t.surface for t in tokens[i:j]), j - i
        i = j
