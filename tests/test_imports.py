"""The numeric modules import NumPy only: no Streamlit, Plotly or pandas."""

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = [
    "activations",
    "jacobian",
    "losses",
    "pairs",
    "gradcheck",
    "mytorch",
    "reference_examples",
    "_validate",
    "_rows",
]
# Numeric modules written alongside the core: checked when they exist.
OPTIONAL = [
    "run_schema",
    "model",
    "trainer",
    "decision_regions",
    "datasets",
    "presets",
    "workspace",
    "batch_checks",
    "link_codec",
    "training_run",
    "sweeps",
    "attention",
    "precision",
    "jacobian_views",
    "backward_costs",
    "probabilities_view",
    "jacobian_page_view",
    "gradients_view",
    "saturation_view",
    "page_tabs",
    "lessons",
]
NUMERIC = CORE + [m for m in OPTIONAL if importlib.util.find_spec(f"softmax_lab.{m}") is not None]
STDLIB = set(sys.stdlib_module_names)
UI = ("streamlit", "plotly", "pandas")


def test_importing_the_numeric_modules_loads_no_ui_library():
    code = (
        "import sys, json, softmax_lab\n"
        + "".join(f"import softmax_lab.{m}\n" for m in NUMERIC)
        + f"print(json.dumps(sorted(m for m in {UI!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_the_check_would_catch_a_ui_import():
    code = f"import sys, json, pandas; print(json.dumps([m for m in {UI!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("pandas is not installed here")
    assert json.loads(out.stdout) == ["pandas"]


@pytest.mark.parametrize("module", NUMERIC)
def test_numeric_module_imports_only_numpy(module):
    spec = importlib.util.find_spec(f"softmax_lab.{module}")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    third_party = names - STDLIB - {"softmax_lab"}
    assert third_party <= {"numpy"}, third_party


def test_package_exports_every_public_name():
    import softmax_lab

    missing = [n for n in softmax_lab.__all__ if not hasattr(softmax_lab, n)]
    assert missing == []
    for name in ("softmax", "linear_normalise_defined", "PAIRS", "writeup_exact", "Softmax"):
        assert name in softmax_lab.__all__
