from django.urls import path

from govhall.catalogue import views as catalogue_views
from govhall.identity import views as identity_views

app_name = "web"
urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("search/", catalogue_views.search, name="search"),
    path("items/<str:implementation_code>/", catalogue_views.guide, name="guide"),
    path("departments/", catalogue_views.departments, name="departments"),
    path("login/", identity_views.login_view, name="login"),
    path("logout/", identity_views.logout_view, name="logout"),
    path("register/", identity_views.register_view, name="register"),
    path("account/", identity_views.account_view, name="account"),
    path("account/enterprises/new/", identity_views.enterprise_register_view, name="enterprise_register"),
]
