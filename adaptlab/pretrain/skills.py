"""Texts that carry the latent skills the bundled tasks later steer, as real pretraining text does.

A pretrained GPT-2 has read reviews that end in a verdict, lists of people written in more than one
layout, and stories that tell the same happening now and then. Parameter-efficient methods work by
steering such skills, not by teaching them from nothing (Lester et al. 2021; Hu et al. 2022), so
the bundled model must have them too, or the lab would teach that PEFT fails. The tasks' own
layouts ("Sentiment:", "Format:", "Present:/Past:") never appear here: adapting the model to
them is the learner's job. Facts about the made-up town stay out altogether: they are the task
where the model must learn something new.

`held_out_keys()` names what the tasks hold out for validation; the writers never produce it, so
a validation answer cannot have been memorised in pretraining.
"""

from __future__ import annotations

import functools
import json
import re

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.clauses import Clauses
from adaptlab.pretrain.grammar import Actor, cap

SURNAMES = W._w("""Baker Smith Brown Green Wood Hill Moore Clark Turner Walker Young King Wright
Hall Carter Price Bell Cook Ward Fox Stone Reed Shaw Lane Bird Marsh Ford Hart Gray Fisher Cole
Dean Hunt Mills Webb Lloyd Rose Wells Burns Page Frost Knight Fletcher Barnes Parker Hughes Watts
Lowe Nash Pike Quinn Rowe Sharp Todd Vance Wade York Nolan Ellis Grant Holt Jones Kerr Lamb
Mason Noble Owen Palmer Reid Scott Tate Wilde Abbott Bishop Chase Doyle Foster Gibbs""")
CITIES = W._w("""Leeds York Bath Derby Leicester Bristol Oxford Dover Hull Exeter Chester Norwich
Durham Wells Ely Lincoln Cardiff Belfast Glasgow Dundee Perth Truro Preston Bolton Luton Reading
Brighton Carlisle Kendal Ripon Salford Stafford Warwick Whitby Windsor Worcester""")
CLUBS = ["chess club", "choir", "book club", "swimming club", "football team", "art class",
         "running club", "garden club", "drama group", "cooking class", "band", "science club"]
# (introduction of the second layout, how a person is written in it)
RECORD_LAYOUTS = [
    ("Register", "{last}, {first} ({age})"),
    ("Badges", "{last}, {first} ({age})"),
    ("Cards", "{last}, {first} ({age})"),
    ("Sorted by surname", "{last}, {first} ({age})"),
    ("Short list", "{last}, {first}, age {age}"),
    ("Labels", "{first} {last}, {age}"),
]
FIRST_LAYOUTS = ["Name: {first} {last}, Age: {age}, City: {city}",
                 "{first} {last}, {age}, from {city}",
                 "{first} {last} is {age} and lives in {city}.",
                 "Name: {first} {last}. Age: {age}. Home: {city}."]
# Header pairs for one happening told now and then: (first, second, tense of each).
TENSE_HEADERS = [("Now", "Then"), ("Today", "Yesterday"), ("This week", "Last week"),
                 ("Every day", "Last Sunday"), ("Usually", "Last night"), ("Now", "Before")]
TENSE_SUBJECTS = [("Tom", "he"), ("Anna", "she"), ("Sam", "he"), ("Lily", "she"), ("Ben", "he"),
                  ("Mia", "she"), ("The boy", "he"), ("The girl", "she"), ("My dad", "he"),
                  ("Her brother", "he"), ("The teacher", "she"), ("Grandma", "she"),
                  ("I", "I"), ("We", "we"), ("They", "they"), ("You", "you"),
                  ("The children", "they"), ("My friends", "they")]
VERDICT_LINES = [("Verdict: {v}.", ("good", "bad")), ("Overall: {v}.", ("good", "bad")),
                 ("In one word: {v}.", ("good", "bad")), ("My opinion: {v}.", ("good", "bad")),
                 ("In short, it was {v}.", ("good", "bad")), ("Verdict: {v}.", ("great", "awful")),
                 ("Would I go again? {v}.", ("Yes", "No"))]


def _mid_sentence(sentence: str) -> str:
    """'The boy ran.' -> 'the boy ran.'; names and 'I' keep their capital."""
    first = sentence.split()[0]
    keep = first == "I" or first in W.BOYS + W.GIRLS or first == "Grandma"
    return sentence if keep else sentence[0].lower() + sentence[1:]


@functools.cache
def held_out_keys() -> frozenset[str]:
    """The tasks' validation answers: reviews, people (first, last, age) and past sentences."""
    from adaptlab.pretrain.make_tasks import build_all

    keys = set()
    for name, text in build_all().items():
        for line in text.splitlines():
            row = json.loads(line)
            if row["split"] != "validation" or name == "facts":
                continue
            if name == "sentiment":
                keys.add(row["prompt"].removeprefix("Review: ").split("\n")[0])
            elif name == "format":  # the person, in the record layout the corpus checks against
                first, last, age = re.match(r"Name: (\w+) (\w+), Age: (\d+)", row["prompt"]).groups()
                keys.add(f"{last}, {first} ({age})")
            else:
                keys.add(row["completion"].strip())
    return frozenset(keys)


LIST_HEADS = [("Spelling list:", "Read it again:"), ("Words to learn:", "Say them again:"),
              ("Names on the board:", "Once more:")]
SAY_HEADS = [("Teacher:", "Class:"), ("Mia said:", "Ben said:"), ("Write it down:", "Written:"),
             ("Repeat after me:", "The children said:")]


class SkillWriter(Clauses):
    """Verdict lines for reviews, records in two layouts, tense pairs, and lists said twice."""

    def echo(self) -> str:
        """Something said, then said again: only copying predicts the second time.

        Copying from the context (induction heads, Olsson et al. 2022) is what the format and
        style tasks steer; in ordinary text it forms only after far more tokens than a CPU
        pretraining run sees, so these repeats give it a signal nothing else can satisfy. Words
        are separated by spaces, not commas: after a comma every word has the same previous
        token, and copying would need to look two tokens back.
        """
        listing = self.rng.random() < 0.5
        first, second = self.pick(LIST_HEADS if listing else SAY_HEADS)
        if listing:
            pool = (W.BOYS + W.GIRLS + SURNAMES + CITIES + G.OBJECTS + G.FOODS + G.ALL_ANIMALS
                    + W.COLORS + [str(n) for n in range(1, 100)])
            said = " ".join(G.text(self.pick(pool)) for _ in range(self.rng.randint(4, 12))) + "."
        else:
            who, gender = TENSE_SUBJECTS[self.rng.randrange(len(TENSE_SUBJECTS))]
            said = self.sentence(who, Actor(who, gender), self.pick(["past", "present"]))
        return f"{first} {said}\n{second} {said}"

    def verdict(self, good: bool) -> str:
        line, (yes, no) = self.pick(VERDICT_LINES)
        return line.format(v=yes if good else no)

    def short_review(self) -> str:
        """Two or three plain sentences, some negated ('The soup was not fresh.'), then a verdict."""
        good = self.rng.random() < 0.5
        parts = []
        while not parts or parts[0] in held_out_keys():
            parts = [self._aspect_sentence(good) for _ in range(self.rng.randint(1, 3))]
            parts = [" ".join(parts)]
        opener = "Review: " if self.rng.random() < 0.3 else ""
        return f"{opener}{parts[0]}\n{self.verdict(good)}"

    def _aspect_sentence(self, good: bool) -> str:
        if self.rng.random() < 0.5:
            thing = self.pick(W.RESTAURANT_ITEMS + ["waiter", "staff", "service", "room", "cook"])
            pools = (W.ADJ_GOOD[:10] + ["fresh", "tasty", "warm", "friendly", "kind", "clean"],
                     W.ADJ_BAD[:14] + ["cold", "stale", "rude", "dirty", "slow", "burnt"])
            verb = "were" if thing.endswith("s") and thing != "service" else "was"
        else:
            thing = self.pick(W.PRODUCTS).replace("_", " ")
            pools = (["sturdy", "useful", "comfortable", "reliable", "strong", "handy", "great"],
                     ["flimsy", "useless", "broken", "weak", "ugly", "cheap", "poor"])
            verb = "are" if thing.endswith("s") else "is"
        negate = self.rng.random() < 0.25  # "not stale" praises: the adjective flips
        adj = self.pick(pools[0] if good != negate else pools[1])
        return f"The {thing} {verb} {'not ' if negate else ''}{adj}."

    def person(self) -> dict[str, str | int]:
        while True:
            first, last = self.pick(W.BOYS + W.GIRLS), self.pick(SURNAMES)
            age = self.rng.randint(8, 95)
            if f"{last}, {first} ({age})" not in held_out_keys():
                return {"first": first, "last": last, "age": age, "city": self.pick(CITIES)}

    def records(self) -> str:
        """A club's members in one layout, then the same members in another, in the same order."""
        people = [self.person() for _ in range(self.rng.randint(2, 6))]
        club, (title, second) = self.pick(CLUBS), self.pick(RECORD_LAYOUTS)
        first = self.pick(FIRST_LAYOUTS)
        if self.rng.random() < 0.5:  # each person in both layouts, one after the other
            lines = [f"New members of the {club}."]
            for p in people:
                lines += [first.format(**p), f"{title}: {second.format(**p)}"]
            return "\n".join(lines)
        return "\n".join([f"Members of the {club}:"] + [first.format(**p) for p in people]
                         + [f"{title}:"] + [second.format(**p) for p in people])

    def tense_pair(self) -> tuple[str, str]:
        """The same clause in the present and in the past: ('Ben sleeps ...', 'Ben slept ...')."""
        while True:
            who, gender = TENSE_SUBJECTS[self.rng.randrange(len(TENSE_SUBJECTS))]
            actor, state = Actor(who, gender), self.rng.getstate()
            now = self.clause(who, actor, "present")
            self.rng.setstate(state)  # the same choices again, in the other tense
            then = self.clause(who, actor, "past")
            if cap(then) + "." not in held_out_keys():
                return cap(now) + ".", cap(then) + "."

    def then_and_now(self) -> str:
        """Habits and what happened: pairs under headers, or told as a little diary."""
        pairs = [self.tense_pair() for _ in range(self.rng.randint(2, 5))]
        now, then = self.pick(TENSE_HEADERS)
        if self.rng.random() < 0.5:
            return "\n".join(f"{now}: {a}\n{then}: {b}" for a, b in pairs)
        opener = self.pick(["Some things never change.", "Dear diary,", "Every week is the same."])
        body = [f"{a} {self.pick(['And yesterday', 'Last week too', 'Even last year'])}, "
                f"{_mid_sentence(b)}" for a, b in pairs]
        return " ".join([opener] + body)
