"""The heatmap colour scale, shared by the desktop app and the PDF.

A sequential, colour-blind-safe scale (a pale cream for no evidence, then the
viridis ramp from yellow to deep blue), picked by how a count compares with the
coverage target. Every cell also prints its number, and the text colour is
chosen for contrast, so colour is never the only cue. Pure Python: both Qt and
reportlab take the hex strings.
"""

from __future__ import annotations

from dataclasses import dataclass

# Lightest to darkest. Index 0 is "linked but no evidence yet" (a gap).
SCALE: tuple[str, ...] = (
    "#FBF3D0",  # 0: no evidence
    "#FDE725",  # 1: some evidence, below target
    "#7AD151",  # 2: target met
    "#22A884",  # 3: twice the target
    "#2A788E",  # 4: three times
    "#414487",  # 5: four times or more
)

DARK_TEXT = "#111111"
LIGHT_TEXT = "#FFFFFF"
MIN_CONTRAST = 4.5  # WCAG AA for normal text


@dataclass(frozen=True)
class NotApplicableStyle:
    """How a cell the framework does not link is drawn: blank, hatched, no number."""

    fill: str = "#FFFFFF"
    hatch: str = "#C9C9C9"
    border: str = "#DDDDDD"
    label: str = ""


NOT_APPLICABLE = NotApplicableStyle()


def level_for(count: int, target: int) -> int:
    """Which step of ``SCALE`` a count falls on, for a target of ``target`` items."""
    target = max(1, target)
    if count <= 0:
        return 0
    if count < target:
        return 1
    return min(len(SCALE) - 1, 2 + (count - target) // target)


def colour_for(count: int, target: int) -> tuple[str, str]:
    """(fill colour, text colour) for a linked cell holding ``count`` items."""
    fill = SCALE[level_for(count, target)]
    return fill, text_colour_on(fill)


def legend(target: int) -> tuple[tuple[str, str, str], ...]:
    """(label, fill, text colour) for each step of the scale at this target."""
    target = max(1, target)
    labels = ["0"]
    labels.append("1" if target == 2 else f"1–{target - 1}" if target > 1 else "")
    for step in range(2, len(SCALE)):
        low = target * (step - 1)
        last = step == len(SCALE) - 1
        high = low + target - 1
        labels.append(f"{low}+" if last else (str(low) if high == low else f"{low}–{high}"))
    return tuple(
        (label, fill, text_colour_on(fill))
        for label, fill in zip(labels, SCALE, strict=True)
        if label
    )


def text_colour_on(fill: str) -> str:
    """Dark or light text, whichever reads better on ``fill``."""
    dark = contrast_ratio(fill, DARK_TEXT)
    light = contrast_ratio(fill, LIGHT_TEXT)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two ``#RRGGBB`` colours (1 to 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    high, low = max(la, lb), min(la, lb)
    return (high + 0.05) / (low + 0.05)


def relative_luminance(colour: str) -> float:
    red, green, blue = hex_to_rgb(colour)

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
