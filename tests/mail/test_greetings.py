"""Every email greets people by the name they gave, or "Hello," without one: never by address."""

import re

import pytest

from mail.models import Email
from mail.previews import all_previews
from mail.rendering import render_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# The context keys that carry a person's name into an email.
NAME_KEYS = ("name", "manager_name", "applicant_name", "requester")
GREETING = re.compile(r"^(Hello|Good morning)( [^,@\n]+)?,$")


def greeting_line(text: str) -> str:
    return text.strip().splitlines()[0].strip()


def html_paragraphs(html: str) -> list[str]:
    body = html.split("<body", 1)[-1]
    return [re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", body, re.S)]


@pytest.mark.parametrize("kind", sorted(all_previews()))
@pytest.mark.parametrize("named", [True, False], ids=["with a name", "without a name"])
def test_every_email_opens_with_a_greeting_and_no_address(kind, named):
    _, factory = all_previews()[kind]
    context = factory()
    context.pop("preview_category", None)
    to_a_person = any(key in context for key in NAME_KEYS)
    if not named:
        context.update({key: "" for key in NAME_KEYS if key in context})
    rendered = render_email(kind, context)
    line = greeting_line(rendered.text)
    assert not ADDRESS.search(line), f"{kind}: {line!r}"
    assert not ADDRESS.search(rendered.subject), f"{kind}: {rendered.subject!r}"
    if to_a_person:
        assert GREETING.match(line), f"{kind}: {line!r}"
        assert line in html_paragraphs(rendered.html), f"{kind}: the HTML part greets differently"
        if not named:
            assert line == "Hello,", f"{kind}: {line!r}"
            assert " ," not in rendered.text


def test_a_person_without_a_name_is_greeted_hello_not_by_address(django_capture_on_commit_callbacks):
    from organisations import services as organisation_services
    from tests.organisations.factories import make_organisation

    rep = UserFactory(email="helen.brooks@oakfieldcare.example", display_name="")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = make_organisation(rep=rep, verified=False, name="Oakfield Care")
        admin = UserFactory(is_superuser=True, is_staff=True)
        organisation_services.organisation_verify(organisation=organisation, admin=admin)
    email = Email.objects.get(kind="organisation-verified", to=rep.email)
    text = render_email(email.kind, email.context).text
    assert greeting_line(text) == "Hello,"
    assert "helen.brooks" not in text


def test_a_named_person_is_greeted_by_their_first_name(django_capture_on_commit_callbacks):
    from organisations import services as organisation_services
    from tests.organisations.factories import make_organisation

    rep = UserFactory(email="helen.brooks@oakfieldcare.example", display_name="Helen Brooks")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = make_organisation(rep=rep, verified=False, name="Oakfield Care")
        organisation_services.organisation_verify(organisation=organisation, admin=UserFactory(is_superuser=True))
    email = Email.objects.get(kind="organisation-verified", to=rep.email)
    assert greeting_line(render_email(email.kind, email.context).text) == "Hello Helen,"


def test_password_reset_email_greets_by_name_in_plain_british_words(client, django_capture_on_commit_callbacks):
    UserFactory(email="helen.brooks@oakfieldcare.example", display_name="Helen Brooks")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/password/reset/", {"email": "helen.brooks@oakfieldcare.example"})
    email = Email.objects.get(kind="account-password_reset_key")
    text = render_email(email.kind, email.context).text
    assert greeting_line(text) == "Hello Helen,"
    assert "Reset your password" in render_email(email.kind, email.context).subject
    assert "You're receiving" not in text and "Someone, hopefully you" in text
