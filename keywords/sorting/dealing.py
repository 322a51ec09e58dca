"""Dealing a player's deck (STATISTICS.md, "Exposure"): pure, no ORM.

Each item is drawn with weight 1/(times shown + 1), without replacement, so keywords seen
less often come up more and every keyword gathers answers at about the same rate; the
chosen cards are then shuffled, so the position a card is shown at is random per player.
The only inputs are the exposure counts and the random source: what players answered
never changes what later players are dealt.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping


def weight(times_shown: int) -> float:
    return 1.0 / (times_shown + 1)


def deal(shown: Mapping[int, int], size: int, rng: random.Random) -> list[int]:
    """`size` distinct item ids (all of them when there are fewer), in the order shown.

    Weighted sampling without replacement by Efraimidis and Spirakis' keys u^(1/w): the
    `size` largest keys are a sample whose first draw has probability w_i / Σw, as
    successive weighted draws would give, in one pass. Items are visited in id order so a
    seeded `rng` gives the same deck whatever order the mapping came in.
    """
    if size <= 0 or not shown:
        return []
    keyed = []
    for item_id in sorted(shown):
        u = rng.random()
        # log(u)/w orders like u^(1/w) without underflow for small weights; u = 0 is
        # possible from random() and is the smallest key.
        key = -math.inf if u == 0.0 else math.log(u) / weight(shown[item_id])
        keyed.append((key, item_id))
    keyed.sort(reverse=True)
    deck = [item_id for _key, item_id in keyed[:size]]
    rng.shuffle(deck)
    return deck
