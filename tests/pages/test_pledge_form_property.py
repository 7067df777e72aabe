"""Whatever is typed as a pledge, the site answers with a page or a clear form error, never a
server error; and a pledge it accepts is stored exactly as typed (less control characters,
which never reach the database, and surrounding spaces, which every field trims)."""

from itertools import count

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.hostile_input import without_control
from pledges.models import Pledge
from tests.pages.test_hostile_corpus import CORPUS

pytestmark = pytest.mark.django_db

_n = count()

# Any Unicode a browser can send (no lone surrogates), with the corpus's pieces mixed in.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=320),
    st.lists(
        st.sampled_from([*CORPUS.values(), "I will listen to residents", "\u202e", "\x00", "👩🏽\u200d⚕️", "\r\n"]),
        max_size=6,
    ).map("".join),
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
def test_any_pledge_text_gives_a_page_or_a_clear_error_and_valid_text_round_trips(world, pledge_form, settings, text):
    settings.RATELIMIT_MULTIPLIER = 10_000  # one person sending 60 pledges is this test, not abuse
    client = Client()
    email = f"property{next(_n)}@example.org"
    response = client.post("/pledges/new/", {**pledge_form, "text": text, "email": email})
    assert response.status_code in {200, 302}
    expected = without_control(text).strip()
    if response.status_code == 200:
        html = response.content.decode()
        assert 'class="nhsuk-error-summary"' in html
        assert '<a href="#id_text">' in html  # the error is about the pledge, with the form kept
        return
    assert response["Location"] == "/pledges/new/check/"
    assert Pledge.TEXT_MIN <= len(expected) <= Pledge.TEXT_MAX
    assert client.get("/pledges/new/check/").status_code == 200
    response = client.post("/pledges/new/check/")
    assert response.status_code == 302
    assert Pledge.objects.get(email=email).text == expected
