"""Dialogues between two people, and product and restaurant reviews with a clear sentiment.

A dialogue is a chain of exchanges (greeting, question and answer, invitation, request) written
either as a script ("Mia: ...") or as quoted speech ("..." said Mia). A review picks a sentiment
first and then writes every sentence, and its star rating, to agree with it.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.grammar import Actor, cap
from adaptlab.pretrain.skills import SkillWriter

POS_OPEN = ["I love this {x}.", "This {x} is great.", "What a wonderful {x}!",
            "I am very happy with this {x}.", "This is the best {x} I have ever had."]
NEG_OPEN = ["I do not like this {x}.", "This {x} is terrible.", "What a bad {x}.",
            "I am not happy with this {x}.", "This is the worst {x} I have ever had."]
POS_CLOSE = ["I would buy it again.", "I will tell all my friends about it.", "Five stars from me.",
             "It was worth every penny.", "I am glad I bought it."]
NEG_CLOSE = ["I would not buy it again.", "Do not waste your money.", "I want my money back.",
             "I sent it back the next day.", "One star is too many."]
R_POS_CLOSE = ["We will come back soon.", "I would eat here again.", "I can not wait to go back.",
               "It is my new favorite place."]
GREAT = ["excellent", "wonderful", "great", "lovely"]
AWFUL = ["awful", "terrible", "bad", "disappointing"]
BROKE = ["broke after two days", "stopped working", "arrived broken"]
# What each aspect of a product or a meal can be, when it is good and when it is bad.
ASPECTS = {
    "food": ("delicious tasty fresh wonderful", "bland cold greasy stale awful"),
    "service": ("quick friendly excellent great", "slow rude poor terrible"),
    "waiter": ("friendly kind helpful polite", "rude unfriendly slow grumpy"),
    "staff": ("friendly kind helpful cheerful", "rude unfriendly slow grumpy"),
    "table": ("clean comfortable nice", "dirty sticky wobbly"),
    "menu": ("great interesting clear", "short boring confusing"),
    "price": ("fair low good", "too_high unfair silly"),
    "portion": ("big generous perfect", "tiny small sad"),
    "music": ("lovely pleasant soft", "too_loud awful noisy"),
    "room": ("cozy clean bright warm", "cold dirty noisy dark"),
    "handle": ("strong sturdy comfortable", "weak flimsy loose"),
    "lid": ("tight sturdy neat", "loose flimsy broken"),
    "strap": ("strong soft comfortable", "thin weak broken"),
    "button": ("easy_to_press sturdy smooth", "stuck broken hard_to_press"),
    "screen": ("bright clear sharp", "dim scratched dark"),
    "light": ("bright warm soft", "dim weak harsh"),
    "sound": ("clear loud rich", "quiet tinny awful"),
    "color": ("lovely bright beautiful", "dull ugly faded"),
    "size": ("perfect just_right useful", "too_small too_big wrong"),
    "battery": ("long-lasting strong great", "weak dead poor"),
    "box": ("neat sturdy pretty", "torn dirty broken"),
    "wheel": ("smooth strong quiet", "wobbly loose broken"),
}
R_NEG_CLOSE = ["We will not come back.", "I would not eat here again.", "Try another place.",
               "We left hungry and sad."]


class TalkWriter(SkillWriter):
    def aspect(self, part: str, good: bool) -> str:
        pool = ASPECTS[part][0 if good else 1].split()
        adj = G.text(self.pick(pool))
        very = "" if " " in adj else self.pick(["", "very ", "really ", "so "])
        is_ = "are" if part.endswith("s") else "is"
        return f"The {part} {is_} {very}{adj}."

    def product_review(self, good: bool) -> str:
        x = G.text(self.pick(W.PRODUCTS))
        s = [self.pick(POS_OPEN if good else NEG_OPEN).format(x=x)]
        when = self.pick(["last week", "a month ago", "for my birthday", "two days ago",
                          "in the spring"])
        s.append(f"I bought it {when}" + (" and I use it every day." if good else
                                          f" and it {self.pick(BROKE)}."))
        for part in self.rng.sample(W.PRODUCT_PARTS, self.rng.randint(2, 3)):
            s.append(self.aspect(part, good))
        s.append(f"It is {self.pick(W.ADJ_GOOD[:12] if good else W.ADJ_BAD[:9] + ['useless'])}.")
        if good:
            s.append(self.pick([f"It works {self.pick(['well', 'perfectly', 'just fine'])}.",
                                "It was easy to set up.", "My family loves it too."]))
        else:
            s.append(self.pick(["It does not work well.", "It was hard to set up.",
                                "It feels cheap and weak.", "The box was torn and dirty."]))
        s.append(self.pick(POS_CLOSE if good else NEG_CLOSE))
        stars = self.pick([4, 5] if good else [1, 2])
        return f"Review of a {x}. Rating: {stars} out of 5.\n" + " ".join(s)

    def restaurant_review(self, good: bool) -> str:
        kind = self.pick(["restaurant", "cafe", "pizza place", "diner", "bakery", "noodle bar"])
        dish = self.pick(W.RESTAURANT_ITEMS)
        taste = self.pick(["delicious", "tasty", "fresh", "hot", "perfect"] if good
                          else ["cold", "bland", "greasy", "stale", "soggy", "too salty"])
        s = [self.pick([f"This {kind} was {self.pick(GREAT)}.",
                        f"We had a {self.pick(['great', 'lovely', 'happy'])} dinner "
                        f"at this {kind}."]
                       if good else
                       [f"This {kind} was {self.pick(AWFUL)}.",
                        f"We had a {self.pick(['bad', 'sad', 'long'])} dinner at this {kind}."]),
             f"I ordered the {dish} and it was {taste}."]
        for part in self.rng.sample(W.RESTAURANT_PARTS, 2):
            s.append(self.aspect(part, good))
        if good:
            s.append(f"The waiter was {self.pick(['kind', 'friendly', 'quick', 'polite'])} "
                     "and smiled a lot.")
        else:
            s.append(f"We waited {self.pick(['an hour', 'forty minutes', 'a long time'])} "
                     "for our food.")
        s.append(self.pick(R_POS_CLOSE if good else R_NEG_CLOSE))
        return " ".join(s)

    def review(self) -> str:
        good = self.rng.random() < 0.5
        text = self.product_review(good) if self.rng.random() < 0.5 else self.restaurant_review(good)
        # Half the reviews end in a one-word verdict, as reviews on the web often do: the
        # skill that the sentiment task steers (adaptlab.pretrain.skills).
        return f"{text}\n{self.verdict(good)}" if self.rng.random() < 0.5 else text

    def exchange(self, me: str, you: str) -> list[tuple[str, str]]:
        """A few lines between two speakers, as (speaker, words)."""
        r = self.rng.random()
        thing = G.text(self.pick(G.OBJECTS))
        if r < 0.2:
            verb, rest = self.complement(Actor("I", "I"))
            return [(me, "What are you doing?"),
                    (you, f"I am {G.ing(verb)} {rest}.".replace("  ", " ").replace(" .", "."))]
        if r < 0.4:
            verb, rest = self.complement(Actor("we", "we"))
            yes = self.rng.random() < 0.6
            return [(me, f"Do you want to {verb} {rest} with me?".replace("  ", " ")),
                    (you, self.pick(["Yes, I would love to!", "Sure, that sounds fun."]) if yes else
                     f"No, thank you. I am {self.pick(['tired', 'busy', 'sick', 'too full'])}.")]
        if r < 0.55:
            if self.rng.random() < 0.5:
                return [(me, f"Where did you put my {thing}?"), (you, f"I put it {self.thing_pp()}.")]
            return [(me, f"Where is my {thing}?"), (you, f"I saw it {self.thing_pp()}."),
                    (me, "Thank you!")]
        if r < 0.7:
            what = self.pick(["color", "food", "animal", "game", "season"])
            pool = {"color": W.COLORS, "food": G.FOODS, "animal": G.ALL_ANIMALS,
                    "game": W.GAMES, "season": W.SEASONS}[what]
            answer = G.text(self.pick(pool))
            return [(me, f"What is your favorite {what}?"),
                    (you, f"My favorite {what} is {answer}."),
                    (me, self.pick(["Me too!", "Mine is different.", "That is a good one."]))]
        if r < 0.85:
            when = self.pick(["your day", "school", "the trip", "the party", "your weekend"])
            feel = self.pick(["fun", "great", "long", "boring", "nice"])
            done = self.clause("I", Actor("I", "I"), "past")
            return [(me, f"How was {when}?"), (you, f"It was {feel}. {cap(done)}.")]
        return [(me, f"Can you help me carry this {thing}?"),
                (you, self.pick(["Of course! It is heavy.", "Yes, give it to me.",
                                 "Sorry, my hands are full."]))]

    def dialogue(self) -> str:
        a, b = self.rng.sample(W.BOYS + W.GIRLS, 2)
        lines = [(a, self.pick(["Hello", "Hi", "Good morning"]) + f", {b}!"),
                 (b, self.pick([f"Hi, {a}!", f"Hello, {a}. How are you?", f"Good morning, {a}."]))]
        for _ in range(self.rng.randint(1, 3)):
            me, you = (a, b) if self.rng.random() < 0.5 else (b, a)
            lines += self.exchange(me, you)
        lines.append((a, self.pick(["See you later!", "Bye!", "I have to go now. Bye!"])))
        if self.rng.random() < 0.5:
            return "\n".join(f"{who}: {words}" for who, words in lines)
        return "\n".join(self.quoted(who, words) for who, words in lines)

    def quoted(self, who: str, words: str) -> str:
        """'"I am fine," said Mia.' A statement's full stop becomes a comma inside the quote."""
        if words.endswith("?"):
            return f'"{words}" asked {who}.'
        words = words[:-1] + "," if words.endswith(".") else words
        how = f" {self.pick(W.SAY_ADVERBS)}" if self.rng.random() < 0.2 else ""
        return f'"{words}" {self.pick(["said", "said", "answered", "replied"])} {who}{how}.'
