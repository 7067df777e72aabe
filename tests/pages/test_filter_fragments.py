"""The directories keep their rendered filter forms a minute per query: a different query
must still show its own choices selected and its own words."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query", "selected"),
    [
        ("ambassadors:directory", "region=london", '<option value="london" selected>'),
        ("organisations:directory", "region=london&q=Oak+Lodge", '<option value="london" selected>'),
    ],
)
def test_a_kept_filter_form_shows_each_query_its_own_choices(client, url, query, selected):
    path = reverse(url)
    assert selected not in client.get(path).content.decode()
    html = client.get(f"{path}?{query}").content.decode()
    assert selected in html
    assert selected not in client.get(f"{path}?region=wales").content.decode()
    if "q=" in query:
        assert 'value="Oak Lodge"' in html
