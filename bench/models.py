from django.db import models


class BaselineRow(models.Model):
    """The row the bare form-and-insert baseline writes: the least a form POST can do."""

    name = models.CharField(max_length=100)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
