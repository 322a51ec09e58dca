"""Which keywords a councillors' round takes: the curated list, the kept keywords or a
respondent threshold, and the bound. Reads only (indexed counts on Keyword); the services
open the round on what this chooses, and the staff page shows the count before opening.

**A round is bounded**: at most ``ROUND_KEYWORDS_MAX`` keywords. Councillors read every
keyword and give a reason for each strike, and the list goes on to residents who sort it
at exhibitions and in a game (seed 000); 500 is already a long afternoon's reading (ten
pages of 50), far more than anyone sorts, while a list of 60,000 uncurated extraction
candidates is no list at all. Above the bound, opening is refused with what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.models import Consultation
from keywords.models import Keyword, KeywordStatus

# The most keywords one round puts before the councillors (see the module docstring).
ROUND_KEYWORDS_MAX = 500


def _listed(keywords: QuerySet[Keyword]) -> QuerySet[Keyword]:
    # Most respondents first, as the workbench orders them.
    return keywords.order_by("-respondents", Lower("label"), "pk")


def kept_keywords(consultation: Consultation) -> QuerySet[Keyword]:
    return _listed(Keyword.objects.filter(consultation=consultation, status=KeywordStatus.KEPT))


def curated_keywords(consultation: Consultation) -> QuerySet[Keyword]:
    """The curated list as it is now, most respondents first: the keywords kept for
    sorting, or when none is kept, every keyword neither struck nor merged away."""
    kept = kept_keywords(consultation)
    if kept.exists():
        return kept
    return _listed(
        Keyword.objects.filter(consultation=consultation, status=KeywordStatus.CANDIDATE)
    )


@dataclass(frozen=True)
class RoundChoice:
    """Which keywords a round opened now would put before the councillors."""

    kept: bool  # staff kept keywords: those go, whatever the threshold
    min_respondents: int
    count: int

    @property
    def too_many(self) -> bool:
        return self.count > ROUND_KEYWORDS_MAX

    @property
    def refusal(self) -> str:
        """Why a round cannot open on this choice ("" when it can)."""
        if self.count == 0:
            if self.kept or self.min_respondents == 0:
                return str(_("There are no keywords to put before the councillors yet."))
            return str(
                _(
                    "No keyword has at least %(min)d respondents. Lower the minimum number "
                    "of respondents."
                )
                % {"min": self.min_respondents}
            )
        if not self.too_many:
            return ""
        counted = ngettext(
            "%(count)d keyword would go to the councillors.",
            "%(count)d keywords would go to the councillors.",
            self.count,
        ) % {"count": self.count}
        if self.kept:
            advice = _(
                "A round takes at most %(max)d keywords, so that each councillor can read "
                "and judge every one. Keep fewer keywords for sorting in the keyword table."
            ) % {"max": ROUND_KEYWORDS_MAX}
        else:
            advice = _(
                "A round takes at most %(max)d keywords, so that each councillor can read "
                "and judge every one. Keep the keywords for the round (“keep for sorting” in "
                "the keyword table) or raise the minimum number of respondents."
            ) % {"max": ROUND_KEYWORDS_MAX}
        return f"{counted} {advice}"


def round_candidates(consultation: Consultation, min_respondents: int) -> QuerySet[Keyword]:
    kept = kept_keywords(consultation)
    if kept.exists():
        return kept
    return _listed(
        Keyword.objects.filter(
            consultation=consultation,
            status=KeywordStatus.CANDIDATE,
            respondents__gte=min_respondents,
        )
    )


def round_choice(consultation: Consultation, *, min_respondents: int = 0) -> RoundChoice:
    """The count staff see before they open a round (one or two indexed queries)."""
    min_respondents = max(0, min_respondents)
    kept = kept_keywords(consultation).count()
    if kept:
        return RoundChoice(kept=True, min_respondents=min_respondents, count=kept)
    count = Keyword.objects.filter(
        consultation=consultation,
        status=KeywordStatus.CANDIDATE,
        respondents__gte=min_respondents,
    ).count()
    return RoundChoice(kept=False, min_respondents=min_respondents, count=count)


def suggested_min_respondents(consultation: Consultation) -> int:
    """The lowest threshold that keeps a round within the bound (0 when every keyword
    fits): a starting point staff can raise, read off the respondents index."""
    beyond = (
        Keyword.objects.filter(consultation=consultation, status=KeywordStatus.CANDIDATE)
        .order_by("-respondents")
        .values_list("respondents", flat=True)[ROUND_KEYWORDS_MAX : ROUND_KEYWORDS_MAX + 1]
    )
    first_left_out = next(iter(beyond), None)
    return 0 if first_left_out is None else first_left_out + 1
