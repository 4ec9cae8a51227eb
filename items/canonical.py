"""Which appearance is a story's face: its title, link and publish time in every feed.

The original publisher's appearance when the others credit its site as 来源; else the earliest,
where "earliest" has to survive how re-posts are dated. A date known only to the day (stored
at its midnight) is less precise, not earlier: it stands for the whole day, so a timed
appearance of that same day goes first, unless that timed one shows itself to be a re-post of
the day-only one (a line the other lacks credits someone else or is an editor's note of
re-posting: `来源：…`, `（本网编辑整理）`). And an appearance whose title is another's plus a
label or a site's name (`转载｜…`, `巫山工业园区：…`) within a day of it is a re-post, whatever
its date says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from store.match_tx import CanonicalCandidate
from text.credit import EDGE_LINES, MIN_NAME_CHARS, says_reposted
from text.titles import title_key

REPOST_WINDOW = timedelta(days=1)  # a re-post's title label is evidence only this close to the other
DAY = timedelta(days=1)
# appearance ids -> the lines of their body (items.matchtext.article_lines)
TextsOf = Callable[[Sequence[int]], dict[int, list[str]]]

ORIGINAL_PUBLISHER = "original publisher: the others credit its site as 来源"
EARLIEST = "earliest appearance (no original publisher among them; a day-only date counts as its whole day)"


def choose(members: Sequence[CanonicalCandidate], texts: TextsOf) -> tuple[CanonicalCandidate, str]:
    """The story's canonical appearance among its `members` (not empty), and the rule that chose it."""
    ranked = sorted(members, key=_rank)
    credited = original_publisher(ranked)
    if credited is not None:
        return credited, ORIGINAL_PUBLISHER
    return _first_not_a_repost(ranked, texts), EARLIEST


def _rank(member: CanonicalCandidate) -> tuple[datetime, bool, datetime, str, str]:
    """Time order where a day-only date counts at the end of its day: every timed appearance
    of that day ranks before it, and it still ranks before anything of a later day."""
    ends = member.published_at + DAY if member.date_is_day else member.published_at
    return ends, member.date_is_day, member.published_at, member.source_id, member.item_key


def earliest_face(members: Sequence[CanonicalCandidate], texts: TextsOf) -> CanonicalCandidate:
    """The earliest member by `_rank`, passing over a re-post: one whose title extends a
    member's title within REPOST_WINDOW, or a timed one that ranks before a day-only member of
    its day (only because the other's date is vaguer) while its body marks it a re-post in a
    line the other lacks. Texts are read only in that second case, which is rare.

    A body that merely has more than the other's is no evidence: originals carry furniture of
    their own (`点击“阅读原文”了解更多`) as often as re-posts add a line."""
    return _first_not_a_repost(sorted(members, key=_rank), texts)


def _first_not_a_repost(ranked: list[CanonicalCandidate], texts: TextsOf) -> CanonicalCandidate:
    """earliest_face over members already in `_rank` order."""
    keys = {m.id: title_key(m.title) for m in ranked}

    def extends_a_neighbours_title(member: CanonicalCandidate) -> bool:
        own = keys[member.id]
        return any(keys[o.id] and keys[o.id] != own and keys[o.id] in own
                   and abs(o.published_at - member.published_at) <= REPOST_WINDOW for o in ranked)

    def reposts_a_vaguer_neighbour(member: CanonicalCandidate) -> bool:
        vaguer = [o for o in ranked if o.date_is_day and not member.date_is_day
                  and o.published_at <= member.published_at < o.published_at + DAY]
        if not vaguer:
            return False
        found = texts([member.id, *(o.id for o in vaguer)])
        return any(_marks_itself_a_repost(found.get(member.id, []), found.get(o.id, []), member.source_name)
                   for o in vaguer)

    return next((m for m in ranked if not extends_a_neighbours_title(m) and not reposts_a_vaguer_neighbour(m)),
                ranked[0])


def _marks_itself_a_repost(lines: list[str], other_lines: list[str], site: str) -> bool:
    """Whether a body has, among its first or last EDGE_LINES lines and not in the other body,
    a line that says it re-posts (text.credit.says_reposted)."""
    theirs = {title_key(line) for line in other_lines}
    edges = lines if len(lines) <= 2 * EDGE_LINES else lines[:EDGE_LINES] + lines[-EDGE_LINES:]
    return any(title_key(line) not in theirs and says_reposted(line, site) for line in edges)


def original_publisher(candidates: Sequence[CanonicalCandidate]) -> CanonicalCandidate | None:
    """The appearance on the site that the others credit as their 来源, if we have it.

    A site crediting itself (its own info line says 来源：<its name>) credits nobody else: only
    credits given by other sites count. A credit and a name match when equal or when one
    contains the other and both are at least MIN_NAME_CHARS long. Equality is a set lookup and
    only long credits are scanned: a story reposted by 200 sites made this 40,000 calls per
    ingest."""
    keys: dict[str, str] = {}  # a source's name, once per source
    for candidate in candidates:
        if candidate.source_name not in keys:
            keys[candidate.source_name] = title_key(candidate.source_name)
    credited = {credit for c in candidates if c.publisher
                and not _names_match(credit := title_key(c.publisher), keys[c.source_name])}
    credited.discard("")
    if not credited:
        return None
    long_credits = [credit for credit in credited if len(credit) >= MIN_NAME_CHARS]
    for candidate in candidates:
        name = keys[candidate.source_name]
        if not name:
            continue
        if name in credited or (len(name) >= MIN_NAME_CHARS
                                and any(credit in name or name in credit for credit in long_credits)):
            return candidate
    return None


def _names_match(credit: str, name: str) -> bool:
    return bool(credit and name) and (credit == name or (
        min(len(credit), len(name)) >= MIN_NAME_CHARS and (credit in name or name in credit)))
