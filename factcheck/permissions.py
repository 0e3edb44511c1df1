"""Who may write: members of the Editors group (and superusers). Everyone else reads what is public."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

EDITORS_GROUP = "Editors"


def is_editor(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_is_editor", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists()
        user._is_editor = cached
    return cached


class IsEditorOrReadOnly(BasePermission):
    message = "Only editors may change the tracker's data."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_editor(request.user)


class IsEditor(BasePermission):
    message = "Only editors may do this."

    def has_permission(self, request, view):
        return is_editor(request.user)
