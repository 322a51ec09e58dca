"""Forms of the kiosk, workplace-meeting and exclusion staff pages. They only parse;
the services (kiosk.py, workplace.py, integrity.py) check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from visionportal.forms import DateTimeInput

from .integrity import REASON_MAX
from .kiosk import NAME_MAX, PLACE_MAX
from .models import DevicePlaceKind
from .workplace import PARTICIPANTS_MAX


class DeviceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("How staff tell the tablets apart, e.g. “Main library, entrance”."),
    )
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX, required=False)
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=DevicePlaceKind.choices)


class GroupSessionForm(forms.Form):
    name = forms.CharField(label=_("Group or workplace"), max_length=NAME_MAX)
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX, required=False)
    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=1, max_value=PARTICIPANTS_MAX
    )
    held_at = forms.DateTimeField(
        label=_("Held at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty for now."),
    )


class ExclusionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the decision, with your name and the time."),
    )
