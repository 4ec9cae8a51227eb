"""What the static export beside it shows, so the next render redoes only what changed.

Kept as one JSON file next to `public/` (not in the store): it describes that export, and a
wiped or new export simply has none, which makes the next render a full one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from feeds.publish import write_atomically
from feeds.tally import Tally


@dataclass
class FeedShown:
    """One feed as last rendered: the newest update it shows and how many stories it holds."""

    updated: str | None  # ISO time of the newest entry of the current document
    tally: Tally


@dataclass
class RenderState:
    stamp: str  # digest of the config and render revision the export was made with
    mark: int  # the newest story change it shows
    feeds: dict[str, FeedShown] = field(default_factory=dict)
    regions: dict[str, Tally] = field(default_factory=dict)  # stories per region (index page)
    all_failing: bool = False  # the index says every source is failing

    @classmethod
    def load(cls, path: Path) -> RenderState | None:
        """The state on disk, or None when there is none (or it is unreadable: render afresh)."""
        try:
            raw = json.loads(path.read_text())
            return cls(raw["stamp"], int(raw["mark"]),
                       {k: FeedShown(v["updated"], Tally(**v["tally"])) for k, v in raw["feeds"].items()},
                       {k: Tally(**v) for k, v in raw["regions"].items()}, bool(raw.get("all_failing")))
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def save(self, path: Path) -> None:
        write_atomically(path, json.dumps(asdict(self), separators=(",", ":")).encode())
