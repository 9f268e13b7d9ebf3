"""Automatic lineage for run_start: who ran what, where, from which code.

Every capture is cheap, bounded in time, and swallows its own errors: a missing git,
a hung git, an odd environment must never stop a run from starting.
"""
import getpass
import os
import platform
import re
import socket
import subprocess
import sys

from . import _sources

GIT_TIMEOUT = 3.0
MAX_DIFF_BYTES = 1024 * 1024


def capture_lineage(enabled, run_dir, notebook=None, warn=None):
    lineage = {}
    problems = []

    def guard(name, func):
        try:
            func()
        except Exception as exc:  # each capture is best effort
            problems.append("%s: %s" % (name, exc))

    if "host" in enabled:
        def host():
            lineage["user"] = _user()
            lineage["host"] = socket.gethostname()
            lineage["pid"] = os.getpid()
        guard("host", host)
    # In a kernel, __main__ is ipykernel's launcher: the notebook is the "script".
    script = None
    try:
        script = (notebook or {}).get("path") if notebook is not None else _script_path()
    except Exception:
        pass
    if "command" in enabled:
        def command():
            lineage["argv"] = [str(a) for a in sys.argv]
            if script:
                lineage["script"] = script
            lineage["cwd"] = os.getcwd()
        guard("command", command)
    if "python" in enabled:
        def python():
            lineage["python"] = platform.python_version()
            lineage["platform"] = platform.platform()
        guard("python", python)
    if "git" in enabled:
        def git():
            info = git_info(os.getcwd(), run_dir if "diff" in enabled else None, script=script)
            state = info.pop("entry_state", None) if info else "no-repository"
            if info:
                lineage["git"] = info
            if "source" in enabled and state and script and os.path.isfile(script):
                trialbook_dir = os.path.dirname(os.path.dirname(run_dir))
                entry, warning = _sources.capture_source(os.path.abspath(script), state, trialbook_dir)
                lineage["sources"] = [entry]
                if warning:
                    problems.append("source: " + warning)
        guard("git", git)
    if notebook and "notebook" in enabled:
        lineage["notebook"] = notebook
    if "packages" in enabled:
        guard("packages", lambda: lineage.__setitem__("packages", installed_packages()))
    if problems and warn is not None:
        warn("some lineage could not be captured (%s)" % "; ".join(problems))
    return lineage


def _user():
    try:
        return getpass.getuser()
    except Exception:
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _script_path():
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path:
        return os.path.abspath(path)
    if sys.argv and sys.argv[0] and sys.argv[0] not in ("-c", "-m") and os.path.isfile(sys.argv[0]):
        return os.path.abspath(sys.argv[0])
    return None


def _git(cwd, *args, max_bytes=None):
    proc = subprocess.run(
        ("git",) + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL, timeout=GIT_TIMEOUT,
        env=dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C"))
    if proc.returncode != 0:
        return None
    out = proc.stdout
    return out if max_bytes else out.decode("utf-8", "replace").strip()


def git_info(cwd, run_dir=None, script=None):
    """commit/branch/remote/dirty/root, the files that differ from the commit (`modified`, `untracked`) and the
    script's `path` in the repository; writes diff.patch into run_dir when dirty. The repository is the script's
    (its folder may sit inside another repository than the working directory's), else the working directory's.
    `entry_state` (popped by the caller) says how git holds the script: see _sources.entry_state."""
    if script and os.path.isfile(script):
        cwd = os.path.dirname(os.path.abspath(script))
    try:
        root = _git(cwd, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None  # no git installed, or it hung
    if not root:
        return None
    info = {"root": root}
    commit = _try(lambda: _git(cwd, "rev-parse", "HEAD"))
    if commit:
        info["commit"] = commit
    branch = _try(lambda: _git(cwd, "rev-parse", "--abbrev-ref", "HEAD"))
    if branch:
        info["branch"] = branch
    remote = _try(lambda: _git(cwd, "config", "--get", "remote.origin.url")) or _first_remote(cwd)
    if remote:
        info["remote"] = strip_credentials(remote)
    tree = _try_tree(root)
    if tree is not None:
        info["dirty"] = bool(tree["modified"])  # tracked files changed; untracked ones are listed apart
        info.update(tree)
    if script and os.path.isfile(script):
        rel = os.path.relpath(os.path.realpath(script), os.path.realpath(root)).replace(os.sep, "/")
        if not rel.startswith("../"):
            info["path"] = rel
            try:
                info["entry_state"] = _sources.entry_state(_git, root, rel) if commit else "untracked"
            except (OSError, subprocess.SubprocessError):
                pass
    if info.get("dirty") and run_dir and commit:
        diff = _try(lambda: _git(cwd, "diff", "HEAD", "--no-color", "--no-ext-diff", max_bytes=True))
        if diff:
            truncated = len(diff) > MAX_DIFF_BYTES
            if truncated:
                cut = diff.rfind(b"\n", 0, MAX_DIFF_BYTES)
                diff = diff[: cut + 1 if cut > 0 else MAX_DIFF_BYTES]
            try:
                os.makedirs(run_dir, exist_ok=True)
                with open(os.path.join(run_dir, "diff.patch"), "wb") as handle:
                    handle.write(diff)
                info["diff"] = "diff.patch"
                info["diff_truncated"] = truncated
            except OSError:
                pass
    return info


def _try_tree(root):
    try:
        return _sources.working_tree(_git, root)
    except (OSError, subprocess.SubprocessError):
        return None


def _first_remote(cwd):
    remotes = _try(lambda: _git(cwd, "remote"))
    if not remotes:
        return None
    name = remotes.split()[0]
    return _try(lambda: _git(cwd, "config", "--get", "remote.%s.url" % name))


def _try(func):
    try:
        return func()
    except (OSError, subprocess.SubprocessError):
        return None


_CREDENTIALS = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")


def strip_credentials(url):
    """https://user:token@host/repo → https://host/repo: tokens must not land in logs."""
    return _CREDENTIALS.sub(r"\1", url)


def installed_packages():
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover - Python < 3.8
        return {}
    packages = {}
    for dist in metadata.distributions():
        try:
            name, version = _name_version(dist)
        except Exception:
            continue
        if name and name not in packages:
            packages[name] = version
    return dict(sorted(packages.items(), key=lambda kv: kv[0].lower()))


def _name_version(dist):
    """Name and version from the metadata headers only: dist.metadata parses the whole
    file (long descriptions included) with the email parser, ten times slower."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    name = version = None
    for line in text.splitlines():
        if not line.strip():
            break  # end of the headers
        if name is None and line.startswith("Name:"):
            name = line[5:].strip()
        elif version is None and line.startswith("Version:"):
            version = line[8:].strip()
        if name and version:
            break
    if not name:  # e.g. a single-file .egg-info: let importlib parse it
        return dist.metadata["Name"], str(dist.version or "")
    return name, version or ""
