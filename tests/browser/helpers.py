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
