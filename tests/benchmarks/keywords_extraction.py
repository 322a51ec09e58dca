"""Benchmark: keyword extraction over many synthetic answers (not part of the test suite).

    .venv/bin/python tests/benchmarks/keywords_extraction.py [N] [--dev-set PATH]

Builds N answers (default 100,000) from the labelled development set with variation
(shuffled sentence pieces, swapped inflections, casing, emoji, typos), runs ``extract_batch``
per home language and prints answers/s, total seconds and peak RSS. Loading simplemma's
tables is timed separately: it happens once per worker process.

In the same run it times a baseline over the same answers, a plain clean + tokenise +
stopword pass, so the extractor's figure can be read against the machine's speed that day.

The development set is ``shared/data/keywords-dev.jsonl`` next to the repository
(``../shared/data/``), found by walking up from the repository, so it works from the main
checkout and from a worktree one level deeper; ``--dev-set`` names another file.
"""

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from keywords.extraction.extractor import clean_text, extract_batch, stopwords  # noqa: E402
from keywords.extraction.lexicon import get_lexicon  # noqa: E402
from keywords.extraction.text import tokens  # noqa: E402

DEV_SET_NAME = Path("shared", "data", "keywords-dev.jsonl")
EMOJI = ["🥕", "🌲", "🚌", "👍", "😡", "❤️", "🏠", ""]
# Inflection swaps: definite/indefinite, singular/plural endings of the three languages.
ENDING_SWAPS = [
    ("arna", "ar"),
    ("orna", "or"),
    ("erna", "er"),
    ("en", ""),
    ("et", ""),
    ("ene", "er"),
    ("erne", "er"),
    ("a", "an"),
]
PIECE = re.compile(r"[^.!?,]+[.!?,]?")


def find_dev_set() -> Path:
    """``../shared/data/keywords-dev.jsonl`` seen from the repository or a parent of it."""
    for folder in ROOT.parents:
        candidate = folder / DEV_SET_NAME
        if candidate.is_file():
            return candidate
    raise SystemExit(f"{DEV_SET_NAME} not found next to {ROOT} or above; pass --dev-set PATH")


def load_pieces(dev_set: Path) -> dict[str, list[str]]:
    pieces: dict[str, list[str]] = {}
    for line in dev_set.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pieces.setdefault(row["lang"], []).extend(
            p.strip() for p in PIECE.findall(row["text"]) if p.strip()
        )
    return pieces


def vary_word(word: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        for ending, other in ENDING_SWAPS:
            if word.endswith(ending) and len(word) > len(ending) + 3:
                return word[: len(word) - len(ending)] + other
    elif roll < 0.18 and len(word) > 5:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # transposition typo
    elif roll < 0.22:
        return word.upper() if rng.random() < 0.3 else word.capitalize()
    return word


def synthetic_answers(n: int, dev_set: Path, seed: int = 4) -> dict[str, list[str]]:
    rng = random.Random(seed)
    pieces = load_pieces(dev_set)
    languages = sorted(pieces)
    answers: dict[str, list[str]] = {lang: [] for lang in languages}
    for i in range(n):
        lang = languages[i % len(languages)]
        chosen = rng.sample(pieces[lang], k=min(len(pieces[lang]), rng.randint(1, 3)))
        words = " ".join(chosen).split()
        text = " ".join(vary_word(w, rng) for w in words)
        answers[lang].append(text + " " + rng.choice(EMOJI))
    return answers


def baseline(answers: dict[str, list[str]]) -> int:
    """A plain clean + tokenise + stopword pass: the floor any extractor builds on."""
    kept = 0
    for lang, texts in answers.items():
        stop = stopwords(lang)
        for text in texts:
            words = {token[0].lower() for token in tokens(clean_text(text))}
            kept += len(words - stop)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--dev-set", type=Path, default=None)
    arguments = parser.parse_args()
    n = arguments.n
    answers = synthetic_answers(n, arguments.dev_set or find_dev_set())

    started = time.perf_counter()
    for lang in answers:
        get_lexicon(lang)
        get_lexicon("en")
    loading = time.perf_counter() - started

    started = time.perf_counter()
    baseline_words = baseline(answers)
    baseline_seconds = time.perf_counter() - started

    started = time.perf_counter()
    keywords = 0
    for lang, texts in answers.items():
        results = extract_batch(texts, lang)
        keywords += sum(len(r.candidates) for r in results)
    extracting = time.perf_counter() - started

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"answers: {n}")
    print(f"candidates: {keywords}")
    print(f"loading tables: {loading:.1f} s (once per process)")
    print(f"extraction: {extracting:.1f} s")
    print(f"total seconds: {loading + extracting:.1f}")
    print(f"answers/s: {n / extracting:,.0f}")
    print(
        f"baseline (clean + tokenise + stopwords, {baseline_words} words): "
        f"{baseline_seconds:.1f} s, {n / baseline_seconds:,.0f} answers/s"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
