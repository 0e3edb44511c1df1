"""Small database helpers shared by the apps."""

from django.db.models import Q


def in_vocabulary(field: str, choices) -> Q:
    """A CHECK condition restricting `field` to a TextChoices vocabulary; enforced by the database, SQLite included."""
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})
