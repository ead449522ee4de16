from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from doithoai.accounts import forms, views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=forms.PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("can-bo/tai-khoan-bi-khoa/", views.lockouts, name="lockouts"),
    path("can-bo/tai-khoan-bi-khoa/<int:pk>/mo-khoa/", views.unlock, name="unlock"),
]
