"""The SDK's tests. Runnable two ways, both supported:

    cd sdk/python && /usr/bin/python3 -m unittest discover -s tests -v
    /usr/bin/python3 -m unittest discover -s sdk/python/tests -t sdk/python -v   (npm test)

In the second form the modules are imported as `tests.*`; putting this folder on
sys.path lets them share `helpers` in both forms.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
