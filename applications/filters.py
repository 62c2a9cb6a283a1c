import django_filters
from django.utils.translation import gettext_lazy as _

from programs.filters import BootstrapFilterSet

from .eligibility import Overall
from .models import Application, Status
from .selectors import QUEUE_DEFAULT_ORDER, QUEUE_ORDERINGS, queue_search, queue_tracks

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
    # Both dropdowns are built from one query of the tracks with their programs (``queue_tracks``), and a
    # chosen program or track is checked against those choices rather than looked up again.
    program = django_filters.ChoiceFilter(label=_("Program"), method="filter_program")
    track = django_filters.ChoiceFilter(label=_("Track"), field_name="track_id")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[c for c in Status.choices if c[0] != Status.DRAFT]
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Eligibility"), field_name="verdict_overall",
        choices=Overall.choices,
    )
    q = django_filters.CharFilter(label=_("Reference, title, organisation or credit code"), method="search")
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="order",
                                       empty_label=None)

    class Meta:
        model = Application
        fields = ["program", "track", "status", "eligibility", "q", "sort"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def prepare_form(self) -> None:
        self.tracks = queue_tracks(self.user)
        programs = {t.program_id: t.program for t in self.tracks}
        self.form.fields["program"].choices = [
            (p.pk, str(p)) for p in sorted(programs.values(), key=lambda p: (-p.year, p.code))
        ]
        # With a program chosen, only its tracks are offered (and a track of another program is refused).
        offered = self.tracks
        program = self.form["program"].value()
        if program and str(program).isdigit():
            offered = [t for t in offered if t.program_id == int(program)]
        self.form.fields["track"].choices = [(t.pk, f"{t.program} · {t.code}. {t.title}"[:80]) for t in offered]

    def filter_program(self, queryset, name, value):
        # The program's tracks by id: the id query never joins the track table.
        return queryset.filter(track_id__in=[t.pk for t in self.tracks if str(t.program_id) == str(value)])

    def search(self, queryset, name, value):
        return queue_search(queryset, value)

    def order(self, queryset, name, value):
        return queryset.order_by(*QUEUE_ORDERINGS.get(value, QUEUE_ORDERINGS[QUEUE_DEFAULT_ORDER]))
