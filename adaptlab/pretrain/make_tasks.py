"""Generate the bundled fine-tuning tasks: assets/tasks/<name>.jsonl (deterministic for a seed).

Four tasks, each with a rule a tiny model can reach in a few hundred steps and an exact-match
metric: `sentiment` (review -> good/bad), `facts` (a made-up town, held-out phrasings),
`format` (a name card -> "Surname, First, age N"), `style` (present -> past tense).
Run `python -m adaptlab.pretrain.make_tasks` to rewrite the files; the task cards are hand-written.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

SEED = 1234
VALIDATION_SHARE = 0.15
TASKS_DIR = Path(__file__).resolve().parents[2] / "assets" / "tasks"

Row = dict[str, str]


def _w(text: str) -> list[str]:
    return text.split()


def _row(prompt: str, completion: str, split: str) -> Row:
    return {"prompt": prompt, "completion": completion, "split": split}


def _split_rows(pairs: list[tuple[str, str]], rng: random.Random) -> list[Row]:
    """Shuffle distinct pairs and hold out the first 15% as validation."""
    pairs = list(dict.fromkeys(pairs))  # distinct, so no example can sit in both splits
    rng.shuffle(pairs)
    n_val = round(len(pairs) * VALIDATION_SHARE)
    return [_row(p, c, "validation" if i < n_val else "train") for i, (p, c) in enumerate(pairs)]


# ---------------------------------------------------------------- sentiment

FOODS = _w("soup salad pizza pasta burger fish noodles curry pie cake bread coffee tea rice "
           "pancakes dumplings sandwich omelette")
FOOD_GOOD = _w("fresh tasty warm delicious lovely hot creamy crunchy")
FOOD_BAD = _w("cold stale bland salty soggy greasy burnt dry")
STAFF = ["waiter", "staff", "service", "cook", "owner"]
STAFF_GOOD = _w("friendly kind helpful quick polite cheerful")
STAFF_BAD = _w("rude slow unfriendly careless grumpy lazy")
ROOMS = ["room", "place", "dining room", "restaurant"]
ROOM_GOOD = _w("clean quiet cozy bright pleasant calm")
ROOM_BAD = _w("dirty noisy dark crowded smelly loud")
PRODUCTS = _w("lamp kettle toaster blender backpack umbrella chair desk pillow blanket mug jacket "
              "helmet basket speaker clock tent bottle pan teapot fan heater radio watch")
THING_GOOD = _w("sturdy useful comfortable reliable strong soft pretty handy")
THING_BAD = _w("flimsy useless broken weak heavy ugly cheap poor")
CLOSE = {
    "positive": ["I will come back soon.", "I would buy it again.", "Five stars.",
                 "I am very happy with it.", "We had a lovely time.", "I love it.",
                 "My family liked it too.", "It was worth the money."],
    "negative": ["I will not come back.", "I want my money back.", "One star.",
                 "I am very unhappy with it.", "We had a bad time.", "I hate it.",
                 "What a waste of money.", "Do not buy it."],
}


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _was(noun: str) -> str:
    """The verb agrees with the noun: 'the noodles were', 'the soup was'."""
    return "were" if noun.endswith("s") else "was"


def _restaurant_review(rng: random.Random, label: str) -> str:
    good = label == "positive"
    food, staff, room = rng.choice(FOODS), rng.choice(STAFF), rng.choice(ROOMS)
    was = _was(food)
    food_adj = rng.choice(FOOD_GOOD if good else FOOD_BAD)
    staff_adj = rng.choice(STAFF_GOOD if good else STAFF_BAD)
    room_adj = rng.choice(ROOM_GOOD if good else ROOM_BAD)
    parts = rng.choice([
        [f"The {food} {was} {food_adj}."],
        [f"The {food} {was} {food_adj} and the {staff} was {staff_adj}."],
        [f"The {staff} was {staff_adj}.", f"The {room} was {room_adj}."],
        [f"The {food} {was} {food_adj}.", rng.choice(CLOSE[label])],
        # Negation flips the adjective's meaning: "not fresh" is a complaint.
        [f"The {food} {was} not {rng.choice(FOOD_BAD if good else FOOD_GOOD)}.",
         f"The {staff} was {staff_adj}."],
    ])
    return " ".join(parts)


def _product_review(rng: random.Random, label: str) -> str:
    good = label == "positive"
    thing, adj = rng.choice(PRODUCTS), rng.choice(THING_GOOD if good else THING_BAD)
    works = "It works well." if good else rng.choice(["It broke after two days.", "It does not work."])
    parts = rng.choice([
        [f"This {thing} is {adj}."],
        [f"This {thing} is {adj}.", works],
        [f"I bought {_a(thing)}.", f"It is {adj}.", rng.choice(CLOSE[label])],
        [f"The {thing} is {adj}.", rng.choice(CLOSE[label])],
        [f"My new {thing} is not {rng.choice(THING_BAD if good else THING_GOOD)}.", works],
    ])
    return " ".join(parts)


# The answer words are single tokens of the bundled tokenizer (" positive" is four pieces), so
# the label is one prediction and every method can reach exact match within a short run.
ANSWER = {"positive": "good", "negative": "bad"}


def make_sentiment(rng: random.Random, per_label: int = 300) -> list[Row]:
    """Balanced reviews; the split is stratified so validation is balanced too."""
    rows = []
    for label in ("positive", "negative"):
        texts: dict[str, None] = {}
        while len(texts) < per_label:
            review = _restaurant_review if rng.random() < 0.5 else _product_review
            texts[review(rng, label)] = None
        rows += _split_rows([(f"Review: {t}\nSentiment:", f" {ANSWER[label]}") for t in texts], rng)
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------- facts

TOWN = "Brindlemoor"
# (question word, what is asked about, answer). Every fact is new to the base model.
FACTS = [
    ("Who", "the mayor of Brindlemoor", "Mara Fell"),
    ("What", "the name of the river in Brindlemoor", "the Wendle"),
    ("What", "the name of the bakery in Brindlemoor", "Crumb and Kettle"),
    ("Who", "the baker in Brindlemoor", "Tobin Reed"),
    ("Which month", "the lantern festival in Brindlemoor", "October"),
    ("Which day", "the market day in Brindlemoor", "Thursday"),
    ("What", "the name of the school in Brindlemoor", "Hollow Lane School"),
    ("Who", "the head teacher of the school in Brindlemoor", "Edna Pike"),
    ("What", "the name of the bridge in Brindlemoor", "the Copper Bridge"),
    ("What", "the color of the bridge in Brindlemoor", "green"),
    ("What", "the name of the hill above Brindlemoor", "Gorse Knoll"),
    ("What", "the name of the inn in Brindlemoor", "the Sleepy Otter"),
    ("Who", "the doctor in Brindlemoor", "Ivo Marsh"),
    ("What", "the name of the library in Brindlemoor", "the Quill House"),
    ("What", "the favorite food in Brindlemoor", "plum pie"),
    ("What", "the animal on the flag of Brindlemoor", "a heron"),
    ("What", "the color of the flag of Brindlemoor", "blue"),
    ("What", "the name of the park in Brindlemoor", "Fernwood Park"),
    ("Who", "the founder of Brindlemoor", "Aldous Brindle"),
    ("What", "the founding year of Brindlemoor", "1742"),
    ("What", "the name of the train station in Brindlemoor", "Brindlemoor Halt"),
    ("What", "the favorite sport in Brindlemoor", "rowing"),
    ("What", "the name of the lake near Brindlemoor", "Lake Amble"),
    ("Who", "the owner of the toy shop in Brindlemoor", "Pell Granger"),
    ("What", "the name of the toy shop in Brindlemoor", "Tiny Wheels"),
    ("What", "the name of the mill in Brindlemoor", "Hatter Mill"),
    ("What", "the name of the newspaper in Brindlemoor", "the Moor Bell"),
    ("What", "the number of bridges in Brindlemoor", "seven"),
    ("What", "the main crop of the farms around Brindlemoor", "barley"),
    ("Who", "the oldest person in Brindlemoor", "Granny Wren"),
]
# Train and validation ask with different wording, so validation tests the fact, not the words.
TRAIN_PHRASINGS = [
    "{Wh} is {about}?",
    "Do you know {wh} {about} is?",
    "Can you tell me {wh} {about} is?",
    "Please tell me {wh} {about} is.",
    "I have a question. {Wh} is {about}?",
    "Tell me, {wh} is {about}?",
    "I want to know {wh} {about} is.",
    "My friend asked me {wh} {about} is. Do you know?",
    "Quick question: {wh} is {about}?",
    "Does anyone know {wh} {about} is?",
    "I forgot {wh} {about} is. Can you help?",
]
VALIDATION_PHRASINGS = [
    "Could you say {wh} {about} is?",
    "I am new here. {Wh} is {about}?",
]


def _question(template: str, wh: str, about: str) -> str:
    text = template.format(Wh=wh, wh=wh[0].lower() + wh[1:], about=about)
    return f"Q: {text}\nA:"


def make_facts(rng: random.Random) -> list[Row]:
    rows = []
    for wh, about, answer in FACTS:
        for split, templates in (("train", TRAIN_PHRASINGS), ("validation", VALIDATION_PHRASINGS)):
            rows += [_row(_question(t, wh, about), f" {answer}", split) for t in templates]
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------- format

FIRST_NAMES = _w("Tom Sam Ben Max Leo Jack Noah Liam Oscar Theo Finn Adam Omar Ravi Hugo Felix Lily "
                 "Mia Anna Emma Ella Zoe Ruby Grace Rosa Lucy Amy Nora Ivy Sara Maya Leah Alice Kate")
SURNAMES = _w("Baker Smith Brown Green Wood Hill Moore Clark Turner Walker Young King Wright Hall "
              "Carter Price Bell Cook Ward Fox Stone Reed Shaw Lane Bird Marsh Ford Hart Gray Fisher")
CITIES = _w("Leeds York Bath Derby Leicester Bristol Oxford Dover Hull Exeter Chester Norwich "
            "Durham Wells Ely Lincoln")


def make_format(rng: random.Random, count: int = 500) -> list[Row]:
    """"Name: Tom Baker, Age: 31, City: Leeds" -> " Baker, Tom, age 31"; the city is a distractor.

    The age is written " 31" in the answer as in the prompt: the same token. An earlier "(31)"
    put the digits after a bracket, a different token ("31"), so the answer needed a token-to-token
    mapping that no method but full fine-tuning learned in a classroom-length run (every other
    method got the name right and the age wrong).
    """
    pairs: dict[tuple[str, str], None] = {}
    while len(pairs) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        age, city = rng.randint(18, 89), rng.choice(CITIES)
        prompt = f"Name: {first} {last}, Age: {age}, City: {city}\nFormat:"
        pairs[(prompt, f" {last}, {first}, age {age}")] = None
    return _split_rows(list(pairs), rng)


# ---------------------------------------------------------------- style

# (third person present, past, objects). The base form is the present minus its -s ending.
VERBS = [
    ("walks", "walked", ["to the park", "to school", "home", "to the shop"]),
    ("plays", "played", ["with the ball", "in the garden", "a song", "chess"]),
    ("cooks", "cooked", ["dinner", "some soup", "the eggs", "rice"]),
    ("opens", "opened", ["the door", "the window", "a box", "the gate"]),
    ("cleans", "cleaned", ["the room", "the kitchen", "the car", "the table"]),
    ("paints", "painted", ["the fence", "a picture", "the wall", "a bird"]),
    ("watches", "watched", ["a film", "the birds", "the rain", "the game"]),
    ("helps", "helped", ["a friend", "the teacher", "the old man", "the farmer"]),
    ("jumps", "jumped", ["over the wall", "into the pool", "on the bed", "over the log"]),
    ("carries", "carried", ["a bag", "the box", "the baby", "some water"]),
    ("climbs", "climbed", ["the tree", "the hill", "the stairs", "a ladder"]),
    ("waits", "waited", ["for the bus", "at the door", "for a friend", "in the rain"]),
    ("visits", "visited", ["the zoo", "a friend", "the farm", "the museum"]),
    ("likes", "liked", ["the song", "the film", "the cake", "the teacher"]),
    ("eats", "ate", ["an apple", "lunch", "some bread", "a cake"]),
    ("runs", "ran", ["to the park", "home", "in the race", "to school"]),
    ("sees", "saw", ["a bird", "the sea", "a big dog", "the moon"]),
    ("goes", "went", ["to the park", "home", "to school", "to the shop"]),
    ("drinks", "drank", ["some milk", "some tea", "water", "some juice"]),
    ("reads", "read", ["a book", "the news", "a story", "a letter"]),
    ("writes", "wrote", ["a letter", "a story", "a poem", "a note"]),
    ("sings", "sang", ["a song", "in the choir", "to the baby", "at school"]),
    ("makes", "made", ["a cake", "a kite", "some tea", "a mess"]),
    ("finds", "found", ["a coin", "the key", "a shell", "a lost cat"]),
    ("buys", "bought", ["some bread", "a hat", "new shoes", "a ticket"]),
    ("takes", "took", ["the bus", "a photo", "the train", "a nap"]),
    ("swims", "swam", ["in the lake", "in the sea", "to the shore", "in the pool"]),
    ("sleeps", "slept", ["in the tent", "on the sofa", "all night", "in the car"]),
    ("rides", "rode", ["a bike", "a horse", "the bus", "to town"]),
    ("draws", "drew", ["a cat", "a map", "a house", "a tree"]),
    ("sits", "sat", ["on the bench", "by the fire", "in the garden", "on the floor"]),
    ("builds", "built", ["a sandcastle", "a house", "a fort", "a tower"]),
]
SINGULAR = ["Tom", "Anna", "Sam", "Lily", "Ben", "Mia", "The boy", "The girl", "My dad",
            "Her brother", "The teacher", "Grandma"]
PLURAL = ["I", "We", "They", "You", "The children", "My friends"]


def _base_form(third_person: str) -> str:
    """walks -> walk, watches -> watch, carries -> carry, goes -> go."""
    if third_person.endswith("ies"):
        return third_person[:-3] + "y"
    if third_person.endswith(("ches", "shes", "sses", "oes")):
        return third_person[:-2]
    return third_person[:-1]


def make_style(rng: random.Random, count: int = 480) -> list[Row]:
    """"Present: Tom walks home." -> " Tom walked home."; validation holds out whole sentences."""
    pairs: dict[tuple[str, str], None] = {}
    while len(pairs) < count:
        third, past, objects = rng.choice(VERBS)
        subject = rng.choice(SINGULAR + PLURAL)
        verb = third if subject in SINGULAR else _base_form(third)
        obj = rng.choice(objects)
        pairs[(f"Present: {subject} {verb} {obj}.\nPast:", f" {subject} {past} {obj}.")] = None
    return _split_rows(list(pairs), rng)


# ---------------------------------------------------------------- files

MAKERS: dict[str, Callable[[random.Random], list[Row]]] = {
    "sentiment": make_sentiment,
    "facts": make_facts,
    "format": make_format,
    "style": make_style,
}


def build_all(seed: int = SEED) -> dict[str, str]:
    """{task name: JSONL text}; each task has its own generator seeded from `seed` and its name."""
    files = {}
    for name, make in MAKERS.items():
        rows = make(random.Random(f"{seed}:{name}"))
        files[name] = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TASKS_DIR, help="folder for the .jsonl files")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in build_all(args.seed).items():
        (args.out / f"{name}.jsonl").write_text(text, encoding="utf-8")
        print(f"{name}: {text.count(chr(10))} examples -> {args.out / name}.jsonl")


if __name__ == "__main__":
    main()
