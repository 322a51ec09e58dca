"""The sorting game's data (seed 000, step 2): rounds on a published keyword list, the
participants who play them online or at a kiosk, their votes, kiosk upload batches, and
workplace meetings' group counts.

Decisions the services, the kiosk and the results rely on:

- **A vote is one row per exposure** (STATISTICS.md): participant, list item, choice
  (+1 want, −1 not want, 0 skip), the position the card was shown at, when. One answer per
  participant and item is a database constraint; an undo deletes the row, a new answer
  replaces it. ``round`` and ``channel`` are copied onto the vote (both fixed when the
  participant starts) so counting a million votes reads one covering index, no join.
- **Votes reference ``KeywordListItem``**, not ``Keyword``: councillors' additions have
  no keyword. RESTRICT keeps a list item while votes name it.
- **Nothing personal is stored**: a participant is a random token, a channel, a device
  class derived from the user agent (phone / tablet / desktop; the string itself is not
  kept), no IP address, and the optional profile answers given at the end.
- **Exclusions keep votes**: ``SortVote.excluded`` removes a vote from results; the row
  stays and can be re-included (the audit of who excluded what is the kiosk/abuse
  work's, on its own model).
- **The player's profile is on their votes**: each vote carries its player's device
  class (known from the start) when it is cast, and the rest (age band, area, target
  groups as a bitmask, answered at the end) is copied by one UPDATE when the player
  finishes, after which the game takes no more of their votes (a kiosk's later upload
  copies it again): the results count the whole cube (keyword × answer × every group)
  without joining the players, an unfinished player's votes under an empty profile, as
  their player's is. A vote whose ``device_class`` is "" (written before votes carried
  it) takes its profile from the player by a join, through a small partial index, so
  the counts never depend on the copy.
- **Dealing counts exposures per round item** (``SortingRoundItem.times_shown``), the only
  input of the deal's weights 1/(times shown + 1): exposure never depends on answers.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import AgeBand, TargetGroup
from visionportal.models import Versioned, VisionProcess
from visionportal.phases import Capability, process_allows

DECK_SIZE_MAX = 200


class SortChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Kiosk")
    WORKPLACE_MEETING = "workplace_meeting", _("Workplace meeting")


class SortChoice(models.IntegerChoices):
    """The values are STATISTICS.md's coding, so sums and counts work on them directly."""

    WANT = 1, _("Should characterise the municipality")
    NOT_WANT = -1, _("Should not characterise the municipality")
    SKIP = 0, _("Skip")


class DeviceClass(models.TextChoices):
    PHONE = "phone", _("Phone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Computer")
    UNKNOWN = "unknown", _("Unknown")


class DevicePlaceKind(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition")
    LIBRARY = "library", _("Library")
    SHOPPING_CENTRE = "shopping_centre", _("Shopping centre")
    PUBLIC_BUILDING = "public_building", _("Town hall or other public building")
    EVENT = "event", _("Event or festival")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other place")


class SortingRoundQuerySet(models.QuerySet):
    def public(self):
        return self.filter(
            process__is_public=True,
            process__municipality__is_public=True,
            opened_at__isnull=False,
        )


class SortingRound(Versioned):
    """A round of the game on one published keyword list version.

    Its life: staff create it (a draft: ``opened_at`` null), open it (only while the
    process has a running phase enabling SORT_KEYWORDS), and it takes votes between
    ``opens_at`` and ``closes_at`` while such a phase runs, until staff close it
    (``closed_at``). Versioned: the settings page refuses a save over a colleague's.
    """

    process = models.ForeignKey(
        VisionProcess,
        on_delete=models.CASCADE,
        related_name="sorting_rounds",
        verbose_name=_("vision process"),
    )
    # A published list is never deleted on its own (a change publishes a new version); it
    # goes only with its consultation, and the rounds and votes on it go with it (as every
    # answer does). The list items' RESTRICT below then keeps any other delete of an item
    # that votes name from succeeding.
    keyword_list = models.ForeignKey(
        "keywords.KeywordList",
        on_delete=models.CASCADE,
        related_name="sorting_rounds",
        verbose_name=_("published keyword list"),
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=5000)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    deck_size = models.PositiveSmallIntegerField(
        _("cards per player"),
        default=20,
        help_text=_("How many keywords each player sorts, drawn from the whole list."),
    )
    offer_skip = models.BooleanField(_("offer “skip”"), default=True)
    # The channels that take votes; each can be closed on its own (e.g. the kiosks after
    # the exhibition ends while the online game goes on).
    online_open = models.BooleanField(_("online game"), default=True)
    kiosk_open = models.BooleanField(_("kiosks"), default=False)
    workplace_open = models.BooleanField(_("workplace meetings"), default=False)
    # The optional questions at the end, as in consultations (consultations.profile):
    # the areas to choose from are the keyword list's consultation's.
    ask_age_band = models.BooleanField(_("ask for age band"), default=True)
    ask_area = models.BooleanField(_("ask where the player lives"), default=True)
    ask_target_groups = models.BooleanField(
        _("ask which groups the player belongs to"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SortingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("sorting round")
        verbose_name_plural = _("sorting rounds")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="sorting_round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(deck_size__gte=1, deck_size__lte=DECK_SIZE_MAX),
                name="sorting_round_deck_size_plausible",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(opened_at__isnull=False),
                name="sorting_round_closed_only_once_opened",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="sorting_round_title"),
        ]
        indexes = [
            models.Index(fields=["process", "-opens_at"], name="sorting_round_by_process"),
        ]

    def __str__(self):
        return self.title

    def status(self, at=None) -> str:
        """ "draft" (not opened by staff), "upcoming", "open", "outside_phase" (open by
        its dates, but no phase enabling SORT_KEYWORDS runs) or "closed". Only "open"
        takes votes. Reads the process's phases (prefetch "process__phases")."""
        at = at or timezone.now()
        if self.opened_at is None:
            return "draft"
        if self.closed_at is not None or at >= self.closes_at:
            return "closed"
        if at < self.opens_at:
            return "upcoming"
        if not process_allows(self.process, Capability.SORT_KEYWORDS, at=at):
            return "outside_phase"
        return "open"

    def is_open(self, at=None) -> bool:
        return self.status(at) == "open"

    def channel_open(self, channel: str) -> bool:
        return {
            SortChannel.ONLINE: self.online_open,
            SortChannel.KIOSK: self.kiosk_open,
            SortChannel.WORKPLACE_MEETING: self.workplace_open,
        }[channel]


class SortingRoundItem(models.Model):
    """One item of the round's list with how often it has been dealt: the dealing's
    weights. Created for every list item when the round is created; ``times_shown`` is
    raised by dealing only (services.sort_deck_deal), whatever the answers."""

    round = models.ForeignKey(SortingRound, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        "keywords.KeywordListItem", on_delete=models.RESTRICT, related_name="+", db_index=False
    )
    times_shown = models.PositiveIntegerField(_("times shown"), default=0)

    class Meta:
        verbose_name = _("keyword of a sorting round")
        verbose_name_plural = _("keywords of a sorting round")
        ordering = ["round", "item"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="sorting_round_item_once"),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.item_id}: {self.times_shown}"


class SortingDevice(models.Model):
    """A kiosk tablet registered for a round. Its secret link (``token``) is what the
    tablet opens; retiring the device makes the link stop working. The token is stored
    as is so staff can show the link again when setting up the tablet; it grants nothing
    but sending votes to this round."""

    round = models.ForeignKey(SortingRound, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    place_kind = models.CharField(
        _("kind of place"), max_length=20, choices=DevicePlaceKind.choices
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # Kept by the services that store its votes, so the staff list needs no count.
    votes = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["round", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="sorting_device_name_once"),
            models.CheckConstraint(condition=~Q(name=""), name="sorting_device_name"),
            models.CheckConstraint(condition=~Q(token=""), name="sorting_device_token"),
        ]

    def __str__(self):
        return self.name


class SortParticipant(models.Model):
    """One play of the game: anonymous, identified only by a random token (held by the
    player's session cookie, or by the kiosk for its current player)."""

    round = models.ForeignKey(
        SortingRound, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    token = models.UUIDField(unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=SortChannel.choices)
    device = models.ForeignKey(
        SortingDevice,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("kiosk"),
    )
    device_class = models.CharField(
        _("device class"), max_length=10, choices=DeviceClass.choices, default=DeviceClass.UNKNOWN
    )
    # The cards dealt, in the order shown: KeywordListItem ids. Position n (1-based) is
    # deck[n - 1]; fixed when dealt, never reshuffled.
    deck = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The optional profile answers at the end ("" = not asked or not answered).
    age_band = models.CharField(_("age band"), max_length=12, choices=AgeBand.choices, blank=True)
    area = models.CharField(_("where you live"), max_length=120, blank=True)
    # The player's included votes, folded from PostgreSQL's vote triggers (see
    # result_models.SortVoteCell; the results add the changes not folded yet): the results
    # count the players with any, without probing their votes. 0 on other databases, where
    # the results look at the votes.
    included_votes = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("player")
        verbose_name_plural = _("players")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # A kiosk's players come from a kiosk, and only theirs.
            models.CheckConstraint(
                condition=Q(channel=SortChannel.KIOSK, device__isnull=False)
                | (~Q(channel=SortChannel.KIOSK) & Q(device__isnull=True)),
                name="sort_participant_kiosk_iff_device",
            ),
            # Workplace meetings vote as a group (SortGroupSession), not as players.
            models.CheckConstraint(
                condition=~Q(channel=SortChannel.WORKPLACE_MEETING),
                name="sort_participant_not_group_channel",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="sort_participant_finishes_after_start",
            ),
        ]
        indexes = [
            # The live counts: players per channel and device class, finished or not.
            models.Index(
                fields=["round", "channel", "device_class", "finished_at"],
                name="sort_participant_counts",
            ),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.token}"


class SortParticipantTargetGroup(models.Model):
    """A group the player said they belong to (any number, all optional)."""

    participant = models.ForeignKey(
        SortParticipant, on_delete=models.CASCADE, related_name="target_groups"
    )
    group = models.CharField(_("group"), max_length=24, choices=TargetGroup.choices)

    class Meta:
        verbose_name = _("target group of a player")
        verbose_name_plural = _("target groups of players")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "group"], name="sort_participant_group_once"
            ),
        ]

    def __str__(self):
        return self.get_group_display()


# Each target group's bit in ``SortVote.target_groups``. Stored in the votes: never
# renumber a group; a new group takes the next free bit (a smallint holds 15).
TARGET_GROUP_BITS = {
    TargetGroup.BUSINESS_OWNER: 1 << 0,
    TargetGroup.STUDENT: 1 << 1,
    TargetGroup.FAMILY_WITH_CHILDREN: 1 << 2,
    TargetGroup.NEW_IN_COUNTRY: 1 << 3,
    TargetGroup.YOUNG: 1 << 4,
    TargetGroup.OLDER: 1 << 5,
    TargetGroup.DISABILITY: 1 << 6,
    TargetGroup.VISITOR: 1 << 7,
    TargetGroup.WORKING: 1 << 8,
}


def target_group_mask(groups) -> int:
    return sum(TARGET_GROUP_BITS[group] for group in set(groups))


def target_groups_of_mask(mask: int) -> list[str]:
    return [str(group) for group, bit in TARGET_GROUP_BITS.items() if mask & bit]


class SortVoteBatch(models.Model):
    """One upload of queued votes from a kiosk. The idempotency key is the device's for
    that upload: a retried upload carries the same key and stores nothing twice."""

    device = models.ForeignKey(SortingDevice, on_delete=models.CASCADE, related_name="batches")
    idempotency_key = models.UUIDField(editable=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    votes = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("kiosk upload")
        verbose_name_plural = _("kiosk uploads")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "idempotency_key"], name="sort_vote_batch_once_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.device_id}/{self.idempotency_key}"


class SortVote(models.Model):
    """One answer of one player to one card. See the module docstring."""

    # No single-column indexes: the unique (participant, item) index serves lookups by
    # participant, and the counting index starts with the round; each index more is
    # written by every one of a million inserts.
    round = models.ForeignKey(
        SortingRound, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    participant = models.ForeignKey(
        SortParticipant, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    item = models.ForeignKey(
        "keywords.KeywordListItem", on_delete=models.RESTRICT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=20, choices=SortChannel.choices)
    choice = models.SmallIntegerField(_("answer"), choices=SortChoice.choices)
    # 1-based position in the player's deck when the card was shown (order effects).
    position = models.PositiveSmallIntegerField(_("position shown"))
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    batch = models.ForeignKey(
        SortVoteBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vote_rows",
        db_index=False,
    )
    excluded = models.BooleanField(_("excluded"), default=False)
    # The player's profile (see the module docstring): the device class from the vote
    # on, the rest copied when they finish. Database defaults, so raw inserts need not
    # name them.
    device_class = models.CharField(
        _("device class"),
        max_length=10,
        choices=DeviceClass.choices,
        blank=True,
        default="",
        db_default="",
    )
    age_band = models.CharField(
        _("age band"), max_length=12, choices=AgeBand.choices, blank=True, default="", db_default=""
    )
    area = models.CharField(
        _("where you live"), max_length=120, blank=True, default="", db_default=""
    )
    target_groups = models.PositiveSmallIntegerField(_("target groups"), default=0, db_default=0)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "item"], name="sort_vote_one_per_participant_item"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=[-1, 0, 1]), name="sort_vote_choice_valid"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=DECK_SIZE_MAX),
                name="sort_vote_position_in_deck",
            ),
            models.CheckConstraint(
                condition=~Q(channel=SortChannel.WORKPLACE_MEETING),
                name="sort_vote_not_group_channel",
            ),
        ]
        indexes = [
            # Counting: GROUP BY item, choice (and channel) over a round's included votes
            # reads this index alone (index-only scan), as the plain GROUP BY would; the
            # results' cube (every group, the deck position) reads the included columns.
            models.Index(
                fields=["round", "excluded", "item", "choice", "channel"],
                include=["device_class", "age_band", "area", "target_groups", "position"],
                name="sort_vote_counting",
            ),
            # The votes whose profile is not copied yet: the results join only these.
            models.Index(
                fields=["round", "participant"],
                include=["item", "choice", "channel", "excluded"],
                condition=Q(device_class=""),
                name="sort_vote_unprofiled",
            ),
            models.Index(
                fields=["batch"], condition=Q(batch__isnull=False), name="sort_vote_by_batch"
            ),
        ]

    def __str__(self):
        return f"{self.participant_id}/{self.item_id}: {self.choice}"


class SortGroupSession(models.Model):
    """A workplace meeting that played together on one shared screen: staff enter the
    show of hands per card (SortGroupCount), with how many took part, as staff enter a
    group's answers in consultations (Response.group_label, participants)."""

    round = models.ForeignKey(SortingRound, on_delete=models.CASCADE, related_name="group_sessions")
    name = models.CharField(_("group or workplace"), max_length=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveSmallIntegerField(_("number of participants"))
    held_at = models.DateTimeField(_("held at"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    excluded = models.BooleanField(_("excluded"), default=False)

    class Meta:
        verbose_name = _("workplace meeting")
        verbose_name_plural = _("workplace meetings")
        ordering = ["-held_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=1), name="sort_group_session_participants"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="sort_group_session_name"),
        ]

    def __str__(self):
        return self.name


class SortGroupCount(models.Model):
    """Hands raised for one card at a workplace meeting."""

    session = models.ForeignKey(SortGroupSession, on_delete=models.CASCADE, related_name="counts")
    item = models.ForeignKey(
        "keywords.KeywordListItem", on_delete=models.RESTRICT, related_name="+", db_index=False
    )
    want = models.PositiveSmallIntegerField(_("should characterise"), default=0)
    not_want = models.PositiveSmallIntegerField(_("should not characterise"), default=0)
    skip = models.PositiveSmallIntegerField(_("skipped"), default=0)
    # Position of the card in the meeting's order, for order effects.
    position = models.PositiveSmallIntegerField(_("position shown"))

    class Meta:
        verbose_name = _("workplace meeting count")
        verbose_name_plural = _("workplace meeting counts")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="sort_group_count_once"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=DECK_SIZE_MAX),
                name="sort_group_count_position",
            ),
        ]

    def __str__(self):
        return f"{self.session_id}/{self.item_id}: {self.want}/{self.not_want}/{self.skip}"
