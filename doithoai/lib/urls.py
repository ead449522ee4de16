"""Absolute addresses: every link the product prints or sends (receipts, QR codes, printed slips, announcements,
e-mail and SMS, feeds and calendars) is `absolute_url(path)`, built on settings.BASE_URL (DOITHOAI_BASE_URL).

In production DOITHOAI_BASE_URL is required (`doithoai serve` refuses to start without it, `check --deploy` reports
it). In the demo and in development `doithoai serve --host H --port P` derives it from where it serves
(`serving_base_url`) and hands it to the server, its worker and its clean-ups.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

# Addresses that listen on every interface: a phone on the network reaches the machine at its outward address.
EVERY_INTERFACE = {"", "0.0.0.0", "::", "[::]", "*"}  # noqa: S104 - recognised, not bound
# Documentation addresses (RFC 5737, RFC 3849): a UDP "connect" to one only picks the outgoing interface, sends nothing.
PROBE_V4, PROBE_V6 = "192.0.2.1", "2001:db8::1"


def absolute_url(path: str) -> str:
    """The address people reach `path` at (a path from `reverse()`, with its query string if any)."""
    return settings.BASE_URL + path


def base_url() -> str:
    """The address of the site itself, without a trailing slash (for texts that add several paths to it)."""
    return settings.BASE_URL


def base_url_problem(value: str) -> str:
    """Why `value` cannot be DOITHOAI_BASE_URL, in Vietnamese; empty when it can."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "không phải là một địa chỉ hợp lệ."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "cần có dạng https://tên-miền (hoặc http://địa-chỉ:cổng khi chạy thử)."
    if parts.query or parts.fragment or parts.path.strip("/"):
        return "chỉ gồm giao thức, tên miền và cổng (không có đường dẫn phía sau)."
    return ""


def outward_address(ipv6: bool = False) -> str:
    """The address other machines on the network reach this one at (the interface of the default route); the
    loopback address when there is no network."""
    family, probe, loopback = (socket.AF_INET6, PROBE_V6, "::1") if ipv6 else (socket.AF_INET, PROBE_V4, "127.0.0.1")
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe_socket:
            probe_socket.connect((probe, 9))
            address = probe_socket.getsockname()[0]
    except OSError:
        return loopback
    return loopback if ipaddress.ip_address(address).is_unspecified else address


def serving_base_url(host: str, port: int) -> str:
    """The base URL of a demo served on host:port. Listening on every interface (0.0.0.0, ::), it is the machine's
    address on the network, so that a phone scanning a QR code reaches it; otherwise the host as given."""
    host = host.strip()
    if host in EVERY_INTERFACE:
        listens_on_ipv6 = ":" in host
        host = outward_address()
        if host == "127.0.0.1" and listens_on_ipv6:  # an IPv6-only network: its address, else ::1
            host = outward_address(ipv6=True)
    host = host.strip("[]")
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a host name
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"
