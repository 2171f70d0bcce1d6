from django.urls import path

from govhall.cases import bundle_views
from govhall.cases import views as case_views
from govhall.catalogue import views as catalogue_views
from govhall.identity import views as identity_views
from govhall.notices import views as notice_views

app_name = "web"
urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("search/", catalogue_views.search, name="search"),
    path("items/<str:implementation_code>/", catalogue_views.guide, name="guide"),
    path("items/<str:implementation_code>/apply/", case_views.apply, name="apply"),
    path("bundles/<slug:code>/", catalogue_views.bundle_guide, name="bundle"),
    path("bundles/<slug:code>/apply/", bundle_views.bundle_apply, name="bundle_apply"),
    path("bundle-cases/<str:number>/", bundle_views.bundle_case_page, name="bundle_case"),
    path("bundle-cases/<str:number>/act/", bundle_views.bundle_case_action, name="bundle_case_action"),
    path("departments/", catalogue_views.departments, name="departments"),
    path("progress/", case_views.progress, name="progress"),
    path("my/cases/", case_views.my_cases, name="my_cases"),
    path("my/messages/", notice_views.messages_page, name="messages"),
    path("cases/<str:number>/", case_views.case_page, name="case"),
    path("cases/<str:number>/act/", case_views.case_action, name="case_action"),
    path("tasks/", case_views.tasks, name="tasks"),
    path("desk/", case_views.desk, name="desk"),
    path("tasks/<int:task_id>/act/", case_views.task_action, name="task_action"),
    path("login/", identity_views.login_view, name="login"),
    path("logout/", identity_views.logout_view, name="logout"),
    path("register/", identity_views.register_view, name="register"),
    path("password-reset/", identity_views.password_reset_view, name="password_reset"),
    path("account/", identity_views.account_view, name="account"),
    path("account/enterprises/new/", identity_views.enterprise_register_view, name="enterprise_register"),
    path("account/enterprises/<str:uscc>/", identity_views.enterprise_view, name="enterprise"),
]
