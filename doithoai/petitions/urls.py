from django.urls import path

from doithoai.petitions import views

app_name = "petitions"
urlpatterns = [
    path("y-kien/nhap/", views.enter, name="enter"),
    path("to-chuc/y-kien/", views.org_batch, name="org_batch"),
]
