"""QR codes as SVG (status pages, printed slips)."""

import io

import segno

MODULE_PX = 6  # the drawn size of one module; the image scales cleanly since the SVG keeps its viewBox


def svg(data: str, *, title: str = "") -> str:
    """An SVG QR code of `data` (error correction M, white background, a quiet zone of 2 modules)."""
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=2, xmldecl=False, omitsize=True, light="#fff", title=title or None)
    size = code.symbol_size(border=2)[0] * MODULE_PX
    # omitsize gives a viewBox but no size: add one, so <img> has a natural size and still scales.
    return buffer.getvalue().decode().replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
