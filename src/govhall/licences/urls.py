from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("verify", views.verify, name="verify"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/face.pdf", views.face, name="face"),
    path("<str:identifier>/authorise/", views.authorise, name="authorise"),
    path("<str:identifier>/revoke/", views.revoke, name="revoke"),
]
