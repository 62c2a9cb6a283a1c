from django import template
from django.utils.translation import gettext_lazy as _

from applications.models import TRANSITIONS, ConditionDecision, Status

register = template.Library()

OTHER_ACTIONS = {
    "start": _("Started the application"),
    "upload": _("Uploaded a material"),
    "remove_upload": _("Removed a material"),
    "decide_condition": _("Decided an officer-judged condition"),
    "retry_pdf": _("Asked for the application PDF again"),
}


@register.filter
def action_label(action: str) -> str:
    if action in TRANSITIONS:
        return str(TRANSITIONS[action].label)
    return str(OTHER_ACTIONS.get(action, action))


@register.filter
def status_label(value: str) -> str:
    labels = {**dict(Status.choices), **dict(ConditionDecision.Decision.choices)}
    return str(labels.get(value, value))
