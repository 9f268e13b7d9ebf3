"""TRIALBOOK_CAPTURE: which automatic captures are on.

Syntax: a comma-separated list read left to right. `all` (the default) or `none` set
everything; `-name` turns one capture off, `name` or `+name` turns it on. Examples:
`TRIALBOOK_CAPTURE=-git,-packages`, `TRIALBOOK_CAPTURE=none,+git`.
"""
import os
import warnings

from ._values import user_stacklevel

CAPTURES = {
    "host": "user name, host name and process id",
    "command": "command line (argv), script path and working directory",
    "python": "Python version and platform",
    "git": "git commit, branch, remote URL and dirty flag",
    "diff": "the uncommitted `git diff HEAD`, saved as diff.patch beside the run",
    "source": "the entry script or notebook, stored by content hash in .trialbook/sources/ when git does not hold "
              "it as it ran (untracked, modified, no repository; needs `git`)",
    "packages": "installed packages and versions (importlib.metadata)",
    "notebook": "notebook path and, on metrics, the executing cell (exec count, source hash)",
    "system": "system metrics sampler (CPU, memory, GPU) as system/* metrics",
}


def parse_capture(spec=None):
    """The set of enabled capture names for a TRIALBOOK_CAPTURE value."""
    if spec is None:
        spec = os.environ.get("TRIALBOOK_CAPTURE", "")
    enabled = set(CAPTURES)
    unknown = []
    for raw in spec.split(","):
        token = raw.strip().lower()
        if not token:
            continue
        if token in ("all", "+all"):
            enabled = set(CAPTURES)
            continue
        if token in ("none", "-all"):
            enabled = set()
            continue
        on = not token.startswith("-")
        name = token.lstrip("+-")
        if name not in CAPTURES:
            unknown.append(name)
            continue
        if on:
            enabled.add(name)
        else:
            enabled.discard(name)
    if unknown:
        warnings.warn(
            "trialbook: TRIALBOOK_CAPTURE has unknown capture(s) %s; known: all, none, %s"
            % (", ".join(unknown), ", ".join(sorted(CAPTURES))), stacklevel=user_stacklevel())
    return enabled
