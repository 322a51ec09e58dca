"""Implausible voting patterns for staff to review: pure, no ORM.

Two signals (issue 10, "Abuse and integrity"), each a list of findings a person checks
before excluding anything; nothing here excludes on its own:

- **Bursts**: a source (a kiosk, or the online channel as a whole, which has no finer
  source: no IP address is stored) casting more than ``limit`` votes in a calendar minute.
  A person sorts a card in two to three seconds, so a kiosk does about 20–30 a minute;
  hundreds a minute is a script or a stuck key. Consecutive minutes over the limit form
  one finding (its first and last minute and its votes).
- **Identical sequences**: many players of one source answering with the same sequence
  of choices in deck order (e.g. "yes" to every card, or a replayed pattern). Decks are
  dealt at random, so the same *keywords* in the same order are unlikely; the same
  *answers* in the same order, from several players of one source, is what a bot or a
  bored visitor pressing one button leaves. Only sequences of at least ``min_length``
  answers count (short plays match by chance).

The inputs are small and already aggregated in SQL (votes per source and minute over a
threshold; the answer sequences of a bounded number of recent players), so the functions
are exact and cheap to test.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MINUTE = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Burst:
    source: str
    first_minute: datetime.datetime
    last_minute: datetime.datetime
    votes: int
    peak_per_minute: int

    @property
    def ends(self) -> datetime.datetime:
        """The end of the burst's last minute (an exclusive window end)."""
        return self.last_minute + MINUTE

    @property
    def minutes(self) -> int:
        return int((self.last_minute - self.first_minute) / MINUTE) + 1


@dataclass(frozen=True)
class IdenticalSequence:
    source: str
    choices: tuple[int, ...]
    players: tuple  # the players' ids, in ascending order


def detect_bursts(
    per_minute: Iterable[tuple[str, datetime.datetime, int]], *, limit: int
) -> list[Burst]:
    """Findings from (source, minute, votes) rows: each run of consecutive minutes in which
    a source cast more than `limit` votes. Rows at or under the limit are ignored (the SQL
    may pass them or not). Sorted by source, then first minute."""
    over: dict[str, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    for source, minute, votes in per_minute:
        if votes > limit:
            over[source].append((minute, votes))
    findings = []
    for source in sorted(over):
        run: list[tuple[datetime.datetime, int]] = []
        for minute, votes in sorted(over[source]):
            if run and minute - run[-1][0] != MINUTE:
                findings.append(_burst(source, run))
                run = []
            run.append((minute, votes))
        findings.append(_burst(source, run))
    return findings


def _burst(source, run) -> Burst:
    return Burst(
        source=source,
        first_minute=run[0][0],
        last_minute=run[-1][0],
        votes=sum(votes for _minute, votes in run),
        peak_per_minute=max(votes for _minute, votes in run),
    )


def detect_identical_sequences(
    sequences: Mapping[object, tuple[str, tuple[int, ...]]],
    *,
    min_players: int,
    min_length: int,
) -> list[IdenticalSequence]:
    """Findings from {player id: (source, choices in deck order)}: every sequence of at
    least `min_length` choices that `min_players` or more players of one source share.
    Sorted by the number of players (most first), then source and sequence."""
    groups: dict[tuple[str, tuple[int, ...]], list] = defaultdict(list)
    for player, (source, choices) in sequences.items():
        if len(choices) >= min_length:
            groups[(source, tuple(choices))].append(player)
    findings = [
        IdenticalSequence(source=source, choices=choices, players=tuple(sorted(players)))
        for (source, choices), players in groups.items()
        if len(players) >= min_players
    ]
    findings.sort(key=lambda f: (-len(f.players), f.source, f.choices))
    return findings
