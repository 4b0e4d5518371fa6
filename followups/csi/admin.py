"""CSI survey programs in the Django admin: a program with its questions inline; responses
read-only with their answers (registered from followups/admin.py)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from followups.csi.programs import clean_options
from followups.csi_models import SurveyAnswer, SurveyProgram, SurveyQuestion, SurveyResponse


class QuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["order", "contact_point", "kind", "text", "text_zh", "options", "weight", "required"]

    def clean(self):
        data = super().clean()
        try:
            data["options"] = clean_options(data.get("kind"), data.get("options") or [], "options")
        except ValidationError as exc:
            self.add_error("options", exc.message_dict["options"])
        return data


class QuestionInline(admin.StackedInline):
    model = SurveyQuestion
    form = QuestionForm
    extra = 0


@admin.register(SurveyProgram)
class SurveyProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "priority", "is_active", "ticket_kinds", "channels"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_zh"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = SurveyAnswer
    fields = ["question", "contact_point", "score", "choice", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["visit", "program", "ticket", "channel", "csi", "answered_by", "created_at"]
    list_filter = ["channel", "program"]
    search_fields = ["ticket__reference"]
    list_select_related = ["program", "ticket", "visit", "answered_by"]
    readonly_fields = ["program", "visit", "ticket", "channel", "csi", "answered_by", "created_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
