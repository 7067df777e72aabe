"""Personal data written the ways that used to slip past the privacy check, for the tests that
send it through every public field of every programme."""

import pytest

from core.privacy import normalise

SAMPLES = [
    pytest.param("186\u200b091\u200b3903", id="nhs-zero-width"),
    pytest.param("186/091/3903", id="nhs-slashed"),
    pytest.param("186 0913 903", id="nhs-3-4-3"),
    pytest.param("07700\u200b900123", id="phone-zero-width"),
    pytest.param("07700/900/123", id="phone-slashed"),
    pytest.param("0044 7700 900123", id="phone-0044"),
    pytest.param("+44 (0)7700 900123", id="phone-plus-44"),
    pytest.param("jo at example dot com", id="email-spelled"),
    pytest.param("jo (at) example (dot) org", id="email-bracketed"),
    pytest.param("EX1\u200b2AB", id="postcode-zero-width"),
]

# A word no page shows unless the text carrying it was published.
MARKER = "Zanzibar"


def assert_not_shown(content: str, sample: str) -> None:
    """Neither the text around the sample nor the sample, in any spelling, is on the page."""
    assert MARKER not in content
    assert normalise(sample) not in normalise(content)
