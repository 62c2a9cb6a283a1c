"""Read-only admin over expert review: every change goes through the services, which audit it."""

from django.contrib import admin

from .models import Assignment, Award, Objection, Review, ReviewerProfile, ReviewRound, TieOrder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(ReadOnlyAdmin):
    list_display = ("name", "affiliation_name", "affiliation_uscc", "title", "load_limit", "active")
    list_filter = ("active",)
    search_fields = ("name", "affiliation_name", "affiliation_uscc")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("track", "state", "reviewers_per_application", "blind", "publicity_starts", "publicity_ends")
    list_select_related = ("track",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "reviewer", "state", "source", "expertise_match")
    list_filter = ("state", "round", "reviewer")
    list_select_related = ("application", "reviewer")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "state", "total", "submitted_at")
    list_filter = ("state", "assignment__round")
    list_select_related = ("assignment__application", "assignment__reviewer")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("application", "rank", "score", "amount", "state")
    list_filter = ("state", "round")
    list_select_related = ("application",)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("round", "award", "state", "created_at")
    list_select_related = ("round__track", "award__application")


@admin.register(TieOrder)
class TieOrderAdmin(ReadOnlyAdmin):
    list_display = ("round", "tie_break", "score", "order", "ordered_by", "ordered_at")
    list_select_related = ("round__track", "ordered_by")
