"""Everyday texts: diaries, "about me" notes and small observations with many kinds of subject.

Other genres mostly talk about one character; here every sentence picks a fresh subject (I, we,
my sister, the old man, the ducks, it) and a frame (have, be, there is, weather, likes to, can,
put, sit, look at, buy a list), so the model meets the common shapes of plain English.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.clauses import Clauses
from adaptlab.pretrain.grammar import Actor, cap

SHE = {"mother", "sister", "grandma", "aunt", "mom", "girl", "woman", "lady", "queen",
       "princess", "witch"}
HE = {"father", "brother", "grandpa", "uncle", "dad", "boy", "man", "king", "prince",
      "gentleman", "fisherman", "mailman"}
WHEN = ["every morning", "every day", "after school", "on Sunday", "at night", "all day",
        "in the afternoon", "on the weekend", "before dinner"]
WHEN_PAST = WHEN + ["last night", "this morning", "yesterday", "last week"]
MEALS = ["breakfast", "lunch", "dinner", "supper", "a snack"]
OWN_PLACES = ["garden", "room", "house", "kitchen", "bedroom", "school", "yard", "classroom"]
PREPS = ["across", "through", "into", "around", "over", "past", "along", "out of"]
THINGS_LIKE = ["moon", "sun", "sky", "room", "water", "soup", "road", "grass", "house", "night",
               "music", "game", "book", "film", "party", "trip"]


class EverydayWriter(Clauses):
    def subject(self) -> tuple[str, Actor]:
        """A fresh subject and its pronouns: 'my sister' (she), 'the ducks' (they), 'I'."""
        r = self.rng.random()
        if r < 0.25:
            who = self.pick(["I", "we", "you", "I", "we"])
            return who, Actor(who, who)
        if r < 0.4:
            name = self.pick(W.BOYS + W.GIRLS)
            return name, Actor(name, "he" if name in W.BOYS else "she")
        if r < 0.45:  # family words used as names
            name = self.pick(["Grandpa", "Grandma", "Mom", "Dad", "Mommy", "Daddy"])
            return name, Actor(name, "he" if name in ("Grandpa", "Dad", "Daddy") else "she")
        if r < 0.65:
            rel = self.pick(W.FAMILY + ["friend", "teacher", "neighbor"])
            owner = self.pick(["my", "my", "our", "your", f"{self.pick(W.GIRLS)}'s"])
            gender = "she" if rel in SHE else "he" if rel in HE else self.pick(["he", "she"])
            return f"{owner} {rel}", Actor(rel, gender)
        if r < 0.8:
            person = self.pick(G.PEOPLE)
            gender = "she" if person in SHE else "he" if person in HE else self.pick(["he", "she"])
            adj = self.pick(["", "", "old ", "young ", "kind ", "little ", "tall "])
            where = self.pick(["", "", "", " in the shop", " on the corner", " next door",
                               " from the farm", f" with the {self.pick(W.COLORS)} hat"])
            return f"the {adj}{G.text(person)}{where}", Actor(person, gender)
        if r < 0.9:
            animal = self.pick(G.ALL_ANIMALS)
            return f"the {G.text(animal)}", Actor(animal, "it")
        group = self.pick(["the children", "my friends", "the " + G.plural(self.pick(G.ALL_ANIMALS)),
                           "people", "my parents", "the " + G.plural(self.pick(G.PEOPLE))])
        return group, Actor(group, "they")

    def frame(self, who: str, a: Actor, tense: str) -> str:
        """One clause about the subject, in one of many common shapes."""
        have = {"past": "had", "present": "has" if a.form == "sg" else "have"}[tense]
        r = self.rng.random()
        if r < 0.12:
            extra = f" with {self.thing_np()}" if self.rng.random() < 0.3 else ""
            owned = self.pick([self.np(self.pick(G.OBJECTS), [W.ADJ_SIZE, W.COLORS], det="a"),
                               self.food_np(), self.animal_np()])
            return f"{who} {have} {owned}{extra}"
        if r < 0.2:
            return f"{who} {G.be(tense, a.form)} {self.pick(['very ', 'so ', ''])}{self.pick(W.ADJ_FEEL)}"
        if r < 0.27:
            return f"{who} {G.be(tense, a.form)} {self.place_pp()}"
        if r < 0.34:
            n = self.rng.randint(2, 9)
            thing = self.pick(G.OBJECTS + G.FOODS + G.ALL_ANIMALS)
            return (f"there {'were' if tense == 'past' else 'are'} {W.NUMBERS[n - 1]} "
                    f"{G.plural(thing)} {self.place_pp()}")
        if r < 0.42:
            verb, rest = self.complement(a)
            likes = G.conjugate(self.pick(["like", "love", "want"]), tense, a.form)
            return f"{who} {likes} to {verb} {rest}".rstrip()
        if r < 0.48:
            verb, rest = self.complement(a)
            return f"{who} {'could' if tense == 'past' else 'can'} {verb} {rest}".rstrip()
        if r < 0.56:
            verb = G.conjugate(self.pick(["sit", "stand", "sleep", "wait", "play"]), tense, a.form)
            return f"{who} {verb} {self.pick(['on', 'by', 'near', 'under'])} the {self.pick(W.HOUSE_THINGS)}"
        if r < 0.63:
            look = G.conjugate("look", tense, a.form)
            target = self.pick([self.animal_np(), self.thing_np(), f"the {self.pick(W.NATURE)}"])
            return f"{who} {look} at {target}"
        if r < 0.7:
            put = G.conjugate("put", tense, a.form)
            return f"{who} {put} {self.thing_np()} {self.pick(['on', 'in', 'under'])} the {self.pick(W.HOUSE_THINGS)}"
        if r < 0.77:
            items = [G.plural(f) for f in self.rng.sample(G.FOODS, 2)] + [self.pick(W.MASS_FOODS)]
            verb = G.conjugate(self.pick(["buy", "sell", "need", "want"]), tense, a.form)
            return f"{who} {verb} {G.join_list(items)}"
        if r < 0.82:
            verb = G.conjugate(self.pick(["begin", "start"]), tense, a.form)
            return f"{who} {verb} to {self.pick(G.INTRANS_PERSON)}"
        if r < 0.87:
            verb = G.conjugate(self.pick(["play", "stay", "eat", "read", "wait"]), tense, a.form)
            return f"{who} {verb} {self.pick(['inside', 'outside', 'upstairs', 'at home'])}"
        return self.frame2(who, a, tense)

    def frame2(self, who: str, a: Actor, tense: str) -> str:
        """More shapes: meals, own places, paths, stories told, games with someone."""
        r = self.rng.random()
        if r < 0.1:
            return self.own_things(who, a, tense)
        if r < 0.15:
            verb = G.conjugate(self.pick(["have", "eat", "want", "cook"]), tense, a.form)
            return f"{who} {verb} {self.food_np()} for {self.pick(MEALS)}"
        if r < 0.3:
            verb = G.conjugate(self.pick(["work", "play", "sit", "read", "sleep"]), tense, a.form)
            return f"{who} {verb} in {a.poss} {self.pick(OWN_PLACES)}"
        if r < 0.45:
            verb = G.conjugate(self.pick(["run", "walk", "go", "swim", "hurry", "jump"]), tense, a.form)
            return f"{who} {verb} {self.pick(PREPS)} the {G.text(self.pick(W.PLACES + W.NATURE))}"
        if r < 0.55:
            verb = G.conjugate("tell", tense, a.form)
            return (f"{who} {verb} {self.pick(['us', 'me', 'them', 'the children'])} "
                    f"{G.with_article(self.pick(['funny', 'long', 'sad', 'short', 'scary', 'good']))} "
                    f"story about {self.animal_np(False)}")
        if r < 0.7:
            verb = G.conjugate(self.pick(["play", "talk", "walk", "sing"]), tense, a.form)
            return f"{who} {verb} with {a.poss} {self.pick(['best friend', 'friends'] + W.FAMILY)}"
        if r < 0.85:
            verb = G.conjugate(self.pick(["go", "walk", "run", "come"]), tense, a.form)
            return f"{who} {verb} {self.pick(['to school', 'to bed', 'home', 'to work', 'to the shop'])}"
        return self.clause(who, a, tense)

    def own_things(self, who: str, a: Actor, tense: str) -> str:
        """'Ben put on his coat.', 'She washed her hands.': a verb and something of one's own."""
        verb, things = self.pick([
            ("put on", W.CLOTHES), ("take off", W.CLOTHES), ("lose", W.CLOTHES + ["keys", "book"]),
            ("find", W.CLOTHES + ["keys", "ball"]), ("wash", W.BODY_PLURAL), ("hurt", W.BODY),
            ("raise", ["hand", "arm"]), ("hold", ["breath", "nose", "hand"]), ("brush", ["teeth", "hair"]),
        ])
        head, _, particle = verb.partition(" ")
        group = G.conjugate(head, tense, a.form)
        return f"{who} {group}{' ' + particle if particle else ''} {a.poss} {self.pick(things)}"

    def quality(self, tense: str) -> str:
        """'The moon was bright.': things, not people, being something."""
        thing = self.pick(THINGS_LIKE)
        adj = self.pick(W.ADJ_LOOK + W.ADJ_PLACE + W.ADJ_GOOD[:8])
        return f"The {thing} {G.be(tense, 'sg')} {self.pick(['very ', 'so ', 'too ', ''])}{adj}."

    def weather(self, tense: str) -> str:
        if tense == "past":
            return self.pick([f"It {self.pick(['rained', 'snowed'])} {self.pick(['all day', 'all night', 'in the morning'])}",
                              f"It was {self.pick(W.WEATHER)} {self.pick(['today', 'all day', 'in the morning', 'outside'])}",
                              f"The sky was {self.pick(['blue', 'gray', 'pink', 'dark', 'clear'])}"])
        return self.pick([f"It is {self.pick(W.WEATHER)} today", f"It often rains in {self.pick(W.SEASONS)}",
                          f"The sky is {self.pick(['blue', 'gray', 'clear'])} today"])

    def request(self) -> str:
        verb, rest = self.complement(Actor("you", "you"))
        return self.pick([f"Please {verb} {rest}.", f"Can you {verb} {rest}, please?",
                          f"Do not {verb} {rest}.", f"Could you pass me {self.food_np()}, please?",
                          f"Please close the {self.pick(['door', 'window', 'gate', 'box'])}."])

    def line(self, tense: str, last: Actor | None = None) -> str:
        """A sentence: a frame, maybe a time phrase, maybe a second clause."""
        roll = self.rng.random()
        if roll < 0.1:
            return cap(self.weather(tense)) + "."
        if roll < 0.16:
            return self.request().replace("  ", " ").replace(" ,", ",").replace(" .", ".")
        if roll < 0.2:
            return self.quality(tense)
        if last is not None and roll < 0.45:  # go on about the same one: 'She ...'
            who, a = last.subj, last
        else:
            who, a = self.subject()
        self.last = a
        s = self.frame(who, a, tense)
        r = self.rng.random()
        when = WHEN_PAST if tense == "past" else WHEN
        if r < 0.2:
            s = f"{s} {self.pick(when)}"
        elif r < 0.3:
            s = f"{self.pick(when)}, {s}"
        r = 1.0 if s.startswith("there") else self.rng.random()  # 'there' leaves no antecedent
        if r < 0.1:
            other, b = self.subject()
            s = f"{s} {self.pick(['when', 'while', 'after', 'before'])} {self.frame(other, b, tense)}"
        elif r < 0.25:
            s = f"{s}, {self.pick(['so', 'and', 'but'])} {self.frame(a.subj, a, tense)}"
        elif r < 0.35:
            s = f"{s} because {self.frame(a.subj, a, tense)}"
        return cap(s) + "."

    def everyday(self) -> str:
        tense = self.pick(["past", "present"])
        head = ""
        if tense == "past" and self.rng.random() < 0.5:
            head = self.pick(["Dear diary,", "Today was a good day.", "Yesterday was a busy day.",
                              "Last Sunday, we stayed home.", "This morning, I woke up early."])
        elif tense == "present" and self.rng.random() < 0.4:
            name = self.pick(W.BOYS + W.GIRLS)
            head = (f"My name is {name}. I am {self.pick(W.NUMBERS[4:11])} years old. I live in "
                    f"{G.with_article(self.pick(['small', 'big', 'old', 'new']))} house near the "
                    f"{G.text(self.pick(W.PLACES))}.")
        lines, self.last = [], None
        for _ in range(self.rng.randint(3, 8)):
            lines.append(self.line(tense, self.last))
        return " ".join(([head] if head else []) + lines)
