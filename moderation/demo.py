"""Demo work for moderators in make run: pledges held by the privacy check and one hidden
after three reports, all made through the real services. Idempotent."""

from accounts.demo import demo_users
from pledges import services
from pledges.models import Campaign, Pledge, Theme

HELD = [
    ("I will call Mrs Price's daughter on 07700 900461 every Friday to say how her mum is.", "patient-experience"),
    ("I will make sure patient 943 476 5919 always has her glasses within reach.", "dignity-and-respect"),
]
REPORTED = ("I will stop moaning about the night shift and buy the team cakes instead!", "staff-wellbeing")


def _submit(person, campaign, text, theme_slug):
    existing = Pledge.objects.filter(campaign=campaign, text=text).first()
    if existing:
        return existing
    theme = Theme.objects.get(slug=theme_slug)
    data = {
        "text": text,
        "theme": theme,
        "kind": Pledge.Kind.ME,
        "job_role": person.job_role,
        "sector": person.sector,
        "region": person.region,
        "organisation_name": person.organisation_name,
        "show_name": Pledge.ShowName.ROLE_AND_AREA,
        "name": person.display_name,
        "email": person.email,
    }
    return services.pledge_submit(campaign=campaign, data=data, user=person).pledge


def load(stdout) -> None:
    campaign = Campaign.objects.filter(is_current=True).first()
    people = demo_users()
    if campaign is None or len(people) < 3:
        return
    for n, (text, theme) in enumerate(HELD):
        _submit(people[-1 - n], campaign, text, theme)
    reported = _submit(people[-3], campaign, *REPORTED)
    # Two anonymous reports and one from a signed-in person: enough to hide it until a moderator looks.
    for reporter in ("demo:0", "demo:1", services.reporter_key(user=people[0])):
        services.pledge_report(
            pledge=reported, reporter=reporter, reason="offensive", detail="Not kind about colleagues"
        )
    # As after the pledges demo: per-person rows rebuilt from the counted pledges, so loading
    # twice leaves the same rows (the hidden pledge's author no longer counts).
    services.pledgers_rebuild()
    waiting = Pledge.objects.filter(campaign=campaign, status__in=[Pledge.Status.HELD, Pledge.Status.HIDDEN]).count()
    stdout.write(f"Moderation: {waiting} pledges waiting for a moderator.")
