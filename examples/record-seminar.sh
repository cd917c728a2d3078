#!/usr/bin/env bash
# Records the seed seminar (16-18 March 2021) with its participants through the command line,
# as a secretariat script would. Safe to run twice: an event whose key is already recorded is
# left alone.
#
#   examples/record-seminar.sh                 # uses `events` from PATH and the default database
#   EVENTS=target/release/events EVENTS_DB=/tmp/demo.db examples/record-seminar.sh
set -euo pipefail

events=${EVENTS:-events}
key=rats-2021-03

if "$events" show "$key" >/dev/null 2>&1; then
    echo "already recorded: $key" >&2
    exit 0
fi

id=$("$events" add-event \
    --key "$key" \
    --title "Virtual regional seminar on judicial and law enforcement cooperation and information exchange" \
    --kind seminar --start 2021-03-16 --end 2021-03-18 --mode virtual --region "Central Asia" \
    --organizer "UN Counter-Terrorism Centre" \
    --organizer "UN Office of Counter-Terrorism" \
    --organizer "UN Office on Drugs and Crime" \
    --partner "UN Regional Centre for Preventive Diplomacy for Central Asia" \
    --project "Exploring the Relationship between Terrorism, Weapons and Crime" \
    --source "Executive Committee RATS SCO" \
    --tag counter-terrorism --tag SALW)

opening() { # NAME ORGANIZATION POSITION
    "$events" -q add-participant "$id" --name "$1" --org "$2" --position "$3" \
        --role "opening address" --session "Opening" >/dev/null
}
opening "V. I. Voronkov" "UN Office of Counter-Terrorism" "Under-Secretary-General, Head of the UN Office of Counter-Terrorism"
opening "Jehangir Khan" "UN Counter-Terrorism Centre" "Director of the UN Counter-Terrorism Centre"
opening "G. F. Wali" "UN Office on Drugs and Crime" "Executive Director"
opening "O. V. Syromolotov" "Ministry of Foreign Affairs of the Russian Federation" "Deputy Minister of Foreign Affairs"
opening "Nakamitsu" "United Nations" "Deputy Secretary-General of the United Nations"
opening "N. German" "UN Regional Centre for Preventive Diplomacy for Central Asia" "Head of the UN Regional Centre for Preventive Diplomacy for Central Asia"
opening "M. Conynx" "UN Security Council Counter-Terrorism Committee Executive Directorate" "Assistant Secretary-General, Executive Director of the Counter-Terrorism Committee Executive Directorate"

"$events" -q add-participant "$id" --name "V. V. Barchuk" \
    --org "RATS SCO Executive Committee" --position "Deputy Director" \
    --role "head of delegation" --head --contribution report \
    --session "The role of international and regional organizations and the development of international cooperation of judicial and law enforcement agencies in Central Asia" \
    >/dev/null

"$events" show "$id"
