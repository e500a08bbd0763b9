"""A small English grammar: inflection (plurals, -s, -ed, -ing) and phrase builders.

Genres compose sentences from these pieces instead of filling fixed templates: noun phrases with
determiners, adjectives and prepositional phrases; verbs agreeing with their subject in four
tenses; clauses joined by connectives. `Actor` carries the pronouns a story needs to refer back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from adaptlab.pretrain import words as W

VOWELS = "aeiou"
_IRREG_PLURAL = {}
_IRREG_PAST = dict(W.IRREGULAR_PAST)


def _register(entries: list[str], table: dict[str, str]) -> list[str]:
    """Strip `base:form` markers, remembering the irregular form."""
    out = []
    for entry in entries:
        base, _, form = entry.partition(":")
        if form:
            table[base] = form
        out.append(base)
    return out


def nouns(entries: list[str]) -> list[str]:
    return _register(entries, _IRREG_PLURAL)


def verbs(entries: list[str]) -> list[str]:
    return _register(entries, _IRREG_PAST)


def text(word: str) -> str:
    """Multi-word entries are stored with underscores so that lists split on spaces."""
    return word.replace("_", " ")


def _short_cvc(word: str) -> bool:
    """One syllable ending consonant-vowel-consonant: doubles its last letter (stop, stopped)."""
    groups = sum(1 for i, c in enumerate(word)
                 if c in VOWELS and (i == 0 or word[i - 1] not in VOWELS))
    return (groups == 1 and len(word) >= 3 and word[-1] not in VOWELS + "wxy"
            and word[-2] in VOWELS and word[-3] not in VOWELS)


def plural(noun: str) -> str:
    if noun in _IRREG_PLURAL:
        return text(_IRREG_PLURAL[noun])
    if noun.endswith(("s", "x", "z", "ch", "sh")) or noun in ("potato", "tomato", "hero"):
        return text(noun + "es")
    if noun.endswith("y") and noun[-2] not in VOWELS:
        return text(noun[:-1] + "ies")
    return text(noun + "s")


def third(verb: str) -> str:
    """Third person singular present: runs, watches, carries, goes."""
    if verb in ("have", "be"):
        return {"have": "has", "be": "is"}[verb]
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in VOWELS:
        return verb[:-1] + "ies"
    return verb + "s"


def past(verb: str) -> str:
    if verb in _IRREG_PAST:
        return _IRREG_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in VOWELS:
        return verb[:-1] + "ied"
    if _short_cvc(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def ing(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and verb != "be":
        return verb[:-1] + "ing"
    if _short_cvc(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def article(word: str) -> str:
    return "an" if word[0] in VOWELS and not word.startswith(("uni", "use")) else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


def cap(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def join_list(items: list[str]) -> str:
    """'a, b and c': lists read naturally with 'and' before the last item."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_PRONOUNS = {  # subject, object, possessive, reflexive
    "he": ("he", "him", "his", "himself"), "she": ("she", "her", "her", "herself"),
    "it": ("it", "it", "its", "itself"), "they": ("they", "them", "their", "themselves"),
    "I": ("I", "me", "my", "myself"), "we": ("we", "us", "our", "ourselves"),
    "you": ("you", "you", "your", "yourself"),
}


@dataclass
class Actor:
    """Someone a text talks about: how to name them and which pronouns refer back to them."""

    name: str
    gender: str  # a key of _PRONOUNS: "he", "she", "it", "they", "I", "we", "you"

    @property
    def form(self) -> str:
        """Agreement class of the verb: "sg" (runs), "pl" (run) or "I" (am, run)."""
        if self.gender == "I":
            return "I"
        return "pl" if self.gender in ("they", "we", "you") else "sg"

    @property
    def plural(self) -> bool:
        return self.form == "pl"

    subj = property(lambda self: _PRONOUNS[self.gender][0])
    obj = property(lambda self: _PRONOUNS[self.gender][1])
    poss = property(lambda self: _PRONOUNS[self.gender][2])
    refl = property(lambda self: _PRONOUNS[self.gender][3])


def conjugate(verb: str, tense: str, form: str) -> str:
    """The verb group for a subject: 'runs', 'ran', 'is running', 'will run', 'can run'."""
    if tense == "past":
        return past(verb)
    if tense == "present":
        return third(verb) if form == "sg" else verb
    if tense == "progressive":
        return f"{be('present', form)} {ing(verb)}"
    if tense == "past_progressive":
        return f"{be('past', form)} {ing(verb)}"
    return f"{tense} {verb}"  # modals: will, can, could, would, should, must


def be(tense: str, form: str) -> str:
    if tense == "past":
        return "were" if form == "pl" else "was"
    return {"I": "am", "pl": "are", "sg": "is"}[form]


def negate(verb: str, tense: str, form: str) -> str:
    """'does not like', 'did not like', 'will not like' (do-support for simple tenses)."""
    if tense == "past":
        return f"did not {verb}"
    if tense == "present":
        return f"{'does' if form == 'sg' else 'do'} not {verb}"
    return conjugate(verb, tense, form).replace(" ", " not ", 1)


class Phrases:
    """Random phrase builders bound to one random generator, so a seed fixes everything."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, seq: list[str]) -> str:
        return self.rng.choice(seq)

    def adjs(self, pools: list[list[str]], p: float = 0.5, most: int = 2) -> str:
        """Zero to two adjectives from different pools, kept in pool order ('big red')."""
        n = 0
        while n < most and self.rng.random() < p:
            n += 1
        chosen = sorted(self.rng.sample(range(len(pools)), min(n, len(pools))))
        return " ".join(self.pick(pools[i]) for i in chosen)

    def np(self, noun: str, adj_pools: list[list[str]] | None = None, det: str | None = None,
           many: bool = False, p_adj: float = 0.5) -> str:
        """A noun phrase: determiner, adjectives, noun ('the small brown dog', 'two kites').

        `adj_pools` are adjective lists in English order (opinion, size, look, age, color).
        """
        word = plural(noun) if many else text(noun)
        adj = self.adjs(adj_pools, p_adj) if adj_pools else ""
        core = f"{adj} {word}".strip()
        if det is None:
            det = self.pick(["the", "some", "two", "three", "many", "the", "these"] if many
                            else ["the", "a", "the", "this", "that", "a"])
        if det in ("a", "an"):
            return with_article(core)
        return f"{det} {core}".strip()

    def place_pp(self, place: str | None = None) -> str:
        place = place or self.pick(W.PLACES)
        at = "on" if place in W.ON_PLACES else self.pick(["in", "at"])
        prep = self.pick([at, at, "near", "behind", "next to"])
        return f"{prep} the {text(place)}"

    def thing_pp(self) -> str:
        prep = self.pick(["under", "on", "behind", "beside", "near", "inside"])
        return f"{prep} the {self.pick(W.HOUSE_THINGS + W.NATURE)}"

    def time_phrase(self, tense: str = "past") -> str:
        options = [f"in the {self.pick(W.TIMES)}", f"on {self.pick(W.DAYS)}",
                   f"after {self.pick(['lunch', 'dinner', 'breakfast', 'school', 'work'])}",
                   f"in the {self.pick(W.SEASONS)}", "at night", "every day"]
        options += [f"in {self.pick(W.MONTHS)}", f"at {self.pick(W.DAY_PARTS)}"]
        if tense == "past":
            options += ["one day", "yesterday", "last week", f"one {self.pick(W.WEATHER)} day"]
        return self.pick(options)


# The word lists with irregular markers stripped (and the irregular forms registered).
PEOPLE = nouns(W.PEOPLE)
ANIMALS = {kind: nouns(names) for kind, names in W.ANIMALS.items()}
ALL_ANIMALS = sorted({a for names in ANIMALS.values() for a in names})
ANIMAL_KIND = {a: kind for kind, names in ANIMALS.items() for a in names}
OBJECTS = nouns(W.OBJECTS)
FOODS = nouns(W.FOODS)
BODY = nouns(W.BODY)
INTRANS_PERSON = verbs(W.INTRANS_PERSON)
INTRANS_ANIMAL = verbs(W.INTRANS_ANIMAL)
MOTION = verbs(W.MOTION)
VERBS_THING = verbs(W.VERBS_THING)
VERBS_FOOD = verbs(W.VERBS_FOOD)
VERBS_ANIMAL = verbs(W.VERBS_ANIMAL)
VERBS_PERSON = verbs(W.VERBS_PERSON)
VERBS_PLACE = verbs(W.VERBS_PLACE)
