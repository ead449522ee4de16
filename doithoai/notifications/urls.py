from django.urls import path

from doithoai.notifications import views

app_name = "notifications"
urlpatterns = [
    path("thu-gui/", views.outbox, name="outbox"),
    path("thu-gui/<int:pk>/", views.message, name="message"),
    path("thu-gui/<int:pk>/gui-lai/", views.resend, name="resend"),
]
