"""What a new plan or dialogue starts with: the standard programme of section II.4 of the plan, the usual place,
and the quarterly giao ban dialogues (section II.2 of the plan)."""

# Section II.4: the five steps of every dialogue, with who carries each out (editable per dialogue).
AGENDA = [
    (
        "Tuyên bố lý do, giới thiệu đại biểu, thành phần tham dự, nội dung, chương trình, nội quy của buổi tiếp xúc; "
        "giới thiệu chủ tọa, thư ký và thông báo phân công bộ phận tiếp nhận, tổng hợp ý kiến và đăng ký phát biểu.",
        "Đại diện lãnh đạo Văn phòng Đảng ủy",
    ),
    ("Thông báo nội dung, phương pháp tiếp xúc đối thoại.", "Đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã"),
    ("Các đại biểu phát biểu ý kiến theo sự điều hành của chủ trì hội nghị.", "Các đại biểu"),
    (
        "Trả lời trực tiếp hoặc phân công đại diện lãnh đạo cơ quan, đơn vị trả lời về những ý kiến, kiến nghị của "
        "đại biểu nêu ra theo chức năng, nhiệm vụ, thẩm quyền giải quyết.",
        "Chủ trì hội nghị; lãnh đạo các cơ quan, đơn vị",
    ),
    ("Chủ trì kết luận.", "Đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã"),
]

PLACE = "Phòng họp tầng 3 - Nhà Hội thảo xã"

QUARTERS = ("I", "II", "III", "IV")
QUARTER_MONTHS = (3, 6, 9, 12)  # the giao ban of a quarter is held in its last month unless dated otherwise
QUARTERLY_TITLE = "Giao ban quý {quarter} năm {year} với Ủy ban MTTQ và các tổ chức chính trị - xã hội"
QUARTERLY_AUDIENCE = (
    "Lãnh đạo Ủy ban MTTQ và các tổ chức chính trị - xã hội xã; đại diện lãnh đạo các cơ quan, đơn vị liên quan."
)
