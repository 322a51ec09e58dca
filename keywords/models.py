"""Keywords proposed from residents' answers, and the runs that propose them.

A Keyword is grouped by its normalised ``base_form`` (one per consultation); ``label`` is
what residents will see and is the staff's to rename. Curation (label, status, merge,
"keep for sorting") lives on the Keyword row, so a rebuild that only recomputes mentions
cannot undo it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Answer, Consultation
from visionportal.models import Versioned


class KeywordStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    KEPT = "kept", _("Kept")
    STRUCK = "struck", _("Struck")
    MERGED = "merged", _("Merged")


class Keyword(Versioned):
    """Versioned: a curation action names the version of each keyword the staff member read
    (keywords.curation.services)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="keywords"
    )
    label = models.CharField(_("label"), max_length=120)
    base_form = models.CharField(_("base form"), max_length=120)
    created_by_staff = models.BooleanField(_("added by staff"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=KeywordStatus.choices, default=KeywordStatus.CANDIDATE
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_keywords",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Distinct respondents whose visible answers mention this keyword or one merged into
    # it, in all and per question kind; 0 on a merged keyword. Kept by keywords.tallies
    # (with the finer KeywordTally cells) so the workbench sorts and pages in SQL.
    respondents = models.IntegerField(_("respondents"), default=0, editable=False)
    respondents_keep = models.IntegerField(default=0, editable=False)
    respondents_leave = models.IntegerField(default=0, editable=False)
    respondents_miss = models.IntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "base_form"], name="keyword_one_per_base_form"
            ),
            # Merged exactly when it points somewhere, and never at itself.
            models.CheckConstraint(
                condition=(
                    Q(status=KeywordStatus.MERGED, merged_into__isnull=False)
                    | (~Q(status=KeywordStatus.MERGED) & Q(merged_into__isnull=True))
                ),
                name="keyword_merged_iff_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="keyword_not_merged_into_itself"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="keyword_label_not_empty"),
            models.CheckConstraint(condition=~Q(base_form=""), name="keyword_base_form_not_empty"),
        ]
        indexes = [
            # The workbench's default order and its status filter, paged by the database.
            models.Index(
                "consultation",
                "status",
                models.F("respondents").desc(),
                "label",
                name="keyword_by_respondents",
            ),
            models.Index(fields=["consultation", "status", "label"], name="keyword_by_label"),
            # The table with no status filter: its rows are the keywords not merged away,
            # paged in the order the selector sorts them (labels case-insensitively).
            models.Index(
                "consultation",
                models.F("respondents").desc(),
                Lower("label"),
                "id",
                condition=Q(merged_into__isnull=True),
                name="keyword_root_by_respondents",
            ),
            models.Index(
                "consultation",
                Lower("label"),
                "id",
                condition=Q(merged_into__isnull=True),
                name="keyword_root_by_label",
            ),
            # The table filtered by question: rows mentioned in answers to it, in order.
            *(
                models.Index(
                    "consultation",
                    models.F(f"respondents_{kind}").desc(),
                    Lower("label"),
                    "id",
                    condition=Q(merged_into__isnull=True, **{f"respondents_{kind}__gt": 0}),
                    name=f"keyword_root_by_{kind}",
                )
                for kind in ("keep", "leave", "miss")
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def kept_for_sorting(self) -> bool:
        """Staff chose it for the sorting game: the status says so (no second field that
        could disagree with it, e.g. "struck but kept")."""
        return self.status == KeywordStatus.KEPT


class KeywordMention(models.Model):
    """One answer mentions one keyword (however often): the link back to the quotes."""

    # No index of its own: the unique (keyword, answer) index serves lookups by keyword, and
    # every mention extraction writes would otherwise update one index more.
    keyword = models.ForeignKey(
        Keyword, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="keyword_mentions")
    surface_form = models.CharField(_("as written"), max_length=200)

    class Meta:
        verbose_name = _("keyword mention")
        verbose_name_plural = _("keyword mentions")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["keyword", "answer"], name="keyword_mention_one_per_answer"
            )
        ]

    def __str__(self):
        return self.surface_form


class KeywordTally(models.Model):
    """Distinct respondents of one keyword (a root: not merged away) within one cell of
    respondents: a channel, an age band ("" when not given) and a target group ("" for
    every respondent, else only those in the group).

    A respondent has one channel and one age band, so the cells of one target group are
    disjoint and their sums are exact distinct counts for any filter on channel and age
    band. Kept by keywords.tallies; never written elsewhere.
    """

    # No indexes of their own: the covering index starts with the consultation and the
    # unique cell constraint with the keyword, which serve the same lookups.
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    keyword = models.ForeignKey(
        Keyword, on_delete=models.CASCADE, related_name="tallies", db_index=False
    )
    channel = models.CharField(max_length=20)
    age_band = models.CharField(max_length=12, blank=True)
    target_group = models.CharField(max_length=24, blank=True)
    respondents = models.IntegerField(default=0)
    keep = models.IntegerField(default=0)
    leave = models.IntegerField(default=0)
    miss = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("keyword tally")
        verbose_name_plural = _("keyword tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["keyword", "channel", "age_band", "target_group"],
                name="keyword_tally_one_per_cell",
            ),
        ]
        indexes = [
            # Covering: a filtered table sums the matching cells from the index alone
            # (an index-only scan), not from heap rows scattered over the whole table.
            models.Index(
                fields=["consultation", "target_group", "channel", "age_band", "keyword"],
                include=["respondents", "keep", "leave", "miss"],
                name="keyword_tally_covering",
            ),
        ]

    def __str__(self):
        return f"{self.keyword_id} {self.channel}/{self.age_band}/{self.target_group}"


class RunKind(models.TextChoices):
    INCREMENTAL = "incremental", _("New answers")
    REBUILD = "rebuild", _("Full rebuild")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExtractionRun(models.Model):
    """Progress of a long extraction, for the page that polls it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="extraction_runs"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("answers in total"), default=0)
    processed = models.PositiveIntegerField(_("answers processed"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # A chunk changed the mentions of too many responses to recount them one by one (a
    # first extraction, a new extractor): the run recounts the consultation at its end.
    recount_at_end = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("extraction run")
        verbose_name_plural = _("extraction runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="extraction_run_processed_le_total"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.consultation_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ExtractionRunPart(models.Model):
    """One contiguous share of a rebuild's answers, extracted by one worker process: a
    rebuild on a real worker is split in parts that run side by side. A part records its
    own progress, so a redelivered part starts its share again without counting it
    twice; the run's progress is the sum of its parts'."""

    run = models.ForeignKey(ExtractionRun, on_delete=models.CASCADE, related_name="parts")
    first_answer_id = models.BigIntegerField()
    last_answer_id = models.BigIntegerField()
    answers = models.PositiveIntegerField()
    processed = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_answer_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=F("answers")), name="extraction_part_processed_le_all"
            )
        ]

    def __str__(self):
        return f"{self.run_id}: {self.first_answer_id}-{self.last_answer_id}"


class ActionKind(models.TextChoices):
    ADD = "add", _("Added")
    RENAME = "rename", _("Renamed")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    STRIKE = "strike", _("Struck")
    RESTORE = "restore", _("Restored")
    KEEP = "keep", _("Kept for sorting")
    UNKEEP = "unkeep", _("No longer kept for sorting")
    UNDO = "undo", _("Undone")


class KeywordAction(models.Model):
    """The audit trail of curation: who did what to which keywords, when and why.

    ``before`` and ``after`` hold the curated fields of every keyword the action touched
    (by primary key), which is all an undo needs: undoing writes ``before`` back, as a new
    action of its own, once no later action has changed those keywords.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="keyword_actions"
    )
    kind = models.CharField(_("action"), max_length=10, choices=ActionKind.choices)
    keywords = models.ManyToManyField(Keyword, related_name="actions", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    undoes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
        verbose_name=_("undoes"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("keyword action")
        verbose_name_plural = _("keyword actions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ActionKind.UNDO, undoes__isnull=False)
                | (~Q(kind=ActionKind.UNDO) & Q(undoes__isnull=True)),
                name="keyword_action_undo_iff_target",
            ),
        ]
        indexes = [
            # The history page: a consultation's actions, newest first, a page at a time.
            models.Index(fields=["consultation", "-id"], name="keyword_action_newest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class CouncillorRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class CouncillorRound(models.Model):
    """Seed 000: elected representatives may strike and add keywords, on record.

    Staff open a round on the curated list; councillors propose strikes and additions with
    reasons; staff close it and publish a KeywordList from the consolidated result.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="councillor_rounds"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions to councillors"), blank=True, max_length=5000)
    # Off by default: councillors judge the list on its own, not by what others struck.
    others_visible_while_open = models.BooleanField(
        _("councillors see each other's strikes and additions while the round is open"),
        default=False,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closes_on = models.DateField(_("last day for councillors"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CouncillorRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("councillors' round")
        verbose_name_plural = _("councillors' rounds")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(closed_at__isnull=True),
                name="councillor_round_one_open_per_consultation",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.consultation} ({self.opened_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundKeyword(models.Model):
    """One keyword of a round's list, as it was when the round opened: the round's
    snapshot. Written once, in one statement, when the round opens and never changed
    afterwards (a database trigger refuses updates), so later curation or extraction
    cannot change what the councillors are judging. Its rows go only with the round."""

    round = models.ForeignKey(CouncillorRound, on_delete=models.CASCADE, related_name="keywords")
    # RESTRICT as on CouncillorProposal.keyword: the keyword stays while a round names it.
    keyword = models.ForeignKey(Keyword, on_delete=models.RESTRICT, related_name="round_snapshots")
    label = models.CharField(_("label"), max_length=120)
    respondents = models.IntegerField(_("respondents"))
    respondents_keep = models.IntegerField(default=0)
    respondents_leave = models.IntegerField(default=0)
    respondents_miss = models.IntegerField(default=0)
    # 1 = most respondents at opening; the order the councillors read the list in.
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("keyword of a councillors' round")
        verbose_name_plural = _("keywords of a councillors' round")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "keyword"], name="round_keyword_once"),
            models.UniqueConstraint(fields=["round", "position"], name="round_keyword_position"),
        ]

    def __str__(self):
        return self.label


class ProposalKind(models.TextChoices):
    STRIKE = "strike", _("Strike")
    ADD = "add", _("Add")


class CouncillorProposal(models.Model):
    """One councillor's strike of a listed keyword, or addition of a missing one."""

    round = models.ForeignKey(CouncillorRound, on_delete=models.CASCADE, related_name="proposals")
    councillor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the membership when proposed: the record shows the party at the time.
    party = models.CharField(_("party"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProposalKind.choices)
    # RESTRICT, not PROTECT: a keyword on record cannot be deleted on its own, but
    # deleting the whole consultation (which takes the round with it) still works.
    keyword = models.ForeignKey(
        Keyword, on_delete=models.RESTRICT, null=True, blank=True, related_name="proposals"
    )
    label = models.CharField(_("keyword to add"), max_length=120, blank=True)
    # How additions are compared and grouped (services.label_key: cleaned, case-folded),
    # stored so the round's result groups them in SQL. Case folding can lengthen a label.
    label_key = models.CharField(max_length=400, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    # Withdrawn proposals stay on record; they no longer count.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("councillor's proposal")
        verbose_name_plural = _("councillors' proposals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ProposalKind.STRIKE, keyword__isnull=False, label="")
                    | (Q(kind=ProposalKind.ADD, keyword__isnull=True) & ~Q(label=""))
                ),
                name="councillor_proposal_strike_keyword_or_add_label",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="councillor_proposal_reason"),
            models.CheckConstraint(
                condition=Q(kind=ProposalKind.STRIKE, label_key="")
                | (Q(kind=ProposalKind.ADD) & ~Q(label_key="")),
                name="councillor_proposal_add_has_label_key",
            ),
            models.UniqueConstraint(
                fields=["round", "councillor", "keyword"],
                condition=Q(withdrawn_at__isnull=True, kind=ProposalKind.STRIKE),
                name="councillor_proposal_one_strike_per_keyword",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.keyword or self.label}"


class KeywordList(models.Model):
    """A published, frozen list of keywords: what the sorting game and the decision pack use.

    Never edited after publishing; a change publishes a new version.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="keyword_lists"
    )
    version = models.PositiveIntegerField(_("version"))
    source_round = models.ForeignKey(
        CouncillorRound,
        on_delete=models.RESTRICT,  # see CouncillorProposal.keyword
        null=True,
        blank=True,
        related_name="published_lists",
        verbose_name=_("councillors' round"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    # The round's proposals staff accepted for this version: the record of what the
    # councillors changed, and what a later version without a round carries forward.
    accepted_proposals = models.ManyToManyField(
        CouncillorProposal,
        blank=True,
        related_name="accepted_in",
        verbose_name=_("accepted proposals"),
    )

    class Meta:
        verbose_name = _("published keyword list")
        verbose_name_plural = _("published keyword lists")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "version"], name="keyword_list_version_unique"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="keyword_list_version_gte_1"),
        ]

    def __str__(self):
        return f"{self.consultation} v{self.version}"


class ItemOrigin(models.TextChoices):
    CURATED = "curated", _("From residents' answers")
    STAFF = "staff", _("Added by staff")
    COUNCILLOR = "councillor", _("Added by councillors")


class KeywordListItem(models.Model):
    """One keyword of a published list, frozen as published (label and counts copied)."""

    keyword_list = models.ForeignKey(KeywordList, on_delete=models.CASCADE, related_name="items")
    keyword = models.ForeignKey(
        Keyword, on_delete=models.SET_NULL, null=True, blank=True, related_name="list_items"
    )
    label = models.CharField(_("label"), max_length=120)
    origin = models.CharField(_("origin"), max_length=12, choices=ItemOrigin.choices)
    respondents = models.PositiveIntegerField(_("respondents"), default=0)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("published keyword")
        verbose_name_plural = _("published keywords")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["keyword_list", "position"], name="keyword_list_item_position_unique"
            ),
            models.UniqueConstraint(
                fields=["keyword_list", "label"], name="keyword_list_item_label_unique"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="keyword_list_item_label"),
        ]

    def __str__(self):
        return self.label


class SuggestionReason(models.TextChoices):
    STEM = "stem", _("Same stem")
    SIMILAR = "similar", _("Similar spelling")
    PHRASE = "phrase", _("A phrase of the same word")


class MergeSuggestion(models.Model):
    """Two keywords that may mean the same, found by keywords.curation.suggestions after
    extraction or curation (never per request). Staff merge or dismiss; nothing is merged
    silently. The pair is stored in primary-key order; which one to merge into is read
    from the respondents when shown."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="merge_suggestions"
    )
    keyword_a = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="+")
    keyword_b = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=SuggestionReason.choices)
    score = models.FloatField(_("similarity"))
    # Respondents of the less mentioned keyword when computed: the page's order (a pair
    # of two large keywords matters more), read from an index rather than sorted per page.
    respondents = models.IntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("merge suggestion")
        verbose_name_plural = _("merge suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["keyword_a", "keyword_b"], name="merge_suggestion_one_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(keyword_a__lt=F("keyword_b")), name="merge_suggestion_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(
                "consultation",
                models.F("respondents").desc(),
                models.F("score").desc(),
                "id",
                name="merge_suggestion_by_weight",
            ),
        ]

    def __str__(self):
        return f"{self.keyword_a_id} ~ {self.keyword_b_id} ({self.reason})"


class MergeSuggestionDismissal(models.Model):
    """Staff said two keywords are not the same: the pair is never suggested again. On
    record with who and when."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    keyword_a = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="+")
    keyword_b = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    dismissed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed merge suggestion")
        verbose_name_plural = _("dismissed merge suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["keyword_a", "keyword_b"], name="merge_suggestion_dismissed_once"
            ),
            models.CheckConstraint(
                condition=Q(keyword_a__lt=F("keyword_b")),
                name="merge_suggestion_dismissal_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.keyword_a_id} ≠ {self.keyword_b_id}"


class MergeSuggestionState(models.Model):
    """Where a consultation's merge suggestions stand, for the page and for the debounce:
    `queued_at` is set while a recompute is queued (so at most one is), `started_at` while
    one runs, `computed_at` when the stored pairs were last computed."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="merge_suggestion_state"
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    keywords_compared = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("merge suggestion state")
        verbose_name_plural = _("merge suggestion states")

    def __str__(self):
        return f"{self.consultation_id}: {self.computed_at}"


# The sorting game's models live with the game (keywords/sorting/); imported here by name so
# Django registers them with the keywords app.
from keywords.sorting.integrity_models import SortExclusion  # noqa: E402
from keywords.sorting.models import (  # noqa: E402
    DeviceClass,
    DevicePlaceKind,
    SortChannel,
    SortChoice,
    SortGroupCount,
    SortGroupSession,
    SortingDevice,
    SortingRound,
    SortingRoundItem,
    SortParticipant,
    SortParticipantTargetGroup,
    SortVote,
    SortVoteBatch,
)

__all__ = [
    "DeviceClass",
    "DevicePlaceKind",
    "SortChannel",
    "SortChoice",
    "SortExclusion",
    "SortGroupCount",
    "SortGroupSession",
    "SortingDevice",
    "SortingRound",
    "SortingRoundItem",
    "SortParticipant",
    "SortParticipantTargetGroup",
    "SortVote",
    "SortVoteBatch",
]

# The sorting game's stored results (keywords/sorting/result_models.py), registered likewise.
from keywords.sorting.result_models import (  # noqa: E402
    SortResultSnapshot,
    SortVoteCell,
    SortVoteDelta,
)

__all__ += ["SortResultSnapshot", "SortVoteCell", "SortVoteDelta"]
