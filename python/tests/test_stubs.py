"""The type stubs describe the compiled module as it is."""

import ast
import pathlib
import subprocess
import sys

import reprint

STUB = pathlib.Path(reprint.__file__).with_name("_reprint.pyi")


def test_stubs_match_the_module():
    done = subprocess.run([sys.executable, "-m", "mypy.stubtest", "reprint"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stubbed_scan_lists_every_setting():
    # The module takes **settings, which stubtest cannot compare: the stub
    # must name exactly the settings scan accepts.
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    scan = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "scan")
    assert sorted(arg.arg for arg in scan.args.kwonlyargs) == sorted(reprint.SCAN_SETTINGS)
