from django.contrib import admin
from django.urls import include, path

from govhall.catalogue.admin_views import catalogue_exchange_urls
from govhall.config.api import api
from govhall.core.views import healthz

admin.site.site_header = "GovHall 一网通办 管理后台"
admin.site.site_title = "GovHall 管理后台"
admin.site.index_title = "事项、组织与账户管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/catalogue/exchange/", include(catalogue_exchange_urls)),
    path("admin/", admin.site.urls),
    path("stats/", include("govhall.stats.urls")),
    path("supervision/", include("govhall.supervision.urls")),
    path("licences/", include("govhall.licences.urls")),
    path("", include("govhall.evaluation.urls")),
    path("", include("govhall.sharing.urls")),
    path("", include("govhall.web.urls")),
]
