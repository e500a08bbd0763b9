"""Short stories: a character, a setting, a problem or a wish, a few events and an ending.

A story is assembled from plot moves (losing something, a trip, baking a gift, a new friend,
learning a skill) interleaved with free sentences from the grammar, so no two stories share a
fixed shape. The character is named once and then referred to with pronouns.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain import words as W
from adaptlab.pretrain.clauses import Clauses
from adaptlab.pretrain.grammar import Actor, cap

SKILLS = ["ride a bike", "swim", "read", "skip", "whistle", "tie a knot", "bake bread",
          "fly a kite", "climb a tree", "write a poem", "catch a ball", "count to ten"]
LESSONS = ["friends help each other", "it is good to share", "being kind is important",
           "trying again is the way to learn"]
PROBLEMS = ["it started to rain", "the wind began to blow", "it began to get dark",
            "a loud noise came from the trees", "the path was blocked by a big log",
            "the bridge was broken", "a storm came over the hill"]


class StoryWriter(Clauses):
    def hero(self) -> tuple[Actor, str, bool]:
        """The main character, the phrase that introduces them, and whether they are an animal."""
        if self.rng.random() < 0.35:
            kind = self.pick(G.ALL_ANIMALS)
            gender = self.pick(["he", "she"])
            name = self.pick(W.PET_NAMES)
            adj = self.adjs([W.ADJ_SIZE[:5], W.ADJ_ANIMAL, W.COLORS[:10]], 0.7)
            intro = (G.with_article(f"{adj} {kind}".strip())
                     + f" {self.pick(['named', 'called'])} {name}")
            return Actor(name, gender), intro, True
        gender = self.pick(["he", "she"])
        name = self.pick(W.BOYS if gender == "he" else W.GIRLS)
        kind = "boy" if gender == "he" else "girl"
        adj = self.pick(["little", "young", "kind", "brave", "curious", "shy", "happy", "clever"])
        return Actor(name, gender), f"a {adj} {kind} named {name}", False

    def opening(self, hero: Actor, intro: str) -> list[str]:
        place = G.text(self.pick(W.PLACES))
        options = [
            f"Once upon a time, there was {intro}.",
            f"There once was {intro} who lived "
            f"{'on' if place in W.ON_PLACES else 'near'} the {place}.",
            f"{cap(intro)} lived in a {self.pick(W.ADJ_SIZE[:5])} house near the {place}.",
            f"Long ago, in a {self.pick(['small', 'quiet', 'sunny', 'busy'])} village, "
            f"there lived {intro}.",
        ]
        first = self.pick(options)
        if self.rng.random() < 0.6:
            likes = self.pick(["liked to", "loved to", "always wanted to", "often"])
            verb, rest = self.complement(hero)
            form = G.past(verb) if likes == "often" else verb
            first += f" {cap(hero.subj)} {likes} {form} {rest}".rstrip() + "."
        return [first]

    def lost_thing(self, hero: Actor, animal: bool) -> list[str]:
        thing = G.text(self.pick(G.OBJECTS))
        helper = self.pick(W.BOYS + W.GIRLS)
        s = [f"One day, {hero.name} could not find {hero.poss} {thing}.",
             f"{cap(hero.subj)} looked {self.thing_pp()}.",
             f"Then {hero.subj} looked {self.thing_pp()}, but it was not there.",
             f"{cap(hero.subj)} felt {self.pick(['sad', 'worried', 'upset'])}.",
             f'"Can you help me?" {hero.name} asked {hero.poss} friend {helper}.',
             f'"Yes, of course," said {helper}.',
             f"They looked everywhere. At last, {helper} found the {thing} {self.thing_pp()}.",
             f"{hero.name} {self.pick(['smiled', 'laughed', 'clapped'])} and said, "
             f'"Thank you, {helper}!"']
        return s

    def trip(self, hero: Actor, animal: bool) -> list[str]:
        place = self.pick(W.PLACES)
        weather = self.pick(["sunny", "windy", "cold", "warm", "bright", "cloudy"])
        s = [f"One {weather} {self.pick(W.TIMES[:3])}, {hero.name} went to the {G.text(place)}.",
             f"There {hero.subj} saw {self.animal_np(False)} {self.place_pp(place)}."]
        s.append(self.sentence(hero.subj, hero, "past", animal))
        s.append(f"Suddenly, {self.pick(PROBLEMS)}.")
        s.append(f"{cap(hero.subj)} was {self.pick(['scared', 'worried', 'surprised'])}, "
                 f"but {hero.subj} stayed {self.pick(['calm', 'brave'])}.")
        s.append(f"{cap(hero.subj)} {self.pick(['ran', 'walked', 'hurried'])} home "
                 f"and told {hero.poss} {self.pick(W.FAMILY)} all about it.")
        return s

    def gift(self, hero: Actor, animal: bool) -> list[str]:
        food = self.pick(["cake", "pie", "cookies", "soup", "muffins", "pancakes", "bread"])
        who = self.relative(hero)
        extras = self.rng.sample(["flour", "sugar", "eggs", "milk", "butter", "apples",
                                  "berries", "honey", "salt", "carrots"], 3)
        s = [f"{hero.name} wanted to make {food} for {who}.",
             f"{cap(hero.subj)} got {G.join_list(extras)} from the kitchen.",
             f"{cap(hero.subj)} mixed everything in a big bowl and "
             f"{self.pick(['baked', 'cooked'])} "
             f"it {self.pick(['slowly', 'carefully'])}.",
             f"The {food} smelled {self.pick(['sweet', 'warm', 'wonderful', 'good'])}."]
        if self.rng.random() < 0.4:
            s.append(f"But {hero.subj} dropped a spoon on the floor, and the kitchen was a mess.")
            s.append(f"{cap(hero.subj)} cleaned it up {self.pick(['quickly', 'carefully'])}.")
        s.append(f"When {who} tasted the {food}, {self.pick(['they', 'everyone'])} smiled.")
        s.append(f'"This is {self.pick(["delicious", "very good", "so tasty"])}!" said {who}.')
        return s

    def new_friend(self, hero: Actor, animal: bool) -> list[str]:
        other = self.pick(G.ALL_ANIMALS)
        feel = self.pick(["sad", "lonely", "scared", "lost", "hungry", "cold"])
        s = [f"One day, {hero.name} met {G.with_article(G.text(other))} {self.place_pp()}.",
             f"The {other} looked {feel}.",
             f'"Why are you {feel}?" asked {hero.name}.']
        if feel == "hungry":
            s.append(f'"I have no food," said the {other}. {hero.name} gave it {self.food_np()}.')
        elif feel == "cold":
            s.append(f'"I have no home," said the {other}. {hero.name} gave it a warm blanket.')
        else:
            s.append(f'"I cannot find my family," said the {other}.')
            s.append(f"{hero.name} helped the {other} look {self.place_pp()}, "
                     f"and soon they found its family.")
        s.append(f"After that, {hero.name} and the {other} became good friends.")
        return s

    def learn(self, hero: Actor, animal: bool) -> list[str]:
        skill = self.pick(SKILLS)
        teacher = self.relative(hero)
        return [f"{hero.name} wanted to learn to {skill}.",
                f"At first, it was {self.pick(['hard', 'difficult', 'not easy'])}, "
                f"and {hero.subj} {self.pick(['fell down', 'made mistakes', 'felt silly'])}.",
                f"{cap(teacher)} said, \"Do not give up. Try again.\"",
                f"So {hero.subj} tried again and again, every {self.pick(['day', 'morning'])}.",
                f"After a week, {hero.name} could {skill} all by {hero.refl}.",
                f"{cap(hero.subj)} felt very proud."]

    def ending(self, hero: Actor) -> str:
        return self.pick([
            f"From that day on, {hero.name} was never "
            f"{self.pick(['sad', 'lonely', 'scared'])} again.",
            f"That night, {hero.name} slept well and dreamed of the {G.text(self.pick(W.PLACES))}.",
            f"{hero.name} learned that {self.pick(LESSONS)}.",
            "It was the best day ever.",
            f"{hero.name} went home tired but happy.",
            "The end.",
        ])

    def story(self) -> str:
        hero, intro, animal = self.hero()
        plot = self.pick([self.lost_thing, self.trip, self.gift, self.new_friend, self.learn])
        body = plot(hero, animal)
        for _ in range(self.rng.randint(0, 3)):  # free sentences so that shapes vary
            at = self.rng.randint(1, len(body))
            free = (self.scenery() if self.rng.random() < 0.2
                    else self.sentence(self.pick([hero.subj, hero.name]), hero, "past", animal))
            body.insert(at, free)
        return " ".join(self.opening(hero, intro) + body + [self.ending(hero)])
