"""White-label: the agency's name, logo, colours and contact line (``[report.brand]``).

Colours reach the report only as validated ``#rrggbb`` values inside the report's own
stylesheet. Text on a brand colour is black or white, whichever contrasts more (WCAG
2.x contrast ratio), so a pale agency colour never makes the headings unreadable. A
brand colour used as text on white is darkened until it reaches 4.5:1.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.config import LOGO_TYPES, MAX_LOGO_BYTES, BrandConfig

__all__ = ["Brand", "brand_view", "contrast"]


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def readable_on_white(colour: str, ratio: float = 4.5) -> str:
    """``colour``, darkened step by step until text in it on white reaches ``ratio``."""
    rgb = _rgb(colour)
    for _ in range(40):
        candidate = _hex(rgb)
        if contrast(candidate, "#ffffff") >= ratio:
            return candidate
        rgb = (rgb[0] * 0.9, rgb[1] * 0.9, rgb[2] * 0.9)
    return "#000000"


@dataclass(frozen=True)
class Brand:
    """What the report shows of the agency; ``logo`` is a ``data:`` URI or empty."""

    agency: str
    logo: str
    primary: str
    on_primary: str
    primary_text: str
    accent: str
    on_accent: str
    contact: str
    client: str
    tool_branding: bool

    def css(self) -> str:
        """The custom properties the stylesheet uses (values validated as hex colours)."""
        return (f":root{{--brand:{self.primary};--on-brand:{self.on_primary};--brand-text:{self.primary_text};"
                f"--accent:{self.accent};--on-accent:{self.on_accent};}}")


def _logo(path: Path | None) -> str:
    if path is None:
        return ""
    path = Path(path)
    mime = LOGO_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
        return ""  # the config was valid when the audit started; a moved logo is not fatal here
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _on(colour: str) -> str:
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#000000") else "#000000"


def brand_view(report_config: Mapping[str, Any] | None) -> Brand:
    """The brand of a run's ``config["report"]`` (defaults when absent or invalid)."""
    raw = dict((report_config or {}).get("brand") or {})
    try:
        cfg = BrandConfig.model_validate(raw)
    except ValueError:  # e.g. the logo moved since the audit: keep the rest of the brand
        raw.pop("logo", None)
        try:
            cfg = BrandConfig.model_validate(raw)
        except ValueError:
            cfg = BrandConfig()
    return Brand(agency=cfg.agency.strip(), logo=_logo(cfg.logo), primary=cfg.primary_color,
                 on_primary=_on(cfg.primary_color), primary_text=readable_on_white(cfg.primary_color),
                 accent=cfg.accent_color, on_accent=_on(cfg.accent_color), contact=cfg.contact.strip(),
                 client=cfg.client.strip(), tool_branding=cfg.tool_branding)
