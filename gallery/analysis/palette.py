"""The palette that names colours: the 148 CSS named colours and eleven basic families.

Names come from CSS Color Module Level 4 (all 148 keywords, both ``gray`` and ``grey`` spellings; ties
resolve to ``grey``). A colour is named after the CSS colour nearest to it in CIELAB (CIE76 distance,
sRGB with a D65 white), which tracks how different two colours look far better than RGB distance.

Families are a coarser vocabulary used for auto tags and filters: red, orange, yellow, green, blue,
purple, pink, brown, black, grey, white. The rule, applied in this order:

1. Achromatic: Lab chroma C* below 10, or L* below 12 (too dark for hue to show), or L* above 95 with
   C* below 20 (a tinted white). Then black when L* < 25, white when L* > 85, otherwise grey.
2. Otherwise by HSL hue in degrees: red [345, 15), orange [15, 45), yellow [45, 70), green [70, 170),
   blue [170, 260), purple [260, 320), pink [320, 345).
3. Adjustments by HSL saturation s and lightness l (both 0..1):
   - red with l >= 0.75, or purple with l >= 0.8, is pink (``pink``, ``lavenderblush``);
   - orange with l < 0.45, or with s < 0.65 and l < 0.7, is brown (``saddlebrown``, ``darkgoldenrod``,
     ``peru``, ``tan``);
   - yellow with l < 0.3 and hue below 55 is brown (a dark mustard);
   - red with l < 0.45 and s < 0.65 is brown (``brown`` itself, a dull dark red; ``maroon`` stays red).

A photo belongs to a family when that family's dominant colours together cover at least
`FAMILY_MIN_SHARE` (10%) of its pixels: two blues of 12% and 11% make a 23%-blue photo. This one rule
makes the automatic tags, the gallery's colour filter and its counts, the recommender's reasons and
the simulated users' tastes. `photo_families` applies it; a photo's families are stored with its
colours (`Image.colour_families`, written by `families_field`), so the gallery's colour filter and
counts read one column instead of adding up colours on every request.

Why 10%: on the 136 sample photos it gives 2.6 families a photo (15%: 2.2, 20%: 1.9), and a tenth of
the frame is a colour a viewer notices (a strip of sky, a red coat) while specks stay out. Adding up
a family's colours matters: 162 of the 436 families seen there are split over two or more of the five
palette colours. Automatic tags were already made at 10%, so stored tags stay true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt

FAMILIES: Final = (
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "grey",
    "white",
)

# A photo is in a family when the family covers at least this share of its pixels (see above).
FAMILY_MIN_SHARE: Final = 0.10


def family_shares(colours: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Each family's share of the pixels, from (family, share) palette entries; two blues add up."""
    shares: dict[str, float] = defaultdict(float)
    for family, share in colours:
        shares[family] += float(share)
    return dict(shares)


def photo_families(colours: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The families a photo belongs to, with their shares, strongest first (ties by name)."""
    shares = family_shares(colours)
    kept = [(family, share) for family, share in shares.items() if share >= FAMILY_MIN_SHARE]
    return dict(sorted(kept, key=lambda item: (-item[1], item[0])))


def families_field(colours: Iterable[tuple[str, float]]) -> str:
    """A photo's families (`photo_families`) as `Image.colour_families` stores them: each name
    between spaces, " blue grey ", so that `family_token` never matches part of a longer name;
    "" for a photo in no family."""
    families = photo_families(colours)
    return f" {' '.join(families)} " if families else ""


def family_token(family: str) -> str:
    """What a stored `families_field` holds when the photo is in `family`."""
    return f" {family} "


def families_in_field(value: str) -> list[str]:
    """The families a stored `families_field` names."""
    return value.split()


# (name, hex) for every CSS named colour.
CSS_COLOURS: Final[tuple[tuple[str, str], ...]] = (
    ("aliceblue", "#f0f8ff"),
    ("antiquewhite", "#faebd7"),
    ("aqua", "#00ffff"),
    ("aquamarine", "#7fffd4"),
    ("azure", "#f0ffff"),
    ("beige", "#f5f5dc"),
    ("bisque", "#ffe4c4"),
    ("black", "#000000"),
    ("blanchedalmond", "#ffebcd"),
    ("blue", "#0000ff"),
    ("blueviolet", "#8a2be2"),
    ("brown", "#a52a2a"),
    ("burlywood", "#deb887"),
    ("cadetblue", "#5f9ea0"),
    ("chartreuse", "#7fff00"),
    ("chocolate", "#d2691e"),
    ("coral", "#ff7f50"),
    ("cornflowerblue", "#6495ed"),
    ("cornsilk", "#fff8dc"),
    ("crimson", "#dc143c"),
    ("cyan", "#00ffff"),
    ("darkblue", "#00008b"),
    ("darkcyan", "#008b8b"),
    ("darkgoldenrod", "#b8860b"),
    ("darkgray", "#a9a9a9"),
    ("darkgreen", "#006400"),
    ("darkgrey", "#a9a9a9"),
    ("darkkhaki", "#bdb76b"),
    ("darkmagenta", "#8b008b"),
    ("darkolivegreen", "#556b2f"),
    ("darkorange", "#ff8c00"),
    ("darkorchid", "#9932cc"),
    ("darkred", "#8b0000"),
    ("darksalmon", "#e9967a"),
    ("darkseagreen", "#8fbc8f"),
    ("darkslateblue", "#483d8b"),
    ("darkslategray", "#2f4f4f"),
    ("darkslategrey", "#2f4f4f"),
    ("darkturquoise", "#00ced1"),
    ("darkviolet", "#9400d3"),
    ("deeppink", "#ff1493"),
    ("deepskyblue", "#00bfff"),
    ("dimgray", "#696969"),
    ("dimgrey", "#696969"),
    ("dodgerblue", "#1e90ff"),
    ("firebrick", "#b22222"),
    ("floralwhite", "#fffaf0"),
    ("forestgreen", "#228b22"),
    ("fuchsia", "#ff00ff"),
    ("gainsboro", "#dcdcdc"),
    ("ghostwhite", "#f8f8ff"),
    ("gold", "#ffd700"),
    ("goldenrod", "#daa520"),
    ("gray", "#808080"),
    ("green", "#008000"),
    ("greenyellow", "#adff2f"),
    ("grey", "#808080"),
    ("honeydew", "#f0fff0"),
    ("hotpink", "#ff69b4"),
    ("indianred", "#cd5c5c"),
    ("indigo", "#4b0082"),
    ("ivory", "#fffff0"),
    ("khaki", "#f0e68c"),
    ("lavender", "#e6e6fa"),
    ("lavenderblush", "#fff0f5"),
    ("lawngreen", "#7cfc00"),
    ("lemonchiffon", "#fffacd"),
    ("lightblue", "#add8e6"),
    ("lightcoral", "#f08080"),
    ("lightcyan", "#e0ffff"),
    ("lightgoldenrodyellow", "#fafad2"),
    ("lightgray", "#d3d3d3"),
    ("lightgreen", "#90ee90"),
    ("lightgrey", "#d3d3d3"),
    ("lightpink", "#ffb6c1"),
    ("lightsalmon", "#ffa07a"),
    ("lightseagreen", "#20b2aa"),
    ("lightskyblue", "#87cefa"),
    ("lightslategray", "#778899"),
    ("lightslategrey", "#778899"),
    ("lightsteelblue", "#b0c4de"),
    ("lightyellow", "#ffffe0"),
    ("lime", "#00ff00"),
    ("limegreen", "#32cd32"),
    ("linen", "#faf0e6"),
    ("magenta", "#ff00ff"),
    ("maroon", "#800000"),
    ("mediumaquamarine", "#66cdaa"),
    ("mediumblue", "#0000cd"),
    ("mediumorchid", "#ba55d3"),
    ("mediumpurple", "#9370db"),
    ("mediumseagreen", "#3cb371"),
    ("mediumslateblue", "#7b68ee"),
    ("mediumspringgreen", "#00fa9a"),
    ("mediumturquoise", "#48d1cc"),
    ("mediumvioletred", "#c71585"),
    ("midnightblue", "#191970"),
    ("mintcream", "#f5fffa"),
    ("mistyrose", "#ffe4e1"),
    ("moccasin", "#ffe4b5"),
    ("navajowhite", "#ffdead"),
    ("navy", "#000080"),
    ("oldlace", "#fdf5e6"),
    ("olive", "#808000"),
    ("olivedrab", "#6b8e23"),
    ("orange", "#ffa500"),
    ("orangered", "#ff4500"),
    ("orchid", "#da70d6"),
    ("palegoldenrod", "#eee8aa"),
    ("palegreen", "#98fb98"),
    ("paleturquoise", "#afeeee"),
    ("palevioletred", "#db7093"),
    ("papayawhip", "#ffefd5"),
    ("peachpuff", "#ffdab9"),
    ("peru", "#cd853f"),
    ("pink", "#ffc0cb"),
    ("plum", "#dda0dd"),
    ("powderblue", "#b0e0e6"),
    ("purple", "#800080"),
    ("rebeccapurple", "#663399"),
    ("red", "#ff0000"),
    ("rosybrown", "#bc8f8f"),
    ("royalblue", "#4169e1"),
    ("saddlebrown", "#8b4513"),
    ("salmon", "#fa8072"),
    ("sandybrown", "#f4a460"),
    ("seagreen", "#2e8b57"),
    ("seashell", "#fff5ee"),
    ("sienna", "#a0522d"),
    ("silver", "#c0c0c0"),
    ("skyblue", "#87ceeb"),
    ("slateblue", "#6a5acd"),
    ("slategray", "#708090"),
    ("slategrey", "#708090"),
    ("snow", "#fffafa"),
    ("springgreen", "#00ff7f"),
    ("steelblue", "#4682b4"),
    ("tan", "#d2b48c"),
    ("teal", "#008080"),
    ("thistle", "#d8bfd8"),
    ("tomato", "#ff6347"),
    ("turquoise", "#40e0d0"),
    ("violet", "#ee82ee"),
    ("wheat", "#f5deb3"),
    ("white", "#ffffff"),
    ("whitesmoke", "#f5f5f5"),
    ("yellow", "#ffff00"),
    ("yellowgreen", "#9acd32"),
)

# D65 reference white for sRGB, in XYZ.
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)


def _linearise(c: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Undo the sRGB transfer curve: 0..1 encoded values to 0..1 linear light."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# Pixels are 8-bit, so a 256-entry table replaces the costly power function for them.
_LINEAR_FROM_BYTE: Final = _linearise(np.arange(256) / 255.0)


def srgb_to_lab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Convert sRGB colours (0..255, shape (..., 3)) to CIELAB (L* 0..100) under D65."""
    array = np.asarray(rgb)
    if array.dtype == np.uint8:
        linear = _LINEAR_FROM_BYTE[array]
    else:
        linear = _linearise(array.astype(np.float64) / 255.0)
    xyz = linear @ _SRGB_TO_XYZ.T / _WHITE_D65
    epsilon = 216 / 24389
    kappa = 24389 / 27
    f = np.where(xyz > epsilon, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lightness = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# Spellings with "gray" go last so that equal distances name the colour "grey".
_ORDERED = sorted(CSS_COLOURS, key=lambda item: "gray" in item[0])
_CSS_NAMES: Final = [name for name, _ in _ORDERED]
_CSS_LAB: Final = srgb_to_lab([hex_to_rgb(value) for _, value in _ORDERED])


def nearest_css_name(rgb: tuple[int, int, int]) -> str:
    """The CSS colour name nearest to `rgb` in CIELAB."""
    distances = np.linalg.norm(_CSS_LAB - srgb_to_lab(rgb), axis=1)
    return _CSS_NAMES[int(np.argmin(distances))]


def colour_family(rgb: tuple[int, int, int]) -> str:
    """The basic family of `rgb`, by the rule in this module's docstring."""
    lightness_star, a, b = (float(v) for v in srgb_to_lab(rgb))
    chroma = float(np.hypot(a, b))
    if chroma < 10 or lightness_star < 12 or (lightness_star > 95 and chroma < 20):
        if lightness_star < 25:
            return "black"
        if lightness_star > 85:
            return "white"
        return "grey"
    hue, saturation, lightness = _hsl(rgb)
    family = _hue_band(hue)
    if (family == "red" and lightness >= 0.75) or (family == "purple" and lightness >= 0.8):
        return "pink"
    if family == "orange" and (lightness < 0.45 or (saturation < 0.65 and lightness < 0.7)):
        return "brown"
    if family == "yellow" and lightness < 0.3 and hue < 55:
        return "brown"
    if family == "red" and lightness < 0.45 and saturation < 0.65:
        return "brown"
    return family


_HUE_BANDS: Final = (
    (15.0, "red"),
    (45.0, "orange"),
    (70.0, "yellow"),
    (170.0, "green"),
    (260.0, "blue"),
    (320.0, "purple"),
    (345.0, "pink"),
    (360.0, "red"),
)


def _hue_band(hue: float) -> str:
    for upper, family in _HUE_BANDS:
        if hue < upper:
            return family
    return "red"


def _hsl(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """Hue in degrees [0, 360), saturation and lightness in 0..1."""
    r, g, b = (channel / 255.0 for channel in rgb)
    high, low = max(r, g, b), min(r, g, b)
    lightness = (high + low) / 2
    delta = high - low
    if delta == 0:
        return 0.0, 0.0, lightness
    saturation = delta / (1 - abs(2 * lightness - 1))
    if high == r:
        hue = 60 * (((g - b) / delta) % 6)
    elif high == g:
        hue = 60 * ((b - r) / delta + 2)
    else:
        hue = 60 * ((r - g) / delta + 4)
    return hue % 360, saturation, lightness


# The words CSS colour names are made of ("mediumturquoise" is "medium turquoise"), so a name can be
# shown as words and wrap between them instead of overflowing its swatch.
_NAME_WORDS: Final = frozenset(
    [
        "alice",
        "almond",
        "antique",
        "aqua",
        "aquamarine",
        "blanched",
        "blue",
        "blush",
        "brick",
        "brown",
        "burly",
        "cadet",
        "chiffon",
        "coral",
        "cornflower",
        "cream",
        "cyan",
        "dark",
        "deep",
        "dim",
        "dodger",
        "drab",
        "floral",
        "forest",
        "ghost",
        "golden",
        "goldenrod",
        "gray",
        "green",
        "grey",
        "honeydew",
        "hot",
        "indian",
        "khaki",
        "lace",
        "lavender",
        "lawn",
        "lemon",
        "light",
        "lime",
        "magenta",
        "marine",
        "medium",
        "midnight",
        "mint",
        "misty",
        "navajo",
        "navy",
        "old",
        "olive",
        "orange",
        "orchid",
        "pale",
        "papaya",
        "peach",
        "pink",
        "powder",
        "puff",
        "purple",
        "rebecca",
        "red",
        "rod",
        "rose",
        "rosy",
        "royal",
        "saddle",
        "salmon",
        "sandy",
        "sea",
        "seashell",
        "shell",
        "sky",
        "slate",
        "smoke",
        "spring",
        "steel",
        "turquoise",
        "violet",
        "white",
        "whip",
        "wood",
        "yellow",
    ]
)


def colour_words(name: str) -> str:
    """A CSS colour name split into its words ("darkolivegreen" -> "dark olive green"); a name that
    does not split into known words is returned as it is."""
    # best[i]: the fewest words that spell name[:i], or None when it cannot be spelt.
    best: list[list[str] | None] = [[]] + [None] * len(name)
    for end in range(1, len(name) + 1):
        for start in range(end):
            head, word = best[start], name[start:end]
            if head is not None and word in _NAME_WORDS:
                candidate = [*head, word]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    words = best[len(name)]
    return " ".join(words) if words else name
