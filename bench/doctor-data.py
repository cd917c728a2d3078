#!/usr/bin/env python3
"""Generates records for benchmarking `events doctor` on names as they come in real data.

    bench/doctor-data.py OUT_FILE [EVENTS]

writes EVENTS events (default 100,000) as NDJSON for `events import`. Unlike bench/generate.py,
whose names carry numbers (which keeps every block of `doctor` tiny), names here are drawn as
people's names are: few given names (38) and many surnames (about 5,000, a few of them very
common), so that thousands of people share "Ivan" or "Anna" and hundreds share a surname. Events
crowd on the same dates (a third of them on 40 days, hundreds a day), with titles from one
vocabulary. Planted among them, for `doctor` to find: 50 people whose surname is written once
with a typo, 50 written with initials, 40 organizations written otherwise and 50 events recorded
twice (the next day, with a typo). The output is the same for the same arguments (fixed seed).
"""

import json
import random
import sys
from datetime import date, timedelta

out_file = sys.argv[1]
n_events = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = random.Random(20261201)

GIVEN = ("Ivan Anna Olga Sergei Maria Elena Dmitry Alexander Natalia Vladimir Aigerim Nurlan "
         "Timur Dilnoza Farrukh Rustam Gulnara Bakhyt John Mary David Sarah Michael Laura Ahmed "
         "Fatima Mohammed Ali Hassan Leila Jean Pierre Hans Peter Andrea Paolo Carlos "
         "Li").split()
# Surnames: syllables put together, a few of them very common (as Ivanov, Kim, Smith are).
SYLLABLES = ("ka ri mo na to be li sa ve ro du ga ni ko pe ta la mi zu shi che ov ev in "
             "an ar el or us ber man son ski vich enko ko yan").split()


def surname():
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3, 3, 4]))).capitalize()


def deletions(word, depth=2):
    out = {word}
    for _ in range(depth):
        out |= {w[:k] + w[k + 1:] for w in out for k in range(len(w))}
    return out


# No two surnames two letters apart or less (syllables make many; real surnames are seldom so
# close, and `doctor` rightly takes a long name two letters off for a typo): a surname is kept
# only when it shares no form with up to two letters dropped with one kept before.
surnames = []
taken = set()
for _ in range(40000):
    name = surname()
    forms = deletions(name.lower())
    if not forms & taken:
        taken |= forms
        surnames.append(name)
rng.shuffle(surnames)
# Zipf-like weights: the first surnames are drawn far more often.
cum = []
total = 0.0
for k in range(len(surnames)):
    total += 1.0 / (k + 5)
    cum.append(total)

people = []
seen = set()
while len(people) < 60_000:
    name = f"{rng.choice(GIVEN)} {rng.choices(surnames, cum_weights=cum)[0]}"
    if name not in seen:
        seen.add(name)
        people.append(name)

WORDS = (
    "regional international judicial law enforcement cooperation information exchange "
    "counter-terrorism prevention violent extremism border security illicit trafficking small "
    "arms light weapons cyber financing terrorism investigation prosecution capacity building "
    "dialogue partnership strategy assessment implementation resolution guidelines region "
    "national expert practitioners officials meeting seminar workshop conference training"
).split()
KINDS = ["seminar", "conference", "meeting", "workshop", "summit", "training", "briefing"]
BODIES = ["Office", "Centre", "Committee", "Council", "Agency", "Institute", "Directorate"]
PLACES = ["Central Asia", "Europe", "Africa", "the Region", "Kazakhstan", "Uzbekistan",
          "Tajikistan", "Kyrgyzstan", "Turkmenistan", "the Caucasus"]

orgs = []
keys = set()
while len(orgs) < 2000:
    words = rng.sample(WORDS, 2)
    name = (f"{rng.choice(['UN', 'OSCE', 'SCO', 'EU', 'National', 'Regional'])} "
            f"{' '.join(w.capitalize() for w in words)} {rng.choice(BODIES)} "
            f"for {rng.choice(PLACES)}")
    key = frozenset(name.lower().replace("-", " ").split())
    if key not in keys:
        keys.add(key)
        orgs.append(name)


def typo(word):
    """One letter of a word changed (not the first)."""
    at = rng.randrange(1, len(word))
    letter = rng.choice([c for c in "aeioukrnst" if c != word[at]])
    return word[:at] + letter + word[at + 1:]


# Planted duplicates. People: a surname a letter off; initials for the given name (only for
# a given name no one else of that surname has, so that the finding is one).
planted_people = []
for name in rng.sample(people, 50):
    given, family = name.split(" ", 1)
    if len(family) >= 6:
        planted_people.append(f"{given} {typo(family)}")
by_surname = {}
for name in people:
    given, family = name.split(" ", 1)
    by_surname.setdefault((family, given[0]), []).append(name)
lonely = [n for n, v in ((k, v) for k, v in by_surname.items()) if len(v) == 1]
for family, initial in rng.sample(lonely, 50):
    planted_people.append(f"{initial}. {family}")
# Organizations: British/American spelling, "&"/"and", word order.
planted_orgs = []
for name in rng.sample(orgs, 40):
    if "Centre" in name:
        planted_orgs.append(name.replace("Centre", "Center"))
    else:
        w = name.split(" ")
        planted_orgs.append(" ".join([w[0], w[2], w[1]] + w[3:]))

day0 = date(2000, 1, 1)
busy = [day0 + timedelta(days=rng.randrange(0, 9000)) for _ in range(40)]


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def event(i, title, start, participants, organizers):
    return {
        "key": f"doc-{i}",
        "title": title,
        "kind": rng.choice(KINDS),
        "start": start.isoformat(),
        "source": f"https://example.org/news/{i}",
        "organizers": organizers,
        "participants": participants,
    }


with open(out_file, "w", encoding="utf-8") as out:
    kept = []
    for i in range(1, n_events + 1):
        if rng.random() < 0.33:
            start = rng.choice(busy)
        else:
            start = day0 + timedelta(days=rng.randrange(0, 9000))
        title = f"{rng.choice(KINDS).capitalize()} on {sentence(rng.randrange(4, 10))}"
        participants = [{"name": rng.choice(people), "organization": rng.choice(orgs)}
                        for _ in range(6)]
        organizers = [rng.choice(orgs)]
        if i <= 50:
            kept.append((title, start))
        out.write(json.dumps(event(i, title, start, participants, organizers)) + "\n")
    n = n_events
    for title, start in kept:
        n += 1
        words = title.split(" ")
        at = max(range(len(words)), key=lambda k: len(words[k]))
        words[at] = typo(words[at])
        out.write(json.dumps(event(n, " ".join(words), start + timedelta(days=1), [], [])) + "\n")
    for name in planted_people:
        n += 1
        out.write(json.dumps(event(n, f"Consultation {n}", day0, [
            {"name": name, "organization": rng.choice(orgs)}], [])) + "\n")
    for name in planted_orgs:
        n += 1
        out.write(json.dumps(event(n, f"Briefing {n}", day0, [], [name])) + "\n")
