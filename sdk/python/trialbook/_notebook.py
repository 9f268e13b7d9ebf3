"""IPython/Jupyter detection and the link from a logged event to its notebook cell."""
import hashlib
import os
import sys


def ipython_shell():
    """The running IPython shell, or None. Never imports IPython itself."""
    module = sys.modules.get("IPython")
    if module is None:
        return None
    try:
        return module.get_ipython()
    except Exception:
        return None


def notebook_info(shell):
    """{"path", "session"} from VS Code's `__vsc_ipynb_file__` and Jupyter's JPY_SESSION_NAME."""
    info = {}
    try:
        path = shell.user_ns.get("__vsc_ipynb_file__")
    except Exception:
        path = None
    session = os.environ.get("JPY_SESSION_NAME")
    if path:
        info["path"] = str(path)
    if session:
        info["session"] = session
        if "path" not in info and session.endswith(".ipynb"):
            info["path"] = os.path.abspath(session)
    return info


def cell_hash(source):
    """First 16 hex of sha256 of the cell source with CRLF as LF and trailing newlines
    removed (IPython strips them in its history; the extension normalises the same way)."""
    normalized = source.replace("\r\n", "\n").rstrip("\n")
    return hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class CellTracker:
    """Computes the `cell` object for metrics events, hashing a cell's source once per
    execution count so that logging in a loop inside one cell stays cheap."""

    def __init__(self, shell, notebook_path):
        self._shell = shell
        self._notebook = notebook_path
        self._exec = object()
        self._cell = None

    def current(self):
        shell = self._shell
        try:
            count = shell.execution_count
        except Exception:
            return None
        if count == self._exec:
            return self._cell
        self._exec = count
        self._cell = self._compute(count)
        return self._cell

    def _compute(self, count):
        source = None
        try:
            history = self._shell.history_manager.input_hist_raw
            # IPython stores a cell's source under its execution count before running it.
            if isinstance(count, int) and 0 <= count < len(history):
                source = history[count]
            elif history:
                source = history[-1]
        except Exception:
            source = None
        if source is None:
            return None
        cell = {"exec": count if isinstance(count, int) else None, "hash": cell_hash(source)}
        if self._notebook:
            cell["notebook"] = self._notebook
        return cell
