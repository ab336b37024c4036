#!/opt/jupyter/bin/python3
"""Starts JupyterLab like the Jupyter Docker Stacks' start-notebook.py does, so
charts written for those images (`args: [start-notebook.py, --flag=...]`) run
unchanged: listen on all addresses on 8888, no browser, extra flags appended."""
import os
import sys

os.execvp(
    "jupyter",
    [
        "jupyter",
        "lab",
        "--ServerApp.ip=0.0.0.0",
        "--ServerApp.port=8888",
        "--ServerApp.open_browser=False",
        *sys.argv[1:],
    ],
)
