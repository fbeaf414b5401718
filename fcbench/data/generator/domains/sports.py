"""Sports domain: a fictional football season with teams, players, fixtures and tickets.

Table builders only see their own rng, so the ``players`` and ``fixtures``
tables refer to teams by name and the tools resolve names to the seeded
``team_id`` at call time. Teams play in cities of the shared ``cities`` table,
so ``find_team`` returns a ``city_id`` that weather and food tools accept.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

LEAGUES: dict[str, list[tuple[str, str]]] = {
    "Atlantic League": [("Lisbon Mariners", "Lisbon"), ("Madrid Comets", "Madrid"),
                        ("Dublin Harriers", "Dublin"), ("Paris Herons", "Paris"),
                        ("Oslo Northstars", "Oslo"), ("Toronto Lynx", "Toronto")],
    "Continental League": [("Berlin Ironsides", "Berlin"), ("Vienna Waltzers", "Vienna"),
                           ("Prague Alchemists", "Prague"), ("Warsaw Falcons", "Warsaw"),
                           ("Rome Centurions", "Rome"), ("Athens Owls", "Athens")],
    "Pacific League": [("Tokyo Kestrels", "Tokyo"), ("Seoul Tigers", "Seoul"),
                       ("Sydney Breakers", "Sydney"), ("Auckland Albatrosses", "Auckland"),
                       ("Singapore Merlions", "Singapore"), ("Lima Condors", "Lima")],
}
FIRST_NAMES = ["Mateo", "Lucas", "Jonas", "Emil", "Kenji", "Rafael", "Tomas", "Andre", "Oskar",
               "Hugo", "Diego", "Marco", "Felix", "Kofi", "Yusuf", "Liam", "Nikolai", "Samir",
               "Theo", "Ivan", "Joao", "Haruto", "Minho", "Pablo"]
LAST_NAMES = ["Almeida", "Brandt", "Castillo", "Dvorak", "Eriksen", "Fontaine", "Gallagher",
              "Hoffmann", "Ito", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nakamura",
              "Okafor", "Petrov", "Quintero", "Rossi", "Silva", "Tanaka", "Urbina", "Varga",
              "Weber", "Yilmaz"]
POSITIONS = ["goalkeeper", "defender", "midfielder", "forward"]
SQUAD_SHAPE = ["goalkeeper", "defender", "defender", "defender", "midfielder", "midfielder",
               "midfielder", "forward", "forward"]
SECTIONS = {"main stand": 1.5, "north stand": 1.0, "south stand": 1.0, "family zone": 0.8}
SEASON_START = dt.date(2025, 8, 16)


@table("teams")
def _teams(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, (league, team, city) in enumerate((lg, t, c) for lg, teams in LEAGUES.items() for t, c in teams):
        wins = rng.randint(3, 14)
        draws = rng.randint(0, 20 - wins)
        losses = 20 - wins - draws
        rows.append({"team_id": f"T{200 + i * 11 + rng.randint(0, 10)}", "team_name": team,
                     "league": league, "city": city, "wins": wins, "draws": draws, "losses": losses,
                     "goals_for": wins * 2 + draws + rng.randint(0, 9),
                     "goals_against": losses * 2 + draws + rng.randint(0, 9)})
    return rows


@table("players")
def _players(rng: random.Random) -> list[dict[str, Any]]:
    teams = [t for squads in LEAGUES.values() for t, _ in squads]
    names = rng.sample([f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES], len(teams) * len(SQUAD_SHAPE))
    rows = []
    for k, name in enumerate(names):
        position = SQUAD_SHAPE[k % len(SQUAD_SHAPE)]
        scoring = {"goalkeeper": 0, "defender": 2, "midfielder": 6, "forward": 14}[position]
        apps = rng.randint(8, 20)
        rows.append({"player_id": f"P{3000 + k * 7 + rng.randint(0, 6)}", "player_name": name,
                     "team_name": teams[k // len(SQUAD_SHAPE)], "position": position,
                     "appearances": apps, "minutes": apps * rng.randint(55, 90),
                     "goals": rng.randint(0, scoring), "assists": rng.randint(0, scoring // 2 + 1),
                     "yellow_cards": rng.randint(0, 6), "injured": rng.random() < 0.12})
    return rows


@table("fixtures")
def _fixtures(rng: random.Random) -> list[dict[str, Any]]:
    """Five rounds per league (circle-method round robin), one round per week."""
    rows = []
    for league, squads in LEAGUES.items():
        teams = [t for t, _ in squads]
        for rnd in range(len(teams) - 1):
            order = [teams[0]] + teams[1:][rnd:] + teams[1:][:rnd]
            day = SEASON_START + dt.timedelta(days=7 * rnd)
            for j in range(len(teams) // 2):
                home, away = order[j], order[-1 - j]
                if (rnd + j) % 2:
                    home, away = away, home
                rows.append({"match_id": f"M{4000 + len(rows) * 9 + rng.randint(0, 8)}", "league": league,
                             "home": home, "away": away, "date": day.isoformat(),
                             "kickoff": rng.choice(["13:30", "16:00", "18:30", "20:45"]),
                             "ticket_price": float(rng.choice([25, 30, 35, 40, 45, 55, 60])),
                             "seats_available": rng.randint(40, 900)})
    return rows


def _team(world: World, team_id: str) -> dict[str, Any]:
    return world.require("teams", team_id=team_id)


def _team_id(world: World, team_name: str) -> str:
    return world.find("teams", team_name=team_name)["team_id"]


def _player(world: World, player_id: str) -> dict[str, Any]:
    return world.require("players", player_id=player_id)


def _team_fixtures(world: World, team_name: str, venue: str) -> list[dict[str, Any]]:
    out = []
    for f in world.table("fixtures"):
        plays_home = venue in ("any", "home") and f["home"] == team_name
        plays_away = venue in ("any", "away") and f["away"] == team_name
        if plays_home or plays_away:
            out.append(f)
    return sorted(out, key=lambda f: (f["date"], f["match_id"]))


def _any_team(rng: random.Random, w: World) -> dict[str, Any]:
    return rng.choice(w.table("teams"))


TEAM_ID = {"type": "string", "description": "Team identifier as returned by find_team, e.g. T213."}
PLAYER_ID = {"type": "string", "description": "Player identifier as returned by find_player, e.g. P3017."}


@sim_tool(
    name="find_team", domain="sports",
    description="Look up a football club by name and return its team id, league and home city.",
    parameters={"type": "object", "properties": {
        "team_name": {"type": "string", "description": "Club name, e.g. Lisbon Mariners."}},
        "required": ["team_name"]},
    returns={"type": "object", "properties": {
        "team_id": {"type": "string"}, "team_name": {"type": "string"}, "league": {"type": "string"},
        "city_id": {"type": "string", "description": "Home city, usable with weather and food tools."}}},
    phrasings=["Find the team {team_name}.", "What's the team id of {team_name}?",
               "Look up the club {team_name} for me.", "Which league do {team_name} play in?"],
    sample_args=lambda rng, w: {"team_name": _any_team(rng, w)["team_name"]},
)
def find_team(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("teams", team_name=args["team_name"])
    if row is None:
        raise ToolError(f"no team named {args['team_name']}")
    city = world.find("cities", name=row["city"])
    return {"team_id": row["team_id"], "team_name": row["team_name"], "league": row["league"],
            "city_id": city["city_id"]}


@sim_tool(
    name="get_team_roster", domain="sports",
    description="List the players of a team, optionally only one position.",
    parameters={"type": "object", "properties": {
        "team_id": TEAM_ID,
        "position": {"type": "string", "enum": ["any"] + POSITIONS, "default": "any",
                     "description": "Only players in this position."},
        "include_injured": {"type": "boolean", "default": True,
                            "description": "Also list players who are currently injured."}},
        "required": ["team_id"]},
    returns={"type": "object", "properties": {
        "team_id": {"type": "string"}, "count": {"type": "integer"},
        "players": {"type": "array", "items": {"type": "string"}},
        "player_ids": {"type": "array", "items": {"type": "string"}}}},
    phrasings=["Who plays for team {team_id}?",
               "Show me the {position} players of {team_id}.",
               "List the squad of {team_id}{include_injured|, injured players included|, only fit players}.",
               ("Which {position} options does team {team_id} have"
                "{include_injured|, counting the injured ones|"
                " that are fit to play}?")],
    sample_args=lambda rng, w: {"team_id": _any_team(rng, w)["team_id"],
                                "position": rng.choice(POSITIONS), "include_injured": rng.random() < 0.5},
)
def get_team_roster(world: World, args: dict[str, Any]) -> dict[str, Any]:
    team = _team(world, args["team_id"])
    if args["position"] not in ["any"] + POSITIONS:
        raise ToolError(f"unknown position {args['position']}")
    picked = [p for p in world.table("players") if p["team_name"] == team["team_name"]
              and args["position"] in ("any", p["position"])
              and (args["include_injured"] or not p["injured"])]
    return {"team_id": team["team_id"], "count": len(picked),
            "players": [p["player_name"] for p in picked], "player_ids": [p["player_id"] for p in picked]}


@sim_tool(
    name="get_team_standings", domain="sports",
    description="Get a team's current league position, points and goal difference.",
    parameters={"type": "object", "properties": {"team_id": TEAM_ID}, "required": ["team_id"]},
    returns={"type": "object", "properties": {
        "team_id": {"type": "string"}, "league": {"type": "string"}, "position": {"type": "integer"},
        "points": {"type": "integer"}, "played": {"type": "integer"},
        "goal_difference": {"type": "integer"}}},
    phrasings=["Where is {team_id} in the table?", "League standing of team {team_id}?",
               "How many points does {team_id} have so far this season?",
               "What position is {team_id} in right now?"],
    sample_args=lambda rng, w: {"team_id": _any_team(rng, w)["team_id"]},
)
def get_team_standings(world: World, args: dict[str, Any]) -> dict[str, Any]:
    team = _team(world, args["team_id"])

    def key(t: dict[str, Any]) -> tuple:
        return (-(3 * t["wins"] + t["draws"]), -(t["goals_for"] - t["goals_against"]), t["team_name"])

    table_rows = sorted((t for t in world.table("teams") if t["league"] == team["league"]), key=key)
    return {"team_id": team["team_id"], "league": team["league"],
            "position": 1 + [t["team_id"] for t in table_rows].index(team["team_id"]),
            "points": 3 * team["wins"] + team["draws"],
            "played": team["wins"] + team["draws"] + team["losses"],
            "goal_difference": team["goals_for"] - team["goals_against"]}


def _sample_schedule(rng: random.Random, w: World) -> dict[str, Any]:
    team = _any_team(rng, w)
    venues = [v for v in ("home", "away") if _team_fixtures(w, team["team_name"], v)]
    return {"team_id": team["team_id"], "venue": rng.choice(venues), "limit": rng.randint(2, 4)}


@sim_tool(
    name="get_team_schedule", domain="sports",
    description="Upcoming fixtures of a team (date, opponent, venue); the first one is the next match.",
    parameters={"type": "object", "properties": {
        "team_id": TEAM_ID,
        "venue": {"type": "string", "enum": ["any", "home", "away"], "default": "any",
                  "description": "Only home or away matches."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 5, "default": 3,
                  "description": "How many fixtures to list."}},
        "required": ["team_id"]},
    returns={"type": "object", "properties": {
        "team_id": {"type": "string"}, "count": {"type": "integer"},
        "match_id": {"type": "string", "description": "Identifier of the next listed match."},
        "date": {"type": "string", "description": "Date of the next listed match (YYYY-MM-DD)."},
        "opponent": {"type": "string", "description": "Opponent in the next listed match."},
        "fixtures": {"type": "array", "items": {"type": "object", "properties": {
            "match_id": {"type": "string"}, "date": {"type": "string"}, "kickoff": {"type": "string"},
            "opponent": {"type": "string"}, "venue": {"type": "string"}}}}}},
    phrasings=["When does {team_id} play next?",
               "Show the next {limit} {venue} fixtures of team {team_id}.",
               "What are {team_id}'s upcoming {venue} games?",
               "List {limit} upcoming matches for {team_id}."],
    sample_args=_sample_schedule,
)
def get_team_schedule(world: World, args: dict[str, Any]) -> dict[str, Any]:
    team = _team(world, args["team_id"])
    limit = int(args["limit"])
    if args["venue"] not in ("any", "home", "away") or not 1 <= limit <= 5:
        raise ToolError("venue must be any, home or away and limit between 1 and 5")
    found = _team_fixtures(world, team["team_name"], args["venue"])[:limit]
    if not found:
        raise ToolError(f"no {args['venue']} fixtures for {team['team_id']}")
    name = team["team_name"]
    fixtures = [{"match_id": f["match_id"], "date": f["date"], "kickoff": f["kickoff"],
                 "opponent": f["away"] if f["home"] == name else f["home"],
                 "venue": "home" if f["home"] == name else "away"} for f in found]
    first = fixtures[0]
    return {"team_id": team["team_id"], "count": len(fixtures), "match_id": first["match_id"],
            "date": first["date"], "opponent": first["opponent"], "fixtures": fixtures}


@sim_tool(
    name="find_player", domain="sports",
    description="Look up a football player by name and return their player id, team and position.",
    parameters={"type": "object", "properties": {
        "player_name": {"type": "string", "description": "Player's full name, e.g. Mateo Silva."}},
        "required": ["player_name"]},
    returns={"type": "object", "properties": {
        "player_id": {"type": "string"}, "player_name": {"type": "string"},
        "team_id": {"type": "string"}, "position": {"type": "string"}}},
    phrasings=["Find the player {player_name}.", "What's the player id of {player_name}?",
               "Which team does {player_name} play for?", "Look up footballer {player_name}."],
    sample_args=lambda rng, w: {"player_name": rng.choice(w.table("players"))["player_name"]},
)
def find_player(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("players", player_name=args["player_name"])
    if row is None:
        raise ToolError(f"no player named {args['player_name']}")
    return {"player_id": row["player_id"], "player_name": row["player_name"],
            "team_id": _team_id(world, row["team_name"]), "position": row["position"]}


@sim_tool(
    name="get_player_stats", domain="sports",
    description="Season statistics of a player: appearances, minutes, goals, assists, yellow cards.",
    parameters={"type": "object", "properties": {
        "player_id": PLAYER_ID,
        "season": {"type": "string", "enum": ["2025-26", "2024-25"], "default": "2025-26",
                   "description": "Season to report."},
        "per_90": {"type": "boolean", "default": False,
                   "description": "Report goals and assists per 90 minutes instead of totals."}},
        "required": ["player_id"]},
    returns={"type": "object", "properties": {
        "player_id": {"type": "string"}, "season": {"type": "string"},
        "appearances": {"type": "integer"}, "minutes": {"type": "integer"},
        "goals": {"type": "number"}, "assists": {"type": "number"}, "yellow_cards": {"type": "integer"}}},
    phrasings=["How many goals has {player_id} scored?",
               "Stats for player {player_id} in the {season} season{per_90|, per 90 minutes|, as totals}.",
               "Show me {player_id}'s numbers for {season}.",
               ("Give me goals and assists of {player_id}"
                "{per_90|, normalised per 90 minutes|, season totals}.")],
    sample_args=lambda rng, w: {"player_id": rng.choice(w.table("players"))["player_id"],
                                "season": rng.choice(["2025-26", "2024-25"]), "per_90": rng.random() < 0.4},
)
def get_player_stats(world: World, args: dict[str, Any]) -> dict[str, Any]:
    p = _player(world, args["player_id"])
    if args["season"] not in ("2025-26", "2024-25"):
        raise ToolError(f"no data for season {args['season']}")
    apps, minutes, goals, assists, cards = (p["appearances"], p["minutes"], p["goals"], p["assists"],
                                            p["yellow_cards"])
    if args["season"] == "2024-25":  # last season: a fuller campaign, derived deterministically
        apps, minutes = apps + 12, minutes + 12 * 70
        goals, assists, cards = goals + goals // 2 + 1, assists + 1, cards + 2
    if args["per_90"]:
        goals, assists = round(goals * 90 / minutes, 2), round(assists * 90 / minutes, 2)
    return {"player_id": p["player_id"], "season": args["season"], "appearances": apps,
            "minutes": minutes, "goals": goals, "assists": assists, "yellow_cards": cards}


@sim_tool(
    name="buy_match_tickets", domain="sports",
    description="Buy tickets for a match in a stand of the stadium; reduces the seats left.",
    parameters={"type": "object", "properties": {
        "match_id": {"type": "string", "description": "Match identifier as returned by get_team_schedule."},
        "ticket_count": {"type": "integer", "minimum": 1, "maximum": 8, "description": "Number of tickets."},
        "seating": {"type": "object", "description": "Where to sit.", "properties": {
            "section": {"type": "string", "enum": list(SECTIONS), "description": "Stand of the stadium."},
            "row_preference": {"type": "string", "enum": ["front", "middle", "back"],
                               "description": "Preferred rows within the stand."}},
            "required": ["section", "row_preference"]}},
        "required": ["match_id", "ticket_count", "seating"]},
    returns={"type": "object", "properties": {
        "order_id": {"type": "string"}, "match_id": {"type": "string"}, "ticket_count": {"type": "integer"},
        "section": {"type": "string"}, "total_price": {"type": "number"}, "seats_left": {"type": "integer"}}},
    phrasings=[("Buy {ticket_count} tickets for match {match_id} in the {seating.section}, "
                "{seating.row_preference} rows."),
               ("Get me {ticket_count} seats for {match_id}: {seating.section}, "
                "{seating.row_preference} rows please."),
               ("I'd like {ticket_count} tickets to match {match_id}, sitting in the "
                "{seating.row_preference} rows of the {seating.section}."),
               ("Purchase {ticket_count} {seating.section} tickets ({seating.row_preference} rows) "
                "for game {match_id}.")],
    sample_args=lambda rng, w: {"match_id": rng.choice(w.table("fixtures"))["match_id"],
                                "ticket_count": rng.randint(1, 6),
                                "seating": {"section": rng.choice(list(SECTIONS)),
                                            "row_preference": rng.choice(["front", "middle", "back"])}},
    mutates=True,
)
def buy_match_tickets(world: World, args: dict[str, Any]) -> dict[str, Any]:
    match = world.find("fixtures", match_id=args["match_id"])
    if match is None:
        raise ToolError(f"unknown match_id {args['match_id']}")
    quantity, section = int(args["ticket_count"]), args["seating"]["section"]
    if section not in SECTIONS or args["seating"]["row_preference"] not in ("front", "middle", "back"):
        raise ToolError("unknown section or row preference")
    sold = world.state.setdefault("tickets_sold", {})
    left = match["seats_available"] - sold.get(match["match_id"], 0)
    if not 1 <= quantity <= 8 or quantity > left:
        raise ToolError(f"cannot sell {quantity} tickets ({left} seats left)")
    sold[match["match_id"]] = sold.get(match["match_id"], 0) + quantity
    orders = world.state.setdefault("ticket_orders", [])
    order_id = f"TK{9100 + len(orders) + 1}"
    orders.append(order_id)
    return {"order_id": order_id, "match_id": match["match_id"], "ticket_count": quantity, "section": section,
            "total_price": round(quantity * match["ticket_price"] * SECTIONS[section], 2),
            "seats_left": left - quantity}
