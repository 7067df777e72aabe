"""Every free text has a cap in its form, said in the hint, and kept by the database."""

import pytest
from django.db import IntegrityError, transaction

from ambassadors.models import Application, CareMaker, Story
from moderation.models import Decision
from organisations.models import AccessRequest
from pledges.models import Pledge, PledgeReport
from tests.ambassadors.factories import ApplicationFactory, words

pytestmark = pytest.mark.django_db


def test_a_long_care_maker_statement_is_refused_clearly_and_kept(client, world):
    statement = " ".join([words(60), "x" * 5000])
    client.force_login(world.supporter)
    response = client.post(
        "/care-makers/apply/",
        {
            "role": "nurse",
            "sector": "nhs-acute",
            "organisation": "Exe Valley Hospital",
            "region": "south-west",
            "years_in_role": "3",
            "statement": statement,
            "chosen_c": "courage",
            "agreed": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your statement must be 5,000 characters or fewer" in html
    assert "5,000 characters or fewer. Tell us" in html  # the hint says the limit before anyone types
    assert statement in html
    assert not Application.objects.filter(user=world.supporter).exists()


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Application, "statement", 5000),
        (Application, "decision_note", 1000),
        (CareMaker, "bio", 600),
        (Story, "text", 1500),
        (Pledge, "done_story", 1000),
        (PledgeReport, "detail", 500),
        (AccessRequest, "message", 1000),
        (Decision, "note", 2000),
    ],
)
def test_the_database_keeps_each_text_cap(world, model, field, limit):
    assert model._meta.get_field(field).max_length == limit
    row = {
        Application: lambda: world.application,
        CareMaker: lambda: world.care_maker,
        Story: lambda: world.story,
        Pledge: lambda: world.pledge,
        PledgeReport: lambda: PledgeReport.objects.create(pledge=world.pledge, reporter="user:1", reason="spam"),
        AccessRequest: lambda: world.access_request,
        Decision: lambda: Decision.objects.create(
            item_type="pledge", item_id=1, item_summary="x", action="publish", actor_name="x"
        ),
    }[model]()
    model.objects.filter(pk=row.pk).update(**{field: "é" * limit})  # exactly the cap, in characters
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "é" * (limit + 1)})


def test_an_application_statement_of_100_000_characters_cannot_be_stored(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(statement="word " * 20_048)
