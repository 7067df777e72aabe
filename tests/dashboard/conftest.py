# The pledges fixtures (a current campaign, a theme, valid pledge data) serve the dashboard too.
from tests.pledges.conftest import campaign, service_data, theme  # noqa: F401
