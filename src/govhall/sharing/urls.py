from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("sharing/resources/", views.resource_list, name="resources"),
    path("sharing/resources/export.json", views.resource_export, name="export"),
    path("sharing/resources/<str:code>/", views.resource_detail, name="resource"),
    path("sharing/requests/", views.request_list, name="requests"),
    path("sharing/requests/<int:request_id>/decide/", views.request_decide, name="decide"),
    path("account/data-usage/", views.data_usage, name="data_usage"),
    path("account/data-consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
]
