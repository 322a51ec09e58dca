"""The greedy rule and Equal Shares with completion: pabutools' own examples and a case
computed by hand."""

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import method_of_equal_shares

from consultations.budget import rules
from consultations.budget.rules import Project as P


def test_greedy_funds_most_votes_first_and_skips_what_no_longer_fits():
    # Budget 100. Votes: A (60) 5, B (50) 4, C (40) 3, D (10) 1.
    # Greedy: A (60, 40 left), B does not fit, C (40, 0 left), D does not fit.
    projects = [P(1, 60), P(2, 50), P(3, 40), P(4, 10)]
    ballots = rules.count_ballots([[1]] * 5 + [[2]] * 4 + [[3]] * 3 + [[4]])
    assert rules.greedy(projects, ballots, 100) == [1, 3]


def test_equal_shares_by_hand_gives_the_minority_its_project():
    # Budget 100, 10 voters with 10 each. Six approve A (60) and B (40); four approve C (40).
    # Greedy: A (6 votes), B (6 votes, cost 40: fits) -> the majority takes everything.
    # MES: B costs 40/6 = 6.67 per supporter, C 40/4 = 10 per supporter, A 60/6 = 10.
    # Per unit of cost each pays the least for B (6.67/40 = 0.167) -> B; the six have 3.33
    # left each, 20 together, so A (60) is out of reach. C: the four pay 10 each -> C.
    # The minority's project is funded: [B, C]; 80 of 100 spent, and completion cannot add A.
    projects = [P(1, 60), P(2, 40), P(3, 40)]
    ballots = rules.count_ballots([[1, 2]] * 6 + [[3]] * 4)
    assert rules.greedy(projects, ballots, 100) == [2, 1]
    assert rules.equal_shares(projects, ballots, 100) == [2, 3]


def test_ties_go_to_more_votes_then_lower_cost_then_the_earlier_proposal():
    # All three tie on votes; 5 and 7 cost the same, so the earlier (5) goes first.
    projects = [P(7, 30), P(5, 30), P(9, 20)]
    ballots = rules.count_ballots([[5, 7, 9]] * 3)
    assert rules.greedy(projects, ballots, 50) == [9, 5]
    assert rules.equal_shares(projects, ballots, 50) == [9, 5]


def test_equal_shares_without_completion_matches_pabutools_example():
    # pabutools' documentation example (Equal Shares with cost satisfaction): instance of
    # budget 3 with p1 (cost 1), p2 (1), p3 (3); ballots {p1, p2}, {p1, p2, p3}, {p3}.
    p1, p2, p3 = Project("1", 1), Project("2", 1), Project("3", 3)
    instance = Instance([p1, p2, p3], budget_limit=3)
    profile = ApprovalProfile(
        [ApprovalBallot([p1, p2]), ApprovalBallot([p1, p2, p3]), ApprovalBallot([p3])]
    )
    expected = sorted(p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    ours = rules.equal_shares(
        [P(1, 1), P(2, 1), P(3, 3)],
        rules.count_ballots([[1, 2], [1, 2, 3], [3]]),
        3,
    )
    # Our completion never removes what plain MES chose.
    assert set(expected) <= {str(i) for i in ours}
    assert sum({1: 1, 2: 1, 3: 3}[i] for i in ours) <= 3


def test_identical_ballots_are_counted_once_with_their_multiplicity():
    ballots = rules.count_ballots([[1, 2], [2, 1], [3]])
    assert ballots == {frozenset({1, 2}): 2, frozenset({3}): 1}
    assert rules.approvals([P(1, 1), P(2, 1), P(3, 1)], ballots) == {1: 2, 2: 2, 3: 1}
