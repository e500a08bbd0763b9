"""The Quiz page's "who are you?" form: light on purpose (no pandas, SQLAlchemy or quiz bank).

A fresh server's first Quiz visit shows only this form until a name is given, so the page
imports the heavier quiz and store modules after it (see pages/quiz.py).
"""

from __future__ import annotations

from ui.identity import identity_bar, sign_in_form, signed_in

PAGE = "quiz"


def learner_id() -> str:
    """The stable id of the learner in this tab: the key of their saved tries and the seed of
    their option shuffle (adaptlab.quiz.shuffle).

    A proven identity (ui/identity.py): the logged-in account where the deployment configures
    Streamlit's login, else a name whose secret this tab has given; "" until then. So the same
    learner sees the same option order and resumes the same tries in any session, and typing
    someone else's name gives nothing. Every quiz use goes through this one function.
    """
    return signed_in()


def ask_learner_name() -> str:
    """The learner id of this tab; asks for a login or a name + secret until there is one."""
    who = learner_id()
    if who:
        identity_bar()
    else:
        sign_in_form()
    return who
