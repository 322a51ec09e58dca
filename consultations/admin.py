from django.contrib import admin

from .models import Answer, Consultation, Question, QuestionTranslation, Response


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "language", "opens_at", "closes_at"]
    list_filter = ["process__municipality", "language"]
    search_fields = ["title", "process__title"]
    list_select_related = ["process"]
    inlines = [QuestionInline]


class QuestionTranslationInline(admin.TabularInline):
    model = QuestionTranslation
    extra = 1
    fields = ["language", "text"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "position", "consultation"]
    list_filter = ["kind"]
    list_select_related = ["consultation"]
    inlines = [QuestionTranslationInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "text", "hidden_at", "hidden_reason"]
    # Moderation goes through services.answer_hide on the staff pages, which audits it.
    readonly_fields = ["question", "hidden_at", "hidden_reason"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "consultation",
        "channel",
        "group_label",
        "participants",
        "age_band",
        "area",
        "submitted_at",
    ]
    list_filter = ["channel", "age_band", "consultation"]
    list_select_related = ["consultation"]
    readonly_fields = ["idempotency_key", "submitted_at"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "response", "hidden_at"]
    list_select_related = ["question", "response"]
    search_fields = ["text"]
    raw_id_fields = ["response", "question"]
    readonly_fields = ["hidden_at", "hidden_by", "hidden_reason"]


# The participatory budget (consultations/budget/): setup and audit for superusers; staff
# use the workspace pages.
from .budget.models import District, ParticipatoryBudget, Place  # noqa: E402


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ["position", "name", "share"]


@admin.register(ParticipatoryBudget)
class ParticipatoryBudgetAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "amount", "currency"]
    list_select_related = ["process"]
    inlines = [DistrictInline]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_select_related = ["district"]
