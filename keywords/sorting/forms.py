"""Forms of the sorting game: they parse input; keywords.sorting.services decides."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from consultations import profile
from consultations.models import AgeBand, TargetGroup
from visionportal.forms import DateTimeInput, VersionedForm

from .models import DECK_SIZE_MAX, SortingRound

ROUND_FIELDS = [
    "title",
    "intro",
    "opens_at",
    "closes_at",
    "deck_size",
    "offer_skip",
    "online_open",
    "kiosk_open",
    "workplace_open",
    "ask_age_band",
    "ask_area",
    "ask_target_groups",
]


class RoundSettingsForm(VersionedForm):
    """A round's settings; new rounds also choose their published list."""

    class Meta:
        model = SortingRound
        fields = ROUND_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "intro": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
        }

    def __init__(self, *args, keyword_lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        deck_size = self.fields["deck_size"]
        deck_size.validators += [MinValueValidator(1), MaxValueValidator(DECK_SIZE_MAX)]
        deck_size.widget.attrs.update(min=1, max=DECK_SIZE_MAX)
        if keyword_lists is not None:
            self.fields = {
                "keyword_list": forms.TypedChoiceField(
                    label=_("Published keyword list"),
                    help_text=_("Residents sort the keywords of this version."),
                    coerce=int,
                    choices=[
                        (
                            kl.pk,
                            _("%(consultation)s, version %(version)d (%(items)d keywords)")
                            % {
                                "consultation": kl.consultation.title,
                                "version": kl.version,
                                "items": kl.item_count,
                            },
                        )
                        for kl in keyword_lists
                    ],
                ),
                **self.fields,
            }

    def clean(self):
        # Said here, in words, before the model's check constraint would say it in its own.
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The round must close after it opens."))
        return cleaned

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in ROUND_FIELDS}


class VoteForm(forms.Form):
    """One answer. The choice is checked by the service (which knows whether the round
    offers "skip"): a plain integer here keeps the form cheap, as every vote builds one."""

    item = forms.IntegerField(min_value=1)
    choice = forms.IntegerField()


class FinishForm(forms.Form):
    """The optional questions at the end, those the round asks (consultations' choices)."""

    age_band = forms.ChoiceField(
        label=_("Your age (optional)"),
        required=False,
        choices=[("", _("Choose…")), *AgeBand.choices],
        error_messages={"invalid_choice": _("Choose one of the age bands.")},
    )
    area = forms.ChoiceField(
        label=_("Where do you live? (optional)"),
        required=False,
        error_messages={
            "invalid_choice": _("The list of areas has changed. Choose your area again.")
        },
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Do you belong to any of these groups? (optional)"),
        help_text=_("Tick all that apply, or none."),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only groups from the list.")},
    )

    def __init__(self, *args, round, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        asked = {
            "age_band": round.ask_age_band,
            "area": round.ask_area,
            "target_groups": round.ask_target_groups,
        }
        for name, ask in asked.items():
            if not ask:
                del self.fields[name]
        if "area" in self.fields:
            self.fields["area"].choices = [
                ("", _("Choose…")),
                *profile.area_choices(round.keyword_list.consultation),
                (profile.UNDISCLOSED, _("Prefer not to say")),
            ]

    @property
    def profile_fields(self) -> list:
        return [self[name] for name in ("age_band", "area", "target_groups") if name in self.fields]

    def profile(self) -> dict:
        return {
            "age_band": self.cleaned_data.get("age_band", ""),
            "area": self.cleaned_data.get("area", ""),
            "target_groups": self.cleaned_data.get("target_groups", []),
        }
