#!/usr/bin/python3
"""Execute a notebook headlessly in a real Jupyter kernel and save it with execution counts.

    /usr/bin/python3 sdk/python/tests/run_notebook.py <in.ipynb> <out.ipynb> <trialbook_dir> [--notebook-path PATH]

The kernel sees PYTHONPATH with this checkout's sdk/python (so `import trialbook` works
without installing), TRIALBOOK_DIR=<trialbook_dir>, and JPY_SESSION_NAME set the way a
Jupyter server sets it: the notebook's path (by default the absolute path of out.ipynb,
the file whose cells carry the execution counts). Needs nbclient and ipykernel
(Debian: python3-nbclient, python3-ipykernel). Used by the SDK's tests and by the
extension's integration tests.
"""
import argparse
import os
import sys

SDK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def execute(source, target, trialbook_dir, notebook_path=None, timeout=120):
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as exc:
        raise SystemExit("run_notebook.py needs nbclient and ipykernel (%s); run it with /usr/bin/python3 "
                         "on Debian (python3-nbclient, python3-ipykernel)" % exc)
    notebook_path = os.path.abspath(notebook_path or target)
    os.environ["PYTHONPATH"] = SDK_DIR + os.pathsep + os.environ.get("PYTHONPATH", "")
    os.environ["TRIALBOOK_DIR"] = os.path.abspath(trialbook_dir)
    os.environ["JPY_SESSION_NAME"] = notebook_path
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets debugpy in the kernel
    nb = nbformat.read(source, as_version=4)
    workdir = os.path.dirname(os.path.abspath(target))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": workdir}})
    client.execute()
    nbformat.write(nb, target)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("trialbook_dir")
    parser.add_argument("--notebook-path", help="path the kernel reports as the notebook (default: target)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    execute(args.source, args.target, args.trialbook_dir, args.notebook_path, args.timeout)
    print(os.path.abspath(args.target))


if __name__ == "__main__":
    sys.exit(main())
