"""The word list of the corpus generator: nouns by kind, verbs by frame, adjectives, adverbs.

Lists are whitespace-separated strings so that a few hundred words stay readable. A noun written
`man:men` has an irregular plural; a verb written `run:ran` has an irregular past. Every other form
(plurals, -s, -ed, -ing) is derived by the rules in `grammar.py`.
"""

from __future__ import annotations


def _w(text: str) -> list[str]:
    return text.split()


BOYS = _w("""Tom Sam Ben Max Leo Jack Sam Noah Liam Oscar Theo Finn Jake Luke Adam Omar Ravi Kofi
Hugo Felix Toby Eli Henry Owen Ryan Dan Ned Joe Tim Carl Paul Pete Alex Ethan Milo Arlo Ivan Marco
Jamal Hiro Pablo Seth Ezra Rory Caleb Gus Abel Simon Aaron Bruno Cyrus Dev Emil Frank George
Harry Isaac Jonah Kai Lars Mario Nico Otto Peter Quinn Raj Stefan Tariq Umar Victor Walter Yusuf
Zack Arthur Bill Chris David Edward Fred Hank Igor Jesse Kevin Louis Martin Nathan""")
GIRLS = _w("""Lily Mia Anna Emma Ella Zoe Ruby Grace Rosa Lucy Amy Nora Ivy Hana Sara Maya Leah
Chloe Alice Jane Kate Molly Daisy Poppy Tess Nina Ada Eva Iris Clara Hazel Wendy Fatima Priya Mei
Yuki Lena Olga Greta Pia Bella Jade Fiona Holly Julia Kim Lara Nell Rita Aisha Beth Carmen Dora
Elsa Freya Gemma Helen Ingrid Joy Kara Lucia Martha Naomi Olivia Paula Rachel Sophie Tara Ursula
Vera Willow Yara Zara Agnes Bianca Celia Diana Esther Flora Gloria Heidi Irene June Laura""")
# Names for animal characters in stories.
PET_NAMES = _w("""Pip Spot Rex Bella Coco Muffin Biscuit Patch Sunny Buddy Pebble Ginger Whiskers
Bubbles Nutmeg Pepper Button Fluffy Shadow Rusty""")

PEOPLE = _w("""boy girl man:men woman:women child:children baby friend teacher farmer baker doctor
nurse cook driver pilot sailor painter singer dancer king queen prince princess neighbor
grandma grandpa mother father brother sister aunt uncle cousin student player fisherman:fishermen
mailman:mailmen gardener builder artist clown captain guard shopkeeper waiter librarian vet
dentist police_officer firefighter mayor judge chef tailor plumber carpenter miner knight
wizard witch giant pirate explorer scientist astronaut inventor musician drummer poet writer
reporter ranger zookeeper beekeeper shepherd hunter merchant sheriff coach umpire twin toddler
teenager stranger visitor guest host lady gentleman:gentlemen""")
FAMILY = _w("mother father brother sister grandma grandpa aunt uncle cousin mom dad")

# Animals by class; the class decides where they live, what they eat and what covers them.
ANIMALS = {
    "pet": _w("""dog cat puppy kitten rabbit hamster parrot goldfish:goldfish mouse:mice tortoise
              gerbil canary budgie ferret"""),
    "farm": _w("""cow horse pig sheep:sheep goat hen chicken duck goose:geese donkey lamb
               calf:calves pony rooster turkey bull ox:oxen piglet foal chick duckling llama
               alpaca"""),
    "forest": _w("""fox wolf:wolves bear deer:deer squirrel hedgehog badger owl mole raccoon
                 skunk beaver moose:moose chipmunk woodpecker lynx weasel stoat vole shrew toad elk
                 boar
                 porcupine possum"""),
    "wild": _w("""lion tiger elephant giraffe zebra monkey kangaroo koala panda camel hippo rhino
               gorilla cheetah leopard ostrich crocodile buffalo:buffalo antelope hyena jaguar
               panther
               flamingo parrot lemur sloth armadillo chimpanzee meerkat yak"""),
    "bird": _w("""robin sparrow crow eagle hawk swan pigeon seagull blackbird heron parrot penguin
               finch wren magpie thrush starling falcon kingfisher puffin stork pelican"""),
    "water": _w("""fish:fish whale dolphin shark crab octopus seal frog turtle starfish:starfish
                otter walrus lobster shrimp:shrimp eel salmon:salmon trout:trout tadpole newt
                oyster clam
                squid:squid"""),
    "bug": _w("""bee ant butterfly ladybug beetle spider snail worm caterpillar grasshopper moth
              dragonfly firefly cricket wasp slug centipede termite"""),
}
ANIMAL_HOME = {
    "pet": _w("house home garden basket"), "farm": _w("farm barn field meadow"),
    "forest": _w("forest woods hill"), "wild": _w("jungle savanna zoo grassland"),
    "bird": _w("nest tree sky"), "water": _w("sea ocean river pond lake"),
    "bug": _w("garden grass flower_bed meadow"),
}
ANIMAL_FOOD = {
    "pet": _w("biscuits seeds carrots milk"), "farm": _w("grass hay corn oats"),
    "forest": _w("nuts berries seeds leaves"), "wild": _w("leaves grass fruit meat"),
    "bird": _w("seeds worms bugs berries"), "water": _w("fish plants shrimp"),
    "bug": _w("leaves nectar crumbs plants"),
}
ANIMAL_COAT = {"pet": "fur", "farm": "fur", "forest": "fur", "wild": "skin", "bird": "feathers",
               "water": "skin", "bug": "legs"}
ANIMAL_SOUND = {
    "dog": "bark", "puppy": "yap", "cat": "purr", "kitten": "mew", "cow": "moo", "sheep": "baa",
    "lamb": "bleat", "goat": "bleat", "duck": "quack", "goose": "honk", "hen": "cluck",
    "chicken": "cluck", "rooster": "crow", "pig": "oink", "horse": "neigh", "pony": "neigh",
    "donkey": "bray", "lion": "roar", "tiger": "growl", "bear": "growl", "wolf": "howl",
    "owl": "hoot", "mouse": "squeak", "frog": "croak", "bee": "buzz", "snake": "hiss",
    "robin": "sing", "sparrow": "chirp", "crow": "caw", "parrot": "squawk", "monkey": "chatter",
    "elephant": "trumpet", "seagull": "squawk", "hamster": "squeak", "dolphin": "click",
}

FOODS = _w("""apple banana orange pear peach plum grape cherry strawberry lemon melon carrot potato
tomato onion pepper cucumber egg cookie cake pie muffin sandwich pancake waffle biscuit cupcake
pizza burger taco noodle dumpling sausage bun pretzel bagel donut lollipop radish mango
pineapple coconut avocado olive pumpkin walnut peanut almond raisin bean pea lettuce cabbage
lime kiwi apricot blueberry raspberry blackberry watermelon cracker omelette hotdog scone
croissant turnip beet cashew hazelnut fig date nectarine tangerine grapefruit papaya
zucchini leek celery parsnip pickle meatball bagel tart brownie sundae biscuit""")
MASS_FOODS = _w("""bread soup rice pasta cheese butter jam honey milk juice tea cocoa water
porridge salad chicken fish corn cereal yogurt chocolate toast popcorn spinach broccoli""")
# The container that goes with a mass food: "a bowl of soup", "a cup of tea".
FOOD_CONTAINER = {
    "bowl": _w("soup rice pasta porridge salad cereal yogurt popcorn"),
    "cup": _w("milk juice tea cocoa water"),
    "piece": _w("bread cheese chicken fish chocolate toast"),
    "jar": _w("jam honey"),
}
OBJECTS = _w("""ball book cup bowl plate spoon fork knife box bag basket key coin ring watch clock
lamp candle bell kite balloon drum flute whistle doll teddy_bear puzzle crayon pencil pen brush
paint card letter note map rope ladder bucket shovel hammer nail umbrella mirror pillow blanket
towel bottle jar shell stone feather leaf:leaves stick flag ticket camera phone radio robot
wagon sled scooter marble button sticker ribbon necklace crown wand compass flashlight
notebook backpack lunchbox toy block train_set jigsaw glove scarf hat cap coat sock:socks
shoe boot sweater jacket dress shirt teapot kettle pan pot jug vase globe tent bench swing
paddle net cage leash collar comb toothbrush soap sponge spade rake hose wheel zipper pocket
purse wallet envelope stamp parcel gift present trophy medal badge poster painting photo frame
album calendar diary magazine tray basin helmet goggles:goggles apron mitten belt bracelet
brooch locket chain lock bead sack barrel cushion quilt anchor arrow axe bat bow bridle candlestick
chalk clip crayon cloak dice:dice
drawing easel eraser fan fiddle funnel hook jewel kettle lantern magnet marker medal microscope
needle paintbrush paperclip pebble pin pipe plank puppet rattle ruler saddle scissors:scissors
skateboard spinning_top sponge spoon statue sword telescope thimble thread tool torch trumpet
tub wand whisk yoyo""")
READABLES = _w("book story letter note map poem sign comic newspaper recipe list")
WRITABLES = _w("letter note poem story song list card postcard")
INSTRUMENTS = _w("piano drum guitar violin flute trumpet harp banjo cello tuba xylophone")
GAMES = _w("""tag chess football soccer hide-and-seek cards catch basketball tennis checkers
hopscotch marbles dominoes volleyball baseball""")
VEHICLES = _w("""car bus train boat bike truck plane ship tractor van taxi canoe helicopter rocket
submarine bicycle cart sailboat rowboat tram raft""")
CLOTHES = ["coat", "hat", "shoes", "socks", "boots", "scarf", "gloves", "jacket", "sweater",
           "dress", "shirt", "cap"]
BODY_PLURAL = ["hands", "feet", "face", "hair", "knees", "ears", "teeth"]
BODY = _w("""head hand foot:feet nose ear eye arm leg knee toe finger tooth:teeth hair mouth chin
elbow thumb shoulder tummy""")
# Places where one is "on" rather than "in" or "at".
ON_PLACES = set(_w("hill mountain island bridge street farm beach field meadow"))
PLACES = _w("""park garden school beach forest river lake farm market library kitchen bakery zoo
shop village city hill mountain meadow field pond playground museum station harbor castle
cave island bridge street house cottage barn yard attic classroom hospital cafe restaurant
store camp orchard valley airport bank post_office toy_shop pool stadium theater circus fair
desert jungle volcano lighthouse tower palace temple garage shed greenhouse bathroom bedroom
hallway porch balcony cellar farmhouse kingdom woods canyon cliff desert dock ferry fountain
gym hut igloo lagoon marsh nursery office pier prairie ranch reef rink shore swamp tunnel
windmill workshop""")
HOUSE_THINGS = _w("""table chair bed door window shelf sofa rug stairs fence gate wall roof floor
sink oven fridge cupboard drawer desk corner bathtub chimney closet curtain fireplace mailbox
doorbell staircase""")
NATURE = _w("""tree flower rock cloud star moon sun rainbow hill puddle pond grass bush stream
wave snowflake mushroom acorn seed branch sand pebble log vine thorn petal root fern moss
pine oak maple willow daisy rose tulip sunflower dandelion clover icicle""")
WEATHER = _w("sunny rainy windy snowy cloudy foggy stormy warm cold hot chilly frosty misty")
TIMES = _w("morning afternoon evening night")
MONTHS = _w("January February March April May June July August September October November December")
DAY_PARTS = _w("dawn noon midnight sunrise sunset bedtime teatime")
DAYS = _w("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
SEASONS = _w("spring summer autumn winter")
COLORS = _w("""red blue green yellow orange purple pink brown black white gray golden silver
violet navy crimson beige turquoise""")
NUMBERS = _w("one two three four five six seven eight nine ten eleven twelve")

# Adjectives by what they describe.
ADJ_SIZE = _w("big small little tiny huge tall short long wide round thin fat")
ADJ_AGE = _w("old new")
ADJ_OPINION = _w("pretty lovely fancy nice beautiful funny strange special plain favorite")
ADJ_LOOK = _w("""shiny bright dark clean dirty soft hard smooth rough wet dry heavy light warm
cold striped spotted fluffy sparkly colorful sticky fuzzy bumpy tidy messy empty full sharp
rusty dusty shaggy glossy muddy slippery sparkling crooked straight curly spiky wrinkled
squeaky creaky tiny enormous gigantic pointy""")
ADJ_MATERIAL = _w("wooden plastic glass metal paper woolen silk leather cotton stone")
ADJ_FEEL = _w("""happy sad angry tired hungry thirsty sleepy scared brave proud kind shy silly
grumpy busy calm excited worried curious lonely cheerful gentle clever bored nervous jolly
upset glad polite honest clumsy bossy lazy patient thankful surprised puzzled jealous
generous gentle friendly careful careless cranky delighted eager fearless fierce fussy gloomy
greedy hopeful humble joyful loyal merry modest naughty playful quirky restless sensible
sneaky stubborn thoughtful timid wise""")
ADJ_TASTE = _w("sweet sour salty bitter fresh tasty crunchy juicy spicy creamy warm hot")
ADJ_PLACE = _w("""quiet busy noisy clean dark bright sunny cozy crowded peaceful empty huge spooky
magical ancient sandy rocky grassy leafy snowy shady windy""")
ADJ_ANIMAL = _w("fast slow friendly wild playful fluffy furry sleepy hungry strong clever gentle")
ADJ_GOOD = _w("""good great nice lovely wonderful excellent perfect amazing fantastic
delicious comfortable sturdy reliable useful friendly helpful pleasant fresh""")
ADJ_BAD = _w("""bad awful terrible poor cheap flimsy broken rude noisy slow cold bland greasy
stale dirty useless disappointing soggy unfriendly""")

# Manner adverbs that fit almost any action.
ADVERBS = _w("""quickly slowly quietly happily carefully gently proudly bravely calmly eagerly
nervously patiently cheerfully busily boldly swiftly gracefully clumsily hastily lazily
merrily shyly tenderly wisely""")
# Adverbs kept for the verbs they suit (speaking, shining, sleeping).
SAY_ADVERBS = _w("loudly softly kindly politely sadly gladly warmly shyly")
OTHER_ADVERBS = _w("""brightly neatly safely sleepily silently easily suddenly finally
cheerfully quietly loudly tightly firmly lightly""")
TIME_ADVERBS = _w("today yesterday later soon again always often sometimes never")

# Verbs by frame. "run:ran" gives an irregular past tense.
INTRANS_PERSON = _w("""laugh smile cry sing:sang dance shout wave nod yawn sneeze cough whistle
clap sleep:slept rest wait play read:read listen work cook bake paint draw:drew write:wrote
think:thought jump skip giggle hum knit stretch knock whisper shiver blink sigh wink shrug
kneel:knelt bounce float tiptoe crawl grin frown cheer pray:prayed snore bow wobble wiggle
paddle splash dive:dove twirl shout scream howl chuckle""")
INTRANS_ANIMAL = _w("""sleep:slept eat:ate play jump hide:hid rest run:ran swim:swam dig:dug
sniff wiggle stretch yawn nap hop wander""")
MOTION = _w("""walk run:ran hurry rush race ride:rode drive:drove wander stroll skip hop dash
march jog go:went come:came climb sail travel""")
VERBS_THING = _w("""find:found lose:lost carry hold:held drop keep:kept bring:brought hide:hid
fix clean wash paint buy:bought share borrow take:took use open close pack throw:threw
catch:caught make:made build:built sell:sold get:got plant wear:wore drink:drank lick
fold bend:bent shake:shook squeeze polish sort stack
fill empty wrap unwrap tie lift push pull kick toss fetch sew:sewed mend dust sweep:swept
scrub hang:hung stir weigh measure trade collect gather bury:buried dig:dug sharpen""")
VERBS_FOOD = _w("""eat:ate cook bake taste smell buy:bought share cut:cut wash pick:picked peel
chop slice grab""")
VERBS_ANIMAL = _w("""feed:fed pet watch see:saw chase follow hug brush count draw:drew find:found
call help greet""")
VERBS_PERSON = _w("""help visit meet:met call thank hug follow find:found teach:taught greet
invite miss""")
VERBS_PLACE = _w("visit clean leave:left explore reach paint decorate")
IRREGULAR_PAST = {"read": "read", "give": "gave", "show": "showed", "send": "sent",
                  "hand": "handed", "pass": "passed", "lend": "lent", "is": "was",
                  "have": "had", "do": "did", "say": "said", "see": "saw", "fly": "flew",
                  "put": "put", "get": "got", "sit": "sat", "stand": "stood", "fall": "fell",
                  "feel": "felt", "hear": "heard", "know": "knew", "grow": "grew",
                  "blow": "blew", "shine": "shone", "begin": "began", "sweep": "swept",
                  "spend": "spent", "hurt": "hurt", "tell": "told", "win": "won", "forget": "forgot"}
DITRANSITIVE = _w("give show send hand pass lend bring make")
CONNECTIVES = _w("and but so because")

RESTAURANT_ITEMS = _w("""soup salad pizza pasta burger steak fish noodles curry pie cake dessert
bread coffee tea juice sandwich tacos omelette pancakes waffles rice dumplings""")
RESTAURANT_PARTS = _w("food service waiter staff table menu price portion music room")
PRODUCTS = _w("""lamp kettle toaster blender backpack umbrella chair desk pillow blanket mug
jacket boots headphones speaker clock bike tent bottle pan teapot fan heater mattress
keyboard mouse_pad notebook pen watch charger radio scooter""")
PRODUCT_PARTS = _w("handle lid strap button screen light sound color size price battery box wheel")


def all_words() -> set[str]:
    """Every distinct base word of the lists above (lower case, irregular forms not counted)."""
    out: set[str] = set()
    for value in list(globals().values()):
        lists = value.values() if isinstance(value, dict) else [value]
        for entries in lists:
            if isinstance(entries, list):
                out.update(e.split(":")[0].lower() for e in entries if isinstance(e, str))
    return out
