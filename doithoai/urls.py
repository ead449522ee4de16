from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse

from doithoai.api.urls import api

admin.site.site_header = "Đối thoại — Quản trị"
admin.site.site_title = "Đối thoại"
admin.site.index_title = "Quản trị dữ liệu"


def admin_login(request):
    """The admin logs in through the site's own log-in page, so its lockout cannot be bypassed there."""
    if request.user.is_authenticated:  # logged in, without the admin's rights
        raise PermissionDenied("admin")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


urlpatterns = [
    path("", include("doithoai.portal.urls")),
    path("", include("doithoai.accounts.urls")),
    path("can-bo/", include("doithoai.petitions.urls")),
    path("can-bo/", include("doithoai.plans.urls")),
    path("can-bo/", include("doithoai.notifications.urls")),
    path("api/v1/", api.urls),
    path("quan-tri/login/", admin_login),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
