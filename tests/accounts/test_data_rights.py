import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models

from accounts.data_rights import personal_data_erase
from accounts.models import User
from mail.models import Email
from mail.services import email_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rows_mentioning(text: str) -> list[str]:
    """Every row in every table with `text` in any text or JSON column."""
    found = []
    for model in apps.get_models():
        query = models.Q()
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                query |= models.Q(**{f"{field.attname}__icontains": text})
        if query:
            for pk in model._default_manager.filter(query).values_list("pk", flat=True):
                found.append(f"{model._meta.label}:{pk}")
        # JSON columns are searched in Python: icontains on JSON is not portable.
        json_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        for row in model._default_manager.only("pk", *[f.name for f in json_fields]) if json_fields else []:
            if any(text.lower() in json.dumps(getattr(row, f.attname)).lower() for f in json_fields):
                found.append(f"{model._meta.label}:{row.pk} (json)")
    return found


def test_download_gives_everything_held_as_json(client, supporter):
    client.force_login(supporter)
    response = client.get("/my-account/your-data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["email"] == supporter.email
    assert data["account"]["account"]["display_name"] == supporter.display_name
    assert data["account"]["email_addresses"][0]["email"] == supporter.email


def test_download_needs_sign_in(client):
    assert client.get("/my-account/your-data/").status_code == 302


def test_delete_needs_a_choice_and_confirmation(client, supporter):
    client.force_login(supporter)
    response = client.post("/my-account/delete/", {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select what should happen to your pledges" in html
    assert "Confirm that you want to delete your account" in html
    assert User.objects.filter(pk=supporter.pk).exists()


def test_deleting_an_account_leaves_the_email_nowhere_in_the_database(
    client, supporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            kind="account-test", to=supporter.email, context={"rendered": {"subject": "s", "text": "t", "html": "h"}}
        )
    assert rows_mentioning(supporter.email), "the test must start with the email in the database"
    client.force_login(supporter)
    response = client.post("/my-account/delete/", {"contributions": "keep", "confirm": "on"})
    assert response.status_code == 302
    assert rows_mentioning(supporter.email) == []
    assert rows_mentioning("supporter@") == []
    assert not EmailAddress.objects.filter(email=supporter.email).exists()
    assert not Email.objects.exists()
    assert "_auth_user_id" not in client.session


def test_staff_can_act_on_a_request_from_someone_without_an_account(
    client, programme_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            kind="account-test",
            to="no.account@example.org",
            context={"rendered": {"subject": "s", "text": "t", "html": "h"}},
        )
    client.force_login(programme_admin)
    response = client.post("/my-account/data-requests/", {"email": "No.Account@example.org", "action": "export"})
    assert response.status_code == 200
    assert json.loads(response.content)["mail"]["emails_sent_to_you"][0]["kind"] == "account-test"
    response = client.post(
        "/my-account/data-requests/", {"email": "no.account@example.org", "action": "erase", "contributions": "remove"}
    )
    assert response.status_code == 302
    assert rows_mentioning("no.account@example.org") == []


def test_data_requests_page_is_for_programme_admins_only(client, moderator, outsider):
    for person in (moderator, outsider):
        client.force_login(person)
        assert client.get("/my-account/data-requests/").status_code == 403


def test_erase_requires_a_choice_about_contributions(client, programme_admin):
    client.force_login(programme_admin)
    response = client.post("/my-account/data-requests/", {"email": "x@example.org", "action": "erase"})
    assert response.status_code == 200
    assert "Select what should happen to their pledges" in response.content.decode()


def test_erasing_one_person_leaves_others_alone(supporter, outsider):
    personal_data_erase(user=supporter, keep_contributions=False)
    assert User.objects.filter(pk=outsider.pk).exists()
    assert EmailAddress.objects.filter(email=outsider.email).exists()


def test_retention_note_is_published(client):
    response = client.get("/privacy/retention/")
    assert response.status_code == 200
    assert "Deleted 30 days after it was made" in response.content.decode()


def test_user_factory_builds_distinct_people():
    assert UserFactory.build().email != UserFactory.build().email


def test_operators_can_act_on_a_request_from_the_command_line(supporter, capsys):
    from django.core.management import CommandError, call_command

    call_command("personal_data", supporter.email, "--export")
    assert json.loads(capsys.readouterr().out)["account"]["account"]["email"] == supporter.email
    with pytest.raises(CommandError, match="--contributions keep"):
        call_command("personal_data", supporter.email, "--erase")
    call_command("personal_data", supporter.email.upper(), "--erase", "--contributions", "remove")
    assert rows_mentioning(supporter.email) == []
