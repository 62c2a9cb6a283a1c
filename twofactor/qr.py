"""The enrolment QR code, drawn as inline SVG on the server (no image request, no third-party service)."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str) -> SafeString:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    # The SVG is made by the qrcode package from our own otpauth:// address: no user text reaches the markup.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308
