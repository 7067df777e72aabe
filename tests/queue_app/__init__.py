"""A throwaway app for tests of shared mechanisms (the moderation queue registry), so those
tests depend on no programme. Installed only by config/settings_test.py; it has no
migrations, so the test database creates its table directly."""
