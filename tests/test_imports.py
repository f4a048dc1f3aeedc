"""The numeric modules import NumPy only: no Streamlit, Plotly or pandas."""

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NUMERIC = [
    "activations",
    "jacobian",
    "losses",
    "pairs",
    "gradcheck",
    "mytorch",
    "reference_examples",
    "presets",
    "workspace",
    "_validate",
    "training",
    "datasets",
    "sweeps",
    "attention",
    "precision",
    "jacobian_views",
    "backward_costs",
    "_rows",
]
PRESENT = [m for m in NUMERIC if (ROOT / "softmax_lab" / f"{m}.py").exists()]
STDLIB = set(sys.stdlib_module_names)


def test_importing_the_numeric_modules_loads_no_ui_library():
    code = (
        "import sys, json, softmax_lab\n"
        + "".join(f"import softmax_lab.{m}\n" for m in PRESENT)
        + "ui = ('streamlit', 'plotly', 'pandas')\n"
        + "print(json.dumps(sorted(m for m in ui if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("module", PRESENT)
def test_numeric_module_imports_only_numpy(module):
    tree = ast.parse((ROOT / "softmax_lab" / f"{module}.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    third_party = names - STDLIB - {"softmax_lab"}
    assert third_party <= {"numpy"}, third_party
    assert importlib.util.find_spec(f"softmax_lab.{module}") is not None
