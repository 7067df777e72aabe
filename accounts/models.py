from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.queries import kept_query

from .choices import JobRole, Region, Sector, region_phrase, role_phrase
from .roles import roles_from_rows, with_roles


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """As Manager.get(). A person by id alone, as Django's ModelBackend loads the signed-in
        person on every request they make (the id from the session, as a string), is read by
        a kept query: its SQL compiled once per process and prepared (core/queries.py). Their
        roles come in the same query and are kept on the person for the request
        (accounts.roles.roles_from_rows), so a page asks the database once for both. On a
        signed-in request the session's own query has read them already: that person is
        returned (accounts/sessions.py)."""
        if not args and kwargs.keys() == {"pk"} and self._db is None and not self._hints:
            pk = plain_id(kwargs["pk"])
            if pk is not None:
                from .sessions import person_read_with_session

                person = person_read_with_session(pk)
                if person is not None:
                    return person  # read with the session a moment ago
                found = _user_by_id(pk=pk)
                if not found:
                    raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
                return roles_from_rows(found)
        return super().get(*args, **kwargs)

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)

    def with_verified_email(self):
        """People whose sign-in address is verified (allauth's EmailAddress row for it)."""
        return self.filter(emailaddress__email__iexact=models.F("email"), emailaddress__verified=True)


def plain_id(value) -> int | None:
    """An id as Django's integer primary key takes it, for the plain cases only (an int, or
    a string of ASCII digits as the session keeps it); None for anything else, which the
    usual query then reads (and turns down) as it always has."""
    if type(value) is int:
        return value
    if type(value) is str and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


@kept_query
def _user_by_id(*, pk: int):
    """The person, one row per group they are in (accounts.roles.with_roles)."""
    return with_roles(User.objects.get_queryset().filter(pk=pk))


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; there is no username."""

    email = models.EmailField("email address", max_length=254, unique=True)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="The name shown when you choose to be shown by name."
    )
    job_role = models.CharField(max_length=40, choices=JobRole.choices, blank=True)
    sector = models.CharField(max_length=40, choices=Sector.choices, blank=True)
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)

    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def has_verified_email(self) -> bool:
        """Whether the address this person signs in with is verified: the one rule for it."""
        return type(self).objects.with_verified_email().filter(pk=self.pk).exists()

    def get_full_name(self) -> str:
        """The name this person asked to be called, or "" if they gave none.

        Never the email address: an address is not a name, and pages and emails that greet
        or list people fall back to a neutral word ("Hello,", "a Care Maker applicant")."""
        return " ".join(self.display_name.split())

    def get_short_name(self) -> str:
        """The first word of the name, for greetings ("Hello Helen,"), or ""."""
        name = self.get_full_name()
        return name.split(" ")[0] if name else ""

    @property
    def greeting(self) -> str:
        """How pages and emails open: "Hello Helen," or, without a name, "Hello,"."""
        short = self.get_short_name()
        return f"Hello {short}," if short else "Hello,"

    @property
    def needs_name(self) -> bool:
        return not self.get_full_name()

    @property
    def has_profile(self) -> bool:
        return bool(self.job_role and self.sector and self.region)

    @property
    def role_and_area(self) -> str:
        """'a care home manager in the South West': how people are shown without names."""
        return " ".join(part for part in (role_phrase(self.job_role), region_phrase(self.region)) if part)


def user_display(user) -> str:
    """How allauth names a person on its pages: their name, or "you" without one."""
    return user.get_full_name() or "you"


class Session(AbstractBaseSession):
    """A database session that names its signed-in person (None while signed out), written
    from the session's own `_auth_user_id` whenever it is saved (accounts/sessions.py). Two
    uses: a signed-in request reads its session and its person in one query, and erasing an
    account finds that person's sessions by an index instead of decoding every live one.

    No foreign key constraint: a session outliving its person (a request still finishing as
    the account is erased) must still save, and then finds nobody when it is read. Deleting
    a person through Django deletes their sessions (on_delete)."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
