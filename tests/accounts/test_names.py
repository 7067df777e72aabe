"""People are asked the name they want to be called, and pages use it, never their address."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.ambassadors.factories import ApplicationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kettle-Harbour-Lantern-71"


def test_sign_up_asks_for_a_name_and_keeps_it(client):
    html = client.get("/account/signup/").content.decode()
    assert '<label class="nhsuk-label" for="id_display_name">' in html and "Your name" in html
    assert html.index("id_display_name") < html.index("id_email")
    client.post(
        "/account/signup/",
        {"display_name": "  Helen   Brooks ", "email": "helen@example.org", "password1": STRONG, "password2": STRONG},
    )
    user = User.objects.get(email="helen@example.org")
    assert user.display_name == "Helen Brooks"
    assert user.greeting == "Hello Helen,"


def test_sign_up_without_a_name_still_works(client):
    client.post("/account/signup/", {"email": "kwesi@example.org", "password1": STRONG, "password2": STRONG})
    user = User.objects.get(email="kwesi@example.org")
    assert user.display_name == "" and user.greeting == "Hello,"
    assert user.get_full_name() == "" and user.get_short_name() == ""


def test_an_account_without_a_name_is_asked_once_on_its_first_page(client):
    user = UserFactory(email="kwesi.boateng@example.net", display_name="")
    client.force_login(user)
    response = client.get(reverse("pledges:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:name") + "?next=%2Fpledges%2F"
    page = client.get(response["Location"]).content.decode()
    assert "What should we call you?" in page and "Skip for now" in page
    # Skipping: the next page opens, and the question is not asked again this session.
    assert client.get(reverse("pledges:index")).status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_name_page_saves_and_goes_on_to_where_the_person_was_going(client):
    user = UserFactory(display_name="")
    client.force_login(user)
    response = client.post(reverse("accounts:name"), {"display_name": "Kwesi Boateng", "next": "/pledges/"})
    assert response.status_code == 302 and response["Location"] == "/pledges/"
    user.refresh_from_db()
    assert user.display_name == "Kwesi Boateng"


def test_the_name_page_refuses_an_empty_name_and_an_outside_next(client):
    user = UserFactory(display_name="")
    client.force_login(user)
    html = client.post(reverse("accounts:name"), {"display_name": "  ", "next": "/pledges/"}).content.decode()
    assert "Enter your name" in html and 'class="nhsuk-error-summary"' in html
    response = client.post(reverse("accounts:name"), {"display_name": "Kwesi", "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:home")


def test_the_name_prompt_never_blocks_signing_out_or_posting(client):
    user = UserFactory(display_name="")
    client.force_login(user)
    response = client.post("/account/logout/")
    assert response.status_code == 302 and response["Location"] != reverse("accounts:name")
    assert "_auth_user_id" not in client.session


def test_people_with_a_name_are_never_asked(client, supporter):
    client.force_login(supporter)
    assert client.get(reverse("pledges:index")).status_code == 200


def test_lead_sees_application_by_name_or_a_neutral_label_never_the_address(client, programme_admin):
    named = ApplicationFactory(user=UserFactory(email="kwesi.boateng@example.net", display_name="Kwesi Boateng"))
    nameless = ApplicationFactory(user=UserFactory(email="amara.o@example.net", display_name=""))
    client.force_login(programme_admin)
    queue = client.get(reverse("ambassadors:review")).content.decode()
    assert "Kwesi Boateng" in queue and "amara.o@example.net" not in queue
    html = client.get(reverse("ambassadors:review_detail", args=[named.pk])).content.decode()
    assert "Application from Kwesi Boateng" in html and "kwesi.boateng@example.net" not in html.split("<h1", 1)[1][:200]
    html = client.get(reverse("ambassadors:review_detail", args=[nameless.pk])).content.decode()
    assert "Application from a Care Maker applicant" in html


def test_organisation_people_list_names_people_not_addresses(client, org_rep):
    from organisations import services
    from tests.organisations.factories import make_organisation

    organisation = make_organisation(rep=org_rep, name="Oakfield Care")
    services.membership_add(organisation=organisation, user=UserFactory(email="no.name@example.org", display_name=""))
    client.force_login(org_rep)
    html = client.get(reverse("organisations:members", args=[organisation.slug])).content.decode()
    assert "Robin Rep" in html and "Name not given" in html
    cells = [cell.split("<br>", 1)[0] for cell in html.split('aria-hidden="true">Name </span><span>')[1:]]
    assert cells and not any("@" in cell for cell in cells)
