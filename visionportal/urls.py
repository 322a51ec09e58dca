from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from .views import accounts, health, identity, members, population, proposals, public, workspace


class ProcessPartKind:
    regex = "phase|track|milestone"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ProcessPartKind, "part")


class HexDigest:
    """A logo's content hash (visionportal.logos.CleanLogo.digest)."""

    regex = "[0-9a-f]{16}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(HexDigest, "hex")

public_patterns = (
    [
        path("", public.home, name="home"),
        path("accessibility/", public.accessibility_statement, name="accessibility"),
        path("m/<slug:municipality_slug>/", public.municipality_detail, name="municipality"),
        path("m/<slug:municipality_slug>/theme.css", identity.theme_css, name="theme"),
        path("m/<slug:municipality_slug>/logo-<hex:digest>.png", identity.logo, name="logo"),
        path(
            "m/<slug:municipality_slug>/<slug:process_slug>/",
            public.process_detail,
            name="process",
        ),
    ],
    "public",
)

workspace_patterns = (
    [
        path("", workspace.home, name="home"),
        path("<slug:municipality_slug>/", workspace.municipality, name="municipality"),
        path("<slug:municipality_slug>/members/", members.members, name="members"),
        path("<slug:municipality_slug>/identity/", identity.identity, name="identity"),
        path("<slug:municipality_slug>/identity/logo/", identity.logo_set, name="logo_set"),
        path(
            "<slug:municipality_slug>/identity/logo/remove/",
            identity.logo_remove,
            name="logo_remove",
        ),
        path(
            "<slug:municipality_slug>/members/<int:membership_pk>/change/",
            members.member_change,
            name="member_change",
        ),
        path(
            "<slug:municipality_slug>/members/<int:membership_pk>/remove/",
            members.member_remove,
            name="member_remove",
        ),
        path(
            "<slug:municipality_slug>/processes/new/",
            workspace.process_create,
            name="process_create",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/",
            workspace.process_edit,
            name="process_edit",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/<part:kind>/new/",
            workspace.part_create,
            name="part_create",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/<part:kind>/<int:part_pk>/",
            workspace.part_edit,
            name="part_edit",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/<part:kind>/<int:part_pk>/delete/",
            workspace.part_delete,
            name="part_delete",
        ),
        path("<slug:municipality_slug>/population/", population.population, name="population"),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/vision/versions/",
            proposals.proposal_versions,
            name="proposal_versions",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/vision/versions/<int:number>/",
            proposals.proposal_version,
            name="proposal_version",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/vision/compare/",
            proposals.proposal_diff,
            name="proposal_diff",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/vision/share/",
            proposals.proposal_share,
            name="proposal_share",
        ),
        path(
            "<slug:municipality_slug>/processes/<int:pk>/decisions/",
            proposals.decisions,
            name="decisions",
        ),
    ],
    "workspace",
)

urlpatterns = [
    path("", include(public_patterns)),
    # Early: the sorting game's votes are the busiest requests, and Django tries the
    # patterns in order (after consultations', a vote was the 46th try). No path matches
    # two apps' patterns (each app's public paths have a word of their own: sort/, k/,
    # consult/, budget/, ...), so the order decides nothing else.
    path("", include("keywords.urls")),
    path("", include("consultations.urls")),
    path("", include("keywords.results.urls")),
    path("", include(("indicators.urls_public", "indicators_public"))),
    path("workspace/", include(workspace_patterns)),
    path("workspace/", include("consultations.staff_urls")),
    path("workspace/", include("keywords.vision.urls")),
    path("workspace/", include("indicators.urls")),
    # Before allauth's own: the same URL and name, with a clear answer when mail is down.
    path("accounts/password/reset/", accounts.password_reset, name="account_reset_password"),
    # allauth's social sign-in, connect and signup routes: e-ID is for voting only
    # (consultations/budget/eid.py), never a way to sign in, so they answer 404.
    re_path(r"^accounts/(?:3rdparty|oidc|social)/", public.not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]
