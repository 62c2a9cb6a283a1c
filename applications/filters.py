import django_filters
from django.utils.translation import gettext_lazy as _

from programs.filters import BootstrapFilterSet
from programs.models import Program, Track

from .models import Application, Status
from .selectors import QUEUE_DEFAULT_ORDER, QUEUE_ORDERINGS, queue_search

SORT_CHOICES = [
    ("-submitted", _("Newest submissions first")),
    ("submitted", _("Oldest submissions first")),
    ("reference", _("Reference")),
    ("organisation", _("Organisation")),
    ("-amount", _("Largest request first")),
    ("amount", _("Smallest request first")),
]
assert {key for key, _label in SORT_CHOICES} == set(QUEUE_ORDERINGS)


class QueueFilter(BootstrapFilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), field_name="track__program",
        queryset=Program.objects.only("title", "short_title").order_by("-year", "code"),
    )
    track = django_filters.ModelChoiceFilter(
        label=_("Track"),
        queryset=Track.objects.select_related("program")
        .only("code", "title", "program_id", "program__title", "program__short_title")
        .order_by("program__code", "position"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[c for c in Status.choices if c[0] != Status.DRAFT]
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Eligibility"), field_name="verdict_overall",
        choices=[("pass", _("Passes")), ("fail", _("Fails")), ("officer", _("Needs an officer's judgement"))],
    )
    q = django_filters.CharFilter(label=_("Reference, title, organisation or credit code"), method="search")
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="order",
                                       empty_label=None)

    class Meta:
        model = Application
        fields = ["program", "track", "status", "eligibility", "q", "sort"]

    def prepare_form(self) -> None:
        track_field = self.form.fields["track"]
        track_field.label_from_instance = lambda t: f"{t.program} · {t.code}. {t.title}"[:80]
        # With a program chosen, only its tracks are offered (and a track of another program is refused).
        program = self.form["program"].value()
        if program and str(program).isdigit():
            track_field.queryset = track_field.queryset.filter(program_id=int(program))

    def search(self, queryset, name, value):
        return queue_search(queryset, value)

    def order(self, queryset, name, value):
        return queryset.order_by(*QUEUE_ORDERINGS.get(value, QUEUE_ORDERINGS[QUEUE_DEFAULT_ORDER]))
