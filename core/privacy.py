"""Spot personal data that must never be published: pledges, stories and profiles are about
people's work, and a careless one could expose a patient or a colleague.

One check for every programme and every public field:

- `find_personal_data(*texts)` returns the kinds found ("an NHS number", "a phone number",
  "an email address", "a postcode"), in that order; empty when the text is clean.
- `mask_personal_data(text)` returns the text with each finding replaced by a label such as
  "[NHS number removed]": what the audit log keeps of a rejected item.
- `refuse_personal_data(value, what=...)` is for the form fields that refuse outright, with
  the message from `personal_data_error`.

The text is normalised before scanning, so that what a reader would see as a number is
scanned as one: Unicode NFKC (full-width and other compatibility forms become plain ones),
format characters dropped (zero-width spaces and joiners, bidi marks, soft hyphens: category
Cf), every Unicode space but the line break a plain space, every dash a hyphen, every decimal
digit an ASCII one. Digit runs are then read as groups of digits joined by separators
(spaces, line breaks, `/`, `.`, `-`, brackets), and any run of whole groups is tried, so each
grouping is caught: `943 476 5919`, `9434 765 919`, `943/476/5919`, `1 8 6 0 ...`.

- NHS number: ten digits that pass the modulus 11 check digit. The check digit rule is kept:
  ten digits that fail it are not an NHS number (no record has one), and without it every
  order, staff or reference number would be held.
- Phone number: a UK number, 0 then 9 or 10 digits, also written `+44 ...`, `+44 (0)...` or
  `0044 ...`; and "+" then 8 to 15 digits, a number in any country.
- Email address: the usual `name@example.com`, with spaces or full-width characters, and
  spelled out ("name at example dot com", "name (at) example (dot) org", "[at]", "{dot}").
  Spelled with bare words, it must end in a common top-level domain and not read as a
  sentence ("good at it. Me too").
- Postcode: a full UK postcode with or without the space, oddly spaced ("EX1  2AB",
  "SW 1A 1AA"), any case; in lower case an ordinal ("A1 2nd") is not one.

What it deliberately does not flag, so ordinary pledges are not held: dates (`12/03/2025`,
`2025-03-12`, which also end a digit run), times (`10:30`), counts with commas
(`10,000 steps`), years and short numbers, CQC provider IDs (`1-101234567`). It cannot catch
numbers spelled out in words or written with letters for digits ("O" for 0): moderators and
reports are the net for those.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

NHS_NUMBER = "an NHS number"
PHONE = "a phone number"
EMAIL = "an email address"
POSTCODE = "a postcode"
KINDS = (NHS_NUMBER, PHONE, EMAIL, POSTCODE)
MASKS = {
    NHS_NUMBER: "[NHS number removed]",
    PHONE: "[phone number removed]",
    EMAIL: "[email address removed]",
    POSTCODE: "[postcode removed]",
}

# Dashes and slashes that NFKC leaves alone but a reader takes for "-" and "/".
_SLASHES = {"\u2044", "\u2215", "\u29f8"}
_DOTS = {"\u00b7", "\u2022", "\u2027", "\u2219", "\u30fb"}


def normalise(text: str) -> str:
    """The text as a reader sees it, in the plain characters the patterns look for."""
    out = []
    for char in unicodedata.normalize("NFKC", text or ""):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if char == "\n":
            out.append(char)
        elif char.isspace():
            out.append(" ")
        elif category == "Pd" or char == "\u2212":
            out.append("-")
        elif char in _SLASHES:
            out.append("/")
        elif char in _DOTS:
            out.append(".")
        elif category == "Nd":
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number check digit (modulus 11 over the first nine digits)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


# --- Numbers ---------------------------------------------------------------------------

# A group: digits, with a "+" in front when written internationally.
_GROUP = re.compile(r"\+?\d+")
# What may join two groups of one number: up to three of space, line break, / . - ( ).
_JOIN = re.compile(r"[ \n/.\-()]{1,3}")
# Dates are not numbers to read across: a date ends a digit run. Day and month are checked below.
_DATE = re.compile(
    r"(?<![\d+])(?:(\d{1,2})([/.\-])(\d{1,2})\2((?:19|20)\d\d)|((?:19|20)\d\d)([/.\-])(\d{1,2})\6(\d{1,2}))(?!\d)"
)
# A decimal ("3.5 stars", "£12.50", "8.04 5.52"): one full stop and one or two decimals,
# not a link in a dotted chain like "186.091.3903".
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")
# A CQC provider or location ID ("1-101234567") is a public reference, typed in organisation
# fields to find a provider: read whole, never as part of a phone or NHS number.
_CQC_ID = re.compile(r"(?<![\d+\-])1-\d{9,11}(?!\d)")
_UK_PHONE = re.compile(r"0[1-9]\d{8,9}")
# The longest digit string tried: an E.164 number has at most 15 digits.
_MAX_DIGITS = 15


def _not_number_spans(text: str) -> list[tuple[int, int]]:
    """Dates, decimals and CQC IDs: written with digits and separators, but not numbers to read across."""
    spans = [match.span() for match in _CQC_ID.finditer(text)]
    spans += [match.span() for match in _DECIMAL.finditer(text)]
    for match in _DATE.finditer(text):
        if match.group(1):
            a, b = int(match.group(1)), int(match.group(3))
            plausible = 1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12
        else:
            plausible = 1 <= int(match.group(7)) <= 12 and 1 <= int(match.group(8)) <= 31
        if plausible:
            spans.append(match.span())
    return spans


def _runs(text: str) -> list[list[re.Match]]:
    """Groups of digits that read as one number: joined by separators, not crossing a date."""
    skipped = _not_number_spans(text)

    def in_skipped(match: re.Match) -> bool:
        return any(s <= match.start() < e for s, e in skipped)

    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for group in _GROUP.finditer(text):
        if in_skipped(group):
            if current:
                runs.append(current)
            current = []
            continue
        # A "+" inside a run starts a new number.
        joined = (
            current
            and not group.group().startswith("+")
            and _JOIN.fullmatch(text, current[-1].end(), group.start()) is not None
        )
        if current and not joined:
            runs.append(current)
            current = []
        current.append(group)
    if current:
        runs.append(current)
    return runs


def _as_uk_phone(digits: str) -> bool:
    if digits.startswith("0044"):
        # "0044 (0)7700 ...": the bracketed trunk 0 is written but not dialled.
        return bool(_UK_PHONE.fullmatch("0" + digits[4:].removeprefix("0")))
    return bool(_UK_PHONE.fullmatch(digits))


def _number_findings(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for run in _runs(text):
        groups = [(m.start(), m.end(), m.group().lstrip("+"), m.group().startswith("+")) for m in run]
        for i, (start, _, _, international) in enumerate(groups):
            digits = ""
            # Every group has a digit, so no number longer than _MAX_DIGITS spans more groups.
            for _, end, part, _ in groups[i : i + _MAX_DIGITS]:
                digits += part
                length = len(digits)
                if length > _MAX_DIGITS:
                    break
                if length < 8:  # shorter than any phone number or NHS number
                    continue
                if not international and length == 10 and is_valid_nhs_number(digits):
                    findings.append(Finding(NHS_NUMBER, start, end))
                elif international or _as_uk_phone(digits):
                    # "+" and 8 to 15 digits is a phone number in any country (E.164).
                    findings.append(Finding(PHONE, start, end))
    return findings


# --- Email addresses -------------------------------------------------------------------

_AT = r"(?:\s*[@]\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
# Each match starts where a run of address characters starts, and the runs are possessive
# (++): a long run without an "@" is passed over in linear time, not retried from each character.
_LOCAL = r"(?<![\w.%+\-])[\w.%+\-]++"
# The local part may be spelled out too: "jo dot bloggs at ...", "jo(dot)bloggs(at)...".
_SPELLED_DOT = r"(?:\s+dot\s+|\s*[(\[{<]\s*dot\s*[)\]}>]\s*)"
_EMAIL = re.compile(rf"{_LOCAL}(?:{_SPELLED_DOT}[\w\-]++)*+{_AT}[\w\-]++(?:{_DOT}[\w\-]++)+", re.IGNORECASE)
_PLAIN_EMAIL = re.compile(rf"{_LOCAL}@[\w\-]++(?:\.[\w\-]++)*?\.[^\W\d_]{{2,}}+(?![\w\-])")
# Spelled out ("jo at example dot com") only counts when it ends in a domain people use:
# "look at the dot com boom" must not be held.
# Top-level domains that are not also everyday words ("it", "in", "me" and "at" are left out).
_TLDS = frozenset(
    {"com", "org", "net", "uk", "gov", "nhs", "ac", "co", "edu", "info", "biz", "io", "scot", "wales", "cymru"}
    | {"email", "online", "ie", "eu", "de", "fr", "nl", "au", "ca", "nz"}
)
_NOT_DOMAINS = frozenset({"the", "a", "an", "my", "our", "your", "their", "this", "that", "his", "her", "its", "it"})


def _email_findings(text: str) -> list[Finding]:
    findings = [Finding(EMAIL, *m.span()) for m in _PLAIN_EMAIL.finditer(text)]
    for match in _EMAIL.finditer(text):
        if any(f.start <= match.start() < f.end for f in findings):
            continue
        local, at, domain = _split_at(match.group())
        labels = re.split(_DOT, domain, flags=re.IGNORECASE)
        if at.strip().lower() == "at":
            # "good at it. Me too": a bare "at" with a full stop and a space is a sentence.
            if re.search(r"\.\s", domain):
                continue
            # "more at nhs.uk" names a website: with a bare "at", an address needs a spelled
            # "dot" or a local part shaped like one ("jo.bloggs", "jo_b", "jo2").
            if not re.search(r"(?i)\bdot\b", domain) and not re.search(r"[._+\d]", local):
                continue
        if labels[-1].lower() in _TLDS and labels[0].lower() not in _NOT_DOMAINS:
            findings.append(Finding(EMAIL, *match.span()))
    return findings


def _split_at(written: str) -> tuple[str, str, str]:
    at = re.search(_AT, written, flags=re.IGNORECASE)
    return written[: at.start()], at.group(), written[at.end() :]


# --- Postcodes -------------------------------------------------------------------------

# A full UK postcode, outward and inward parts: "EX1 2AB", "SW1A 1AA", "M1 1AE", and oddly
# spaced ones ("EX12AB", "EX1  2AB", "SW 1A 1AA", "EX1-2AB").
_POSTCODE = re.compile(
    r"\b(?:(?P<area>[A-Z]{1,2}) ?(?P<district>\d[A-Z\d]?)|GIR)[ ./\-]*(?P<inward>\d ?[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d ?(?:st|nd|rd|th)")


def _postcode_findings(text: str) -> list[Finding]:
    findings = []
    for match in _POSTCODE.finditer(text):
        written = match.group()
        # In lower case, "the 2nd", "A1 3rd" and words that line up with numbers are not
        # postcodes: only the plain shape counts, with at most the one gap in the middle.
        if written != written.upper():
            inward = match.group("inward")
            if _ORDINAL.fullmatch(inward) or " " in inward:
                continue
            if match.group("area") and match.end("area") != match.start("district"):
                continue
        findings.append(Finding(POSTCODE, *match.span()))
    return findings


# --- The check -------------------------------------------------------------------------


def _scan(normalised: str) -> list[Finding]:
    findings = _number_findings(normalised)
    nhs = [f for f in findings if f.kind == NHS_NUMBER]
    # A ten-digit number starting 0 can pass the NHS check digit too: call it an NHS number.
    findings = [
        f for f in findings if f.kind == NHS_NUMBER or not any(n.start <= f.start and f.end <= n.end for n in nhs)
    ]
    return findings + _email_findings(normalised) + _postcode_findings(normalised)


def find_personal_data(*texts: str) -> list[str]:
    """The kinds of personal data in any of the texts, each scanned on its own (so the end of
    one field and the start of the next are never read as one number)."""
    kinds = {f.kind for text in texts for f in _scan(normalise(text))}
    return [kind for kind in KINDS if kind in kinds]


def mask_personal_data(text: str) -> str:
    """The text with every finding replaced by what it was, e.g. "[NHS number removed]".

    What the audit log keeps. Text with a finding comes back normalised (see `normalise`),
    overlapping findings merged into one mask; clean text comes back as it was."""
    normalised = normalise(text)
    findings = sorted(_scan(normalised), key=lambda f: (f.start, -f.end))
    if not findings:
        return text or ""
    out, position = [], 0
    for finding in findings:
        if finding.start < position:
            if finding.end > position:
                position = finding.end
            continue
        out.append(normalised[position : finding.start])
        out.append(MASKS[finding.kind])
        position = finding.end
    out.append(normalised[position:])
    return "".join(out)


def _listed(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


def personal_data_error(text: str, *, what: str) -> str | None:
    """The NHS.UK-style error for a field that refuses personal data, or None when the text is clean.

    `what` names the field as the person knows it: "Your bio", "The town or city"."""
    found = find_personal_data(text)
    if not found:
        return None
    return f"{what} must not include {_listed(found)}. Take {'it' if len(found) == 1 else 'them'} out: this is shown publicly"


def refuse_personal_data(value: str, *, what: str) -> str:
    """For a form's `clean_<field>`: the value back when clean, else a ValidationError with the message.

    Used where text goes public with no moderator in between (profiles, directory entries,
    done stories): there the person is told at once, rather than the text being held."""
    error = personal_data_error(value, what=what)
    if error:
        raise ValidationError(error, code="personal_data")
    return value
