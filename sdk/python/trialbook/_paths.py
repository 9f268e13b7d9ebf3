"""Where the `.trialbook/` folder is, following docs/event-format.md."""
import os


def find_trialbook_dir(explicit=None, cwd=None):
    """`dir=` argument, else TRIALBOOK_DIR, else the nearest ancestor of the working
    directory holding `.trialbook/` or a git root, else the working directory.

    `explicit` and TRIALBOOK_DIR may name either the workspace or the `.trialbook` folder
    itself; both are accepted so that users need not remember which.
    """
    for given in (explicit, os.environ.get("TRIALBOOK_DIR")):
        if given:
            given = os.path.abspath(os.path.expanduser(str(given)))
            if os.path.basename(given.rstrip(os.sep)) == ".trialbook":
                return given
            return os.path.join(given, ".trialbook")
    start = os.path.abspath(cwd or os.getcwd())
    folder = start
    while True:
        if os.path.isdir(os.path.join(folder, ".trialbook")) or os.path.exists(os.path.join(folder, ".git")):
            return os.path.join(folder, ".trialbook")
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(start, ".trialbook")
        folder = parent
