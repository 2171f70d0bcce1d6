from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("cases/<str:number>/rate/<str:stage>/", views.rate_case, name="rate_case"),
    path("cases/<str:number>/rate/<str:stage>/tablet/", views.rate_tablet, name="rate_tablet"),
    path("rate/<str:token>/", views.rate_link, name="rate_link"),
    path("bundle-cases/<str:number>/rate/", views.rate_bundle, name="rate_bundle"),
    path("ratings/", views.public_figures, name="public"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path(
        "rectifications/<int:rectification_id>/close/", views.rectification_close, name="rectification_close"
    ),
    path(
        "rectifications/<int:rectification_id>/rating/", views.rectification_rate, name="rectification_rate"
    ),
]
