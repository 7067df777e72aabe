"""Demo data for make run: email choices for some demo people, set before the dashboard demo's
recount records the milestones the demo totals have passed and announces them (as files in
var/mail/). Idempotent: choices are set, not added."""

from accounts.demo import demo_users

from .models import MailPreference
from .services import preference_set


def load(stdout) -> None:
    people = demo_users()
    # A third ask for milestone news; one has turned reminders off; the rest keep the defaults.
    for user in people[::3]:
        if not MailPreference.objects.filter(email=user.email, campaign_news=True).exists():
            preference_set(email=user.email, campaign_news=True)
    if len(people) > 1 and not MailPreference.objects.filter(email=people[1].email).exists():
        preference_set(email=people[1].email, reminders=False)
    stdout.write(
        f"Mail: {MailPreference.objects.filter(campaign_news=True).count()} people get milestone news. "
        "Emails are written to var/mail/; staff preview them at /email/previews/"
    )
