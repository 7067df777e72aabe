from django.db import models


class Item(models.Model):
    """Something waiting for a decision, with an author to contact."""

    name = models.CharField(max_length=100)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
