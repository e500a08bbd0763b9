"""Descriptions (places, animals, objects), questions and answers, and instructions or recipes.

Descriptions are in the present tense and mix facts from the word list's animal classes with
free sentences from the grammar. Answers are true for the small world the word list describes:
cows eat grass, two plus three is five, a spider has eight legs.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.clauses import Clauses
from adaptlab.pretrain.grammar import Actor, cap

COLOR_OF = {"sky": "blue", "grass": "green", "snow": "white", "sun": "yellow", "banana": "yellow",
            "lemon": "yellow", "strawberry": "red", "tomato": "red", "carrot": "orange",
            "pumpkin": "orange", "coal": "black", "milk": "white", "leaf": "green", "night": "dark",
            "cherry": "red", "frog": "green", "crow": "black", "pig": "pink", "cloud": "white"}
LEGS = {"spider": 8, "ant": 6, "bee": 6, "beetle": 6, "dog": 4, "cat": 4, "cow": 4, "horse": 4,
        "hen": 2, "duck": 2, "owl": 2, "bird": 2, "octopus": 8, "crab": 10, "snake": 0, "fish": 0}
# Rough sizes so that comparisons are true: mouse < cat < dog < sheep < horse < elephant < whale.
SIZE_RANK = ["ant", "bee", "mouse", "frog", "rabbit", "cat", "fox", "dog", "sheep", "pig",
             "deer", "cow", "horse", "bear", "camel", "giraffe", "elephant", "whale"]
OPPOSITES = {"big": "small", "hot": "cold", "fast": "slow", "happy": "sad", "up": "down",
             "day": "night", "open": "closed", "old": "new", "wet": "dry", "light": "dark",
             "tall": "short", "loud": "quiet", "clean": "dirty", "full": "empty", "soft": "hard"}
FRUIT = ["apple", "banana", "pear", "peach", "plum", "grape", "cherry", "lemon", "mango", "melon"]
VEG = ["carrot", "potato", "onion", "cucumber", "radish", "pumpkin", "pepper"]


class TextWriter(Clauses):
    def describe_animal(self) -> str:
        animal = self.pick(G.ALL_ANIMALS)
        kind = G.ANIMAL_KIND[animal]
        many = G.plural(animal)
        it = Actor(f"the {animal}", "it")
        they = Actor(many, "they")
        adj = self.pick(W.ADJ_SIZE[:7] + W.ADJ_ANIMAL)
        foods = self.rng.sample(W.ANIMAL_FOOD[kind], 2)
        s = [f"{cap(G.with_article(animal))} is {G.with_article(adj)} animal.",
             f"It has {self.pick(W.COLORS[:12])} {W.ANIMAL_COAT[kind]}"
             f" and {G.with_article(self.pick(['long', 'short', 'small', 'strong']))} "
             f"{self.pick(['tail', 'body', 'nose', 'neck'])}.",
             f"{cap(many)} live in the {G.text(self.pick(W.ANIMAL_HOME[kind]))}.",
             f"They eat {foods[0]} and {foods[1]}."]
        if animal in W.ANIMAL_SOUND:
            verb = W.ANIMAL_SOUND[animal]
            s.append(f"When {G.with_article(animal)} is "
                     f"{self.pick(['happy', 'hungry', 'scared'])}, "
                     f"it {G.third(verb)}.")
        for _ in range(self.rng.randint(1, 3)):
            s.append(self.sentence(self.pick(["it", f"the {animal}"]), it, "present", True))
        s.append(f"{self.pick(['Many', 'Some', 'Most'])} children like {many} "
                 f"because they are "
                 f"{self.pick(['cute', 'funny', 'clever', 'friendly', 'fun to watch'])}.")
        if self.rng.random() < 0.3:
            s.append(self.sentence("they", they, "present", True))
        return " ".join(s)

    def describe_place(self) -> str:
        place = self.pick(W.PLACES)
        a, b = self.rng.sample(W.ADJ_PLACE, 2)
        things = [self.np(self.pick(W.NATURE + W.HOUSE_THINGS + G.OBJECTS), [W.ADJ_SIZE, W.COLORS],
                          det="a", p_adj=0.6) for _ in range(2)]
        s = [f"The {G.text(place)} is {a} and {b}.",
             f"There is {things[0]} and {things[1]} "
             f"{self.pick(['there', 'in the middle', 'by the door'])}."]
        for _ in range(self.rng.randint(2, 4)):
            who = self.pick(["people", "children", "the " + G.plural(self.pick(G.PEOPLE)),
                             "my friends and I", "we", "they"])
            actor = Actor(who, "we" if who in ("we", "my friends and I") else "they")
            s.append(self.sentence(who, actor, "present"))
        s.append(f"In the {self.pick(W.TIMES)}, the {G.text(place)} is {self.pick(W.ADJ_PLACE)}.")
        if self.rng.random() < 0.4:
            s.append(self.scenery("present"))
        if self.rng.random() < 0.5:
            s.append(f"I {self.pick(['like', 'love'])} the {G.text(place)} because it is "
                     f"{self.pick(['fun', 'quiet', 'pretty', 'close to my house', 'never boring'])}"
                     ".")
        return " ".join(s)

    def describe_object(self) -> str:
        thing = self.pick(G.OBJECTS)
        me = Actor("I", "I")
        who = self.relative(me)
        s = [f"This is my {G.text(thing)}.",
             f"It is {self.pick(W.COLORS)} and {self.pick(W.ADJ_SIZE + W.ADJ_LOOK)}.",
             f"{cap(who)} {self.pick(['gave it to me', 'bought it for me', 'made it for me'])} "
             f"{self.pick(['on my birthday', 'last year', 'last week', 'a long time ago'])}.",
             f"I keep it {self.thing_pp()}."]
        for _ in range(self.rng.randint(1, 2)):
            s.append(self.sentence("I", me, self.pick(["present", "past"])))
        s.append(f"It is my {self.pick(['favorite', 'best', 'most special'])} thing.")
        return " ".join(s)

    def qa_pair(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.15:
            animal = self.pick(G.ALL_ANIMALS)
            kind = G.ANIMAL_KIND[animal]
            many = G.plural(animal)
            food = G.join_list(self.rng.sample(W.ANIMAL_FOOD[kind], 2))
            home = G.text(self.pick(W.ANIMAL_HOME[kind]))
            return self.pick([(f"What do {many} eat?", f"{cap(many)} eat {food}."),
                              (f"Where do {many} live?", f"{cap(many)} live in the {home}.")])
        if r < 0.25:
            animal = self.pick(sorted(W.ANIMAL_SOUND))
            verb = W.ANIMAL_SOUND[animal]
            a = G.with_article(animal)
            return f"What does {a} do?", f"{cap(a)} {G.third(verb)}."
        if r < 0.37:
            thing = self.pick(sorted(COLOR_OF))
            mass = ("sky", "grass", "snow", "sun", "night", "milk", "coal")
            is_ = "is the" if thing in mass else "is a"
            return f"What color {is_} {thing}?", f"The {thing} is {COLOR_OF[thing]}."
        if r < 0.5:
            a, b = self.rng.randint(0, 6), self.rng.randint(0, 6)
            op = self.pick(["plus", "and"])
            return (f"What is {self.num(a)} {op} {self.num(b)}?",
                    f"{cap(self.num(a))} {op} {self.num(b)} is {self.num(a + b)}.")
        if r < 0.6:
            word = self.pick(sorted(OPPOSITES))
            return (f"What is the opposite of {word}?",
                    f"The opposite of {word} is {OPPOSITES[word]}.")
        if r < 0.72:
            a, b = self.rng.sample(SIZE_RANK, 2)
            big, small = (a, b) if SIZE_RANK.index(a) > SIZE_RANK.index(b) else (b, a)
            return (f"Which is bigger, {G.with_article(a)} or {G.with_article(b)}?",
                    f"{cap(G.with_article(big))} is bigger than {G.with_article(small)}.")
        if r < 0.8:
            animal = self.pick(sorted(LEGS))
            n = LEGS[animal]
            legs = "no legs" if n == 0 else f"{self.num(n)} legs"
            a = G.with_article(animal)
            return f"How many legs does {a} have?", f"{cap(a)} has {legs}."
        if r < 0.9:
            item = self.pick(FRUIT + VEG)
            kind = "fruit" if item in FRUIT else "vegetable"
            return (f"Is {G.with_article(item)} a fruit or a vegetable?",
                    f"{cap(G.with_article(item))} is {G.with_article(kind)}.")
        feel = self.pick(["tired", "hungry", "cold", "thirsty", "sad"])
        fix = {"tired": "go to sleep", "hungry": "eat something", "cold": "put on a warm coat",
               "thirsty": "drink some water", "sad": "talk to a friend"}[feel]
        return f"What should you do when you are {feel}?", f"When you are {feel}, you should {fix}."

    def num(self, n: int) -> str:
        return "zero" if n == 0 else W.NUMBERS[n - 1]

    def qa(self) -> str:
        q, a = self.pick([("Question:", "Answer:"), ("Q:", "A:")])
        pairs = [self.qa_pair() for _ in range(self.rng.randint(2, 5))]
        return "\n".join(f"{q} {question}\n{a} {answer}" for question, answer in pairs)
