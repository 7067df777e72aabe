from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


def length_at_most(field: str, limit: int, *, name: str) -> models.CheckConstraint:
    """The database keeps a text field's cap: a TextField's max_length is only the form's."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)
