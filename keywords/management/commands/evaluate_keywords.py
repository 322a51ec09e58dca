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
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keywords.extraction.extractor import HOME_LANGUAGES, base_form, extract_batch

YAKE_TOP = 5
_YAKE_LANGUAGE = {"sv": "sv", "da": "da", "nb": "no"}


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


class Command(BaseCommand):
    help = "Print precision, recall and F1 of keyword extraction on a labelled JSON Lines file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--language-default",
            default="sv",
            choices=HOME_LANGUAGES,
            help="Home language for lines without a 'lang' field.",
        )

    def handle(self, *args, path: Path, language_default: str, **options):
        rows = self._read(path, language_default)
        ours = Score()
        by_language: dict[str, list[dict]] = {}
        for row in rows:
            by_language.setdefault(row["lang"], []).append(row)
        for language, group in by_language.items():
            results = extract_batch([r["text"] for r in group], language)
            for row, result in zip(group, results, strict=True):
                ours.add(list(result.single_words), list(result.phrases), row["keywords"])
        self._print("", ours)

        try:
            import yake
        except ImportError:
            self.stdout.write("YAKE not installed")
            return
        baseline = Score()
        for language, group in by_language.items():
            extractor = yake.KeywordExtractor(lan=_YAKE_LANGUAGE[language], n=1, top=YAKE_TOP)
            for row in group:
                words = [kw for kw, _score in extractor.extract_keywords(row["text"])]
                lemmas = list(dict.fromkeys(base_form(w, language) for w in words))
                baseline.add(lemmas, [], row["keywords"])
        self._print("YAKE ", baseline)

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
                if language not in HOME_LANGUAGES:
                    raise ValueError(f"unsupported lang {language!r}")
                rows.append(
                    {
                        "lang": language,
                        "text": str(row["text"]),
                        "keywords": [str(k) for k in row["keywords"]],
                    }
                )
            except (ValueError, KeyError, TypeError) as error:
                raise CommandError(f"{path}:{number}: {error}") from error
        return rows
