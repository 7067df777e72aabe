import pytest

from moderation.privacy import find_personal_data, is_valid_nhs_number


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
