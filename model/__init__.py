"""Records that cross rooms: what a source read (raw.py) and what items hand to feeds (stories.py)."""
