"""Hostile input never reaches the database or a template raw, and never makes a server error."""

import pytest

from core.hostile_input import query_string_ok, without_control
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/pledges/new/?organisation=x%00y",
        "/social-care-commitment/organisations/lookup.json?q=x%00y",
        "/social-care-commitment/register/ask-to-join/x%00y/",
        "/pledges/?q=a%01b",
        "/pledges/?q=a%7Fb",
        "/pledges/?q=a%C2%85b",  # NEL, a C1 control
        "/pledges/?q=%FF%FE",  # not UTF-8
        "/pledges/?q=%ED%A0%80",  # a UTF-8-encoded surrogate
        "/pledges/?q%00=x",
        "/pledges/confirm/x%00y/",
        "/pledges/manage/x%0Ay/",
        "/care-makers/endorse/x%1By/",
    ],
)
def test_control_characters_in_the_address_get_the_400_page(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with the web address" in html
    assert 'class="nhsuk-header"' in html


@pytest.mark.parametrize(
    "url", ["/pledges/?q=100%", "/pledges/?q=%zz", "/pledges/?q=%D8%B4%D9%83%D8%B1%D8%A7", "/pledges/?q=a+b%20c"]
)
def test_stray_percent_signs_and_real_text_in_the_query_are_read_as_they_are(client, world, url):
    assert client.get(url).status_code == 200


def test_query_check_reads_what_django_reads():
    assert query_string_ok("q=%D8%B4%D9%83%D8%B1%D8%A7&a=1%2B1") is True
    assert query_string_ok("q=caf\xc3\xa9") is True  # raw UTF-8 bytes, as WSGI hands them over
    assert query_string_ok("q=caf\xe9") is False  # raw Latin-1: not UTF-8
    assert query_string_ok("q=a%09b") is False


def test_form_fields_lose_control_characters_but_keep_line_breaks_and_format_characters():
    typed = "one\ttwo\r\nthree\x0bfour\x00\x07\x1b[31m\x7f\x9f 👩\u200d⚕️ \u202eok\u202c"
    assert without_control(typed) == "one\ttwo\r\nthree\nfour[31m 👩\u200d⚕️ \u202eok\u202c"


def test_a_pledge_with_control_characters_is_kept_without_them(client, world, pledge_form):
    pledge_form["text"] = "I will\x00 listen\x08 to\x0bevery resident."
    response = client.post("/pledges/new/", pledge_form)
    assert response.status_code == 302
    client.post("/pledges/new/check/")
    assert Pledge.objects.get(email="jo.bloggs@example.org").text == "I will listen to\nevery resident."


def test_a_cookie_with_a_nul_is_ignored(client, world):
    response = client.get("/my-account/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_people_s_words_are_isolated_so_an_override_cannot_reorder_the_page(client, world):
    from tests.pledges.factories import PledgeFactory

    rlo = "I will \u202elisten more"
    pledge = PledgeFactory(text=rlo, done_story=rlo, done_at=world.pledge.published_at)
    world.care_maker.bio = rlo
    world.care_maker.save()
    world.story.text = rlo
    world.story.save()
    pages = [
        "/",
        "/pledges/",
        f"/pledges/{pledge.pk}/",
        f"/care-makers/directory/{world.care_maker.number}/",
        f"/care-makers/stories/{world.story.pk}/",
    ]
    for url in pages:
        shown = _text_shown(client.get(url).content.decode(), rlo)
        assert shown, url
        # Every place the words are shown as text sits in a <bdi>. (Attribute values, such as a
        # share button's data-share-text, are not laid out, so an override there reorders nothing.)
        assert all("bdi" in open_tags for open_tags in shown), url


def _text_shown(html: str, words: str) -> list[list[str]]:
    """For each text node of the page's body holding `words`, the tags open around it."""
    from html.parser import HTMLParser

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.found, self.in_body = [], [], False

        def handle_starttag(self, tag, attrs):
            self.in_body = self.in_body or tag == "body"
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass

        def handle_data(self, data):
            if self.in_body and words in data:
                self.found.append(list(self.stack))

    parser = Parser()
    parser.feed(html)
    return parser.found


WORDS = "Zoë looks after 👩🏽\u200d⚕️ residents: شكراً جزيلاً, Cafe\u0301 \u202eover\u202c \u2066isolated\u2069"


def test_care_maker_words_are_stored_as_typed(client, world):
    from ambassadors.models import Story

    client.force_login(world.ambassador)
    response = client.post(
        "/care-makers/my-profile/",
        {"public_profile": "on", "display_name": "Zoë شكراً", "bio": WORDS, "chosen_c": "courage"},
    )
    assert response.status_code == 302
    world.care_maker.refresh_from_db()
    assert (world.care_maker.display_name, world.care_maker.bio) == ("Zoë شكراً", WORDS)
    response = client.post("/care-makers/stories/new/", {"c": "care", "title": "Cafe\u0301 👩🏽\u200d⚕️", "text": WORDS})
    assert response.status_code == 302
    story = Story.objects.exclude(pk=world.story.pk).get(care_maker=world.care_maker)
    assert (story.title, story.text) == ("Cafe\u0301 👩🏽\u200d⚕️", WORDS)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"text=x", "multipart/form-data"),  # no boundary
        (b"text=%FF%FE%00&email=a", "application/x-www-form-urlencoded"),  # not UTF-8, NUL
        (b"&".join(b"f%d=x" % i for i in range(1200)), "application/x-www-form-urlencoded"),  # too many fields
    ],
)
def test_broken_form_bodies_get_a_clean_answer(client, world, body, content_type):
    response = client.generic("POST", "/pledges/new/", body, content_type=content_type)
    assert response.status_code in {200, 400}
