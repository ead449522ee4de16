"""The demo commune: Bắc Ninh province, Tân Yên commune, its organisations, persons, posts and accounts."""

import datetime as dt
from dataclasses import dataclass

from doithoai.accounts.models import Organization, Person, Post, RoleAssignment, Unit, User
from doithoai.documents.models import PartyTerm
from doithoai.petitions.models import DeadlineRule

DEMO_PASSWORD = "tanyen-2026"
Kind = Organization.Kind

ORGANIZATIONS = [
    # (name, short name, kind)
    ("Đảng ủy xã", "Đảng ủy", Kind.PARTY_BODY),
    ("Văn phòng Đảng ủy", "VPĐU", Kind.PARTY_BODY),
    ("Ban Xây dựng Đảng", "BXDĐ", Kind.PARTY_BODY),
    ("Ủy ban Kiểm tra Đảng ủy", "UBKT", Kind.PARTY_BODY),
    ("Văn phòng HĐND và UBND", "VP HĐND-UBND", Kind.AGENCY),
    ("Phòng Kinh tế", "PKT", Kind.AGENCY),
    ("Phòng Văn hóa - Xã hội", "PVHXH", Kind.AGENCY),
    ("Công an xã", "CAX", Kind.AGENCY),
    ("Ban Chỉ huy Quân sự xã", "BCHQS", Kind.AGENCY),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC", Kind.AGENCY),
    ("Trung tâm Cung ứng dịch vụ sự nghiệp công", "TTCUDV", Kind.AGENCY),
    ("Ủy ban MTTQ xã", "MTTQ", Kind.MASS_ORG),
    ("Hội Nông dân xã", "HND", Kind.MASS_ORG),
    ("Hội Liên hiệp Phụ nữ xã", "HLHPN", Kind.MASS_ORG),
    ("Đoàn Thanh niên xã", "ĐTN", Kind.MASS_ORG),
    ("Hội Cựu chiến binh xã", "HCCB", Kind.MASS_ORG),
    ("Chi bộ thôn Trung", "", Kind.PARTY_CELL),
    ("Chi bộ thôn Đình", "", Kind.PARTY_CELL),
    ("Chi bộ thôn Đồng Lạc", "", Kind.PARTY_CELL),
    ("Chi bộ thôn Tân Sơn", "", Kind.PARTY_CELL),
    ("Chi bộ Trường THCS Tân Yên", "", Kind.PARTY_CELL),
    ("Thôn Trung", "", Kind.VILLAGE),
    ("Thôn Hạ", "", Kind.VILLAGE),
    ("Thôn Đình", "", Kind.VILLAGE),
    ("Thôn Chợ", "", Kind.VILLAGE),
    ("Thôn Đồng Lạc", "", Kind.VILLAGE),
    ("Thôn Cầu Đen", "", Kind.VILLAGE),
    ("Thôn Tân Sơn", "", Kind.VILLAGE),
    ("Thôn Kim Tràng", "", Kind.VILLAGE),
    ("Thôn Phúc Lễ", "", Kind.VILLAGE),
    ("Thôn Ngọc Yên", "", Kind.VILLAGE),
    ("Công ty TNHH May mặc Tân Yên", "", Kind.BUSINESS),
    ("Công ty CP Gạch Tuynel Đồng Lạc", "", Kind.BUSINESS),
    ("HTX Dịch vụ nông nghiệp Tân Yên", "", Kind.BUSINESS),
    ("Công ty TNHH Chế biến nông sản Kim Tràng", "", Kind.BUSINESS),
    ("Công ty TNHH Cơ khí Phúc Lễ", "", Kind.BUSINESS),
    ("Doanh nghiệp tư nhân Vận tải Ngọc Yên", "", Kind.BUSINESS),
    ("UBND tỉnh Bắc Ninh", "UBND tỉnh", Kind.HIGHER_AUTHORITY),
    ("Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh", "SNNMT", Kind.HIGHER_AUTHORITY),
    ("Sở Xây dựng tỉnh Bắc Ninh", "SXD", Kind.HIGHER_AUTHORITY),
    ("Sở Y tế tỉnh Bắc Ninh", "SYT", Kind.HIGHER_AUTHORITY),
    ("Sở Giáo dục và Đào tạo tỉnh Bắc Ninh", "SGDĐT", Kind.HIGHER_AUTHORITY),
    ("Sở Tài chính tỉnh Bắc Ninh", "STC", Kind.HIGHER_AUTHORITY),
    ("Bảo hiểm xã hội tỉnh Bắc Ninh", "BHXH", Kind.HIGHER_AUTHORITY),
    ("Công ty Điện lực Bắc Ninh", "PC Bắc Ninh", Kind.HIGHER_AUTHORITY),
]

PROVINCE_ORGANIZATIONS = [
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDV", Kind.PARTY_BODY),
    ("Ban Nội chính Tỉnh ủy", "BNC", Kind.PARTY_BODY),
]

DEADLINE_RULES = [
    ("", "", 15),
    ("", "higher", 30),
    ("cau_hoi", "", 10),
    ("gop_y", "", 10),
    ("khieu_nai", "", 30),
    ("to_cao", "", 30),
]

# (person, [(post title, signature title, organisation or None)])
PERSONS = [
    ("Nguyễn Viết Toàn", [("Bí thư Đảng ủy xã", "BÍ THƯ", "Đảng ủy xã"), ("Chủ tịch HĐND xã", "CHỦ TỊCH", None)]),
    ("Hoàng Thị Hạnh", [("Phó Bí thư Thường trực Đảng ủy xã", "PHÓ BÍ THƯ", "Đảng ủy xã")]),
    ("Lê Văn Thắng", [("Phó Bí thư Đảng ủy, Chủ tịch UBND xã", "CHỦ TỊCH", None)]),
    ("Phạm Thị Thu Hà", [("Chánh Văn phòng Đảng ủy", "CHÁNH VĂN PHÒNG", "Văn phòng Đảng ủy")]),
    ("Nguyễn Thị Phương", [("Chuyên viên Văn phòng Đảng ủy", "", "Văn phòng Đảng ủy")]),
    ("Lê Thị Hoa", [("Chuyên viên Văn phòng Đảng ủy", "", "Văn phòng Đảng ủy")]),
    ("Lương Thị Thảo", [("Chánh Văn phòng HĐND và UBND", "CHÁNH VĂN PHÒNG", "Văn phòng HĐND và UBND")]),
    ("Đỗ Minh Tuấn", [("Trưởng phòng Kinh tế", "TRƯỞNG PHÒNG", "Phòng Kinh tế")]),
    ("Ngô Thị Lan", [("Trưởng phòng Văn hóa - Xã hội", "TRƯỞNG PHÒNG", "Phòng Văn hóa - Xã hội")]),
    ("Vũ Đức Mạnh", [("Trưởng Công an xã", "TRƯỞNG CÔNG AN", "Công an xã")]),
    (
        "Nguyễn Thị Huyền",
        [("Giám đốc Trung tâm Phục vụ hành chính công", "GIÁM ĐỐC", "Trung tâm Phục vụ hành chính công")],
    ),
    (
        "Trịnh Văn Long",
        [
            (
                "Giám đốc Trung tâm Cung ứng dịch vụ sự nghiệp công",
                "GIÁM ĐỐC",
                "Trung tâm Cung ứng dịch vụ sự nghiệp công",
            )
        ],
    ),
    ("Dương Thị Mai", [("Chủ tịch Ủy ban MTTQ xã", "CHỦ TỊCH", "Ủy ban MTTQ xã")]),
    ("Thân Văn Bình", [("Chủ tịch Hội Nông dân xã", "CHỦ TỊCH", "Hội Nông dân xã")]),
    ("Giáp Thị Nga", [("Chủ tịch Hội Liên hiệp Phụ nữ xã", "CHỦ TỊCH", "Hội Liên hiệp Phụ nữ xã")]),
    ("Nguyễn Đức Anh", [("Bí thư Đoàn Thanh niên xã", "BÍ THƯ", "Đoàn Thanh niên xã")]),
    ("Hà Văn Sơn", [("Chủ tịch Hội Cựu chiến binh xã", "CHỦ TỊCH", "Hội Cựu chiến binh xã")]),
]

PROVINCE_PERSONS = [
    ("Phạm Văn Quân", [("Chuyên viên Ban Tuyên giáo và Dân vận Tỉnh ủy", "", "Ban Tuyên giáo và Dân vận Tỉnh ủy")])
]

# (username, person, role, organisation the account acts for)
ACCOUNTS = [
    ("vanphong", "Phạm Thị Thu Hà", RoleAssignment.Role.COORDINATOR, None),
    ("bithu", "Nguyễn Viết Toàn", RoleAssignment.Role.CHAIR, None),
    ("phongkinhte", "Đỗ Minh Tuấn", RoleAssignment.Role.AGENCY, "Phòng Kinh tế"),
    ("vanhoaxahoi", "Ngô Thị Lan", RoleAssignment.Role.AGENCY, "Phòng Văn hóa - Xã hội"),
    ("mttq", "Dương Thị Mai", RoleAssignment.Role.ORG_REP, "Ủy ban MTTQ xã"),
    ("hoinongdan", "Thân Văn Bình", RoleAssignment.Role.ORG_REP, "Hội Nông dân xã"),
    ("trungtam", "Trịnh Văn Long", RoleAssignment.Role.PUBLISHER, "Trung tâm Cung ứng dịch vụ sự nghiệp công"),
]
# Seats at the dialogues (per-dialogue roles), with no unit role.
DIALOGUE_ACCOUNTS = [("thuky", "Nguyễn Thị Phương", "secretary"), ("tiepnhan", "Lê Thị Hoa", "receiver")]

# What the README and `make run` print in demo mode: (username, what it shows).
CREDENTIALS = [
    ("vanphong", "Văn phòng Đảng ủy — điều phối"),
    ("bithu", "Bí thư Đảng ủy, Chủ tịch HĐND xã — chủ trì, duyệt"),
    ("phongkinhte", "Phòng Kinh tế — cơ quan chuyên môn"),
    ("vanhoaxahoi", "Phòng Văn hóa - Xã hội — cơ quan chuyên môn"),
    ("mttq", "Ủy ban MTTQ xã — đại diện tổ chức, giám sát"),
    ("hoinongdan", "Hội Nông dân xã — đại diện tổ chức"),
    ("trungtam", "Trung tâm Cung ứng dịch vụ sự nghiệp công — đăng thông báo"),
    ("tinh", "Ban Tuyên giáo và Dân vận Tỉnh ủy — xem tổng hợp"),
    ("thuky", "Thư ký các buổi đối thoại"),
    ("tiepnhan", "Bộ phận tiếp nhận ý kiến tại các buổi đối thoại"),
    ("quantri", "Quản trị dữ liệu (Django admin)"),
]


@dataclass
class Commune:
    province: Unit
    unit: Unit
    orgs: dict[str, Organization]
    posts: dict[str, Post]
    users: dict[str, User]


def _persons(unit: Unit, orgs: dict[str, Organization], rows) -> tuple[dict[str, Person], dict[str, Post]]:
    persons, posts = {}, {}
    for full_name, post_rows in rows:
        person = Person.objects.create(unit=unit, full_name=full_name)
        persons[full_name] = person
        for title, signature, org_name in post_rows:
            posts[title] = Post.objects.create(
                person=person,
                unit=unit,
                title=title,
                signature_title=signature,
                organization=orgs.get(org_name) if org_name else None,
                started_on=dt.date(2025, 7, 1),
            )
    return persons, posts


def _user(username: str, person: Person | None, **extra) -> User:
    user = User(username=username, person=person, **extra)
    if person:
        parts = person.full_name.split(" ")
        user.last_name, user.first_name = " ".join(parts[:-1]), parts[-1]
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def create_commune() -> Commune:
    province = Unit.objects.create(
        name="Tỉnh Bắc Ninh",
        short_name="Bắc Ninh",
        slug="bac-ninh",
        level=Unit.Level.PROVINCE,
        party_committee_name="TỈNH ỦY BẮC NINH",
        default_place="",
    )
    unit = Unit.objects.create(
        name="Xã Tân Yên",
        short_name="Tân Yên",
        slug="tan-yen",
        level=Unit.Level.COMMUNE,
        parent=province,
        party_committee_name="ĐẢNG ỦY XÃ TÂN YÊN",
        party_superior_name="ĐẢNG BỘ TỈNH BẮC NINH",
    )
    PartyTerm.objects.create(
        unit=unit, label="2025 - 2030", starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2030, 6, 30)
    )
    # The commune's answer deadlines in working days (the coordinator changes them in the admin).
    for kind, jurisdiction, days in DEADLINE_RULES:
        DeadlineRule.objects.create(unit=unit, kind=kind, jurisdiction=jurisdiction, working_days=days)
    orgs = {
        name: Organization.objects.create(
            unit=unit, name=name, short_name=short, kind=kind, is_supervisor=(name == "Ủy ban MTTQ xã")
        )
        for name, short, kind in ORGANIZATIONS
    }
    province_orgs = {
        name: Organization.objects.create(unit=province, name=name, short_name=short, kind=kind)
        for name, short, kind in PROVINCE_ORGANIZATIONS
    }
    persons, posts = _persons(unit, orgs, PERSONS)
    province_persons, _ = _persons(province, province_orgs, PROVINCE_PERSONS)

    users = {}
    for username, person_name, role, org_name in ACCOUNTS:
        users[username] = _user(username, persons[person_name])
        RoleAssignment.objects.create(user=users[username], unit=unit, role=role, organization=orgs.get(org_name))
    for username, person_name, _seat in DIALOGUE_ACCOUNTS:
        users[username] = _user(username, persons[person_name])
    users["tinh"] = _user("tinh", province_persons["Phạm Văn Quân"])
    RoleAssignment.objects.create(
        user=users["tinh"],
        unit=province,
        role=RoleAssignment.Role.PROVINCE,
        organization=province_orgs["Ban Tuyên giáo và Dân vận Tỉnh ủy"],
    )
    users["quantri"] = _user("quantri", None, is_staff=True, is_superuser=True, first_name="Quản trị")
    return Commune(province=province, unit=unit, orgs=orgs, posts=posts, users=users)
