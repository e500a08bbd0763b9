"""Security checks: server settings, weights never unpickled, nothing executes user data.

Behaviour first (a pickle that would write a marker file is refused and the marker never
appears); a static scan of adaptlab/ and ui/ is the second line. The instructor passcode is
checked on the page itself: tests/app/test_instructor_security.py.
"""

from __future__ import annotations

import ast
import json
import pickle
import shutil
import tomllib
from pathlib import Path

import pytest

from adaptlab import model_specs, models
from adaptlab.errors import ModelUnavailableError

ROOT = Path(__file__).resolve().parents[2]


# ---- .streamlit/config.toml -------------------------------------------------------------------

@pytest.fixture(scope="module")
def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_no_usage_statistics_leave_the_machine(config):
    assert config["browser"]["gatherUsageStats"] is False


def test_uploads_are_small(config):
    assert 1 <= config["server"]["maxUploadSize"] <= 10  # MB; JSONL task files only


def test_learners_never_see_tracebacks(config):
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"].get("toolbarMode") == "viewer"


def test_xsrf_protection_stays_on(config):
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    # Turning CORS off would also widen what other origins can do; keep the default (on).
    assert server.get("enableCORS", True) is True
    assert "corsAllowedOrigins" not in server or "*" not in server["corsAllowedOrigins"]


def test_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


# ---- weights: safetensors only, never a pickle -----------------------------------------------

class _Payload:
    """Unpickling this writes a marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def pickle_model_folder(tmp_path: Path, with_safetensors: bool) -> tuple[Path, Path]:
    folder, marker = tmp_path / "model", tmp_path / "MARKER"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(model_specs.BUNDLED_DIR / name, folder)
    if with_safetensors:
        shutil.copy(model_specs.BUNDLED_DIR / "model.safetensors", folder)
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps({"weights": _Payload(marker)}))
    return folder, marker


def test_the_payload_really_runs_when_unpickled(tmp_path):
    folder, marker = pickle_model_folder(tmp_path, with_safetensors=False)
    pickle.loads((folder / "pytorch_model.bin").read_bytes())  # the control: it does run
    assert marker.read_text() == "pwned"


def test_a_folder_with_only_a_pickle_is_refused(tmp_path, monkeypatch):
    folder, marker = pickle_model_folder(tmp_path, with_safetensors=False)
    monkeypatch.setenv(model_specs.MODEL_DIR_ENV, str(folder))
    with pytest.raises(ModelUnavailableError, match="no model.safetensors"):
        models.load_model("mini")
    with pytest.raises(ModelUnavailableError):
        models.load_tokenizer("mini")
    assert not marker.exists()


def test_safetensors_win_over_a_pickle_beside_them(tmp_path, monkeypatch):
    folder, marker = pickle_model_folder(tmp_path, with_safetensors=True)
    monkeypatch.setenv(model_specs.MODEL_DIR_ENV, str(folder))
    model = models.load_model("mini")
    assert model.config.n_layer == json.loads((folder / "config.json").read_text())["n_layer"]
    assert not marker.exists()


def test_a_pickle_named_model_safetensors_is_refused(tmp_path, monkeypatch):
    folder, marker = pickle_model_folder(tmp_path, with_safetensors=False)
    (folder / "pytorch_model.bin").rename(folder / "model.safetensors")
    monkeypatch.setenv(model_specs.MODEL_DIR_ENV, str(folder))
    with pytest.raises(ModelUnavailableError, match="cannot be read"):
        models.load_model("mini")
    assert not marker.exists()


# ---- static scan: nothing that executes or unpickles data -------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRS = {("pickle", "load"), ("pickle", "loads"), ("torch", "load"),
                   ("marshal", "loads"), ("dill", "load"), ("joblib", "load"),
                   ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
                   ("os", "system"), ("subprocess", "call"), ("np", "load")}
# The two st.html that run a script: the app's own constants, with Streamlit's file names and the
# browser id checked against strict patterns (ui/element_code.py, ui/browser_id.py;
# tests/app/test_hostile_links_and_faults.py checks that no other html element on any page
# carries a script).
UNSAFE_ALLOWED = {("ui/element_code.py", "unsafe_allow_javascript"),
                  ("ui/browser_id.py", "unsafe_allow_javascript")}


def scanned_files() -> list[Path]:
    files = [*(ROOT / "adaptlab").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
             *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    return files


def test_no_module_executes_or_unpickles_data():
    found = []
    for path in scanned_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {func.id}()")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and (func.value.id, func.attr) in FORBIDDEN_ATTRS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} "
                             f"{func.value.id}.{func.attr}()")
            if any(k.arg in ("unsafe_allow_html", "unsafe_allow_javascript")
                   and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   and (path.relative_to(ROOT).as_posix(), k.arg) not in UNSAFE_ALLOWED
                   for k in node.keywords):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} unsafe_allow_*")
    assert not found, found


def test_no_pickle_imports_in_the_app():
    for path in scanned_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"pickle", "dill", "marshal", "shelve"}, path


def test_uploaded_files_are_parsed_as_json_text_only():
    # The only upload is the Train page's JSONL (ui/train_view.py -> adaptlab.data): it must
    # reach json, never pickle or torch.load (scanned above), and be size-capped by config.
    uploads = [p for p in scanned_files()
               if "file_uploader" in p.read_text(encoding="utf-8")]
    assert uploads, "no upload widget found: update this test"
    data = (ROOT / "adaptlab" / "data.py").read_text(encoding="utf-8")
    assert "json.loads" in data
