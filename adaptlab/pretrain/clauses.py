"""Clauses and sentences about an actor: the shared grammar that every genre draws on.

A clause is a subject, a verb agreeing with it in a tense, and a complement chosen to fit the verb's
frame (food for 'eat', a place for 'walk to', a person for 'visit'). Sentences join one or two
clauses with connectives and refer back to the actor with pronouns.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.grammar import Actor, Phrases, cap, conjugate


class Clauses(Phrases):
    """Sentence builders; `who` is the subject as written, `actor` gives the pronouns."""

    def relative(self, actor: Actor) -> str:
        """Somebody the actor knows: 'her friend Sam', 'his grandma', 'the old baker'."""
        roll = self.rng.random()
        if roll < 0.35:
            return f"{actor.poss} friend {self.pick(W.BOYS + W.GIRLS)}"
        if roll < 0.7:
            return f"{actor.poss} {self.pick(W.FAMILY)}"
        return self.np(self.pick(G.PEOPLE), [W.ADJ_FEEL, ['old', 'young']], det="the", p_adj=0.4)

    def food_np(self) -> str:
        if self.rng.random() < 0.4:
            food = self.pick(W.MASS_FOODS)
            boxes = [f"a {box} of" for box, foods in W.FOOD_CONTAINER.items() if food in foods]
            return f"{self.pick(['some', 'the'] + boxes)} {food}"
        many = self.rng.random() < 0.4
        return self.np(self.pick(G.FOODS), [W.ADJ_TASTE, W.COLORS[:6]], many=many, p_adj=0.4)

    def thing_np(self, actor: Actor | None = None) -> str:
        det = actor.poss if actor and self.rng.random() < 0.3 else None
        pools = [W.ADJ_OPINION, W.ADJ_SIZE, W.ADJ_LOOK, W.ADJ_AGE, W.COLORS, W.ADJ_MATERIAL]
        return self.np(self.pick(G.OBJECTS), pools, det=det, many=self.rng.random() < 0.2)

    def animal_np(self, many: bool | None = None) -> str:
        many = self.rng.random() < 0.3 if many is None else many
        return self.np(self.pick(G.ALL_ANIMALS), [W.ADJ_SIZE, W.ADJ_ANIMAL, W.COLORS[:10]],
                       many=many)

    def complement(self, actor: Actor, animal: bool = False) -> tuple[str, str]:
        """A verb and what follows it, chosen so that the pair makes sense."""
        r = self.rng.random()
        if animal:
            if r < 0.45:
                where = self.pick([self.place_pp(), self.thing_pp(), ""])
                return self.pick(G.INTRANS_ANIMAL), where
            if r < 0.75:
                return self.pick(G.MOTION[:14]), f"to the {G.text(self.pick(W.PLACES))}"
            return self.pick(["find", "chase", "watch", "follow"]), self.animal_np()
        table = [
            (0.14, lambda: (self.pick(G.INTRANS_PERSON), self.pick(["", self.place_pp()]))),
            (0.28, lambda: (self.pick(G.VERBS_THING), self.thing_np(actor))),
            (0.40, lambda: (self.pick(G.VERBS_FOOD), self.food_np())),
            (0.50, lambda: (self.pick(G.VERBS_ANIMAL), self.animal_np())),
            (0.60, lambda: (self.pick(G.VERBS_PERSON), self.relative(actor))),
            (0.70, lambda: (self.pick(G.MOTION), self.motion_goal(actor))),
            (0.76, lambda: (self.pick(G.VERBS_PLACE), f"the {G.text(self.pick(W.PLACES))}")),
            (0.82, lambda: ("play", self.pick(W.GAMES) if self.rng.random() < 0.6
                            else f"the {self.pick(W.INSTRUMENTS)}")),
            (0.88, lambda: ("read", self.np(self.pick(W.READABLES), [W.ADJ_SIZE, W.ADJ_AGE]))),
            (0.9, lambda: ("wash", f"{actor.poss} {G.plural(self.pick(G.BODY))}")),
            (0.93, lambda: ("write", f"{G.with_article(self.pick(W.WRITABLES))} "
                                     f"for {self.relative(actor)}")),
            (1.01, lambda: self.ditransitive(actor)),
        ]
        return next(make for cut, make in table if r < cut)()

    def motion_goal(self, actor: Actor) -> str:
        r = self.rng.random()
        if r < 0.35:
            return f"to the {G.text(self.pick(W.PLACES))}"
        if r < 0.45:
            prep = self.pick(["across", "through", "into", "around", "past", "along"])
            return f"{prep} the {G.text(self.pick(W.PLACES))}"
        if r < 0.6:
            ride = self.pick(["by", "on the"]) if self.rng.random() < 0.5 else "in the"
            return f"to the {G.text(self.pick(W.PLACES))} {ride} {self.pick(W.VEHICLES)}"
        if r < 0.8:
            return "home"
        return f"to {actor.poss} {self.pick(W.FAMILY)}'s house"

    def ditransitive(self, actor: Actor) -> tuple[str, str]:
        verb = self.pick(W.DITRANSITIVE)
        gift = self.food_np() if self.rng.random() < 0.4 else self.thing_np()
        if self.rng.random() < 0.5:
            return verb, f"{self.relative(actor)} {gift}"
        to = "for" if verb in ("make", "bring") else "to"
        return verb, f"{gift} {to} {self.relative(actor)}"

    def clause(self, who: str, actor: Actor, tense: str, animal: bool = False) -> str:
        verb, rest = self.complement(actor, animal)
        if self.rng.random() < 0.08 and tense in ("past", "present"):
            group = G.negate(verb, tense, actor.form)
        else:
            group = conjugate(verb, tense, actor.form)
        extra = ""
        r = self.rng.random()
        if r < 0.2:
            extra = self.pick(W.ADVERBS)
        elif r < 0.3 and " to " not in rest and rest != "home":
            extra = self.place_pp()
        return " ".join(p for p in (who, group, rest, extra) if p)

    def feeling(self, who: str, actor: Actor, tense: str) -> str:
        adj = self.pick(W.ADJ_FEEL)
        very = self.pick(["", "", "very ", "so ", "a little "])
        return f"{who} {G.be(tense, actor.form)} {very}{adj}"

    def sentence(self, who: str, actor: Actor, tense: str = "past", animal: bool = False) -> str:
        """One or two clauses about the actor, the second referring back with a pronoun."""
        first = self.clause(who, actor, tense, animal)
        r = self.rng.random()
        if r < 0.45:
            return cap(first) + "."
        pron = actor.subj
        if r < 0.6:
            return cap(f"{first} and then {self.clause(pron, actor, tense, animal)}") + "."
        if r < 0.7:
            return cap(f"{first}, but {self.feeling(pron, actor, tense)}") + "."
        if r < 0.8:
            return cap(f"{first} because {self.feeling(pron, actor, tense)}") + "."
        if r < 0.9:
            opener = self.pick(["After", "Before", "When"])
            return cap(f"{opener} {first}, {self.clause(pron, actor, tense, animal)}") + "."
        return cap(f"{self.time_phrase(tense)}, {first}") + "."

    def scenery(self, tense: str = "past") -> str:
        """A sentence about the weather or the sky, where adverbs like 'brightly' fit."""
        subj, verb, how = self.pick([
            ("the sun", "shine", ["brightly", "warmly"]),
            ("the wind", "blow", ["softly", "loudly"]),
            ("the rain", "fall", ["softly", "silently", "lightly"]),
            ("the snow", "fall", ["silently", "softly"]), ("the stars", "twinkle", ["brightly"]),
            ("the birds", "sing", ["loudly", "cheerfully", "sleepily"]),
            ("the leaves", "move", ["gently", "quietly"]),
            ("the river", "flow", ["slowly", "quietly"])])
        form = "pl" if subj.endswith("s") else "sg"
        tense = "past_progressive" if tense == "past" and self.rng.random() < 0.5 else tense
        return cap(f"{subj} {G.conjugate(verb, tense, form)} {self.pick(how)}") + "."
