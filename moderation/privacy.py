"""Spot personal data that must never be published: pledges and stories are about people's
work, and a careless one could expose a patient.

`find_personal_data` returns the kinds found ("an NHS number", "a phone number", ...);
text with any is held for a moderator instead of published.
"""

import re

# Ten digits, optionally split 3-3-4 by spaces, dashes or dots (how NHS numbers are written).
_NHS_CANDIDATE = re.compile(r"(?<![\d])(\d{3})[\s.\-]?(\d{3})[\s.\-]?(\d{4})(?![\d])")
# UK phone numbers: 0 or +44 then 9-10 more digits, with spaces, dashes or brackets.
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?44\s?\(?0?\)?|\(?0)\d(?:[\s\-()]*\d){8,9}(?![\d])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A full UK postcode (outward and inward parts), e.g. "EX1 2AB", "SW1A 1AA", "M1 1AE".
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number check digit (modulus 11 over the first nine digits)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_personal_data(text: str) -> list[str]:
    found = []
    nhs_spans = []
    for match in _NHS_CANDIDATE.finditer(text or ""):
        if is_valid_nhs_number("".join(match.groups())):
            nhs_spans.append(match.span())
    if nhs_spans:
        found.append("an NHS number")
    for match in _PHONE.finditer(text or ""):
        start, end = match.span()
        if not any(s <= start < e or s < end <= e for s, e in nhs_spans):
            found.append("a phone number")
            break
    if _EMAIL.search(text or ""):
        found.append("an email address")
    if _POSTCODE.search(text or ""):
        found.append("a postcode")
    return found
