"""Form fields shared by every app. One money field for every amount the portal asks for, one date box for every
date."""

from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.money import format_yuan, parse_amount


class DateInput(forms.DateInput):
    """The browser's date box. Its value is always ISO (2026-12-20): a type=date input shows nothing for the
    localised 2026/12/20, and saving the form again would then clear the date."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format)


class MoneyInput(forms.TextInput):
    """A text box (a number input would silently drop what a browser cannot parse, e.g. "30万") with a live
    preview in 元 and 万元 beside it (static/js/money.js)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "data-money": "", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        box_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        # money.js fills in %(yuan)s and %(wan)s; Chinese shows both, English the yuan.
        # xgettext:no-python-format
        preview_format = _("= CNY %(yuan)s")
        preview = format_html(
            '<div class="form-text money-preview" id="{}_preview" aria-live="polite" data-format="{}" '
            'data-invalid="{}" hidden></div>',
            box_id, preview_format, _("Not an amount yet: type digits, for example 150000 or 15万."),
        )
        return mark_safe(box + preview)  # noqa: S308 (both parts are escaped above)

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format_yuan(value)
        return super().format_value(value)


class MoneyField(forms.DecimalField):
    """An amount in yuan, two places. Accepts 150000, 150,000.00, ￥150000, 15万, 15万元, 0.15亿 (and their
    full-width forms); refuses anything else with a message saying what to type."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Enter an amount in yuan using digits, for example 150000, 150,000.00 or 15万."),
    }

    def __init__(self, *, max_digits=16, decimal_places=2, min_value=Decimal("0"), **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=min_value, **kwargs)

    def widget_attrs(self, widget):
        return {}  # no min/step: the browser must not second-guess a text box

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def bound_data(self, data, initial):
        """Show a converted amount as the amount it is (30万 → 300,000.00); keep what cannot be read as typed."""
        try:
            value = self.to_python(data)
            self.validate(value)
            self.run_validators(value)
        except forms.ValidationError:
            return data
        return value


MAX_ID = 2**63 - 1  # the largest primary key a database column holds


def posted_id(value) -> int | None:
    """A row id a form posted, or None for anything else (a superscript digit, a number past any column, text): a
    crafted value is treated as no choice, never a server error."""
    text = str(value or "")
    if not (text.isascii() and text.isdecimal()) or int(text) > MAX_ID:
        return None
    return int(text)


def posted_ids(values) -> list[int]:
    """The row ids among posted values (``request.POST.getlist(...)``); see ``posted_id``."""
    return [i for i in map(posted_id, values) if i is not None]


class QuickSelect(forms.Select):
    """Django's <select>, written in Python: the same HTML as its templates (``django/forms/widgets/select.html``),
    without rendering a template per option. A list's filter form draws every option on every view: the 60-region
    dropdown of the organisations list took a fifth of the page (measured with cProfile at 2,000 organisations),
    about as much as the admin changelist's whole SQL. Choices in groups are written as <optgroup>."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(format_html('<option value="{}"{}>{}</option>', option["value"], _attributes(option["attrs"]),
                                     option["label"]) for option in options)
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 (every part is escaped by format_html)


def _attributes(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html`` writes them, in their order: True as the bare name, False left out."""
    return mark_safe("".join(  # noqa: S308 (escaped by format_html)
        format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
        for key, value in attrs.items() if value is not False))


def quick_selects(form: forms.Form) -> None:
    """Every plain single <select> of ``form`` drawn by ``QuickSelect`` (attributes and choices kept)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            old = field.widget
            field.widget = QuickSelect(attrs=old.attrs)
            field.widget.choices, field.widget.is_required = old.choices, old.is_required
