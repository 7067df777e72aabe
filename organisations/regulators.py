"""Care regulators by UK nation: the CQC regulates adult social care in England only.

ID formats:
- CQC (England): provider ID, "1-" then 9 to 11 digits, e.g. 1-101234567 (as shown on cqc.org.uk).
- Care Inspectorate (Scotland): care service number "CS" and 10 digits (CS2003001025), or provider
  number "SP" and 10 digits (SP2003000180), as printed on its reports.
- Care Inspectorate Wales and RQIA (Northern Ireland): we found no published format we could rely
  on, so the check is permissive and documented here: for CIW, 4 to 20 letters, digits and
  hyphens (its service numbers look like SIN-00012345-ABCD); for RQIA, a numeric service ID of
  3 to 8 digits. The verifier checks each one against the public register before verifying.

Register links open each regulator's public search; check them if a regulator moves its site.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.db import models


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


@dataclass(frozen=True)
class Regulator:
    name: str
    short: str
    id_label: str
    pattern: str
    example: str
    format_text: str
    register_url: str  # with {query}: the ID, or the name where the search takes names

    def register_search(self, *, regulator_id: str, name: str) -> str:
        query = regulator_id or name
        return self.register_url.format(query=quote(query))


REGULATORS: dict[str, Regulator] = {
    Nation.ENGLAND: Regulator(
        name="Care Quality Commission",
        short="CQC",
        id_label="CQC provider ID",
        pattern=r"^1-[0-9]{9,11}$",
        example="1-101234567",
        format_text="1- followed by 9 to 11 digits, like 1-101234567",
        register_url="https://www.cqc.org.uk/search/all?query={query}",
    ),
    Nation.WALES: Regulator(
        name="Care Inspectorate Wales",
        short="CIW",
        id_label="Care Inspectorate Wales registration number",
        pattern=r"^[A-Z0-9][A-Z0-9-]{3,19}$",
        example="SIN-00012345-ABCD",
        format_text="4 to 20 letters, numbers and hyphens, like SIN-00012345-ABCD",
        register_url="https://digital.careinspectorate.wales/directory?keyword={query}",
    ),
    Nation.SCOTLAND: Regulator(
        name="Care Inspectorate",
        short="Care Inspectorate",
        id_label="Care Inspectorate service or provider number",
        pattern=r"^(CS|SP)[0-9]{10}$",
        example="CS2003001025",
        format_text="CS or SP followed by 10 digits, like CS2003001025",
        register_url="https://www.careinspectorate.com/index.php/care-services?detail={query}",
    ),
    Nation.NORTHERN_IRELAND: Regulator(
        name="Regulation and Quality Improvement Authority",
        short="RQIA",
        id_label="RQIA service ID",
        pattern=r"^[0-9]{3,8}$",
        example="11049",
        format_text="3 to 8 digits, like 11049",
        register_url="https://www.rqia.org.uk/inspections/view-inspections-as/map/?search={query}",
    ),
}

# Regions (accounts.choices.Region) outside England are whole nations.
NATION_OF_REGION = {"wales": Nation.WALES, "scotland": Nation.SCOTLAND, "northern-ireland": Nation.NORTHERN_IRELAND}


def nation_for_region(region: str) -> str:
    return NATION_OF_REGION.get(region, Nation.ENGLAND)
