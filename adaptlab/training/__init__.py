"""Training: everything between a learner's choices and a trained, measured model.

Modules, lowest first; each imports only from those above it, so the imports run one way:

    config           TrainConfig, limits, schedule, each method's default recipe
    stopping         why a run stops early (or was stopped), in words a learner can act on
    loss             cross-entropy on the completion tokens only
    metrics          answers scored: exact match, balanced accuracy, token F1, one-answer warning
    steps            train_steps(): one StepResult per optimizer step
    evaluation       held-out loss, greedy answers, the proof that frozen weights did not move
    plan             plan_run(): every choice checked before any compute; adapt()
    differences      which settings differ between runs (Compare's "differ only by")
    run              execute() / run_training(): a whole run and its TrainingResult
    scenario_texts   the Diagnose scenarios' words (assets/diagnosis/scenarios.yaml)
    scenarios        the Diagnose scenarios: broken and fixed recipes, checks, words (no torch)
    diagnosis        a scenario's runs, really trained
    diagnosis_tries  a learner's tries at one diagnosis; the cause unlocks when named
    workers          spawned worker processes that train runs and diagnoses off the server
    jobs             the app's queue of runs per learner, on those workers
    export           a finished run as a zip with reproduce.py
    cli              `python -m adaptlab train`

This file imports nothing, so that reading a light module (config, metrics) stays light.
"""
