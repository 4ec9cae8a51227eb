"""Static export: files appear whole or not at all, and are rewritten only when bytes change.

Documents that are polled (current feeds, pages, the index) get a `.gz` twin for nginx's
`gzip_static`. Archive pages do not: a reader fetches each once, when it first walks a feed's
history, while a full rebuild of a 100,000-story feed would spend 7 of its ~20 ms per page
compressing them (bench/render_change.py); nginx compresses those few requests on the fly
(`gzip on` in README's block) and zonefeed's own server compresses whatever it serves.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from feeds.paths import is_archive_page

# zlib's own default: a third faster than gzip's 9 for 0.5% more bytes
GZIP_LEVEL = 6


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via temp file + os.replace; return False when it was already there."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o644)  # mkstemp makes 0600; a web server's user must be able to read it
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return True


def publish(public_dir: Path, relative: str, data: bytes) -> bool:
    """Export one file, with its .gz twin (for nginx gzip_static) unless it is an archive page;
    True when it changed. An archive page loses any twin an older version wrote, so nginx
    never serves stale compressed bytes beside new ones."""
    target = public_dir / relative
    changed = write_atomically(target, data)
    twin_path = target.with_name(target.name + ".gz")
    if is_archive_page(relative):
        twin_path.unlink(missing_ok=True)
    elif changed or not twin_path.exists():
        write_atomically(twin_path, gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    return changed
