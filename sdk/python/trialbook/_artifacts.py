"""Artifact hashing: a file's SHA-256, or for a folder the SHA-256 of its manifest
(sorted lines `<sha256>  <relative path>\\n`, as docs/event-format.md specifies)."""
import hashlib
import os
import shutil

_CHUNK = 1024 * 1024


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def describe(path):
    """(size, sha256, files) for a file or folder; files is None for a single file."""
    if os.path.isfile(path):
        return os.path.getsize(path), file_sha256(path), None
    lines = []
    size = 0
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        for name in names:
            full = os.path.join(folder, name)
            if not os.path.isfile(full):
                continue  # sockets, broken links
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            size += os.path.getsize(full)
            lines.append("%s  %s\n" % (file_sha256(full), rel))
    lines.sort()
    manifest = "".join(lines).encode("utf-8", "surrogateescape")
    return size, hashlib.sha256(manifest).hexdigest(), len(lines)


def copy_into(src, dest_dir, name):
    os.makedirs(dest_dir, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "artifact"
    dest = os.path.join(dest_dir, safe)
    if os.path.isdir(src):
        if os.path.exists(dest):
            shutil.rmtree(dest)
        shutil.copytree(src, dest)
    else:
        shutil.copy2(src, dest)
    return dest
