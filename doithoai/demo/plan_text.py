"""The 2026 plan of the Standing Committee of the Tân Yên commune Party Committee, section by section.

The text is the plan the product implements (shared/seed/ke-hoach-doi-thoai-2026.txt). The seed has no
number, date or header; the demo gives it its own (marked as demo values).
"""

from doithoai.plans import defaults

TITLE = "Kế hoạch tiếp xúc, đối thoại trực tiếp của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã với Nhân dân năm 2026"

LEGAL_BASES = (
    "Thực hiện Quyết định số 218-QĐ/TW ngày 12/12/2013 của Bộ Chính trị ban hành Quy định về việc Mặt trận Tổ quốc "
    "Việt Nam, các đoàn thể chính trị - xã hội và nhân dân tham gia góp ý xây dựng Đảng, xây dựng chính quyền; "
    "Quyết định số 23-QĐ/TW ngày 30/7/2021 của Bộ Chính trị về việc ban hành Quy chế công tác dân vận của hệ thống "
    "chính trị; Quy chế số 08-QC/TU ngày 15/4/2026 của Ban Thường vụ Tỉnh ủy Bắc Ninh Quy chế đối thoại của người "
    "đứng đầu cấp ủy, chính quyền các cấp với nhân dân; Ban Thường vụ Đảng ủy ban hành Kế hoạch thực hiện tiếp xúc, "
    "đối thoại của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã Tân Yên với Nhân dân năm 2026, cụ thể như sau:"
)

PURPOSES = """\
Lắng nghe tâm tư, nguyện vọng và tiếp thu ý kiến góp ý của cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân; bảo đảm quyền làm chủ và phát huy vai trò giám sát của nhân dân; kịp thời phát hiện những vấn đề còn vướng mắc, phát sinh để giải quyết hoặc đề xuất cấp có thẩm quyền bổ sung, điều chỉnh những chủ trương, chính sách, quy định chưa phù hợp sau khi thực hiện chính quyền địa phương hai cấp.

Kết hợp tuyên truyền, phổ biến chủ trương, chính sách, nghị quyết của Đảng, pháp luật của Nhà nước; nhiệm vụ chính trị của xã; những thuận lợi, khó khăn trong lãnh đạo, chỉ đạo, quản lý, điều hành để Nhân dân đồng cảm, chia sẻ, góp phần củng cố mối quan hệ gắn bó mật thiết của Đảng, Nhà nước với Nhân dân và phát huy quyền làm chủ, vai trò giám sát của Nhân dân, tăng cường sự thống nhất về tư tưởng chính trị, tạo sự đồng thuận trong xã hội.

Kịp thời phát hiện những hạn chế trong lãnh đạo, chỉ đạo và tổ chức thực hiện nhiệm vụ; góp phần tăng cường, củng cố mối quan hệ mật thiết giữa Đảng, chính quyền với Nhân dân; phát huy vai trò của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội và nhân dân trong thực hiện giám sát, phản biện xã hội, góp ý xây dựng Đảng, xây dựng chính quyền."""

REQUIREMENTS = """\
Việc tổ chức tiếp xúc, đối thoại bảo đảm thiết thực, hiệu quả, sát với thực tế của xã; tuân thủ các quy định của Đảng, pháp luật Nhà nước, bảo đảm sự lãnh đạo của Đảng, sự quản lý, điều hành của chính quyền, phát huy vai trò của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội và Nhân dân.

Tiếp xúc, đối thoại trực tiếp được tiến hành công khai, minh bạch, dân chủ, khách quan, thẳng thắn, trọng tâm, trọng điểm với tinh thần xây dựng vì lợi ích chung, thực hiện tốt phương châm “Trọng dân, gần dân, hiểu dân, học dân và có trách nhiệm với dân”.

Chương trình, nội dung, thời gian và địa điểm tiếp xúc, đối thoại được thông báo rộng rãi trên Cổng thông tin điện tử và Đài Truyền thanh xã để cán bộ, đảng viên và nhân dân được biết, tham gia."""

AUDIENCES = (
    "Căn cứ tình hình thực tế hoạt động của Đảng bộ xã và những nhiệm vụ trọng tâm năm 2026, đồng chí Bí thư Đảng ủy, "
    "Chủ tịch HĐND xã tổ chức tiếp xúc, đối thoại với đối tượng là cán bộ, đoàn viên, hội viên của MTTQ, các tổ chức "
    "chính trị - xã hội và Nhân dân xã; đại diện các công ty, doanh nghiệp hoạt động trên địa bàn xã."
)

CONTENT = """\
Thông báo khái quát tình hình, kết quả công tác lãnh đạo, chỉ đạo hoạt động của MTTQ, các tổ chức chính trị - xã hội; tình hình, kết quả lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị, phát triển kinh tế - xã hội, quốc phòng - an ninh, công tác xây dựng Đảng, xây dựng hệ thống chính trị của xã.

Nghe các ý kiến phản ánh, kiến nghị của cán bộ, đoàn viên, hội viên và Nhân dân trên địa bàn; tiếp thu, trao đổi, làm rõ những vấn đề cán bộ, đoàn viên, hội viên và Nhân dân quan tâm; định hướng, tháo gỡ các khó khăn, vướng mắc, kiến nghị của các doanh nghiệp hoạt động trên địa bàn.

Giao cho các cơ quan chuyên môn tham mưu, đề xuất biện pháp giải quyết những nội dung thuộc thẩm quyền; tổng hợp, gửi kiến nghị đề xuất đến cấp có thẩm quyền tiếp thu, điều chỉnh, giải quyết những nội dung không thuộc thẩm quyền của xã."""

FORMS = """\
Hình thức tiếp xúc, đối thoại: Tiếp xúc đối thoại thường xuyên và tổ chức hội nghị tiếp xúc, đối thoại trực tiếp.

Chế độ tiếp xúc, đối thoại: Đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã chủ trì và trực tiếp tiếp xúc, đối thoại."""

SCHEDULE = """\
- Tổ chức tiếp xúc đối thoại thường xuyên với đại diện cán bộ, đoàn viên, hội viên của Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội và Nhân dân (thông qua hội nghị giao ban với các đoàn thể hằng quý).
- Tổ chức tiếp xúc đối thoại trực tiếp với đại diện cán bộ, đoàn viên, hội viên của Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội và Nhân dân (dự kiến thực hiện trong tháng 6/2026).
- Tổ chức tiếp xúc đối thoại trực tiếp với đại diện các công ty, doanh nghiệp trên địa bàn xã (dự kiến trong tháng 10 năm 2026)."""

PLACE = defaults.PLACE

# Section II.4: the five steps of every dialogue, with who carries each out (the product's default programme).
AGENDA = defaults.AGENDA

PROCEEDINGS = """\
Đại diện lãnh đạo Văn phòng Đảng ủy tuyên bố lý do giới thiệu đại biểu, thành phần tham dự, nội dung, chương trình, nội quy của buổi tiếp xúc; giới thiệu chủ tọa, thư ký và thông báo phân công bộ phận tiếp nhận, tổng hợp ý kiến và đăng ký phát biểu.

Đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã thông báo nội dung, phương pháp tiếp xúc đối thoại.

Các đại biểu phát biểu ý kiến theo sự điều hành của chủ trì hội nghị.

Chủ trì hội nghị có thể trả lời trực tiếp hoặc phân công đại diện lãnh đạo cơ quan, đơn vị trả lời về những ý kiến, kiến nghị của đại biểu nêu ra theo chức năng, nhiệm vụ, thẩm quyền giải quyết.

Chủ trì kết luận."""

IMPLEMENTATION = """\
1. Các chi, đảng bộ trực thuộc thông tin, tuyên truyền rộng rãi nội dung Kế hoạch tiếp xúc đối thoại của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã với Nhân dân năm 2026 đến cán bộ, đảng viên, đoàn viên hội viên và Nhân dân.

2. Ủy ban Mặt trận Tổ quốc, các tổ chức chính trị - xã hội xã và các cơ quan, đơn vị có liên quan phối hợp chuẩn bị nội dung; bố trí lãnh đạo cơ quan, đơn vị tham dự hội nghị tiếp xúc, đối thoại và trả lời, giải quyết những vấn đề có liên quan đến chức năng, nhiệm vụ của đơn vị.

Chủ động nắm bắt tâm tư, nguyện vọng của cán bộ, đảng viên, đoàn viên, hội viên, chủ doanh nghiệp, công nhân, người lao động tại địa phương, cơ quan, đơn vị, lĩnh vực quản lý. Tổng hợp các ý kiến, tâm tư, nguyện vọng và đề xuất, kiến nghị báo cáo với Thường trực Đảng ủy (qua Văn phòng Đảng ủy).

3. Giao Văn phòng Đảng ủy chủ trì, phối hợp với Văn phòng HĐND&UBND xã, Ủy ban Mặt trận Tổ quốc, các tổ chức chính trị - xã hội xã và các đơn vị có liên quan triển khai nội dung, chương trình tiếp xúc, đối thoại; tổng hợp, phân loại ý kiến, kiến nghị, giao cho các cơ quan, đơn vị liên quan tham mưu giải trình, tổng hợp kết quả báo cáo Thường trực Đảng ủy; tham mưu tổ chức hội nghị tiếp xúc, đối thoại; đôn đốc, theo dõi việc thực hiện Kế hoạch này, báo cáo kết quả với Thường trực Đảng ủy theo quy định.

Trung tâm Cung ứng dịch vụ sự nghiệp công xã thông báo rộng rãi trên Cổng thông tin điện tử và Đài truyền thanh xã về nội dung, thời gian và địa điểm tổ chức hội nghị tiếp xúc, đối thoại trực tiếp trước 07 ngày để cán bộ, đảng viên, đoàn viên, hội viên và nhân dân được biết./."""

CLOSING = (
    "Kế hoạch này thay thế Kế hoạch số 66-KH/ĐU ngày 31/01/2026 của Ban Thường vụ Đảng ủy về thực hiện tiếp xúc, "
    "đối thoại của Bí thư Đảng ủy xã Tân Yên với Nhân dân năm 2026./."
)

DISTRIBUTION = [
    "Ban Tuyên giáo và Dân vận Tỉnh ủy (b/c),",
    "Thường trực Đảng ủy, HĐND, UBND xã,",
    "Ủy ban MTTQ và các tổ chức chính trị - xã hội xã,",
    "Các chi, đảng bộ trực thuộc,",
    "Các cơ quan, đơn vị, doanh nghiệp trên địa bàn xã,",
    "Ban Xây dựng Đảng Đảng ủy,",
    "Lưu Văn phòng Đảng ủy.",
]

SIGNING_AUTHORITY = "T/M BAN THƯỜNG VỤ"
SIGNATURE_TITLE = "BÍ THƯ"
SIGNER = "Nguyễn Viết Toàn"

# The earlier plan that the 2026 plan replaces (its text is not in the seed; a short demo version).
OLD_PLAN_TITLE = "Kế hoạch thực hiện tiếp xúc, đối thoại của Bí thư Đảng ủy xã Tân Yên với Nhân dân năm 2026"
OLD_PLAN_LEGAL_BASES = (
    "Thực hiện Quyết định số 218-QĐ/TW ngày 12/12/2013 của Bộ Chính trị; Quyết định số 23-QĐ/TW ngày 30/7/2021 "
    "của Bộ Chính trị về việc ban hành Quy chế công tác dân vận của hệ thống chính trị; Ban Thường vụ Đảng ủy ban "
    "hành Kế hoạch thực hiện tiếp xúc, đối thoại của Bí thư Đảng ủy xã Tân Yên với Nhân dân năm 2026."
)
OLD_PLAN_SCHEDULE = (
    "- Tổ chức tiếp xúc đối thoại thường xuyên thông qua hội nghị giao ban với các đoàn thể hằng quý.\n"
    "- Tổ chức hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân (thời gian cụ thể sẽ có thông báo sau)."
)
