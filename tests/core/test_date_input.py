"""Every date box in the portal renders its value as ISO (YYYY-MM-DD): a browser's type=date input shows nothing for
2026/12/20 (the Chinese display format) and a re-save would then clear the date."""

import datetime as dt
import importlib
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

DAY = dt.date(2026, 12, 20)


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class of the project's own apps (forms.py, admin.py and the like are imported first), with the
    forms made by formset factories at import time."""
    base = Path(settings.BASE_DIR)
    local = [cfg for cfg in apps.get_app_configs() if Path(cfg.path).is_relative_to(base)
             and ".venv" not in Path(cfg.path).parts]
    for cfg in local:
        for path in Path(cfg.path).glob("*.py"):
            if path.stem in {"forms", "admin", "filters", "views"}:
                importlib.import_module(f"{cfg.name}.{path.stem}")
    names = tuple(f"{cfg.name}." for cfg in local) + ("core.",)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return [cls for cls in found if cls.__module__.startswith(names)
            or (cls.__module__.startswith("django.forms") and getattr(getattr(cls, "_meta", None), "model", None)
                and cls._meta.model.__module__.startswith(names))]


def test_form_walk_finds_the_forms_with_dates():
    classes = {cls.__name__ for cls in _project_form_classes()}
    assert {"RoundForm", "ContractForm", "CallWindowForm", "AuditSearchForm", "PatentForm"} <= classes


def test_every_date_input_renders_iso_in_chinese_and_english():
    checked = []
    for cls in _project_form_classes():
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.DateField) or isinstance(field, forms.DateTimeField):
                continue
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    html = field.widget.render(name, DAY)
                assert re.search(r'type="date"', html), f"{cls.__qualname__}.{name} is not a date box: {html}"
                assert 'value="2026-12-20"' in html, f"{cls.__qualname__}.{name} renders {html} in {language}"
            checked.append(f"{cls.__name__}.{name}")
    assert len(checked) >= 15, checked  # reviews, milestones, programs, dashboards, organisations


def test_date_input_is_iso_and_keeps_extra_attributes():
    from core.forms import DateInput

    html = DateInput(attrs={"min": "2000-01-01"}).render("d", DAY)
    assert 'type="date"' in html and 'value="2026-12-20"' in html and 'min="2000-01-01"' in html
