"""Run ids (time-sortable, unique across machines) and friendly default run names."""
import hashlib
import os
import time

_ADJECTIVES = (
    "brave", "calm", "clever", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lively",
    "lucky", "mighty", "noble", "proud", "quick", "quiet", "rapid", "shiny", "silent", "smart",
    "snowy", "solar", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty",
    "young", "zesty",
)
_ANIMALS = (
    "otter", "badger", "beaver", "bison", "crane", "dingo", "eagle", "falcon", "ferret", "gecko",
    "heron", "ibex", "jaguar", "koala", "lemur", "lynx", "marmot", "moose", "newt", "ocelot",
    "panda", "puffin", "quail", "raven", "salmon", "seal", "tapir", "tiger", "walrus", "wombat",
    "yak", "zebra",
)


def new_run_id(now=None):
    """`<UTC yyyymmdd>T<hhmmss><mmm>-<10 hex>` as docs/event-format.md specifies."""
    now = time.time() if now is None else now
    ms = int(now * 1000) % 1000
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
    return "%s%03d-%s" % (stamp, ms, os.urandom(5).hex())


def default_name(run_id, number=None):
    """Adjective-animal, deterministic from the id, then the run's number in its folder (as W&B's
    `brave-otter-12`): 1,024 word pairs alone collide within a few dozen runs; the number keeps names
    apart and says how many runs came before."""
    digest = hashlib.sha256(run_id.encode("utf-8")).digest()
    words = "%s-%s" % (_ADJECTIVES[digest[0] % len(_ADJECTIVES)], _ANIMALS[digest[1] % len(_ANIMALS)])
    return words if number is None else "%s-%d" % (words, number)


def run_number(root):
    """1 + the runs already in `<root>/runs` (cheap: one directory listing; 1 when it cannot be read)."""
    try:
        return 1 + sum(1 for entry in os.scandir(os.path.join(root, "runs")) if entry.is_dir())
    except OSError:
        return 1
