"""Helpers for the project's crispy-forms template pack (core/templates/nhsuk/), which renders
Django form fields in NHS.UK frontend markup: label, hint, error message, error summary."""

from django import forms, template
from django.utils.safestring import mark_safe

from core.forms import DateInputWidget

register = template.Library()

_CLASSES = {
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "input": "nhsuk-input",
}


@register.filter
def nhsuk_kind(field) -> str:
    widget = field.field.widget
    if field.is_hidden:
        return "hidden"
    if isinstance(widget, DateInputWidget):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.filter
def nhsuk_anchor(field) -> str:
    """The id an error summary link points at: the first option of a radio or checkbox group."""
    if nhsuk_kind(field) == "date":
        return f"{field.auto_id}_day"
    if nhsuk_kind(field) in {"radios", "checkboxes"}:
        # The first option actually shown: Django's blank "---------" choice is skipped.
        for choice in field:
            if nhsuk_real_choice(choice):
                return choice.id_for_label
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def nhsuk_count(field) -> dict | None:
    """For a textarea with a limit: {'maxlength': n} or {'maxwords': n}, for the live count."""
    if nhsuk_kind(field) != "textarea":
        return None
    attrs = field.field.widget.attrs
    if attrs.get("data-maxwords"):
        return {"maxwords": attrs["data-maxwords"]}
    max_length = getattr(field.field, "max_length", None)
    return {"maxlength": max_length} if max_length else None


def _described_by(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    if nhsuk_count(field):
        ids.append(f"{field.auto_id}-info")
    return " ".join(ids)


@register.simple_tag
def nhsuk_widget(field):
    """Render the control with NHS.UK classes, error state and aria-describedby."""
    kind = nhsuk_kind(field)
    base = _CLASSES.get(kind, "nhsuk-input")
    own = field.field.widget.attrs.get("class", "")
    classes = [base, own]
    if field.errors:
        classes.append(f"{base}--error")
    if kind == "textarea" and nhsuk_count(field):
        classes.append("nhsuk-js-character-count")
    attrs = {"class": " ".join(c for c in classes if c)}
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    html = field.as_widget(attrs=attrs)
    if kind == "textarea" and nhsuk_count(field):
        # Let people type past the limit and see the count, rather than cutting them off.
        # (Only Django's own maxlength attribute is removed: the widget HTML stays safe.)
        html = mark_safe(html.replace(f' maxlength="{field.field.max_length}"', ""))  # noqa: S308
    return html


@register.filter
def nhsuk_fieldset_described_by(field) -> str:
    return _described_by(field)


@register.filter
def nhsuk_real_choice(choice) -> bool:
    """Skip the '---------' blank choice Django adds to radios."""
    return str(choice.data["value"]) != ""


@register.filter
def nhsuk_error_fields(form):
    """Fields with errors, in form order, for the error summary."""
    return [field for field in form if field.errors]
