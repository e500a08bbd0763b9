"""Exports (issue 13): no server paths inside; load_export refuses zip-slip and oversize members."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile

import pytest

from adaptlab.training import export
from adaptlab.training.export import export_zip, load_export
from adaptlab.training.run import run_training
from tests.unit.tiny_task import tiny_base, tiny_examples

pytestmark = pytest.mark.usefixtures("one_thread")


def crafted(members: dict[str, bytes], uses_peft: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("run.json", json.dumps({"uses_peft": uses_peft, "method": "bitfit",
                                                 "settings": {}}))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("method", ["lora", "bitfit"])
def test_an_export_holds_no_server_path(method, tok, tmp_path):
    base = tiny_base()
    server_folder = str(tmp_path / "srv" / "adaptlab" / "assets" / "models" / "mini-gpt2")
    base.config._name_or_path = server_folder  # as from_pretrained(<folder>) records it
    base.name_or_path = server_folder
    result = run_training(base, method, {"eval_every": 0}, examples=tiny_examples(),
                          tokenizer=tok, steps=1, batch_size=2, max_length=32)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(result)))
    for name in archive.namelist():
        data = archive.read(name)
        assert str(tmp_path).encode() not in data and b"/srv/" not in data, name
    if method == "lora":
        config = json.loads(archive.read("adapter/adapter_config.json"))
        assert config["base_model_name_or_path"] == "mini-gpt2"


@pytest.mark.parametrize("member", [
    "adapter/../escaped.txt", "adapter/../../escaped.txt", "../escaped.txt",
    "/tmp/escaped.txt", "adapter\\..\\escaped.txt", "C:/escaped.txt",
])
def test_load_export_refuses_members_outside_its_folder(member, tmp_path, monkeypatch):
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # where load_export unpacks
    with pytest.raises(ValueError, match="outside"):
        load_export(crafted({member: b"pwned", "adapter/adapter_config.json": b"{}"}),
                    tiny_base())
    assert not [p for p in tmp_path.rglob("escaped.txt")]  # nothing was written anywhere


def test_load_export_refuses_oversize_members(monkeypatch):
    monkeypatch.setattr(export, "MAX_MEMBER_BYTES", 1_000_000)
    bomb = crafted({"weights.safetensors": bytes(2_000_000)}, uses_peft=False)
    assert len(bomb) < 100_000  # compresses to almost nothing: a zip bomb in small
    with pytest.raises(ValueError, match="more than an AdaptLab export holds"):
        load_export(bomb, tiny_base())


def test_load_export_refuses_a_zip_without_run_json():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ValueError, match="no run.json"):
        load_export(buffer.getvalue(), tiny_base())
