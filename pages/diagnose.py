"""Diagnose: a broken run, really trained; find the cause, apply the fix, rerun and compare.

Every curve comes from the engine training the bundled model (adaptlab.training.diagnosis); the page only
picks a scenario, shows the runs and grades the learner's diagnosis (ui/diagnose_view.py).
"""

import streamlit as st

from adaptlab.training.diagnosis_tries import MAX_TRIES
from adaptlab.training.scenarios import BY_ID, SCENARIOS
from ui import diagnose_view as view
from ui.state import widget_key

PAGE = view.PAGE
st.title("Diagnose a broken run")
st.caption("Each scenario is a real training run of the bundled mini GPT-2 that goes wrong. "
           "Run it, read the curves and the facts, and name the most likely cause: you have "
           f"{MAX_TRIES} tries. Some settings stay hidden until then (the same ones in every "
           "scenario); after that you can apply the fix and rerun to see whether it worked.")

state = view.diagnose_state()  # this browser's: after a reload, its runs and tries are here
choice = widget_key(PAGE, "scenario")
if choice not in st.session_state and state.last in BY_ID:
    st.session_state[choice] = state.last
scenario_id = st.selectbox(
    "Scenario", [s.id for s in SCENARIOS], key=choice,
    format_func=lambda sid: f"{SCENARIOS.index(BY_ID[sid]) + 1}. {BY_ID[sid].title}",
    persist_state="session", help="Each one breaks a run in a different way.")
scenario = BY_ID[scenario_id]
state.last = scenario.id
runs = state.of(scenario.id)

diagnosis = runs.diagnosis
hidden = diagnosis.hidden()  # the cause (e.g. the learning rate) until it has been named

st.subheader("What you see")
st.markdown(scenario.symptom)
st.caption(view.settings_text(scenario, hidden))
label = "Run it again" if runs.broken else "Run the broken run"
# No tooltip: the pointer rests on the button while the run trains, and the tip covered the
# settings line above it.
if st.button(label, key=widget_key(PAGE, "run"), icon=":material/play_arrow:", type="primary"):
    outcome = view.run_inline(scenario.broken, "Broken run", hidden)
    if outcome is not None:
        runs.broken, runs.fixed = outcome, None
if runs.broken is None:
    st.info("Run the broken run to see its loss curves and facts: it trains the bundled model "
            "for real, a few seconds (up to about 15 on a laptop).", icon=":material/play_arrow:")
    st.stop()

view.charts({"broken": runs.broken}, key=widget_key(PAGE, scenario.id, "broken"), hidden=hidden)
view.facts(runs.broken, hidden)

st.subheader("Your diagnosis")
options = {o.key: o.text for o in scenario.options}
answer_key = widget_key(PAGE, "answer", scenario.id)
if not diagnosis.resolved:  # once named (or out of tries) the tries below say it all
    with st.form(widget_key(PAGE, "form", scenario.id)):
        st.radio("What is the most likely cause?", view.option_order(scenario),
                 format_func=options.get, index=None, key=answer_key)
        st.caption(view.tries_text(diagnosis))
        st.form_submit_button("Check my diagnosis", icon=":material/fact_check:",
                              on_click=view.check, args=(scenario.id, answer_key))
view.show_notice(runs)
view.show_tries(diagnosis, scenario)

st.subheader("Apply the fix")
if not diagnosis.resolved:
    st.caption("Name the cause first (or use your tries); then you can apply the fix and rerun.")
    st.stop()
st.caption(f"Fixed run's settings: {scenario.fixed.describe()}.")
if st.button("Apply the fix and rerun", key=widget_key(PAGE, "fix"), icon=":material/build:",
             help="Trains the fixed run for real and draws it over the broken one."):
    runs.fixed = view.run_inline(scenario.fixed, "Fixed run")
if runs.fixed is not None:
    view.charts({"broken": runs.broken, "fixed": runs.fixed},
                key=widget_key(PAGE, scenario.id, "overlay"))
    view.verdict(scenario, runs.broken, runs.fixed)
