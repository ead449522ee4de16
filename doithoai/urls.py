from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
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


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the SVG icon of base.html's <link rel="icon"> (its
    hashed address is read per request, so the redirect is not permanent)."""
    response = redirect(static("img/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("", include("doithoai.portal.urls")),
    path("", include("doithoai.accounts.urls")),
    path("can-bo/", include("doithoai.petitions.urls")),
    path("can-bo/", include("doithoai.plans.urls")),
    path("can-bo/", include("doithoai.notifications.urls")),
    path("api/v1/", api.urls),
    path("favicon.ico", favicon),
    path("quan-tri/login/", admin_login),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
