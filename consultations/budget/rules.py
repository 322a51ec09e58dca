"""Who wins a district's vote: the greedy rule and the Method of Equal Shares (MES).

Pure computation, no ORM: projects and ballots in, the winners in the order each rule chose
them out. Both rules run in pabutools, the PB research community's implementation, with
cost satisfaction (a voter values a project by what it costs; the usual choice for
approval ballots, as on equalshares.net):

- **Greedy**: projects by number of approvals, most first; each is funded if it still
  fits in what is left of the budget, else skipped.
- **MES with completion**: the budget is split equally among the voters; a project is
  funded when its supporters can pay for it together, each paying as little as possible
  (equal shares of the cost, those with too little paying all they have left). MES alone
  often leaves money unspent, so it is completed as equalshares.net recommends: the voters'
  budgets are raised step by step while the outcome still fits the real budget ("add one"),
  then what is left is filled greedily.

Ties (published on the results page, TIE_BREAKING_RULE): more approvals first, then the
lower cost, then the proposal submitted first (the lower id).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pabutools.election import (
    ApprovalMultiProfile,
    Cost_Sat,
    FrozenApprovalBallot,
    Instance,
)
from pabutools.election import (
    Project as PabProject,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule


@dataclass(frozen=True)
class Project:
    id: int
    cost: int


Ballots = Mapping[frozenset[int], int]  # the set of approved project ids -> how many voters


def count_ballots(ballots: Iterable[Iterable[int]]) -> Counter:
    """Identical ballots counted once with their multiplicity: 20,000 ballots over 50
    projects are a few thousand distinct sets, and the rules run on those."""
    return Counter(frozenset(ballot) for ballot in ballots)


def approvals(projects: Iterable[Project], ballots: Ballots) -> dict[int, int]:
    counts = dict.fromkeys((p.id for p in projects), 0)
    for ballot, voters in ballots.items():
        for project_id in ballot:
            if project_id in counts:
                counts[project_id] += voters
    return counts


def _election(projects, ballots: Ballots, budget: int):
    pab = {p.id: PabProject(str(p.id), p.cost) for p in projects}
    instance = Instance(pab.values(), budget_limit=budget)
    profile = ApprovalMultiProfile(instance=instance)
    for ballot, voters in ballots.items():
        chosen = [pab[i] for i in ballot if i in pab]
        if chosen:
            profile[FrozenApprovalBallot(chosen)] = voters
    counts = approvals(projects, ballots)
    # The published tie-breaking rule, as pabutools' sort key: lowest key first.
    tie_breaking = TieBreakingRule(
        lambda _instance, _profile, project: (
            -counts[int(project.name)],
            project.cost,
            int(project.name),
        )
    )
    return instance, profile, tie_breaking


def greedy(projects: list[Project], ballots: Ballots, budget: int) -> list[int]:
    instance, profile, tie_breaking = _election(projects, ballots, budget)
    outcome = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie_breaking
    )
    return [int(p.name) for p in outcome]


def equal_shares(projects: list[Project], ballots: Ballots, budget: int) -> list[int]:
    instance, profile, tie_breaking = _election(projects, ballots, budget)
    outcome = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [
            {"sat_class": Cost_Sat, "tie_breaking": tie_breaking, "voter_budget_increment": 1},
            {"sat_class": Cost_Sat, "tie_breaking": tie_breaking},
        ],
    )
    return [int(p.name) for p in outcome]
