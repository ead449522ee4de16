from django.urls import path

from doithoai.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<slug:slug>/", views.commune_home, name="commune_home"),
    path("doi-thoai/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
    path("tra-cuu/<str:code>/", views.petition_status, name="petition_status"),
    path("can-bo/", views.staff_home, name="staff_home"),
    path("can-bo/ke-hoach/", views.plan_list, name="plan_list"),
    path("can-bo/ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
]
