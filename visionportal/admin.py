from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import needs_mfa
from .models import (
    DecisionPack,
    Membership,
    Milestone,
    Municipality,
    PackStatus,
    Phase,
    PopulationMargin,
    ProposalComment,
    ProposalVersion,
    ProposedInitiative,
    Track,
    User,
    VisionDecision,
    VisionProcess,
    VisionProposal,
)


def _admin_login_with_mfa(login_view):
    """Admin sign-in goes through allauth (rate limits, MFA), and superusers without MFA
    are sent to set it up before they reach the admin."""
    secured = secure_admin_login(login_view)

    def view(request, *args, **kwargs):
        if request.user.is_authenticated and needs_mfa(request.user):
            messages.info(request, _("Set up two-factor authentication before you use the admin."))
            return redirect("mfa_activate_totp")
        return secured(request, *args, **kwargs)

    return view


admin.site.login = _admin_login_with_mfa(admin.site.login)
_original_has_permission = admin.site.has_permission
admin.site.has_permission = lambda request: (
    _original_has_permission(request) and not needs_mfa(request.user)
)
admin.site.site_header = gettext_lazy("Visionportal administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "default_language", "is_public"]
    list_filter = ["country", "is_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role", "party"]
    list_filter = ["role", "municipality"]
    search_fields = ["user__email", "municipality__name"]
    autocomplete_fields = ["user", "municipality"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(VisionProcess)
class VisionProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "target_year", "is_public", "updated_at"]
    list_filter = ["municipality", "is_public"]
    search_fields = ["title", "municipality__name"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, TrackInline, MilestoneInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "process", "kind", "starts_on", "ends_on"]
    list_filter = ["kind", "process__municipality"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "process", "position"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "date", "track"]
    list_filter = ["process__municipality"]


@admin.register(PopulationMargin)
class PopulationMarginAdmin(admin.ModelAdmin):
    list_display = ["municipality", "dimension", "group", "population", "year"]
    list_filter = ["municipality", "dimension"]
    search_fields = ["group", "municipality__name"]


# --- the vision, its decisions and decision packs: to look at, not to edit ------------------
# Every write goes through visionportal.proposals.services and keywords.vision.packs: the
# text is sanitised, each save is a numbered version under the editor's optimistic lock,
# a decision freezes the version it adopted, and a pack records the inputs it was made
# from. An admin form would bypass all of that, so these pages only show the records, and
# only to superusers (an is_staff account without superuser status sees none of them).


class SuperuserReadOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProposalVersionInline(SuperuserReadOnly, admin.TabularInline):
    model = ProposalVersion
    fields = ["number", "title", "author", "note", "created_at"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(VisionProposal)
class VisionProposalAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = ["title", "process", "version", "shared_with_councillors", "updated_at"]
    list_filter = ["shared_with_councillors", "process__municipality"]
    list_select_related = ["process"]
    search_fields = ["title", "process__title"]
    inlines = [ProposalVersionInline]


class ProposalCommentInline(SuperuserReadOnly, admin.TabularInline):
    model = ProposalComment
    fields = ["author", "party", "body", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(ProposalVersion)
class ProposalVersionAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "proposal", "author", "created_at"]
    list_filter = ["proposal__process__municipality"]
    list_select_related = ["proposal", "author"]
    search_fields = ["title", "proposal__process__title"]
    inlines = [ProposalCommentInline]


@admin.register(ProposalComment)
class ProposalCommentAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "version", "author", "party", "created_at"]
    list_filter = ["version__proposal__process__municipality"]
    list_select_related = ["version__proposal", "author"]
    search_fields = ["body", "author__email"]

    def has_delete_permission(self, request, obj=None):
        # A comment that must go (personal data, an unlawful remark) can be removed; it
        # changes no version, decision or pack.
        return request.user.is_active and request.user.is_superuser


@admin.register(VisionDecision)
class VisionDecisionAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "process", "outcome", "case_number", "paragraph", "adopted_version"]
    list_filter = ["body", "outcome", "process__municipality"]
    list_select_related = ["process__municipality", "adopted_version"]
    search_fields = ["case_number", "process__title"]
    date_hierarchy = "meeting_date"


@admin.register(DecisionPack)
class DecisionPackAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = [
        "process",
        "number",
        "language",
        "status",
        "pages",
        "file_size",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "language", "process__municipality"]
    list_select_related = ["process", "requested_by"]
    search_fields = ["process__title"]

    def has_delete_permission(self, request, obj=None):
        # A failed pack stored no file: removing it loses nothing. A finished pack is the
        # record of what councillors were given, and stays.
        allowed = request.user.is_active and request.user.is_superuser
        return allowed and (obj is None or obj.status == PackStatus.FAILED)


# Proposals to the follow-up (from workshops and the budget) are made, accepted and
# declined by visionportal.services (once per source, a reason for a decline): here only
# looked at, like the vision's records.
@admin.register(ProposedInitiative)
class ProposedInitiativeAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = ["title", "process", "source_kind", "state", "proposed_at", "decided_at"]
    list_filter = ["state", "source_kind", "process__municipality"]
    list_select_related = ["process"]
    search_fields = ["title", "source_label", "process__title"]
