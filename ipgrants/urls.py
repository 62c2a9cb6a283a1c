from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from ops import views as ops_views
from programs import views as program_views
from reviews import views as review_views

admin.site.site_header = _("ipgrants administration")
admin.site.site_title = _("ipgrants administration")
admin.site.index_title = _("Administration")
# "View site" opens the portal's catalogue; the home page would send an administrator back here.
admin.site.site_url = reverse_lazy("programs:catalogue")

urlpatterns = [
    path("", program_views.home, name="home"),
    path("reviewer/", review_views.queue, name="home_reviewer"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("twofactor.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("programs/", include("programs.urls")),
    path("guide-drafts/", include("drafting.urls")),
    path("organisations/", include("organisations.urls")),
    path("offices/", include("offices.urls")),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("", include("milestones.urls")),
    path("", include("jobs.urls")),
    path("", include("finder.urls")),
]
