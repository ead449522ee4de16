from django.urls import path

from doithoai.petitions import agency_views, detail_views, import_views, inbox_views, views

app_name = "petitions"
urlpatterns = [
    path("y-kien/", inbox_views.inbox, name="inbox"),
    path("y-kien/thao-tac/", inbox_views.inbox_bulk, name="inbox_bulk"),
    path("y-kien/nhap/", views.enter, name="enter"),
    path("to-chuc/y-kien/", views.org_batch, name="org_batch"),
    path("nhap-excel/", import_views.import_file, name="import"),
    path("nhap-excel/mau.xlsx", import_views.import_template, name="import_template"),
    path("nhap-excel/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("y-kien/<int:pk>/", detail_views.detail, name="detail"),
    path("y-kien/<int:pk>/tep/<int:attachment_id>/", detail_views.attachment, name="attachment"),
    path("y-kien/<int:pk>/van-ban/<int:answer_id>/", detail_views.answer_document, name="answer_document"),
    path("y-kien/<int:pk>/danh-tinh/", detail_views.identity, name="identity"),
    path("y-kien/<int:pk>/tom-tat/", detail_views.summary, name="summary"),
    path("y-kien/<int:pk>/phan-loai/", detail_views.classify, name="classify"),
    path("y-kien/<int:pk>/gop/", detail_views.merge, name="merge"),
    path("y-kien/<int:pk>/khong-thu-ly/", detail_views.decline, name="decline"),
    path("y-kien/<int:pk>/chuyen-phap-luat/", detail_views.legal, name="legal"),
    path("y-kien/<int:pk>/giao/", detail_views.assign, name="assign"),
    path("y-kien/<int:pk>/chuyen-cap-tren/", detail_views.forward, name="forward"),
    path("y-kien/<int:pk>/tra-loi-cap-tren/", detail_views.higher_answer, name="higher_answer"),
    path("y-kien/<int:pk>/tra-loi-hoi-nghi/", detail_views.dialogue_answer, name="dialogue_answer"),
    path("y-kien/<int:pk>/duyet/", detail_views.approve, name="approve"),
    path("y-kien/<int:pk>/tra-lai-tra-loi/", detail_views.return_answer, name="return_answer"),
    path("y-kien/<int:pk>/cong-khai/", detail_views.publish, name="publish"),
    path("y-kien/<int:pk>/ket-thuc/", detail_views.close, name="close"),
    path("y-kien/<int:pk>/gia-han/", detail_views.extension, name="extension"),
    path("co-quan/", agency_views.agency_inbox, name="agency_inbox"),
    path("co-quan/viec/<int:pk>/", agency_views.agency_item, name="agency_item"),
    path("co-quan/viec/<int:pk>/nhan/", agency_views.agency_accept, name="agency_accept"),
    path("co-quan/viec/<int:pk>/tra-loi/", agency_views.agency_answer, name="agency_answer"),
    path("co-quan/viec/<int:pk>/gia-han/", agency_views.agency_extension, name="agency_extension"),
    path("co-quan/viec/<int:pk>/tra-lai/", agency_views.agency_return, name="agency_return"),
]
