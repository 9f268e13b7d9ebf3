"""A tiny PEP 517 build backend using only the standard library.

pip builds in an isolated environment and would download setuptools for the usual
backends; this one needs nothing (`requires = []`), so `pip install ./sdk/python`
works offline. It builds a pure-Python wheel (py3-none-any), an sdist, and an
editable wheel (PEP 660, a .pth file pointing at this folder).
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "trialbook"
SUMMARY = "Track ML runs (params, metrics, artifacts, lineage) into a workspace's .trialbook folder for the Trialbook VS Code extension"
REQUIRES_PYTHON = ">=3.8"
# Reproducible archives: SOURCE_DATE_EPOCH when set, else the ZIP epoch.
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))


def _version():
    with open(os.path.join(ROOT, NAME, "_version.py"), encoding="utf-8") as handle:
        match = re.search(r'__version__\s*=\s*"([^"]+)"', handle.read())
    if not match:
        raise RuntimeError("trialbook/_version.py has no __version__")
    return match.group(1)


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    return (
        "Metadata-Version: 2.1\n"
        "Name: %s\n"
        "Version: %s\n"
        "Summary: %s\n"
        "License: MIT\n"
        "Requires-Python: %s\n"
        "Classifier: Programming Language :: Python :: 3\n"
        "Classifier: Topic :: Scientific/Engineering :: Artificial Intelligence\n"
        "Description-Content-Type: text/markdown\n"
        "\n%s" % (NAME, _version(), SUMMARY, REQUIRES_PYTHON, readme))


def _package_files():
    files = []
    for folder, dirs, names in os.walk(os.path.join(ROOT, NAME)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".typed")):
                full = os.path.join(folder, name)
                files.append((os.path.relpath(full, ROOT).replace(os.sep, "/"), full))
    return files


def _dist_info():
    return "%s-%s.dist-info" % (NAME, _version())


def _wheel_name():
    return "%s-%s-py3-none-any.whl" % (NAME, _version())


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d\n" % (arcname, digest, len(data))


def _write_wheel(directory, entries):
    """entries: list of (arcname, bytes). Adds WHEEL, METADATA and RECORD."""
    info = _dist_info()
    entries = list(entries) + [
        ("%s/METADATA" % info, _metadata().encode("utf-8")),
        ("%s/WHEEL" % info, ("Wheel-Version: 1.0\nGenerator: trialbook_build\nRoot-Is-Purelib: true\n"
                             "Tag: py3-none-any\n").encode("utf-8")),
    ]
    record = "".join(_record_line(name, data) for name, data in entries) + "%s/RECORD,,\n" % info
    entries.append(("%s/RECORD" % info, record.encode("utf-8")))
    path = os.path.join(directory, _wheel_name())
    stamp = time.gmtime(max(EPOCH, 315532800))[:6]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            item = zipfile.ZipInfo(name, stamp)
            item.external_attr = 0o644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(item, data)
    return os.path.basename(path)


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


# -- PEP 517 hooks ---------------------------------------------------------------------
def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, _dist_info())
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as handle:
        handle.write(_metadata())
    return _dist_info()


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(arc, _read(full)) for arc, full in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [("_trialbook_editable.pth", (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, _version())
    members = [(arc, full) for arc, full in _package_files()]
    for extra in ("pyproject.toml", "README.md", "_build/trialbook_build.py"):
        members.append((extra, os.path.join(ROOT, extra)))
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        def add(name, data):
            item = tarfile.TarInfo("%s/%s" % (base, name))
            item.size = len(data)
            item.mtime = EPOCH
            item.mode = 0o644
            archive.addfile(item, io.BytesIO(data))
        add("PKG-INFO", _metadata().encode("utf-8"))
        for arc, full in members:
            add(arc, _read(full))
    return os.path.basename(path)
