"""trialbook: track ML runs into the workspace's `.trialbook/` folder.

W&B style::

    import trialbook
    run = trialbook.init(experiment="mnist", config={"lr": 0.01})
    for step in range(100):
        run.log({"loss": loss})
    run.finish()

MLflow style::

    trialbook.log_param("lr", 0.01)
    trialbook.log_metric("loss", 0.5, step=3)
"""
from ._run import Config, Run, Summary
from ._session import init
from ._version import __version__
from ._writer import FORMAT_VERSION
from . import _session

__all__ = [
    "FORMAT_VERSION", "Config", "Run", "Summary", "__version__", "finish", "init", "log",
    "log_artifact", "log_metric", "log_metrics", "log_param", "log_params", "set_tags", "current_run",
]


def current_run():
    """The current run, or None."""
    return _session.current()


def __getattr__(name):
    if name == "run":  # trialbook.run, like wandb.run
        return _session.current()
    raise AttributeError("module 'trialbook' has no attribute %r" % name)


def _require(what):
    run = _session.current()
    if run is None:
        raise RuntimeError("trialbook: call trialbook.init() before trialbook.%s()" % what)
    return run


def _current_or_start():
    # MLflow starts a run on the first log_param/log_metric; do the same for its users.
    run = _session.current()
    return run if run is not None else init()


def log(metrics, step=None, commit=True):
    """Log metrics to the current run (see Run.log)."""
    _require("log").log(metrics, step=step, commit=commit)


def finish(status="finished", error=None):
    """Finish the current run, if any."""
    run = _session.current()
    if run is not None:
        run.finish(status, error)


def log_metric(key, value, step=None):
    """MLflow-style: log one metric to the current run (starting one if needed)."""
    _current_or_start().log({key: value}, step=step)


def log_metrics(metrics, step=None):
    _current_or_start().log(metrics, step=step)


def log_param(key, value):
    """MLflow-style: set one param on the current run (starting one if needed)."""
    _current_or_start().config.update({key: value})


def log_params(params):
    _current_or_start().config.update(params)


def set_tags(tags):
    _current_or_start().set_tags(tags)


def log_artifact(path, name=None, type="file", metadata=None, copy=False):
    return _require("log_artifact").log_artifact(path, name=name, type=type, metadata=metadata, copy=copy)
