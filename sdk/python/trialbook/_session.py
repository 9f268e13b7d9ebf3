"""Process-wide state: the current run, init(), and the exit paths (atexit, SIGTERM,
uncaught exceptions) that make sure every run gets its last events and a run_end."""
from __future__ import annotations

import atexit
import os
import re
import signal
import sys
import threading
import time
import warnings
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from . import _ids, _lineage, _notebook, _paths
from ._capture import parse_capture
from ._resume import resume_state
from ._run import Run
from ._values import cap_notes, tag_list, user_stacklevel, value_map, _to_mapping
from ._writer import EventWriter, FORMAT_VERSION
from ._writer_process import ProcessWriter
from ._version import __version__

_lock = threading.RLock()
_current: Optional[Run] = None
_active: List[Tuple[Run, EventWriter]] = []
_hooks_installed = False
_previous_sigterm: Any = None
_hooked_kernel: Any = None  # the Jupyter kernel whose shutdown request ends the runs (_hook_kernel_shutdown)
_uncaught: Optional[Tuple[type, BaseException]] = None  # exception that ended the program
_terminated = False
_exit_code: Optional[Tuple[Any]] = None  # what the main thread passed to sys.exit(), when it did
_version_checked = False
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def current() -> Optional[Run]:
    return _current


def forget(run: Run) -> None:
    """A run ended: it is no longer current nor finished at exit (Run's on_end callback)."""
    global _current
    with _lock:
        _active[:] = [(r, w) for r, w in _active if r is not run]
        if _current is run:
            _current = None


def init(experiment: Optional[str] = None, name: Optional[str] = None, config: Any = None,
         tags: Optional[Iterable[str]] = None, notes: Optional[str] = None,
         dir: Union[str, "os.PathLike[str]", None] = None, resume: Optional[str] = None,
         group: Optional[str] = None, all_ranks: bool = False, system_metrics: Union[bool, float] = True,
         flush_interval: float = 1.0, heartbeat_interval: float = 5.0, capture: Optional[str] = None,
         _start_fields: Optional[Dict[str, Any]] = None) -> Run:
    """Start a run (finishing the current one, if any) and make it current.

    `config` is a dict, an argparse.Namespace or a dataclass instance. See the README for every
    argument."""
    global _current
    check_format_version()
    if experiment is None:
        experiment = os.environ.get("TRIALBOOK_EXPERIMENT") or "default"
    _check_name(experiment, "experiment")
    if name is not None:
        _check_name(name, "name")
    if config is not None and not hasattr(config, "items"):
        config = _to_mapping(config, "config")  # argparse.Namespace, dataclass instance
    encoded_config = value_map(config, "config") if config is not None else {}
    tags = tag_list(tags)
    notes = cap_notes(notes)
    if group is not None:
        _check_name(group, "group")

    rank = _env_int("RANK")
    if rank is None:
        rank = _env_int("LOCAL_RANK")
    world = _env_int("WORLD_SIZE")
    distributed = rank is not None and (world is None or world > 1)
    if distributed and all_ranks and group is None:
        group = (os.environ.get("TORCHELASTIC_RUN_ID")
                 or ("%s-%s-%s" % (experiment, os.environ.get("MASTER_ADDR", "local"), os.environ["MASTER_PORT"])
                     if os.environ.get("MASTER_PORT") else experiment))[:250]

    with _lock:
        previous = _current
    if previous is not None:
        previous.finish()  # re-running a notebook's init cell starts a fresh run

    root = _paths.find_trialbook_dir(dir)
    if distributed and rank != 0 and not all_ranks:
        run = Run(_ids.new_run_id(), root, experiment, name or "rank-%d" % rank, disabled=True,
                  group=group, rank=rank, config=config, tags=tags, notes=notes, on_end=forget)
        with _lock:
            _current = run
        return run

    enabled = parse_capture(capture)
    if resume:
        run_id = str(resume)
        if not _RUN_ID.match(run_id):
            raise ValueError("trialbook: cannot resume %r: not a run id (like 20261127T024012123-3f9a1c7b2e); "
                             "copy the id from the Trialbook sidebar or .trialbook/runs/" % (resume,))
        state = resume_state(root, run_id)
    else:
        run_id = _ids.new_run_id()
        state = None
    if state is not None:
        experiment = state["experiment"] or experiment
        name = name or state["name"]
        group = group or state["group"]
    if name is None:
        name = ("%s-rank%d" % (group, rank))[:250] if distributed and all_ranks else _ids.default_name(run_id, _ids.run_number(root))

    writer = _make_writer(os.path.join(root, "runs", run_id), flush_interval, heartbeat_interval)
    writer.open(truncate_partial=state is not None)

    shell = _notebook.ipython_shell()
    notebook = _notebook.notebook_info(shell) if shell is not None else None
    cells = None
    if shell is not None and "notebook" in enabled and hasattr(shell, "history_manager"):
        cells = _notebook.CellTracker(shell, (notebook or {}).get("path"))

    problems = []
    lineage = _lineage.capture_lineage(enabled, writer.run_dir, notebook, problems.append)

    start = {"run_id": run_id, "experiment": experiment, "name": name}
    merged_config = dict(state["config"]) if state else {}
    merged_config.update(config or {})
    if state:
        merged_encoded = value_map(state["config"], "config")
        merged_encoded.update(encoded_config)
        encoded_config = merged_encoded
        tags = tags or state["tags"]
        notes = notes if notes is not None else state["notes"]
    if notes is not None:
        start["notes"] = notes
    start["tags"] = tags
    start["config"] = encoded_config
    if state is not None:
        start["resumed"] = True
    if group is not None:
        start["group"] = group
    if distributed:
        start["rank"] = rank
    start["lineage"] = lineage
    start["sdk"] = {"name": "trialbook-python", "version": __version__}
    if _start_fields:
        start.update(_start_fields)  # a monitoring run's kind and model version (_monitor.py)
    writer.put("run_start", start)
    for problem in problems:
        writer.put("warning", {"message": "trialbook: " + problem})
    writer.flush()  # run_start is on disk before training begins
    writer.start()

    interval = None
    if "system" in enabled and system_metrics:
        interval = 10.0 if system_metrics is True else float(system_metrics)
    run = Run(run_id, root, experiment, name, writer=writer, config=merged_config, tags=tags, notes=notes,
              summary=state["summary"] if state else None, last=state["last"] if state else None,
              start_step=state["next_step"] if state else 0, cell_tracker=cells, group=group,
              rank=rank if distributed else None, system_metrics_interval=interval, on_end=forget)
    with _lock:
        _active.append((run, writer))
        _current = run
    _install_hooks()
    return run


def _make_writer(run_dir: str, flush_interval: float, heartbeat_interval: float) -> EventWriter:
    """A writer process by default; TRIALBOOK_WRITER=thread writes from a thread of this process."""
    if os.environ.get("TRIALBOOK_WRITER", "").strip().lower() == "thread":
        return EventWriter(run_dir, flush_interval, heartbeat_interval)
    return ProcessWriter(run_dir, flush_interval, heartbeat_interval)


def _check_name(value, what):
    if not isinstance(value, str) or not 1 <= len(value) <= 250:
        raise ValueError("trialbook: %s must be a string of 1 to 250 characters, got %r" % (what, value))


def _env_int(name):
    text = os.environ.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        return None


def check_format_version():
    """The extension sets TRIALBOOK_FORMAT_VERSION in its terminals; say once, clearly,
    when this SDK writes a different format than that extension reads."""
    global _version_checked
    if _version_checked:
        return
    _version_checked = True
    text = os.environ.get("TRIALBOOK_FORMAT_VERSION")
    if not text:
        return
    try:
        wanted = int(text)
    except ValueError:
        wanted = None
    if wanted == FORMAT_VERSION:
        return
    advice = ("run \"Trialbook: Install Python SDK…\" from the command palette to install the SDK "
              "bundled with the extension into this interpreter")
    if wanted is not None and wanted < FORMAT_VERSION:
        advice = "update the Trialbook extension, or " + advice
    warnings.warn(
        "trialbook: this Python SDK (%s) writes event format version %d, but the Trialbook "
        "extension expects version %s (TRIALBOOK_FORMAT_VERSION). Runs may not show up "
        "correctly; %s." % (__version__, FORMAT_VERSION, text, advice), UserWarning, stacklevel=user_stacklevel())


# -- exit paths -------------------------------------------------------------------------
def _install_hooks():
    global _hooks_installed, _previous_sigterm
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_at_exit)
    previous_hook = sys.excepthook

    def excepthook(exc_type, exc, tb):
        global _uncaught
        _uncaught = (exc_type, exc)
        previous_hook(exc_type, exc, tb)

    sys.excepthook = excepthook
    _hook_kernel_shutdown()
    # Exit handlers get no exit code, so sys.exit(1) would look like a clean finish: note the code on the way
    # out (as W&B does). Not in IPython, where sys.exit() in a cell is caught and the kernel lives on.
    if _notebook.ipython_shell() is None:
        previous_exit = sys.exit

        def exit_hook(code=None):
            global _exit_code
            if threading.current_thread() is threading.main_thread():
                _exit_code = (code,)
            previous_exit(code)

        exit_hook.__doc__ = previous_exit.__doc__
        sys.exit = exit_hook
    if threading.current_thread() is threading.main_thread():
        try:
            previous = signal.getsignal(signal.SIGTERM)
            if previous is not signal.SIG_IGN:  # a process that ignores SIGTERM keeps doing so
                _previous_sigterm = previous
                signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError, AttributeError):
            pass


def _hook_kernel_shutdown() -> None:
    """In a Jupyter kernel, end the runs when the frontend asks the kernel to shut down, not at process exit.

    After the request, ipykernel terminates the kernel's children (the writer process among them) and waits for
    them, and the frontend sends SIGTERM when the kernel is not gone within half its wait (2.5 s): on a busy
    machine, runs left for atexit were ended by that signal as "killed" although the user closed the notebook.
    """
    global _hooked_kernel
    shell = _notebook.ipython_shell()
    kernel = getattr(shell, "kernel", None) if shell is not None else None
    previous = getattr(kernel, "do_shutdown", None)
    if previous is None or kernel is _hooked_kernel:
        return

    def do_shutdown(restart):
        _at_exit()
        return previous(restart)

    try:
        kernel.do_shutdown = do_shutdown
        _hooked_kernel = kernel
    except Exception:
        pass  # a kernel that does not take the hook ends its runs at exit, as before


def _exit_status():
    if _terminated:
        return "killed", "terminated by SIGTERM"
    if _uncaught is not None:
        exc_type, exc = _uncaught
        if issubclass(exc_type, KeyboardInterrupt):
            return "killed", "KeyboardInterrupt"
        return "failed", "%s: %s" % (exc_type.__name__, exc)
    if _exit_code is not None:
        code = _exit_code[0]
        if code is None or code == 0 or code is False:
            return "finished", None
        if isinstance(code, int):
            return "failed", "exited with status %d (sys.exit)" % code
        # sys.exit("message") prints the message and exits with status 1.
        return "failed", "exited: %s" % (code,)
    return "finished", None


def _at_exit() -> None:
    status, error = _exit_status()
    for run, _writer in list(_active):
        try:
            run.finish(status, error)
        except Exception:
            pass


def _on_sigterm(signum: int, frame: Any) -> None:
    global _terminated
    for _run, writer in list(_active):
        if writer.busy_in_current_thread():
            # The signal arrived while this thread was writing a chunk (log() catching up, or a
            # flush): finish that write first, then handle the signal.
            writer.call_after_release(lambda: _on_sigterm(signum, frame))
            return
    _terminated = True
    previous = _previous_sigterm
    if callable(previous):
        # The program has its own handler (e.g. checkpoint, then exit): write what we
        # have and let it decide; the run ends as killed when the process exits.
        for run, _writer in list(_active):
            run.flush(timeout=2.0)
        previous(signum, frame)
        return
    for run, _writer in list(_active):
        try:
            run.finish("killed", "terminated by SIGTERM", timeout=2.0)
        except Exception:
            pass
    # Then die as the default action would, so the parent sees "killed by SIGTERM".
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(1.0)
    os._exit(128 + signal.SIGTERM)
