"""Admin pages that only show: rows that change through the portal's own audited services."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """No add, change or delete in the Django admin (for a ModelAdmin or an inline)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
