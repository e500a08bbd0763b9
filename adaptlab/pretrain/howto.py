"""Instructions and recipes: a title, what you need, and numbered or ordered imperative steps.

Recipes are built from a dish, its ingredients and kitchen verbs that fit each ingredient; tasks
(planting a seed, packing a bag, washing a dog) list their own steps with a few random choices,
so the same task reads differently each time.
"""

from __future__ import annotations

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain.clauses import Clauses

DISHES = {
    "fruit salad": ["apples", "bananas", "grapes", "pears", "peaches", "plums", "cherries",
                    "strawberries", "melon", "mango", "honey", "yogurt"],
    "vegetable soup": ["carrots", "potatoes", "onions", "tomatoes", "peppers", "water", "salt",
                       "spinach", "broccoli", "corn"],
    "pancakes": ["flour", "milk", "eggs", "sugar", "butter", "salt", "berries", "honey"],
    "a sandwich": ["bread", "cheese", "butter", "tomatoes", "cucumbers", "eggs", "jam"],
    "cookies": ["flour", "butter", "sugar", "eggs", "chocolate", "oats", "raisins", "nuts"],
    "a smoothie": ["bananas", "strawberries", "milk", "yogurt", "honey", "mango", "ice"],
    "rice and beans": ["rice", "beans", "onions", "peppers", "salt", "water", "tomatoes"],
    "a pizza": ["bread dough", "tomato sauce", "cheese", "peppers", "olives", "mushrooms",
                "onions"],
}
ORDER_WORDS = ["First", "Next", "Then", "After that", "Now"]
TASKS = {
    "plant a seed": ["Find a small pot", "Fill the pot with soil",
                     "Make a little hole with your finger",
                     "Put the seed in the hole", "Cover the seed with soil", "Water it gently",
                     "Put the pot in a sunny window", "Wait a few days and watch it grow"],
    "wash your hands": ["Turn on the water", "Wet your hands", "Put some soap on your hands",
                        "Rub your hands together for twenty seconds", "Wash the soap away",
                        "Dry your hands with a clean towel"],
    "pack a school bag": ["Put your books in the bag", "Add your pencils and a pen",
                          "Put your lunchbox at the top", "Check that you have your water bottle",
                          "Close the bag and hang it by the door"],
    "make your bed": ["Take the pillow off the bed", "Pull the sheet flat",
                      "Shake the blanket and spread it over the bed", "Put the pillow back",
                      "Put your teddy bear on the pillow"],
    "feed a cat": ["Wash the cat bowl", "Put some cat food in the bowl",
                   "Fill a second bowl with water", "Put the bowls on the floor",
                   "Call the cat by its name", "Let the cat eat in peace"],
    "make a paper boat": ["Take a sheet of paper", "Fold it in half", "Fold the corners down",
                          "Fold the bottom edges up", "Open the middle and press it flat",
                          "Pull the sides out gently", "Put your boat in the water"],
    "brush your teeth": ["Wet your toothbrush", "Put a little toothpaste on it",
                         "Brush the front of your teeth", "Brush the back of your teeth",
                         "Brush for two minutes", "Rinse your mouth with water"],
    "wash a dog": ["Fill a tub with warm water", "Put the dog in the tub gently",
                   "Wet the fur all over", "Rub in some dog soap", "Rinse the soap away",
                   "Dry the dog with a big towel", "Give the dog a treat"],
}
# What you do with an ingredient depends on what it is: you pour milk but chop onions.
LIQUIDS = {"milk", "water", "honey", "yogurt", "tomato sauce"}
DRY = {"flour", "sugar", "salt", "oats", "rice", "beans", "raisins", "nuts", "chocolate", "ice",
       "cheese", "jam", "bread dough", "butter", "corn", "spinach", "broccoli", "melon", "mango",
       "bread", "eggs", "olives"}
KITCHEN = {
    "liquid": ["Pour in the {x}", "Stir in the {x}", "Add the {x}"],
    "dry": ["Add the {x}", "Mix in the {x}", "Put in the {x}"],
    "produce": ["Wash the {x}", "Peel the {x}", "Cut the {x} into {size} pieces", "Chop the {x}",
                "Slice the {x}"],
}


class HowToWriter(Clauses):
    def recipe(self) -> str:
        dish = self.pick(sorted(DISHES))
        items = self.rng.sample(DISHES[dish], self.rng.randint(3, 5))
        amounts = [f"{self.amount(x)} {x}" for x in items]
        steps = []
        for x in items:
            kind = "liquid" if x in LIQUIDS else "dry" if x in DRY else "produce"
            step = self.pick(KITCHEN[kind])
            steps.append(step.format(x=x, size=self.pick(["small", "big", "thin"])))
        heat = self.pick([f"Cook it for {self.pick(['ten', 'twenty', 'five'])} minutes",
                          f"Bake it in a {self.pick(['hot', 'warm'])} oven",
                          "Put it in the fridge for an hour", "Stir it well"])
        steps.append(heat)
        steps.append(self.pick(["Serve it on a plate", "Share it with your friends",
                                f"Eat it while it is {self.pick(['warm', 'fresh', 'cold'])}"]))
        head = self.pick([f"How to make {dish}.", f"Recipe: {dish}.", f"Let us make {dish}!"])
        need = "You will need " + G.join_list(amounts) + "."
        body = self.steps(steps)
        return "\n".join([head, need, body, self.pick(["Enjoy!", "Have fun!", ""])]).strip()

    def amount(self, x: str) -> str:
        if x in ("bread", "eggs", "olives"):
            return self.pick(["two slices of" if x == "bread" else "two", "some"])
        if x in LIQUIDS or x in DRY:
            return self.pick(["a cup of", "some", "a little", "a spoon of"])
        return self.pick(["two", "three", "four", "some", "a few"])

    def steps(self, steps: list[str]) -> str:
        if self.rng.random() < 0.5:  # numbered list
            return "\n".join(f"{i}. {s}." for i, s in enumerate(steps, 1))
        out = []
        for i, s in enumerate(steps):
            word = "Finally" if i == len(steps) - 1 else (
                ORDER_WORDS[i] if i < 2 else self.pick(ORDER_WORDS[1:]))
            out.append(f"{word}, {s[0].lower() + s[1:]}.")
        return " ".join(out)

    def task(self) -> str:
        name = self.pick(sorted(TASKS))
        steps = list(TASKS[name])
        if self.rng.random() < 0.5:
            helper = self.pick(["a grown-up", "your mom", "your dad", "a friend"])
            tip = self.pick([f"Ask {helper} to help you",
                             f"Go {self.pick(['slowly', 'carefully'])} and take your time",
                             "Sing a song while you work"])
            steps.insert(self.rng.randint(1, len(steps) - 1), tip)
        head = self.pick([f"How to {name}.", f"Here is how to {name}.", f"Do you want to {name}?"])
        end = self.pick(["That is all!", "Well done!", "Now you know how.", ""])
        body = self.steps(steps)
        sep = "\n" if body.startswith("1.") else " "
        return sep.join(p for p in [head, body, end] if p)

    def howto(self) -> str:
        return self.recipe() if self.rng.random() < 0.55 else self.task()
