"""A tile map of the UK regions: one square each, shaded by how many Care Makers are active.

Counts only: nobody is placed on the map. The page also shows the same numbers as a table.
"""

from accounts.choices import Region

TILE, GAP = 200, 12
# (column, row) laid out roughly as the regions sit on a map of the UK.
POSITIONS = {
    Region.SCOTLAND: (1, 0),
    Region.NORTHERN_IRELAND: (0, 1),
    Region.NORTH_WEST: (1, 1),
    Region.NORTH_EAST_AND_YORKSHIRE: (2, 1),
    Region.WALES: (0, 2),
    Region.MIDLANDS: (1, 2),
    Region.EAST_OF_ENGLAND: (2, 2),
    Region.SOUTH_WEST: (0, 3),
    Region.SOUTH_EAST: (1, 3),
    Region.LONDON: (2, 3),
}
# Light to darker blue; dark text stays readable on every shade.
SHADES = ["#f0f4f5", "#d6e6f5", "#aecdec", "#86b4e2"]
SIZE = {"width": 3 * TILE + 2 * GAP, "height": 4 * TILE + 3 * GAP}


def _lines(label: str) -> list[str]:
    words = label.split()
    if len(label) <= 14 or len(words) == 1:
        return [label]
    middle = (len(words) + 1) // 2
    return [" ".join(words[:middle]), " ".join(words[middle:])]


def region_map(rows: list[dict]) -> dict:
    top = max([row["count"] for row in rows] + [0])
    tiles = []
    for row in rows:
        column, line = POSITIONS[row["value"]]
        shade = 0 if not row["count"] else 1 + min(2, (row["count"] * 3 - 1) // max(top, 1))
        x, y = column * (TILE + GAP), line * (TILE + GAP)
        labels = _lines(row["label"])
        tiles.append(
            {
                **row,
                "x": x,
                "y": y,
                "fill": SHADES[shade],
                "cx": x + TILE // 2,
                "label_lines": [{"text": text, "y": y + 60 + i * 26} for i, text in enumerate(labels)],
                "count_y": y + 150,
            }
        )
    return {"tiles": tiles, "tile": TILE, **SIZE}
