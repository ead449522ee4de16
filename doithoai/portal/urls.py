from django.urls import path

from doithoai.portal import answers, dialogues, views

app_name = "portal"
urlpatterns = [
    *dialogues.urlpatterns,  # the public pages of dialogues: list, registration to speak, feeds
    path("", views.home, name="home"),
    path("xa/<slug:slug>/", views.commune_home, name="commune_home"),
    path("gui-y-kien/", views.submit, name="submit"),
    path("xa/<slug:slug>/gui-y-kien/", views.commune_submit, name="commune_submit"),
    path("tra-loi/", answers.answers, name="answers"),
    path("tra-loi/feed.atom", answers.answers_feed, name="answers_feed"),
    path("xa/<slug:slug>/tra-loi/", answers.commune_answers, name="commune_answers"),
    path("xa/<slug:slug>/tra-loi/feed.atom", answers.answers_feed, name="commune_answers_feed"),
    path("tra-cuu/", views.petition_lookup, name="petition_lookup"),
    path("tra-cuu/<str:code>/", views.petition_status, name="petition_status"),
    path("tra-cuu/<str:code>/qr.svg", views.petition_qr, name="petition_qr"),
    path("tra-cuu/<str:code>/danh-gia/", views.petition_feedback, name="petition_feedback"),
    path("can-bo/", views.staff_home, name="staff_home"),
    path("can-bo/ke-hoach/", views.plan_list, name="plan_list"),
    path("can-bo/ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
]
