import pytest

from core.privacy import find_personal_data, is_valid_nhs_number, mask_personal_data, personal_data_error


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9434765870"])
def test_valid_nhs_numbers_pass_the_check_digit(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "0000000001", "123456789"])
def test_invalid_nhs_numbers_fail_the_check_digit(number):
    assert not is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "Mr Smith 943 476 5919 needs help",
        "patient 943-476-5919",
        "ref 9434765919.",
    ],
)
def test_nhs_number_with_any_spacing_is_found(text):
    assert "an NHS number" in find_personal_data(text)


def test_ten_digits_with_a_wrong_check_digit_is_not_an_nhs_number():
    assert "an NHS number" not in find_personal_data("order 9434765918 arrived")


@pytest.mark.parametrize("text", ["call 07700 900123", "ring +44 7700 900123", "tel (01392) 123456", "0117 496 0123"])
def test_phone_numbers_are_found(text):
    assert "a phone number" in find_personal_data(text)


def test_email_and_postcode_are_found():
    found = find_personal_data("write to jo.bloggs@example.com, she lives at EX1 2AB")
    assert "an email address" in found and "a postcode" in found


@pytest.mark.parametrize(
    "text",
    [
        "I will learn more about dementia this year",
        "Thank 10 colleagues a week for 52 weeks",
        "Start every clinic on time in 2027",
        "Smile at 100 patients 😊 and say hello in Cymraeg: Shwmae",
        "テストの誓い: 毎日同僚に感謝する",
    ],
)
def test_ordinary_pledges_are_not_flagged(text):
    assert find_personal_data(text) == []


# --- Every way of writing it: normalised before scanning ---------------------------------

CAUGHT = [
    # NHS numbers (1860913903 and 9434765919 pass the check digit), in every grouping and disguise.
    ("186\u200b091\u200b3903", "an NHS number"),  # zero-width spaces
    ("186\u200d091\u200c3903", "an NHS number"),  # zero-width joiner and non-joiner
    ("186\u00ad091\u00ad3903", "an NHS number"),  # soft hyphens
    ("186\u202e091\u202c3903", "an NHS number"),  # bidi override and pop
    ("186\u2066091\u20693903", "an NHS number"),  # bidi isolates
    ("\ufeff1860913903", "an NHS number"),  # byte order mark
    ("186/091/3903", "an NHS number"),
    ("186.091.3903", "an NHS number"),
    ("186-091-3903", "an NHS number"),
    ("186\u2013091\u20133903", "an NHS number"),  # en dashes
    ("186\u2011091\u20113903", "an NHS number"),  # non-breaking hyphens
    ("186\u2215091\u22153903", "an NHS number"),  # division slashes
    ("186\u00a0091\u202f3903", "an NHS number"),  # no-break and narrow no-break spaces
    ("186\u3000091\u20093903", "an NHS number"),  # ideographic and thin spaces
    ("186 0913 903", "an NHS number"),  # 3-4-3
    ("1860 913 903", "an NHS number"),  # 4-3-3
    ("18609 13903", "an NHS number"),  # 5-5
    ("1 8 6 0 9 1 3 9 0 3", "an NHS number"),  # one digit at a time
    ("186 - 091 - 3903", "an NHS number"),
    ("(186) 091 3903", "an NHS number"),
    ("\uff11\uff18\uff16\uff10\uff19\uff11\uff13\uff19\uff10\uff13", "an NHS number"),  # full-width digits
    ("\u0661\u0668\u0666\u0660\u0669\u0661\u0663\u0669\u0660\u0663", "an NHS number"),  # Arabic-Indic digits
    ("patient 943 476 5919, bed 4", "an NHS number"),
    # UK phone numbers, national and international.
    ("07700\u200b900123", "a phone number"),
    ("07700/900/123", "a phone number"),
    ("07700.900.123", "a phone number"),
    ("0044 7700 900123", "a phone number"),
    ("0044 (0) 7700 900123", "a phone number"),
    ("+44 7700 900123", "a phone number"),
    ("+447700900123", "a phone number"),
    ("+44 (0)7700 900123", "a phone number"),
    ("+44(0)117 496 0123", "a phone number"),
    ("\uff0b44 7700 900123", "a phone number"),  # full-width plus
    ("(01392) 123456", "a phone number"),
    ("0117 496 0123", "a phone number"),
    ("0 7 7 0 0 9 0 0 1 2 3", "a phone number"),
    ("+353 1 234 5678", "a phone number"),  # another country's number
    # Email addresses, plain, disguised and spelled out.
    ("jo.bloggs@example.com", "an email address"),
    ("jo\u200b.bloggs@\u200bexample.com", "an email address"),
    ("jo\uff20example\uff0ecom", "an email address"),  # full-width @ and full stop
    ("jo\ufe6bexample.com", "an email address"),  # small commercial at
    ("jo @ example . com", "an email address"),
    ("name at example dot com", "an email address"),
    ("name AT example DOT com", "an email address"),
    ("name (at) example (dot) org", "an email address"),
    ("name [at] example [dot] co [dot] uk", "an email address"),
    ("name {at} nhs {dot} net", "an email address"),
    ("name<at>nhs<dot>net", "an email address"),
    ("jo.bloggs at nhs.net", "an email address"),
    ("jo at nhs dot uk", "an email address"),
    ("jo dot bloggs at nhs dot net", "an email address"),
    ("jo(dot)bloggs(at)nhs(dot)net", "an email address"),
    # Postcodes with odd spacing.
    ("EX1 2AB", "a postcode"),
    ("ex1 2ab", "a postcode"),
    ("EX12AB", "a postcode"),
    ("EX1   2AB", "a postcode"),
    ("EX1\u200b2AB", "a postcode"),
    ("EX1-2AB", "a postcode"),
    ("SW1A 1AA", "a postcode"),
    ("SW 1A 1AA", "a postcode"),
    ("M1 1AE", "a postcode"),
    ("\uff25\uff38\uff11 \uff12\uff21\uff22", "a postcode"),  # full-width letters and digits
]


@pytest.mark.parametrize("text,kind", CAUGHT)
def test_every_written_form_is_caught(text, kind):
    assert kind in find_personal_data(f"Please contact {text} today")


ORDINARY = [
    "On 12/03/2025 we started",
    "On 01/03/2025 10 of us met",  # a date next to a count is not a phone number
    "Every day from 12.03.2025 09:00",
    "Starting 2025-03-12, every week",
    "In 2025, 2026 and 2027 I will",
    "From 2023 / 2024 / 2025 onwards",
    "Walk 10,000 steps a day",
    "Raise £1,000,000 by 31 March",
    "Start at 10:30 every day",
    "Shift 07.00-19.00 and 19.00-07.00",
    "Open 9-5, 7 days a week",
    "Thank 10 colleagues a week for 52 weeks",
    "Band 5 to band 6 in 12 months",
    "1 in 10 people",
    "Drink 0.5 litres more water",
    "Room 12. Ward 3",
    "I will count 100 200 300 steps",
    "order 9434765918 arrived",  # ten digits that fail the check digit
    "look at the dot com boom",
    "I am good at it. Me too",
    "Meet at St. Thomas' hospital",
    "Follow us @NHSEngland. We listen",
    "Smile at everyone in the office dot matrix",
    "on the A1 2nd floor",
    "the 2nd ward on level 3",
    "from 8am to 8pm",
    "in 2 3rd year students",
    "NHS 111 and 999 calls",
    "I will learn about COVID-19 and RSV",
    "Oak Lodge, CQC provider ID 1-101234563",  # would pass the NHS check digit read as a number
    "1-10123456789",
    "Rated 8.04, 5.52 / 5.35 5.96 by staff",  # decimals are not read across
    "Handle 1895.22/1013",
    "Revision 1.10.2.3 2005/11/04 18:18",
    "Find out more at nhs.uk and at www.england.nhs.uk",
    "Creative Commons may be contacted at creativecommons.org",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_caught(text):
    assert find_personal_data(text) == []


def test_mask_replaces_what_was_found_and_keeps_the_rest():
    masked = mask_personal_data(
        "Mr Smith 186\u200b091\u200b3903 rang from 0044 7700 900123, write to name at example dot com, EX1 2AB."
    )
    assert masked == (
        "Mr Smith [NHS number removed] rang from [phone number removed], "
        "write to [email address removed], [postcode removed]."
    )


@pytest.mark.parametrize("text,kind", CAUGHT)
def test_mask_leaves_nothing_to_find(text, kind):
    masked = mask_personal_data(f"Please contact {text} today")
    assert find_personal_data(masked) == []
    assert masked.startswith("Please contact ") and masked.endswith(" today")


def test_mask_leaves_clean_text_alone():
    text = "Thank 10 colleagues a week 😊 شكرا"
    assert mask_personal_data(text) == text


def test_error_names_what_was_found():
    assert personal_data_error("Ring 07700 900123 or jo@example.com", what="Your bio") == (
        "Your bio must not include a phone number or an email address. Take them out: this is shown publicly"
    )
    assert personal_data_error("I care", what="Your bio") is None


@pytest.mark.parametrize("unit", ["a", "1", "1-", "a.", "b."])
def test_long_hostile_text_is_checked_in_linear_time(unit):
    """A run of address characters without an "@" once took seconds per thousand characters.

    Measured as growth, not as a time limit: the CPU time for text four times as long must grow
    about four times (linear), far from the sixteen times of the old quadratic pattern. Best of
    three, in CPU time, so a busy machine does not decide the result."""
    import time

    def cost(repeats: int) -> float:
        text = ("a@" if unit == "b." else "") + unit * repeats
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            find_personal_data(text)
            mask_personal_data(text)
            best = min(best, time.process_time() - started)
        return max(best, 1e-4)

    short, long = cost(5_000 // len(unit)), cost(20_000 // len(unit))
    assert long / short < 9, f"4x the text took {long / short:.1f}x the time"
