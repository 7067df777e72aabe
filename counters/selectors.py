from .models import Milestone


def latest_milestone() -> Milestone | None:
    return Milestone.objects.order_by("-reached_at", "-threshold").first()


def milestones_reached():
    return Milestone.objects.order_by("-reached_at", "-threshold")
