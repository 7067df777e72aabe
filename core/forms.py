"""Form fields shared by every programme, rendered by the NHS.UK template pack (core/templates/nhsuk/)."""

import copy
from datetime import date
from typing import NamedTuple

from django import forms
from django.utils import timezone

from core.fragments import vetted


class DateInputWidget(forms.MultiWidget):
    """The NHS.UK date input: three text boxes (day, month, year), not the browser's date picker,
    whose format follows the device's locale (mm/dd/yyyy on many phones)."""

    template_name = "nhsuk/widgets/date_input.html"
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
            for name, _, _ in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (part, label, width) in zip(context["widget"]["subwidgets"], self.parts, strict=True):
            if subwidget["attrs"].get("id"):
                subwidget["attrs"]["id"] = f"{context['widget']['attrs']['id']}_{part}"
            subwidget["label"] = label
            subwidget["width"] = width
        context["widget"]["has_error"] = "--error" in (attrs or {}).get("class", "")
        return context

    def id_for_label(self, id_):
        # The error summary links to the day box, the first one a person fills in.
        return f"{id_}_day" if id_ else id_


class DateField(forms.MultiValueField):
    """A date typed in three boxes, with the NHS.UK error messages ("<Label> must be a real date"),
    what was typed kept on error. `future=True` refuses today and earlier days. `name`: how the
    messages speak of the date when the label is a question ("When did you do it?" -> "Date you
    did it must be a real date"); the label by default."""

    widget = DateInputWidget

    def __init__(self, *, future: bool = False, today=None, name: str = "", **kwargs):
        self.future = future
        self.today = today
        own_messages = kwargs.pop("error_messages", None) or {}
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)
        label = self.name = name or self.label or "Date"
        self.error_messages = {
            "required": f"Enter the {label.lower()}",
            "incomplete": f"{label} must include a day, month and year",
            "invalid": f"{label} must be a real date",
            "future": f"{label} must be in the future",
            **own_messages,
        }

    def clean(self, value):
        # MultiValueField would stop at "required" before looking at which part is missing.
        value = list(value or [None, None, None])
        if not any(str(part or "").strip() for part in value):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        return super().clean(value)

    def compress(self, data_list):
        if not data_list:
            return None
        parts = [str(part or "").strip() for part in data_list]
        missing = [name for (name, _, _), part in zip(DateInputWidget.parts, parts, strict=True) if not part]
        if missing:
            label = self.name
            raise forms.ValidationError(
                f"{label} must include a {' and '.join(missing)}"
                if len(missing) < 3
                else self.error_messages["incomplete"],
                code="incomplete",
            )
        try:
            day, month, year = (int(part) for part in parts)
            if not 1000 <= year <= 9999:
                raise ValueError
            value = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        today = self.today or timezone.localdate()
        if self.future and value <= today:
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return value


class _Selects(NamedTuple):
    """A filter form's select choices as its selects' key holds them, and the values each
    select may take. None for choices that cannot be part of a key."""

    choices: tuple | None
    allowed: tuple[tuple[str, frozenset], ...]

    @classmethod
    def of(cls, choices: dict[str, list[tuple]], *, kept: bool = False) -> "_Selects":
        """With `kept` (worked out once, used on every view), the choices are checked once
        to be plain values (core.fragments.vetted), so a kept part does not walk them again."""
        part = tuple((name, tuple(map(tuple, options))) for name, options in choices.items())
        return cls(
            vetted(part) if kept else part,
            tuple((name, frozenset(str(option) for option, _ in options)) for name, options in choices.items()),
        )


def _selects_key(selects: _Selects, data) -> tuple | None:
    """FilterForm.selects_key_of's key: None when the choices cannot be part of one or a
    value given is not one of its select's choices."""
    if selects.choices is None:
        return None
    values = []
    for name, allowed in selects.allowed:
        value = data.get(name) if data else None
        if value not in (None, "") and value not in allowed:
            return None
        values.append(value)
    return ("selects", selects.choices, tuple(values))


class _SharedFields(dict):
    """A form's fields that every instance reads and none changes: `BaseForm.__init__`
    deep-copies its `base_fields`, and for these the copy is a plain dict of the same fields.
    `selects` is what FilterForm.selects_key works out from them once, or None."""

    selects: _Selects | None = None

    def __deepcopy__(self, memo):
        return dict(self)


_shared: dict[tuple, _SharedFields] = {}
SHARED_KEPT = 200  # sets of fields per process (one per form, set of choices and variant)


class SharedFieldsForm(forms.Form):
    """A form whose fields no request changes. Django deep-copies every field (and its choices
    and widget) for each form made: about 200 copies, a third of a millisecond, on each wall
    page; a tenth of the machine time of a pledge's submission. Here the fields are made once
    per process for each set of `choices` given (field name -> [(value, label), ...], such as
    the themes the view loaded) and each `variant` (plain values naming a version of the
    fields: a signed-in person's pledge form asks less), and shared by every instance. Rules:
    nothing changes a field after `__init__` (an instance may still drop one from its own
    `self.fields`); changes go in `prepare_fields`, which gets the variant's values.
    tests/core/test_filter_forms.py checks instances share fields and behave as before."""

    def __init__(self, *args, choices: dict[str, list] | None = None, variant: tuple = (), **kwargs):
        key = (
            type(self),
            variant,
            tuple((name, tuple(map(tuple, values))) for name, values in sorted((choices or {}).items())),
        )
        fields = _shared.get(key)
        if fields is None:
            fields = _SharedFields(copy.deepcopy(dict(type(self).base_fields)))
            for name, values in (choices or {}).items():
                fields[name].choices = list(values)
            self.prepare_fields(fields, *variant)
            if len(_shared) >= SHARED_KEPT:
                _shared.clear()
            _shared[key] = fields
        self.base_fields = fields
        super().__init__(*args, **kwargs)

    @classmethod
    def prepare_fields(cls, fields: dict, *variant) -> None:
        """Change the fields once, as they are first made (widget classes, say)."""


class FilterForm(SharedFieldsForm):
    """A GET filter form (the wall's filters, the directories' selects): its fields shared
    (SharedFieldsForm), a search box and selects."""

    # The search box, drawn by the page; every other field is a select.
    search_fields = ("q",)

    def selects(self) -> list:
        """Every field but the search box, in order."""
        return [self[name] for name in self.fields if name not in self.search_fields]

    @staticmethod
    def selects_key_of(choices: dict[str, list[tuple]], data) -> tuple | None:
        """What a filter form's selects show, worked out without making the form: their
        `choices` (field name -> [(value, label), ...], as the form is given them) and the
        value each has in `data` (the query, or None; the last of a name given twice, as the
        form reads it). For keeping the rendered selects (`{% kept ... when=... %}`, or
        core.fragments.render_kept). None when a value is not one of its choices: selects are
        kept only for values drawn from those lists, not for any value someone made up."""
        return _selects_key(_Selects.of(choices), data)

    def selects_key(self) -> tuple | None:
        """selects_key_of() for this form's selects and data, their choices worked out once
        for the shared fields (the wall drew them on every view: 30 us of a search)."""
        fields = self.base_fields
        if fields.selects is None:
            fields.selects = _Selects.of({field.name: field.field.choices for field in self.selects()}, kept=True)
        return _selects_key(fields.selects, self.data if self.is_bound else None)

    def chosen_only(self, *, besides: tuple[str, ...] = ("page",)) -> bool:
        """Whether the data is a valid choice in each select, once each, an empty search box
        and nothing else but `besides`: a query drawn from fixed lists, of which there are
        only so many, so a page may keep what it renders for it (core/fragments.py)."""
        if not self.is_bound:
            return True  # no query at all
        if not self.is_valid():
            return False
        values = getattr(self.data, "getlist", lambda name: [self.data[name]])
        for name in self.data:
            if name in besides:
                continue
            if name not in self.fields or len(values(name)) != 1:
                return False
            if name in self.search_fields and self.cleaned_data[name]:
                return False
        return True

    def filters(self) -> dict:
        """The valid filters given, ignoring anything unknown (old links must not break)."""
        if self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v}
        return {k: v for k, v in self.cleaned_data.items() if v and k not in self.errors}
