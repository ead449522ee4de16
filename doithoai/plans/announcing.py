"""The announcement of a dialogue (thông báo): the portal text, the radio script and the broadcast schedule (the
7-day rule itself is on the model: Dialogue.last_announcement_day). Pure functions: they read the dialogue (and its agenda) but never write."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from doithoai.lib import clock
from doithoai.lib.text import fold, lower_first, nfc
from doithoai.plans.models import Dialogue

# The radio broadcasts of the commune: a morning and an afternoon slot (label, hour, minute).
MORNING = ("Buổi sáng", 6, 0)
AFTERNOON = ("Buổi chiều", 17, 0)

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
MONTHS = ["Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai"]
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

# Abbreviations an announcer must not read letter by letter; applied to every text taken from the database.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "MTTQ": "Mặt trận Tổ quốc Việt Nam",
    "VPĐU": "Văn phòng Đảng ủy",
    "ĐU": "Đảng ủy",
    "BTV": "Ban Thường vụ",
    "BCH": "Ban Chấp hành",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "QĐ": "Quyết định",
    "TW": "Trung ương",
    "TU": "Tỉnh ủy",
    "UB": "Ủy ban",
    "TTHC": "thủ tục hành chính",
    "CT-XH": "chính trị - xã hội",
    "KT-XH": "kinh tế - xã hội",
    "QP-AN": "quốc phòng - an ninh",
    "LHPN": "Liên hiệp Phụ nữ",
    "CCB": "Cựu chiến binh",
    "ĐTN": "Đoàn Thanh niên",
    "TNCS": "Thanh niên Cộng sản",
    "HTX": "hợp tác xã",
    "TDP": "tổ dân phố",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "ATTP": "an toàn thực phẩm",
    "ANTT": "an ninh trật tự",
    "PCCC": "phòng cháy, chữa cháy",
    "GCNQSDĐ": "giấy chứng nhận quyền sử dụng đất",
    "CNTT": "công nghệ thông tin",
    "DN": "doanh nghiệp",
}
_ABBREVIATION = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w-])"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DOCUMENT_CODE = re.compile(r"(?<!\w)0*(\d+)-[A-ZĐa-zđ&]+/[A-ZĐ&\-]+")  # 66-KH/ĐU: read only its number
_FULL_DATE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\w/])")
_MONTH_YEAR = re.compile(r"(?<![\w/])(\d{1,2})/(\d{4})(?![\w/])")
_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.])")  # 1.250.000
_DECIMAL = re.compile(r"(?<![\w.,])(\d+),(\d+)(?![\w,])")  # 2,5
_INTEGER = re.compile(r"\d+")
# "quý III", "Phần II": Roman numerals after the words that take them.
_ROMAN = re.compile(r"(?<!\w)((?:[Qq]uý|[Pp]hần|[Mm]ục|[Kk]hóa|[Cc]hương|[Kk]ỳ) )([IVX]{1,4})(?!\w)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


# ---------------------------------------------------------------- Vietnamese numbers, dates and times in words


def number_words(number: int) -> str:
    """A whole number as spoken Vietnamese (northern usage: "linh", "nghìn"): 2026 → "hai nghìn không trăm hai mươi
    sáu", 21 → "hai mươi mốt", 15 → "mười lăm", 105 → "một trăm linh năm"."""
    if number < 0:
        return "âm " + number_words(-number)
    if number == 0:
        return DIGITS[0]
    scales = ["", "nghìn", "triệu", "tỷ"]
    groups = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    if len(groups) > len(scales):
        raise ValueError("number too large")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        # A group after a higher one is read in full: 2026 → "hai nghìn không trăm hai mươi sáu".
        words.append(_hundreds(group, full=bool(words)))
        if scales[index]:
            words.append(scales[index])
    return " ".join(words)


def _hundreds(number: int, *, full: bool) -> str:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
        if units:
            words.append(DIGITS[units])
        return " ".join(words)
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def ordinal_words(number: int) -> str:
    """ "thứ nhất", "thứ hai", "thứ tư" … for the programme read on the radio."""
    special = {1: "nhất", 4: "tư"}
    return "thứ " + special.get(number, number_words(number))


def spoken_date(day: dt.date, *, weekday: bool = False) -> str:
    """ "ngày mười hai tháng Sáu năm hai nghìn không trăm hai mươi sáu" ("mồng" for the first ten days)."""
    date_words = f"{'mồng ' if day.day <= 10 else ''}{number_words(day.day)}"
    text = f"ngày {date_words} tháng {MONTHS[day.month - 1]} năm {number_words(day.year)}"
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def spoken_time(moment: dt.time) -> str:
    """ "tám giờ sáng", "bảy giờ ba mươi phút sáng", "hai giờ chiều": the 12-hour clock with the part of the day."""
    hour = moment.hour
    if hour < 11:
        part = "sáng"
    elif hour < 13:
        part = "trưa"
    elif hour < 18:
        part = "chiều"
    elif hour < 22:
        part = "tối"
    else:
        part = "đêm"
    twelve = hour if hour <= 12 else hour - 12
    minutes = f" {number_words(moment.minute)} phút" if moment.minute else ""
    return f"{number_words(twelve or 12)} giờ{minutes} {part}"


def spoken_digits(value: str) -> str:
    """A phone number digit by digit, in groups of 4, 3, 3: "0204 386 6123"."""
    digits = [d for d in value if d.isdigit()]
    groups = [digits[:4], digits[4:7], digits[7:]]
    return ", ".join(" ".join(DIGITS[int(d)] for d in group) for group in groups if group)


def spoken(text: str | None) -> str:
    """Text from the database made readable aloud: no URLs, abbreviations written out, numbers in words,
    semicolons turned into full stops (short sentences)."""
    text = nfc(text).replace("*", "").replace("_", " ")
    text = _URL.sub("trên Trang thông tin điện tử của xã", text)
    text = _DOCUMENT_CODE.sub(lambda m: number_words(int(m[1])), text)
    text = _FULL_DATE.sub(_spoken_full_date, text)
    text = _MONTH_YEAR.sub(_spoken_month_year, text)
    text = _ROMAN.sub(lambda m: m[1] + number_words(_roman(m[2])), text)
    text = text.replace("&", " và ")
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m[1]], text)
    text = _GROUPED.sub(lambda m: number_words(int(m[0].replace(".", ""))), text)
    text = _DECIMAL.sub(lambda m: f"{number_words(int(m[1]))} phẩy {' '.join(DIGITS[int(d)] for d in m[2])}", text)
    text = _INTEGER.sub(lambda m: number_words(int(m[0])), text)
    text = text.replace("%", " phần trăm")
    text = re.sub(r";\s*(\w)", lambda m: ". " + m[1].upper(), text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _spoken_full_date(match: re.Match) -> str:
    try:
        day = dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return match[0]
    words = spoken_date(day)
    preceding = match.string[: match.start()].rstrip().lower()
    return words.removeprefix("ngày ") if preceding.endswith("ngày") else words


def _spoken_month_year(match: re.Match) -> str:
    month, year = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return match[0]
    words = f"tháng {MONTHS[month - 1]} năm {number_words(year)}"
    preceding = match.string[: match.start()].rstrip().lower()
    return words.removeprefix("tháng ") if preceding.endswith("tháng") else words


# ---------------------------------------------------------------- what both texts are made of


def _local_start(dialogue: Dialogue) -> dt.datetime | None:
    return timezone.localtime(dialogue.starts_at) if dialogue.starts_at else None


def _level(dialogue: Dialogue) -> str:
    """ "xã" (or "phường") from the unit's name, for "Đảng ủy xã", "Văn phòng Đảng ủy xã"."""
    first = dialogue.unit.name.split(" ", 1)[0].lower() if dialogue.unit_id else ""
    return first if first in ("xã", "phường") else "xã"


def _organiser(dialogue: Dialogue) -> str:
    """ "Đảng ủy xã Tân Yên", from the unit's name ("Xã Tân Yên")."""
    if not dialogue.unit_id:
        return "Đảng ủy xã"
    return "Đảng ủy " + lower_first(nfc(dialogue.unit.name))


def _place(dialogue: Dialogue) -> str:
    place = nfc(dialogue.place) or (nfc(dialogue.unit.default_place) if dialogue.unit_id else "")
    return place.rstrip(".")


def _audience(dialogue: Dialogue) -> str:
    default = "Cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân trên địa bàn " + _level(dialogue)
    return nfc(dialogue.audience).rstrip(".") or default


def _agenda(dialogue: Dialogue) -> list[tuple[str, str]]:
    if not dialogue.pk:
        return []
    return [(nfc(item.title).rstrip("."), nfc(item.presenter)) for item in dialogue.agenda.all()]


def _chair(dialogue: Dialogue) -> str:
    """ "đồng chí Nguyễn Viết Toàn, Bí thư Đảng ủy xã", or empty."""
    post = dialogue.chair_post if dialogue.chair_post_id else None
    if post is None:
        return ""
    return f"đồng chí {nfc(post.person.full_name)}, {nfc(post.title)}"


def _party_office_phone(dialogue: Dialogue) -> str:
    """The phone number of the unit's Văn phòng Đảng ủy, when it is recorded."""
    if not dialogue.unit_id:
        return ""
    from doithoai.accounts.models import Organization

    offices = Organization.objects.filter(unit_id=dialogue.unit_id, kind=Organization.Kind.PARTY_BODY).exclude(phone="")
    for office in offices:
        if fold(office.name).startswith("van phong dang uy"):
            return office.phone
    return ""


def _plan_reference(dialogue: Dialogue) -> str:
    """ "Thực hiện Kế hoạch số 67-KH/ĐU ngày 24/4/2026 của Ban Thường vụ Đảng ủy xã" when the plan has a number."""
    plan = dialogue.plan if dialogue.plan_id else None
    if plan is None:
        return ""
    number = f" số {plan.code}" if plan.code else ""
    issued = f" ngày {plan.issued_on.day}/{plan.issued_on.month}/{plan.issued_on.year}" if plan.issued_on else ""
    return f"Thực hiện Kế hoạch{number}{issued} của {nfc(plan.issuing_authority)} {_level(dialogue)}"


def _clock(moment: dt.datetime) -> str:
    return f"{moment.hour} giờ {moment.minute:02d} phút"


def _portal_time(dialogue: Dialogue) -> str:
    start = _local_start(dialogue)
    if start is None:
        month = dialogue.tentative_month
        return f"dự kiến trong tháng {month.month}/{month.year} (thời gian cụ thể sẽ được thông báo sau)"
    text = f"vào lúc {_clock(start)}, {WEEKDAYS[start.weekday()]}, ngày {start.day}/{start.month}/{start.year}"
    if dialogue.ends_at:
        end = timezone.localtime(dialogue.ends_at)
        if end.date() == start.date():
            text += f" (dự kiến kết thúc lúc {_clock(end)})"
    return text


def _radio_time(dialogue: Dialogue) -> str:
    start = _local_start(dialogue)
    if start is None:
        month = dialogue.tentative_month
        return (
            f"dự kiến trong tháng {MONTHS[month.month - 1]} năm {number_words(month.year)}. "
            "Thời gian cụ thể sẽ được thông báo sau"
        )
    return f"vào lúc {spoken_time(start.time())} {spoken_date(start.date(), weekday=True)}"


# ---------------------------------------------------------------- the portal text


def portal_text(dialogue: Dialogue, base_url: str = "") -> str:
    """The announcement for the commune portal, as plain text with line breaks."""
    level, organiser, title = _level(dialogue), _organiser(dialogue), lower_first(nfc(dialogue.title))
    reference = _plan_reference(dialogue)
    opening = f"{reference}, {organiser} tổ chức {title}" if reference else f"{organiser} tổ chức {title}"
    lines = ["THÔNG BÁO", f"Về việc tổ chức {title}", "", f"{opening}, cụ thể như sau:", ""]
    sections = [
        ("Thời gian", _portal_time(dialogue) + "."),
        ("Địa điểm", _place(dialogue) + "."),
    ]
    if chair := _chair(dialogue):
        sections.append(("Chủ trì", chair + "."))
    sections.append(("Thành phần tham dự", _audience(dialogue) + "."))
    if content := nfc(dialogue.content).rstrip("."):
        sections.append(("Nội dung", content + "."))
    for number, (label, text) in enumerate(sections, start=1):
        lines.append(f"{number}. {label}: {text}")
    number = len(sections)
    if agenda := _agenda(dialogue):
        number += 1
        lines.append(f"{number}. Chương trình:")
        for position, (step, presenter) in enumerate(agenda, start=1):
            lines.append(f"   {position}. {step}" + (f" ({presenter})." if presenter else "."))
    lines.append(f"{number + 1}. Cách thức tham gia:")
    lines += _portal_participation(dialogue, base_url, level)
    lines += [
        "",
        f"{organiser} trân trọng thông báo để cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân được biết, "
        "tham gia./.",
    ]
    return nfc("\n".join(lines))


def _portal_participation(dialogue: Dialogue, base_url: str, level: str) -> list[str]:
    office = f"Văn phòng Đảng ủy {level}"
    if base_url and dialogue.pk:
        online = f"trực tuyến tại {base_url.rstrip('/')}{reverse('portal:dialogue_detail', args=[dialogue.pk])}; "
    else:
        online = f"trực tuyến trên Trang thông tin điện tử của {level} (mục Đối thoại); "
    if base_url and dialogue.unit_id:
        form = f"{base_url.rstrip('/')}{reverse('portal:commune_submit', args=[dialogue.unit.slug])}"
        form_line = f"      - Trực tuyến, qua mẫu gửi ý kiến tại {form};"
    else:
        form_line = f"      - Trực tuyến, qua mẫu gửi ý kiến trên Trang thông tin điện tử của {level};"
    phone = _party_office_phone(dialogue)
    return [
        f"   a) Đăng ký phát biểu: {online}hoặc đăng ký trực tiếp tại {office} trong giờ hành chính, "
        "hoặc tại bàn tiếp nhận của hội nghị trước giờ khai mạc.",
        "   b) Gửi câu hỏi, ý kiến, kiến nghị trước và trong hội nghị:",
        form_line,
        "      - Quét mã QR đặt tại hội trường trong ngày diễn ra hội nghị;",
        f"      - Qua Ủy ban Mặt trận Tổ quốc Việt Nam {level} và các tổ chức chính trị - xã hội {level} "
        "(Hội Nông dân, Hội Liên hiệp Phụ nữ, Đoàn Thanh niên, Hội Cựu chiến binh);",
        f"      - Gọi điện thoại đến {office}" + (f" (số {phone})." if phone else "."),
    ]


# ---------------------------------------------------------------- the radio script


def radio_script(dialogue: Dialogue) -> str:
    """The announcement read by the commune radio: plain spoken Vietnamese, no abbreviations, no addresses."""
    level, organiser, title = _level(dialogue), _organiser(dialogue), spoken(lower_first(nfc(dialogue.title)))
    time, place = _radio_time(dialogue), spoken(_place(dialogue))
    office = f"Văn phòng Đảng ủy {level}"
    sentences = [
        f"Kính thưa toàn thể Nhân dân, cán bộ, đảng viên, đoàn viên, hội viên trong toàn {level}!",
        f"Đài Truyền thanh {level} xin đọc thông báo của {organiser}. {organiser} tổ chức {title}.",
        f"Thời gian: {time}.",
        f"Địa điểm: tại {place}.",
    ]
    if chair := _chair(dialogue):
        sentences.append(f"Chủ trì hội nghị: {spoken(chair)}.")
    sentences.append(f"Thành phần tham dự: {spoken(_audience(dialogue))}.")
    if content := spoken(dialogue.content).rstrip("."):
        sentences.append(f"Nội dung: {content}.")
    if agenda := _agenda(dialogue):
        sentences.append("Chương trình gồm các phần sau.")
        for position, (step, _presenter) in enumerate(agenda, start=1):
            sentences.append(f"{ordinal_words(position).capitalize()}: {lower_first(spoken(step))}.")
    phone = _party_office_phone(dialogue)
    by_phone = f", số điện thoại {spoken_digits(phone)}" if phone else ""
    sentences += [
        f"Bà con muốn phát biểu tại hội nghị, xin đăng ký trên Trang thông tin điện tử của {level}. "
        f"Bà con cũng có thể đăng ký trực tiếp tại {office}.",
        "Bà con có câu hỏi, ý kiến, kiến nghị, xin gửi trước trên Trang thông tin điện tử của "
        f"{level}. Tại hội trường, bà con có thể quét mã QR để gửi ý kiến.",
        f"Bà con cũng có thể gửi ý kiến qua Ủy ban Mặt trận Tổ quốc Việt Nam {level} và các đoàn thể. "
        f"Hoặc gọi điện thoại đến {office}{by_phone}.",
        f"Một lần nữa, Đài Truyền thanh {level} xin thông báo. Thời gian: {time}. Địa điểm: tại {place}.",
        "Kính mong toàn thể Nhân dân quan tâm, theo dõi và tham gia. Xin trân trọng cảm ơn!",
    ]
    return nfc("\n\n".join(sentences))


# ---------------------------------------------------------------- the broadcast schedule


def broadcast_schedule(dialogue: Dialogue, start_day: dt.date, after: dt.datetime | None = None) -> list[dict]:
    """Radio slots from start_day to the dialogue: morning and afternoon each day before it, and the morning of
    the day itself (when the dialogue starts after it); slots not later than `after` (e.g. now) are left out.
    JSON-ready for Announcement.broadcast_schedule."""
    start = _local_start(dialogue)
    if start is None or start_day > start.date():
        return []
    slots = []
    day = start_day
    while day <= start.date():
        for label, hour, minute in (MORNING, AFTERNOON) if day < start.date() else (MORNING,):
            slot = clock.local_datetime(day, hour, minute)
            if slot < start and (after is None or slot > after):
                slots.append({"date": day.isoformat(), "time": f"{hour:02d}:{minute:02d}", "label": label})
        day += dt.timedelta(days=1)
    return slots
