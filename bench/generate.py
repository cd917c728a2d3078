#!/usr/bin/env python3
"""Generates a synthetic but realistic dataset for the benchmarks.

    bench/generate.py OUT_DIR [EVENTS]

writes, for EVENTS events (default 100,000):
  events.ndjson              the interchange format, one event per line, for `events import`
                             and `sqlite-utils insert --nl`
  csv/*.csv                  the same rows as flat tables, for the sqlite3 shell's `.import`

About 3 organizations (organizers and partners) and 6 participants an event, drawn from pools
of 2,000 organizations and 60,000 people, with titles and descriptions of realistic length.
The output is the same for the same arguments (fixed seed).
"""

import csv
import json
import os
import random
import sys
from datetime import date, timedelta

out_dir = sys.argv[1]
n_events = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = random.Random(20210316)

WORDS = (
    "regional international judicial law enforcement cooperation information exchange "
    "counter-terrorism prevention violent extremism border security illicit trafficking small "
    "arms light weapons cyber financing terrorism investigation prosecution capacity building "
    "dialogue partnership strategy assessment implementation resolution guidelines region "
    "national expert practitioners officials meeting seminar workshop conference training"
).split()
KINDS = ["seminar", "conference", "meeting", "workshop", "summit", "training", "briefing"]
MODES = ["in-person", "virtual", "hybrid", None]
REGIONS = ["Central Asia", "South Asia", "Middle East", "Europe", "Africa", "Latin America", None]
CITIES = ["Tashkent", "Vienna", "Geneva", "New York", "Almaty", "Dushanbe", "Bishkek", None]
ROLES = ["delegate", "speaker", "head of delegation", "opening address", "moderator", "observer"]
POSITIONS = ["Director", "Deputy Director", "Head of Unit", "Senior Officer", "Adviser",
             "Programme Officer", "Minister", "Ambassador"]
CONTRIBUTIONS = ["report", "presentation", "statement", None, None]

orgs = [f"{rng.choice(['UN', 'OSCE', 'SCO', 'EU', 'National', 'Regional'])} "
        f"{' '.join(rng.choice(WORDS).capitalize() for _ in range(3))} Office {i}" for i in range(2000)]
people = [f"{rng.choice('ABCDEFGHIJKLMNOPRSTUVZ')}. {rng.choice('ABCDEFGHIJKLMNOPRSTUVZ')}. "
          f"{rng.choice(['Ivanov', 'Khan', 'Smith', 'Garcia', 'Chen', 'Nazarov', 'Müller', 'Dubois'])}"
          f"-{i}" for i in range(60_000)]


org_id = {name: i + 1 for i, name in enumerate(orgs)}
person_id = {name: i + 1 for i, name in enumerate(people)}


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


os.makedirs(os.path.join(out_dir, "csv"), exist_ok=True)
stamp = "2026-11-30T00:00:00Z"


def write_table(name, rows):
    with open(os.path.join(out_dir, "csv", name), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


write_table("organization.csv", ([i, n, stamp] for n, i in org_id.items()))
write_table("organization_name.csv", ([n.lower(), i, n] for n, i in org_id.items()))
write_table("person.csv", ([i, n, stamp] for n, i in person_id.items()))
write_table("person_name.csv", ([n.lower(), i, n] for n, i in person_id.items()))
with open(os.path.join(out_dir, "events.ndjson"), "w", encoding="utf-8") as nd, \
        open(os.path.join(out_dir, "csv", "event.csv"), "w", newline="", encoding="utf-8") as ev_f, \
        open(os.path.join(out_dir, "csv", "event_tag.csv"), "w", newline="", encoding="utf-8") as tag_f, \
        open(os.path.join(out_dir, "csv", "event_organization.csv"), "w", newline="", encoding="utf-8") as eo_f, \
        open(os.path.join(out_dir, "csv", "session.csv"), "w", newline="", encoding="utf-8") as s_f, \
        open(os.path.join(out_dir, "csv", "participation.csv"), "w", newline="", encoding="utf-8") as p_f:
    ev_w, tag_w, eo_w, s_w, p_w = (csv.writer(f) for f in (ev_f, tag_f, eo_f, s_f, p_f))
    session_id = 0
    participation_id = 0
    day0 = date(2000, 1, 1)
    for i in range(1, n_events + 1):
        start = day0 + timedelta(days=rng.randrange(0, 9000))
        end = start + timedelta(days=rng.choice([0, 0, 0, 1, 2, 4]))
        org_ix = rng.sample(range(len(orgs)), 3)
        organizers = [orgs[j] for j in org_ix[: rng.choice([1, 2, 2, 3])]]
        partners = [orgs[j] for j in org_ix[len(organizers):]]
        sessions = [f"Session {k + 1}: {sentence(6)}" for k in range(rng.choice([0, 1, 2]))]
        participants = []
        for _ in range(6):
            p = {
                "name": rng.choice(people),
                "organization": rng.choice(orgs),
                "position": rng.choice(POSITIONS),
                "role": rng.choice(ROLES),
                "session": rng.choice(sessions) if sessions and rng.random() < 0.5 else None,
                "contribution": rng.choice(CONTRIBUTIONS),
            }
            participants.append(p)
        event = {
            "key": f"bench-{i}",
            "title": f"{rng.choice(KINDS).capitalize()} on {sentence(8)}",
            "kind": rng.choice(KINDS),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "mode": rng.choice(MODES),
            "location": rng.choice(CITIES),
            "region": rng.choice(REGIONS),
            "project": f"Project {rng.randrange(200)}: {sentence(5)}",
            "description": sentence(rng.randrange(10, 40)) + ".",
            "source": f"https://example.org/news/{i}",
            "tags": rng.sample(WORDS, rng.choice([1, 2, 3])),
            "organizers": organizers,
            "partners": partners,
            "sessions": sessions,
            "participants": participants,
        }
        nd.write(json.dumps(event, ensure_ascii=False) + "\n")
        ev_w.writerow([i, event["key"], event["title"], event["kind"], event["start"], event["end"],
                       event["mode"] or "", event["location"] or "", event["region"] or "",
                       event["project"], event["description"], event["source"], stamp, stamp])
        for k, t in enumerate(event["tags"]):
            tag_w.writerow([i, k, t])
        for role, names in (("organizer", organizers), ("partner", partners)):
            for k, name in enumerate(names):
                eo_w.writerow([i, role, k, org_id[name]])
        session_ids = {}
        for name in sessions:
            session_id += 1
            session_ids[name] = session_id
            s_w.writerow([session_id, i, name, name.lower()])
        for p in participants:
            participation_id += 1
            p_w.writerow([participation_id, i, person_id[p["name"]], org_id[p["organization"]],
                          p["position"], p["role"], session_ids.get(p["session"], ""),
                          p["contribution"] or "", stamp])
