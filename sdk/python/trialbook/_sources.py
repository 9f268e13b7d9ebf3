"""Code lineage beyond the commit: which files git does not hold as they ran, and the entry script (or notebook)
stored by content hash in `.trialbook/sources/<sha256>` when git does not hold it (untracked, modified, no
repository). One copy per content: a hundred runs of the same untracked script store it once."""
import hashlib
import os
import subprocess
import tempfile

#: Entry files larger than this are hashed but not stored (docs/event-format.md, "Captured sources").
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: At most this many paths in each of `untracked` and `modified` (sorted; `files_truncated` says when cut).
MAX_LISTED_FILES = 1000
_CHUNK = 1024 * 1024


def parse_status(output):
    """`git status --porcelain=v1 -z` output → (modified, untracked) path lists (repository-relative)."""
    modified, untracked = [], []
    parts = output.split(b"\0")
    i = 0
    while i < len(parts):
        entry = parts[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2].decode("ascii", "replace"), entry[3:].decode("utf-8", "surrogateescape")
        if code[0] in "RC":
            i += 1  # a rename or copy is followed by its original path
        if _in_trialbook_folder(path):
            continue
        if code == "??":
            untracked.append(path)
        elif code != "!!":
            modified.append(path)
    return sorted(modified), sorted(untracked)


def _in_trialbook_folder(path):
    return ".trialbook" in path.rstrip("/").split("/")


def working_tree(git, root):
    """{"modified", "untracked", "files_truncated"?}: every file that differs from HEAD, by name. Untracked folders
    are listed file by file; when that takes longer than git's time limit, git's folder summary is used instead."""
    try:
        out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", max_bytes=True)
        collapsed = False
    except subprocess.TimeoutExpired:
        out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=normal", max_bytes=True)
        collapsed = True
    if out is None:
        return None
    modified, untracked = parse_status(out)
    info = {"modified": modified[:MAX_LISTED_FILES], "untracked": untracked[:MAX_LISTED_FILES]}
    if collapsed or len(modified) > MAX_LISTED_FILES or len(untracked) > MAX_LISTED_FILES:
        info["files_truncated"] = True
    return info


def entry_state(git, root, rel):
    """How git holds one file: "untracked", "ignored", "added" (staged, not in HEAD), "modified", or None (as
    committed)."""
    out = git(root, "status", "--porcelain=v1", "-z", "--ignored=matching", "--untracked-files=all", "--",
              ":(literal)" + rel, max_bytes=True)
    if not out:
        return None
    code = out[:2].decode("ascii", "replace")
    if code == "??":
        return "untracked"
    if code == "!!":
        return "ignored"
    if code[0] == "A":
        return "added"
    return "modified"


def capture_source(path, state, trialbook_dir):
    """The `sources` entry for one file, and a warning when it could not be stored whole."""
    digest = hashlib.sha256()
    size = 0
    head = bytearray()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            digest.update(block)
            size += len(block)
            if size <= MAX_SOURCE_BYTES:
                head += block
    sha = digest.hexdigest()
    entry = {"path": path, "state": state, "sha256": sha, "size": size}
    if size > MAX_SOURCE_BYTES:
        return entry, ("%s is %.1f MiB, over the %d MiB cap for captured sources: its hash is recorded, its content "
                       "is not stored" % (path, size / 1048576.0, MAX_SOURCE_BYTES // 1048576))
    folder = os.path.join(trialbook_dir, "sources")
    target = os.path.join(folder, sha)
    if not os.path.exists(target):
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(bytes(head))
            os.replace(tmp, target)  # atomic: readers never see half a source
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    entry["stored"] = "sources/" + sha
    return entry, None
