"""Draw favicon.ico and apple-touch-icon.png from the logo mark (static/alliances/favicon.svg).

Run once after changing the mark: `.venv/bin/python scripts/make_favicon.py`. Pillow cannot
read SVG, so the same geometry is drawn here at 8x and scaled down (smooth edges).
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "alliances/common/static/alliances"
BRAND, WHITE, MINT = "#0d4f8b", "#ffffff", "#7fd6c8"


def mark(size: int) -> Image.Image:
    scale = size * 8 / 32
    big = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle((0, 0, size * 8 - 1, size * 8 - 1), radius=8 * scale, fill=BRAND)

    def ring(cx: float, colour: str, start: float = 0, end: float = 360) -> None:
        r, w = 6.25 * scale, 3 * scale
        box = (
            cx * scale - r - w / 2,
            16 * scale - r - w / 2,
            cx * scale + r + w / 2,
            16 * scale + r + w / 2,
        )
        draw.arc(box, start, end, fill=colour, width=round(w))

    ring(12.5, WHITE)
    ring(19.5, MINT)
    ring(12.5, WHITE, 300, 360)  # the white ring passes over the mint one: they interlock
    return big.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    mark(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    mark(180).convert("RGB").save(STATIC / "apple-touch-icon.png")
    print("written", STATIC / "favicon.ico", STATIC / "apple-touch-icon.png")
