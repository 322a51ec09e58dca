from django.urls import include, path

from keywords.councillors import views as round_views
from keywords.curation import views
from keywords.extraction import views as extraction_views
from keywords.sorting import public_views as sort_views
from keywords.sorting import staff_views as sorting_staff
from keywords.sorting import views_results as sorting_results

app_name = "keywords"

_base = "<slug:municipality_slug>/consultations/<int:pk>/keywords/"
_mine = "<slug:municipality_slug>/councillor-rounds/<int:round_pk>/"

staff_patterns = [
    path(_base, views.keyword_list, name="list"),
    path(f"{_base}rebuild/", extraction_views.keyword_rebuild, name="rebuild"),
    path(f"{_base}runs/<int:run_pk>/", extraction_views.run_progress, name="run"),
    # The curation workbench (keywords/curation/).
    path(f"{_base}add/", views.keyword_add, name="add"),
    path(f"{_base}merge/", views.keyword_merge, name="merge"),
    path(f"{_base}select/", views.keyword_select, name="select"),
    path(f"{_base}merge/review/", views.keyword_merge_review, name="merge_review"),
    path(f"{_base}suggestions/", views.keyword_suggestions, name="suggestions"),
    path(
        f"{_base}suggestions/recompute/",
        views.suggestions_recompute,
        name="suggestions_recompute",
    ),
    path(f"{_base}suggestions/dismiss/", views.suggestion_dismiss, name="suggestion_dismiss"),
    path(
        f"{_base}suggestions/dismissed/",
        views.suggestions_dismissed,
        name="suggestions_dismissed",
    ),
    path(f"{_base}history/", views.keyword_history, name="history"),
    path(f"{_base}history/<int:action_pk>/undo/", views.action_undo, name="undo"),
    path(f"{_base}<int:keyword_pk>/answers/", views.keyword_answers, name="answers"),
    path(f"{_base}<int:keyword_pk>/rename/", views.keyword_rename, name="rename"),
    path(f"{_base}<int:keyword_pk>/strike/", views.keyword_strike, name="strike"),
    path(f"{_base}<int:keyword_pk>/restore/", views.keyword_restore, name="restore"),
    path(f"{_base}<int:keyword_pk>/keep/", views.keyword_keep, name="keep"),
    path(f"{_base}<int:keyword_pk>/unkeep/", views.keyword_unkeep, name="unkeep"),
    path(f"{_base}<int:keyword_pk>/split/", views.keyword_split, name="split"),
    # The councillors' round and the published lists (keywords/councillors/).
    path(f"{_base}rounds/", round_views.round_staff, name="round_staff"),
    path(f"{_base}rounds/open/", round_views.round_open, name="round_open"),
    path(f"{_base}rounds/<int:round_pk>/", round_views.round_result, name="round_result"),
    path(f"{_base}rounds/<int:round_pk>/close/", round_views.round_close, name="round_close"),
    path(f"{_base}published/new/", round_views.list_publish, name="list_publish"),
    path(f"{_base}published/review/", round_views.list_publish_review, name="list_publish_review"),
    path(f"{_base}published/<int:version>/", round_views.list_version, name="list_version"),
    path(
        "<slug:municipality_slug>/councillor-rounds/",
        round_views.councillor_rounds,
        name="councillor_rounds",
    ),
    path(_mine, round_views.councillor_round, name="councillor_round"),
    path(
        f"{_mine}strike/<int:keyword_pk>/",
        round_views.councillor_strike,
        name="councillor_strike",
    ),
    path(f"{_mine}add/", round_views.councillor_add, name="councillor_add"),
    path(
        f"{_mine}proposals/<int:proposal_pk>/withdraw/",
        round_views.councillor_withdraw,
        name="councillor_withdraw",
    ),
]

# The sorting game (keywords/sorting/): staff pages per process, and the residents' game.
_sorting = "<slug:municipality_slug>/processes/<int:pk>/sorting/"
staff_patterns += [
    path(_sorting, sorting_staff.sorting_rounds, name="sorting_rounds"),
    path(f"{_sorting}new/", sorting_staff.sorting_round_new, name="sorting_round_new"),
    path(f"{_sorting}<int:round_pk>/", sorting_staff.sorting_round, name="sorting_round"),
    path(
        f"{_sorting}<int:round_pk>/open/",
        sorting_staff.sorting_round_open,
        name="sorting_round_open",
    ),
    path(
        f"{_sorting}<int:round_pk>/close/",
        sorting_staff.sorting_round_close,
        name="sorting_round_close",
    ),
]

# Under the game's path, so the player's cookie (scoped to it) travels with all of them.
# One prefix for the lot (see public_patterns): any other path fails it in one try.
game_patterns = [
    path("", sort_views.sort_play, name="sort_play"),
    path("start/", sort_views.sort_start, name="sort_start"),
    path("vote/", sort_views.sort_vote, name="sort_vote"),
    path("undo/", sort_views.sort_undo, name="sort_undo"),
    path("finish/", sort_views.sort_finish, name="sort_finish"),
]

# The sorting round's results (keywords/sorting/views_results.py): staff and public pages,
# exports, and the progress of an aggregation.
_results = f"{_sorting}<int:round_pk>/results/"
staff_patterns += [
    path(_results, sorting_results.sorting_results, name="sorting_results"),
    path(
        f"{_results}compute/",
        sorting_results.sorting_results_compute,
        name="sorting_results_compute",
    ),
    path(
        f"{_results}runs/<int:snapshot_pk>/",
        sorting_results.sorting_results_run,
        name="sorting_results_run",
    ),
    path(
        f"{_results}export.<str:fmt>",
        sorting_results.sorting_results_export,
        name="sorting_results_export",
    ),
]
game_patterns += [
    path("results/", sorting_results.sorting_results_public, name="sorting_results_public"),
    path(
        "results/export.<str:fmt>",
        sorting_results.sorting_results_public_export,
        name="sorting_results_public_export",
    ),
]
public_patterns = [
    path(
        "m/<slug:municipality_slug>/<slug:process_slug>/sort/<int:round_pk>/",
        include(game_patterns),
    )
]

# Staff pages live under /workspace/, the residents' pages beside the other public ones;
# one namespace for both.
urlpatterns = [path("workspace/", include(staff_patterns)), *public_patterns]

# --- Kiosks, workplace meetings, review and exclusions (keywords/sorting/kiosk_urls.py) ---
from keywords.sorting import kiosk_urls  # noqa: E402

urlpatterns += [path("workspace/", include(kiosk_urls.staff_patterns)), *kiosk_urls.public_patterns]
