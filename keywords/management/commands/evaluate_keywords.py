"""Score keyword extraction against a labelled JSON Lines file, next to YAKE.

Each line of PATH is an object with ``id``, ``lang`` (sv, da, nb), ``question``, ``text`` and
``keywords`` (base forms; ``"a|b"`` in one string means either form is right). The answer's
``lang`` is used as the municipality's home language.

Matching, micro-averaged over answers (sum TP / sum predicted, sum TP / sum gold):

* A gold keyword is a set of acceptable forms; it is found when any prediction equals one of
  them (lowercase, NFC). Each gold keyword counts at most once.
* A prediction equal to a form of a gold keyword already found (for example both "stadskärna"
  and "levande stadskärna" for ``levande stadskärna|stadskärna``) is neither a hit nor a miss.
* A phrase is scored through its words: it counts as a prediction of its own only when it
  equals a gold form. Otherwise it refines single words that are predicted (and scored) on
  their own anyway, so it is not counted as wrong a second time.

YAKE runs with 1-word keywords, top 5, its stopword list for the language, and its output is
lowercased and lemmatised with our lemmatiser, so only the choice of words differs.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keywords.extraction.extractor import HOME_LANGUAGES, base_form, extract_batch

YAKE_TOP = 5
_YAKE_LANGUAGE = {"sv": "sv", "da": "da", "nb": "no"}
# Languages the extractor can take as an answer's home language: the three home languages
# and the two it recognises inside them (a labelled set may hold English or Arabic answers).
SUPPORTED_LANGUAGES = (*HOME_LANGUAGES, "en", "ar")


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predictions: list[str], phrases: list[str], gold: list[str]) -> None:
        alternatives = [{_norm(form) for form in item.split("|") if form.strip()} for item in gold]
        found = [False] * len(alternatives)
        counted = 0
        hits = 0
        for prediction, is_phrase in [(p, False) for p in predictions] + [
            (p, True) for p in phrases
        ]:
            prediction = _norm(prediction)
            matches = [i for i, forms in enumerate(alternatives) if prediction in forms]
            if not matches:
                if not is_phrase:
                    counted += 1
                continue
            fresh = [i for i in matches if not found[i]]
            if fresh:
                found[fresh[0]] = True
                hits += 1
                counted += 1
        self.true_positives += hits
        self.predicted += counted
        self.gold += len(alternatives)

    def extend(self, other: "Score") -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).strip().lower()


@dataclass
class _Result:
    """Our scores and YAKE's for one set of answers, overall and per language."""

    answers: int = 0
    ours: Score = field(default_factory=Score)
    yake: Score | None = None
    languages: dict[str, "_Result"] = field(default_factory=dict)

    def language(self, code: str) -> "_Result":
        return self.languages.setdefault(code, _Result(yake=None if self.yake is None else Score()))

    def merge(self, other: "_Result") -> None:
        self.answers += other.answers
        self.ours.extend(other.ours)
        if self.yake is not None and other.yake is not None:
            self.yake.extend(other.yake)
        for code, result in other.languages.items():
            mine = self.language(code)
            mine.answers += result.answers
            mine.ours.extend(result.ours)
            if mine.yake is not None and result.yake is not None:
                mine.yake.extend(result.yake)


class Command(BaseCommand):
    help = (
        "Print precision, recall and F1 of keyword extraction on labelled JSON Lines files, "
        "per file and for all together, overall and per language, next to YAKE."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--language-default",
            default="sv",
            choices=HOME_LANGUAGES,
            help="Home language for lines without a 'lang' field.",
        )

    def handle(self, *args, paths: list[Path], language_default: str, **options):
        # Read every file first: a broken line in the last file fails before any work.
        files = [(path, self._read(path, language_default)) for path in paths]
        try:
            import yake
        except ImportError:
            yake = None
            self.stdout.write("YAKE not installed")
        total = _Result(yake=None if yake is None else Score())
        for path, rows in files:
            result = self._score(rows, yake)
            self._print_result(f"{path} ({result.answers} answers)", result)
            total.merge(result)
        if len(files) > 1:
            self._print_result(f"all {len(files)} files ({total.answers} answers)", total)

    def _score(self, rows: list[dict], yake) -> _Result:
        result = _Result(answers=len(rows), yake=None if yake is None else Score())
        by_language: dict[str, list[dict]] = {}
        for row in rows:
            by_language.setdefault(row["lang"], []).append(row)
        for language, group in sorted(by_language.items(), key=_language_order):
            per_language = result.language(language)
            per_language.answers = len(group)
            extracted = extract_batch([r["text"] for r in group], language)
            for row, keywords in zip(group, extracted, strict=True):
                args = (list(keywords.single_words), list(keywords.phrases), row["keywords"])
                per_language.ours.add(*args)
            result.ours.extend(per_language.ours)
            if yake is None:
                continue
            extractor = yake.KeywordExtractor(
                lan=_YAKE_LANGUAGE.get(language, language), n=1, top=YAKE_TOP
            )
            for row in group:
                words = [kw for kw, _score in extractor.extract_keywords(row["text"])]
                lemmas = list(dict.fromkeys(base_form(w, language) for w in words))
                per_language.yake.add(lemmas, [], row["keywords"])
            result.yake.extend(per_language.yake)
        return result

    def _print_result(self, title: str, result: _Result) -> None:
        self.stdout.write(f"== {title}")
        self._print("", result.ours)
        if result.yake is not None:
            self._print("YAKE ", result.yake)
        for code, per_language in sorted(result.languages.items(), key=_language_order):
            line = f"{code} ({per_language.answers} answers): " + self._figures(per_language.ours)
            if per_language.yake is not None:
                line += " | YAKE " + self._figures(per_language.yake)
            self.stdout.write(line)

    def _figures(self, score: Score) -> str:
        return f"precision {score.precision:.3f} recall {score.recall:.3f} F1 {score.f1:.3f}"

    def _print(self, prefix: str, score: Score) -> None:
        self.stdout.write(f"{prefix}precision: {score.precision:.3f}")
        self.stdout.write(f"{prefix}recall: {score.recall:.3f}")
        self.stdout.write(f"{prefix}F1: {score.f1:.3f}")

    def _read(self, path: Path, language_default: str) -> list[dict]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        rows = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                language = row.get("lang") or language_default
                if language not in SUPPORTED_LANGUAGES:
                    raise ValueError(f"unsupported lang {language!r}")
                rows.append(
                    {
                        "lang": language,
                        "text": str(row["text"]),
                        "keywords": [str(k) for k in row["keywords"]],
                    }
                )
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise CommandError(f"{path}:{number}: {error}") from error
        return rows


def _language_order(item: tuple[str, list]) -> tuple[int, str]:
    """The home languages in their usual order (sv, da, nb), then any other alphabetically."""
    code = item[0]
    return (HOME_LANGUAGES.index(code) if code in HOME_LANGUAGES else len(HOME_LANGUAGES), code)
