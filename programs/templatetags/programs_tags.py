from django import template

from programs.selectors import call_deadline

register = template.Library()


@register.inclusion_tag("programs/_deadline.html")
def deadline(program, style: str = "badge"):
    """申报截止 2027-02-20，剩 90 天 / Deadline 2027-02-20, 90 days left — from the program's call_closes in
    Asia/Shanghai. ``style`` is "badge" (lists, headers) or "alert" (start page, form)."""
    return {"deadline": call_deadline(program) if program is not None else None, "style": style}
