"""Text published before the privacy check learned a form is re-checked by one command."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ambassadors.models import CareMaker
from pledges.models import Pledge
from tests.ambassadors.factories import CareMakerFactory, StoryFactory
from tests.organisations.factories import make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("recheck_public_text", *args, stdout=out)
    return out.getvalue()


def test_published_text_caught_today_is_held_or_masked_once(client, org_rep):
    CampaignFactory(is_current=True)
    slipped = PledgeFactory(text="I will visit Mr Smith, 186\u200b091\u200b3903, every week")
    clean = PledgeFactory(text="I will thank 10 colleagues a week", done_story="Done on 12/03/2025, 10 of us")
    storied = PledgeFactory(text="I will say hello", done_story="Ring me on 0044 7700 900123")
    care_maker = CareMakerFactory(bio="Email me: jo at example dot com", display_name="Jo", organisation="Oak Lodge")
    CareMakerFactory(display_name="Sam", organisation="Birch House, EX1 2AB")
    story = StoryFactory(published=True, text="Her postcode is EX1\u200b2AB.")
    organisation = make_organisation(rep=org_rep, verified=True, name="Birch House 07700/900/123")

    assert _run("--dry-run").startswith("pledges: 1 would be held, 1 done stories would be masked")
    assert Pledge.objects.get(pk=slipped.pk).status == Pledge.Status.PUBLISHED

    out = _run()
    assert "pledges: 1 held, 1 done stories masked" in out
    assert "care makers: 2 profiles masked, 1 stories masked" in out
    assert f"organisation {organisation.pk} may contain a phone number" in out
    slipped.refresh_from_db()
    assert slipped.status == Pledge.Status.HELD and slipped.held_reason == "May contain an NHS number"
    assert client.get(slipped.get_absolute_url()).status_code == 404
    storied.refresh_from_db()
    assert storied.status == Pledge.Status.PUBLISHED
    assert storied.done_story == "Ring me on [phone number removed]"
    clean.refresh_from_db()
    assert (clean.status, clean.done_story) == (Pledge.Status.PUBLISHED, "Done on 12/03/2025, 10 of us")
    care_maker.refresh_from_db()
    assert care_maker.bio == "Email me: [email address removed]" and care_maker.organisation == "Oak Lodge"
    assert CareMaker.objects.get(display_name="Sam").organisation == "Birch House, [postcode removed]"
    html = client.get(reverse("ambassadors:profile", args=[care_maker.number])).content.decode()
    assert "example dot com" not in html
    story.refresh_from_db()
    assert story.text == "Her postcode is [postcode removed]." and story.held

    # Run again: nothing more to do.
    assert _run().startswith("pledges: 0 held, 0 done stories masked\ncare makers: 0 profiles masked, 0 stories")
