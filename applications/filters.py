import django_filters
from django.utils.translation import gettext_lazy as _

from programs.filters import BootstrapFilterSet
from programs.models import Program, Track

from .models import Application, Status


class QueueFilter(BootstrapFilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), field_name="track__program", queryset=Program.objects.order_by("-year", "code")
    )
    track = django_filters.ModelChoiceFilter(
        label=_("Track"), queryset=Track.objects.select_related("program").order_by("program__code", "position")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[c for c in Status.choices if c[0] != Status.DRAFT]
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Eligibility"), field_name="verdict_overall",
        choices=[("pass", _("Passes")), ("fail", _("Fails")), ("officer", _("Needs an officer's judgement"))],
    )
    q = django_filters.CharFilter(label=_("Reference, title or organisation"), method="search")

    class Meta:
        model = Application
        fields = ["program", "track", "status", "eligibility", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["track"].label_from_instance = lambda t: f"{t.program} · {t.code}. {t.title}"[:80]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(organisation__name__icontains=value)
        )
