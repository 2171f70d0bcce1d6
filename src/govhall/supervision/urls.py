from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("scan/", views.scan, name="scan"),
    path("orders/", views.orders, name="orders"),
    path("orders/issue/", views.order_issue, name="order_issue"),
    path("orders/<int:order_id>/answer/", views.order_answer, name="order_answer"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule_update, name="rule_update"),
    path("report/", views.report, name="report"),
]
