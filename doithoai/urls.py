from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from doithoai.api.urls import api

admin.site.site_header = "Đối thoại — Quản trị"
admin.site.site_title = "Đối thoại"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("", include("doithoai.portal.urls")),
    path("", include("doithoai.accounts.urls")),
    path("can-bo/", include("doithoai.petitions.urls")),
    path("can-bo/", include("doithoai.plans.urls")),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
