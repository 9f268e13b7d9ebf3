"""Entry point of a run's writer process (started by _writer_process.ProcessWriter with `python -I -S`).

    _writer_child.py PACKAGE_DIR RUN_DIR DATA_FD ACK_FD

Imports only the writer's modules (not the trialbook package, whose __init__ loads the whole SDK):
the package is registered by its folder without running __init__.py. The loop is _writer_serve's.
"""
import sys
import types


def _main() -> None:
    package, run_dir, data_fd, ack_fd = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    module = types.ModuleType("trialbook")
    module.__path__ = [package]  # type: ignore[attr-defined]
    sys.modules["trialbook"] = module
    from trialbook._writer_serve import child_main
    child_main(run_dir, data_fd, ack_fd)


if __name__ == "__main__":
    _main()
