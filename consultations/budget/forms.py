from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from visionportal import images
from visionportal.forms import DateInput

from . import services
from .models import (
    BudgetProposal,
    Currency,
    Decision,
    ImplementationStatus,
    Place,
    ProposalStatus,
)
from .services import (
    MAX_ALT_LENGTH,
    MAX_CELEBRATION_PHOTOS,
    MAX_CODES_PER_BATCH,
    MAX_PROPOSAL_PHOTOS,
)

_IMAGE_TYPES = "image/jpeg,image/png,image/webp"


def _image_fields(form, *, field: str, alt_field: str, label, alt_label):
    """Add a file field and its text alternative to `form`: nothing in HTML ties them
    together, so each pair is named and checked together in `_clean_image`."""
    form.fields[field] = forms.FileField(
        label=label,
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at most 10 MB. Information stored in the file, such as "
            "where the photo was taken, is removed."
        ),
        widget=forms.FileInput(attrs={"accept": _IMAGE_TYPES}),
    )
    form.fields[alt_field] = forms.CharField(
        label=alt_label,
        required=False,
        max_length=MAX_ALT_LENGTH,
        help_text=_("What the photo shows, read aloud to people who cannot see it."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={
            "max_length": _("Shorten the text to at most %(limit_value)d characters."),
        },
    )


def _clean_image(form, *, field: str, alt_field: str):
    """The pair's ImageUpload, None when no file was chosen, or a form error."""
    upload = form.cleaned_data.get(field)
    alt = form.cleaned_data.get(alt_field, "")
    if not upload:
        if alt and alt.strip():
            # After another error the browser forgets the chosen file but keeps the text.
            form.add_error(
                field, _("Choose the photo this text describes (again, after an error).")
            )
        return None
    if upload.size > images.PHOTO_MAX_BYTES:
        # Refused before reading a byte of it into memory.
        form.add_error(field, images.PHOTO_ERRORS["too_large"])
        return None
    try:
        return services.image_prepare(upload.read(), alt, field=field, alt_field=alt_field)
    except ValidationError as error:
        for name, errors in error.error_dict.items():
            form.add_error(name, errors)
        return None


class ProposalForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={
            "required": _("Give your proposal a title."),
            "max_length": _("Shorten the title to at most 120 characters."),
        },
    )
    description = forms.CharField(
        label=_("What do you propose?"),
        help_text=_("What, where and for whom. At most 3,000 characters."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        error_messages={
            "required": _("Describe your proposal: what, where and for whom."),
            "max_length": _("Shorten the description to at most 3,000 characters."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        empty_label=_("Choose a district"),
        error_messages={
            "required": _("Choose the district your proposal is for."),
            "invalid_choice": _("Choose one of the budget’s districts."),
        },
    )
    place = forms.ModelChoiceField(
        label=_("Place (optional)"),
        queryset=None,
        required=False,
        empty_label=_("No particular place"),
        error_messages={"invalid_choice": _("Choose a place from the list.")},
    )
    estimated_cost = forms.IntegerField(
        label=_("Estimated cost"),
        help_text=_("Your best guess in whole kroner; the municipality checks it."),
        min_value=1,
        max_value=10**12,
        error_messages={
            "required": _("Give an estimated cost."),
            "invalid": _("Write the cost as a whole number, without dots or spaces."),
            "min_value": _("Give an estimated cost above zero."),
            "max_value": _("That cost is more than any budget."),
        },
    )

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = budget.districts.all()
        self.fields["place"].queryset = Place.objects.filter(
            district__budget=budget
        ).select_related("district")
        self.fields["place"].label_from_instance = lambda p: f"{p.name} ({p.district.name})"
        self.fields["title"].widget.attrs["dir"] = "auto"
        self.fields["estimated_cost"].widget.attrs["inputmode"] = "numeric"
        for number in range(1, MAX_PROPOSAL_PHOTOS + 1):
            _image_fields(
                self,
                field=f"photo_{number}",
                alt_field=f"alt_{number}",
                label=_("Photo %(number)d") % {"number": number},
                alt_label=_("Text alternative for photo %(number)d") % {"number": number},
            )

    def photo_pairs(self):
        """(photo, text alternative) bound fields, for the template's fieldsets."""
        return [(self[f"photo_{n}"], self[f"alt_{n}"]) for n in range(1, MAX_PROPOSAL_PHOTOS + 1)]

    def text_fields(self):
        return [self[name] for name in ("title", "description", "district", "place")] + [
            self["estimated_cost"]
        ]

    def clean(self):
        cleaned = super().clean()
        photos = []
        for number in range(1, MAX_PROPOSAL_PHOTOS + 1):
            upload = _clean_image(self, field=f"photo_{number}", alt_field=f"alt_{number}")
            if upload is not None:
                photos.append(upload)
        cleaned["photos"] = photos
        return cleaned


class ProposalFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("All districts")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProposalStatus.choices],
    )

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = budget.districts.all()


class VotingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Voting code"),
        help_text=_("The code in your letter, for example ABCD-EFGH-JKMN."),
        max_length=40,
        error_messages={
            "required": _("Type the voting code from your letter."),
            "max_length": _(
                "That voting code is not valid. Check it against your letter and try again."
            ),
        },
    )


class EidVoteForm(forms.Form):
    """Vote with e-ID: the district (the identity's one ballot is for it) and the broker,
    the button the resident pressed."""

    district = forms.ModelChoiceField(
        label=_("Your district"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the district you live in."),
            "invalid_choice": _("Choose one of the budget’s districts."),
        },
    )
    provider = forms.ChoiceField(
        error_messages={
            "required": _("Choose how to sign in with e-ID."),
            "invalid_choice": _("Choose how to sign in with e-ID."),
        },
    )

    def __init__(self, *args, budget, providers, **kwargs):
        super().__init__(*args, prefix="eid", **kwargs)
        self.fields["district"].queryset = budget.districts.all()
        self.fields["provider"].choices = [(p.id, p.label) for p in providers]


class BallotForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    proposals = forms.TypedMultipleChoiceField(
        label=_("Projects"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one project to vote for."),
            "invalid_choice": _("Choose only projects on your district’s ballot."),
        },
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in options]


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=500)


class AssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    legally_feasible = forms.BooleanField(label=_("Legally feasible"), required=False)
    economically_feasible = forms.BooleanField(label=_("Economically feasible"), required=False)
    cost_estimate = forms.IntegerField(label=_("Cost estimate"), min_value=1, max_value=10**12)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    public_reason = forms.CharField(
        label=_("Public reason (shown to residents when not on the ballot)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    merged_into = forms.ModelChoiceField(label=_("Merged into"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    remove_sketch = forms.BooleanField(label=_("Remove the sketch"), required=False)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = BudgetProposal.objects.filter(
            budget_id=proposal.budget_id
        ).exclude(pk=proposal.pk)
        _image_fields(
            self,
            field="sketch",
            alt_field="sketch_alt",
            label=_("Sketch (optional)"),
            alt_label=_("Text alternative for the sketch"),
        )
        # The removal box comes after the sketch fields.
        self.fields["remove_sketch"] = self.fields.pop("remove_sketch")

    def clean(self):
        cleaned = super().clean()
        cleaned["sketch"] = _clean_image(self, field="sketch", alt_field="sketch_alt")
        cleaned.pop("sketch_alt", None)
        return cleaned


class VotingCodesForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=None)
    count = forms.IntegerField(
        label=_("Number of codes"), min_value=1, max_value=MAX_CODES_PER_BATCH
    )

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = budget.districts.all()


class BudgetSetupForm(forms.Form):
    """A budget with its districts and places, as lines of text: no JavaScript needed to
    add a row, and a paste from the council's decision works."""

    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.IntegerField(label=_("Amount"), min_value=1, max_value=10**12)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    criteria = forms.CharField(
        label=_("Criteria"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    districts = forms.CharField(
        label=_("Districts"),
        help_text=_("One per line: name, a colon, and its share. Example: Skovlunde: 250000"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    places = forms.CharField(
        label=_("Places residents can choose"),
        help_text=_(
            "Optional. One per line: district, a colon, and the place. "
            "Example: Skovlunde: Skovlunde Bypark"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @staticmethod
    def _lines(text):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                name, colon, value = line.partition(":")
                if not colon or not name.strip() or not value.strip():
                    raise forms.ValidationError(
                        _("Line %(number)d: write a name, a colon and a value.")
                        % {"number": number}
                    )
                yield number, name.strip(), value.strip()

    def clean_districts(self):
        districts = []
        for number, name, share in self._lines(self.cleaned_data["districts"]):
            digits = share.replace(" ", "").replace(".", "").replace(",", "")
            if not digits.isdigit():
                raise forms.ValidationError(
                    _("Line %(number)d: write the share as a whole number.") % {"number": number}
                )
            districts.append((name[:120], int(digits)))
        if not districts:
            raise forms.ValidationError(_("A budget needs at least one district."))
        return districts

    def clean_places(self):
        return [(d, p[:160]) for _number, d, p in self._lines(self.cleaned_data["places"])]


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)
    status_on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD.")},
    )
    note = forms.CharField(
        label=_("Public note"),
        help_text=_("Shown to residents, for example what happens next. At most 500 characters."),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


class EvaluationForm(forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Evaluation survey"),
        help_text=_(
            "A consultation of this process with custom questions, such as how involved "
            "residents felt. Residents are led to it during the evaluation phase."
        ),
        queryset=None,
        required=False,
        empty_label=_("No evaluation survey"),
    )

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = budget.process.consultations.order_by("-opens_at")


class CelebrationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    published = forms.BooleanField(
        label=_("Published"),
        help_text=_("Residents see the post from the celebration phase on."),
        required=False,
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label=_("Remove photos"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    # New photos per save; the post holds up to MAX_CELEBRATION_PHOTOS over several saves.
    NEW_PHOTOS = min(3, MAX_CELEBRATION_PHOTOS)

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_photos"].choices = [(p.pk, p.alt) for p in photos]
        if not photos:
            del self.fields["remove_photos"]
        for number in range(1, self.NEW_PHOTOS + 1):
            _image_fields(
                self,
                field=f"photo_{number}",
                alt_field=f"alt_{number}",
                label=_("New photo %(number)d") % {"number": number},
                alt_label=_("Text alternative for new photo %(number)d") % {"number": number},
            )

    def clean(self):
        cleaned = super().clean()
        photos = []
        for number in range(1, self.NEW_PHOTOS + 1):
            upload = _clean_image(self, field=f"photo_{number}", alt_field=f"alt_{number}")
            if upload is not None:
                photos.append(upload)
        cleaned["photos"] = photos
        return cleaned
