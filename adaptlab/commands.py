"""The subcommands of `python -m adaptlab`: methods, census and census-cache here; others register from their modules."""

from __future__ import annotations

import argparse
from typing import Any

from adaptlab.cli import emit, parse_sets


def _methods(args: argparse.Namespace) -> int:
    from adaptlab.methods import REGISTRY, settings_of
    from adaptlab.taxonomy import FAMILIES, source_labels

    payload = [{
        "name": spec.name, "title": spec.title, "family": spec.family,
        "family_title": FAMILIES[spec.family].title, "summary": spec.summary, "paper": spec.paper,
        "implemented_with": "peft" if spec.uses_peft else "adaptlab",
        "settings": [{"name": s.name, "type": s.kind.__name__, "default": _plain(s.default),
                      "help": s.help, "min": s.min, "max": s.max, "choices": s.choices}
                     for s in settings_of(spec.config_cls)],
        "labels": source_labels(spec.name),
    } for spec in REGISTRY.values()]
    emit(payload, args.format, _methods_table)
    return 0


def _plain(value: Any) -> Any:
    return ",".join(value) if isinstance(value, tuple) else value


def _methods_table(payload: list[dict]) -> str:
    lines = [f"{'name':18} {'family':18} title"]
    for m in payload:
        lines.append(f"{m['name']:18} {m['family']:18} {m['title']}")
        for s in m["settings"]:
            lines.append(f"{'':18}   --set {s['name']}={s['default']}  ({s['help']})")
    return "\n".join(lines)


def _census(args: argparse.Namespace) -> int:
    from adaptlab.activations import MethodDetails
    from adaptlab.census import adapted_skeleton, census, census_summary
    from adaptlab.counts import explain
    from adaptlab.memory import memory_breakdown
    from adaptlab.methods import get_method
    from adaptlab.model_specs import architecture

    settings = parse_sets(args.set)
    df = census(adapted_skeleton(args.model, args.method, settings))
    payload = census_summary(args.model, args.method, settings, df)
    formula = explain(args.model, args.method, settings)
    payload["formula"] = {"symbolic": formula.symbolic, "substituted": formula.substituted,
                          "value": formula.value, "convention": formula.convention,
                          "matches_census": formula.value == payload["trainable_params"]}
    spec = get_method(args.method)
    memory = memory_breakdown(df, architecture(args.model), args.batch_size, args.seq_len,
                              MethodDetails.of(spec, spec.config(settings)))
    payload["memory_bytes"] = {row["item"]: row["bytes"] for row in memory.as_rows()}
    payload["memory_bytes"]["total"] = memory.total
    payload["activation_bytes"] = memory.activations_by_kind  # what PyTorch keeps, by kind
    emit(payload, args.format, _census_table)
    return 0


def _census_table(p: dict) -> str:
    from adaptlab.memory import human_bytes

    f = p["formula"]
    return "\n".join([
        f"{p['model']} + {p['method']} {p['settings']}",
        f"  total      {p['total_params']:>15,}",
        f"  trainable  {p['trainable_params']:>15,}  ({p['trainable_pct']:.4f}%)",
        f"  added      {p['added_params']:>15,}",
        f"  frozen     {p['frozen_params']:>15,}",
        f"  formula    {f['symbolic']} = {f['substituted']} = {f['value']:,}  ({f['convention']})",
        "  memory     " + ", ".join(f"{k} {human_bytes(v)}" for k, v in p["memory_bytes"].items()),
    ])


def _census_cache(args: argparse.Namespace) -> int:
    from adaptlab.census_cache import write

    emit(write(), args.format, lambda p: f"wrote {p['entries']} census entries to {p['file']}")
    return 0


def register_all(sub: argparse._SubParsersAction) -> None:
    from adaptlab.model_specs import MODEL_SPECS

    fmt = {"choices": ["json", "table"], "default": "table", "help": "output format"}
    methods = sub.add_parser("methods", help="list the adaptation methods and their settings")
    methods.add_argument("--format", **fmt)
    methods.set_defaults(handler=_methods)

    census = sub.add_parser("census", help="count frozen, trainable and added parameters")
    census.add_argument("--model", default="mini", choices=list(MODEL_SPECS))
    census.add_argument("--method", required=True, help="a method name from `methods`")
    census.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a method setting, e.g. --set r=4 (repeatable)")
    census.add_argument("--batch-size", type=int, default=8, help="batch size for the activation estimate")
    census.add_argument("--seq-len", type=int, default=64, help="tokens per sequence for the estimate")
    census.add_argument("--format", **fmt)
    census.set_defaults(handler=_census)

    cache = sub.add_parser("census-cache", help="recount every model x method at its default "
                           "settings into assets/census/ (the Parameters page's first view)")
    cache.add_argument("--format", **fmt)
    cache.set_defaults(handler=_census_cache)

    _register_optional(sub)


def _register_optional(sub: argparse._SubParsersAction) -> None:
    """Subcommands that live with their own feature (training, quizzes, pretraining)."""
    import importlib

    for module, function in [("adaptlab.training.cli", "add_train_command"),
                             ("adaptlab.quiz.cli", "add_quiz_commands"),
                             ("adaptlab.pretrain.cli", "add_pretrain_command")]:
        try:
            register = getattr(importlib.import_module(module), function)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        register(sub)
