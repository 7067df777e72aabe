"""Steps several browser journeys share."""

from tests.factories import PASSWORD


def sign_in(page, axe, base, email, password=PASSWORD):
    """Sign in through the real form, checking both pages with axe."""
    page.goto(base + "/account/login/")
    axe()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    axe()


def fill_date(scope, value, *, name: str | None = None):
    """Type a date into an NHS.UK date input (day, month, year boxes): the one named `name`,
    or the first listed task date in `scope`."""
    if name is None:
        name = scope.locator("input[name^=date_][name$=_day]").first.get_attribute("name").removesuffix("_day")
    scope.locator(f"input[name={name}_day]").fill(str(value.day))
    scope.locator(f"input[name={name}_month]").fill(str(value.month))
    scope.locator(f"input[name={name}_year]").fill(str(value.year))
