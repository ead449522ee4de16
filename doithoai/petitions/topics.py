"""The 13 canonical topics (lĩnh vực) with their scopes (DESIGN.md §2): product knowledge, not demo data."""

CANONICAL_TOPICS = [
    (
        "dat_dai",
        "Đất đai",
        "Cấp giấy chứng nhận quyền sử dụng đất, tranh chấp, thu hồi đất, bồi thường và giải phóng mặt bằng, "
        "chuyển mục đích sử dụng đất, giá đất, hồ sơ địa chính.",
    ),
    (
        "moi_truong",
        "Môi trường",
        "Ô nhiễm (chăn nuôi, sản xuất công nghiệp, làng nghề), thu gom và xử lý rác thải, khai thác cát, "
        "sạt lở bờ sông, vệ sinh môi trường.",
    ),
    (
        "giao_thong_xay_dung",
        "Giao thông, xây dựng",
        "Đường, cầu, hạ tầng giao thông, cấp phép xây dựng và quy hoạch, trật tự đô thị, lấn chiếm hành lang "
        "an toàn giao thông, tiến độ các công trình xây dựng.",
    ),
    (
        "nong_nghiep",
        "Nông nghiệp",
        "Nông nghiệp, lâm nghiệp, thủy sản, dịch bệnh gia súc, thủy lợi, kênh mương và đê điều, vật tư nông "
        "nghiệp (giống, phân bón), tiêu thụ nông sản, chương trình nông thôn mới.",
    ),
    (
        "y_te",
        "Y tế",
        "Trạm y tế, bác sĩ, thuốc, bảo hiểm y tế, an toàn thực phẩm về mặt sức khỏe, phòng chống dịch bệnh.",
    ),
    ("giao_duc", "Giáo dục", "Trường học, giáo viên, học phí, cơ sở vật chất trường học, an toàn trường học."),
    (
        "van_hoa_xa_hoi",
        "Văn hóa - xã hội",
        "Văn hóa, thông tin, thể thao, du lịch, nhà văn hóa và nhà sinh hoạt cộng đồng, lễ hội, truyền thanh cơ sở.",
    ),
    (
        "lao_dong_chinh_sach",
        "Lao động, chính sách",
        "Lao động và việc làm, tiền lương công nhân, bảo hiểm xã hội, trợ cấp xã hội, người có công, giảm nghèo, "
        "hỗ trợ nhà ở cho gia đình chính sách.",
    ),
    (
        "an_ninh_trat_tu",
        "An ninh, trật tự",
        "Tội phạm, ma túy, cờ bạc, trộm cắp, tiếng ồn và karaoke gây mất trật tự, vi phạm giao thông và thanh "
        "thiếu niên đua xe, phòng cháy chữa cháy, sự hiện diện của công an.",
    ),
    (
        "thu_tuc_hanh_chinh",
        "Thủ tục hành chính",
        "Thủ tục hành chính và dịch vụ công: hồ sơ chậm, phức tạp, bộ phận một cửa, dịch vụ công trực tuyến, "
        "thái độ của cán bộ khi giải quyết thủ tục.",
    ),
    (
        "doanh_nghiep_kinh_te",
        "Doanh nghiệp, kinh tế",
        "Khó khăn của doanh nghiệp, đầu tư, tín dụng, thuế và phí, chợ và giá cả phi nông nghiệp, hàng giả, "
        "khu và cụm công nghiệp.",
    ),
    (
        "dien_nuoc_ha_tang",
        "Điện, nước, hạ tầng",
        "Cấp điện và giá điện, nước sạch, chiếu sáng công cộng, thoát nước, viễn thông và internet.",
    ),
    (
        "khac",
        "Khác",
        "Phụ cấp của cán bộ thôn, xã, địa giới hành chính và sáp nhập, cứu trợ thiên tai, nghĩa trang, "
        "tổ chức bộ máy, công tác Đảng và Mặt trận.",
    ),
]

CANONICAL_CODES = [code for code, _name, _scope in CANONICAL_TOPICS]


def ensure_canonical_topics(topic_model=None) -> None:
    """Create or refresh the 13 canonical topics (used by the migration, and by the demo on a flushed database)."""
    if topic_model is None:
        from doithoai.petitions.models import Topic as topic_model
    for position, (code, name, scope) in enumerate(CANONICAL_TOPICS, start=1):
        topic_model.objects.update_or_create(
            unit=None, code=code, defaults={"name": name, "scope": scope, "position": position}
        )
