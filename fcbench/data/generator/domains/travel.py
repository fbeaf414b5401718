"""Travel domain: flight and hotel search, bookings and cancellations.

Flights and hotels are seeded tables over the shared city names (weather.py).
The user's bookings live in ``world.state["trip_bookings"]``; on first use they
are copied from the seeded ``trip_bookings`` table (reservations the user
already holds), so cancelling and listing work on a fresh world and new
bookings get ids that depend on how many were made before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from fcbench.data.generator.domains.maps import distance_km
from fcbench.data.generator.domains.weather import CITY_NAMES
from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

TRAVEL_DATES = [(date(2026, 3, 2) + timedelta(days=d)).isoformat() for d in range(42)]
AIRLINES = [("Atlas Airways", "AT"), ("NorthStar Air", "NS"), ("Meridian Air", "MR"),
            ("Pacifica", "PF"), ("Boreal Jet", "BJ"), ("Skylark Airlines", "SK")]
CABIN_FACTOR = {"economy": 1.0, "premium economy": 1.6, "business": 3.2, "first": 5.5}
SERVICE_PRICE = {"priority boarding": 15.0, "lounge access": 45.0, "extra legroom": 30.0,
                 "travel insurance": 22.0}
HOTEL_NAMES = ["Harbor View Hotel", "The Linden House", "Casa Alta", "Grand Meridian", "Riverside Suites",
               "Old Town Inn", "Skyline Lofts", "The Wren", "Parkside Residences", "Hotel Solstice",
               "The Copper Key", "Nomad Quarter Hostel"]
FIRST_NAMES = ["Ana", "James", "Mei", "Lukas", "Fatima", "Diego", "Hannah", "Kofi", "Sara", "Oliver",
               "Yuki", "Elena"]
LAST_NAMES = ["Costa", "Whitfield", "Tanaka", "Novak", "Haddad", "Morales", "Becker", "Mensah",
              "Lindgren", "Okafor", "Rossi", "Kowalski"]
_COORDS = {name: (lat, lon) for name, _, lat, lon in CITY_NAMES}


def _unique_id(rng: random.Random, prefix: str, low: int, high: int, used: set[str]) -> str:
    while True:
        ident = f"{prefix}{rng.randint(low, high)}"
        if ident not in used:
            used.add(ident)
            return ident


@table("flights")
def _flights(rng: random.Random) -> list[dict[str, Any]]:
    rows, used = [], set()
    names = [c[0] for c in CITY_NAMES]
    for _ in range(240):
        origin, dest = rng.sample(names, 2)
        airline, code = rng.choice(AIRLINES)
        km = distance_km(*_COORDS[origin], *_COORDS[dest])
        stops = 0 if km < 2500 else rng.choice([0, 1, 1, 2])
        status = rng.choice(["scheduled", "scheduled", "on time", "delayed"])
        rows.append({
            "flight_id": _unique_id(rng, code, 100, 989, used), "airline": airline,
            "origin_city": origin, "destination_city": dest, "date": rng.choice(TRAVEL_DATES),
            "departure_time": f"{rng.randint(5, 22):02d}:{rng.choice([0, 15, 30, 45]):02d}",
            "duration_minutes": int(km / 800 * 60) + 40 + stops * 95, "stops": stops,
            "price": round(45 + km * 0.07 * rng.uniform(0.8, 1.4), 2), "status": status,
            "delay_minutes": rng.choice([15, 25, 40, 75, 120]) if status == "delayed" else 0,
            "gate": f"{rng.choice('ABCDE')}{rng.randint(1, 40)}",
        })
    return rows


@table("hotels")
def _hotels(rng: random.Random) -> list[dict[str, Any]]:
    rows, used = [], set()
    for city, *_ in CITY_NAMES:
        for base in rng.sample(HOTEL_NAMES, 4):
            stars = rng.randint(2, 5)
            rows.append({
                "hotel_id": _unique_id(rng, "HT", 1000, 9999, used), "hotel_name": f"{base} {city}",
                "city": city, "stars": stars, "rating": round(rng.uniform(3.4, 4.9), 1),
                "price_per_night": round(35 + stars * rng.uniform(22, 55), 2),
                "max_guests": rng.choice([2, 2, 3, 4, 6]),
            })
    return rows


@table("trip_bookings")
def _trip_bookings(rng: random.Random) -> list[dict[str, Any]]:
    """Reservations the user already holds before any call is made."""
    rows, used = [], set()
    for kind in ("flight", "hotel", "flight", "hotel"):
        city = rng.choice(CITY_NAMES)[0]
        when = rng.choice(TRAVEL_DATES)
        if kind == "flight":
            summary = f"{rng.choice(AIRLINES)[0]} flight to {city} on {when}"
            price = round(rng.uniform(90, 900), 2)
        else:
            summary = f"{rng.choice(HOTEL_NAMES)} {city}, {rng.randint(1, 6)} nights from {when}"
            price = round(rng.uniform(120, 1400), 2)
        rows.append({"booking_id": _unique_id(rng, "BK", 10000, 89999, used), "kind": kind,
                     "summary": summary, "total_price": price, "status": "confirmed"})
    return rows


def _bookings(world: World) -> list[dict[str, Any]]:
    if "trip_bookings" not in world.state:
        world.state["trip_bookings"] = [dict(r) for r in world.table("trip_bookings")]
    return world.state["trip_bookings"]


def _new_booking_id(world: World) -> str:
    return f"BK{90001 + len(_bookings(world))}"


def _check_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ToolError(f"invalid date {value!r}, expected YYYY-MM-DD") from None


def _flight(world: World, flight_id: str) -> dict[str, Any]:
    return world.require("flights", flight_id=flight_id)


def _hotel(world: World, hotel_id: str) -> dict[str, Any]:
    return world.require("hotels", hotel_id=hotel_id)


def _add_minutes(hhmm: str, minutes: int) -> str:
    h, m = map(int, hhmm.split(":"))
    total = (h * 60 + m + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


CABIN = {"type": "string", "enum": list(CABIN_FACTOR), "default": "economy", "description": "Cabin class."}
FLIGHT_ID = {"type": "string", "description": "Flight identifier as returned by search_flights, e.g. NS412."}


def _sample_search_flights(rng: random.Random, world: World) -> dict[str, Any]:
    row = rng.choice(world.table("flights"))
    return {"origin_city": row["origin_city"], "destination_city": row["destination_city"],
            "date": row["date"], "cabin_class": rng.choice(list(CABIN_FACTOR)),
            "max_stops": rng.randint(row["stops"], 2)}


@sim_tool(
    name="search_flights", domain="travel",
    description="Search flights between two cities on a date and return the cheapest one that fits.",
    parameters={"type": "object", "properties": {
        "origin_city": {"type": "string", "description": "Departure city name, e.g. Lisbon."},
        "destination_city": {"type": "string", "description": "Arrival city name."},
        "date": {"type": "string", "format": "date", "description": "Departure date, YYYY-MM-DD."},
        "cabin_class": CABIN,
        "max_stops": {"type": "integer", "minimum": 0, "maximum": 2, "default": 2,
                      "description": "Maximum number of stopovers."}},
        "required": ["origin_city", "destination_city", "date"]},
    returns={"type": "object", "properties": {
        "flight_id": {"type": "string"}, "airline": {"type": "string"}, "origin_city": {"type": "string"},
        "destination_city": {"type": "string"}, "date": {"type": "string"},
        "departure_time": {"type": "string"}, "arrival_time": {"type": "string"},
        "stops": {"type": "integer"}, "cabin_class": {"type": "string"}, "price": {"type": "number"},
        "options_found": {"type": "integer"}}},
    phrasings=["Find me a flight from {origin_city} to {destination_city} on {date}.",
               "Cheapest {cabin_class} flight {origin_city} to {destination_city}, departing {date}?",
               ("I need to fly from {origin_city} to {destination_city} on {date} with at most "
                "{max_stops} stops."),
               ("Search {cabin_class} flights leaving {origin_city} for {destination_city} on {date}, "
               "no more than {max_stops} stops.")],
    sample_args=_sample_search_flights,
)
def search_flights(world: World, args: dict[str, Any]) -> dict[str, Any]:
    for key in ("origin_city", "destination_city"):
        if world.find("cities", name=args[key]) is None:
            raise ToolError(f"no airport for city {args[key]}")
    day = _check_date(args["date"])
    cabin, max_stops = args["cabin_class"], int(args["max_stops"])
    if cabin not in CABIN_FACTOR:
        raise ToolError(f"unknown cabin class {cabin}")
    hits = [f for f in world.table("flights")
            if f["origin_city"].casefold() == args["origin_city"].strip().casefold()
            and f["destination_city"].casefold() == args["destination_city"].strip().casefold()
            and f["date"] == day and f["stops"] <= max_stops]
    if not hits:
        raise ToolError(f"no flights from {args['origin_city']} to {args['destination_city']} on {day}")
    best = min(hits, key=lambda f: (f["price"], f["departure_time"], f["flight_id"]))
    out = {k: best[k] for k in ("flight_id", "airline", "origin_city", "destination_city", "date",
                                "departure_time")}
    out.update(arrival_time=_add_minutes(best["departure_time"], best["duration_minutes"]),
               stops=best["stops"], cabin_class=cabin,
               price=round(best["price"] * CABIN_FACTOR[cabin], 2), options_found=len(hits))
    return out


PASSENGER = {"type": "object", "description": "The traveller, as written on their passport.", "properties": {
    "first_name": {"type": "string"}, "last_name": {"type": "string"},
    "date_of_birth": {"type": "string", "format": "date", "description": "YYYY-MM-DD."}},
    "required": ["first_name", "last_name", "date_of_birth"]}


def _sample_person(rng: random.Random) -> dict[str, Any]:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 19000))
    return {"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES),
            "date_of_birth": born.isoformat()}


@sim_tool(
    name="book_flight", domain="travel",
    description="Book a seat on a flight for one passenger, with bags and optional extras.",
    parameters={"type": "object", "properties": {
        "flight_id": FLIGHT_ID, "passenger": PASSENGER, "cabin_class": CABIN,
        "seat_preference": {"type": "string", "enum": ["window", "aisle", "middle", "any"], "default": "any",
                            "description": "Preferred seat position."},
        "checked_bags": {"type": "integer", "minimum": 0, "maximum": 4, "default": 0,
                         "description": "Number of checked bags (35.0 each)."},
        "extra_services": {"type": "array", "items": {"type": "string", "enum": list(SERVICE_PRICE)},
                           "default": [], "description": "Paid extras to add."}},
        "required": ["flight_id", "passenger"]},
    returns={"type": "object", "properties": {
        "booking_id": {"type": "string"}, "flight_id": {"type": "string"},
        "passenger_name": {"type": "string"}, "seat": {"type": "string"}, "cabin_class": {"type": "string"},
        "total_price": {"type": "number"}, "status": {"type": "string"}}},
    phrasings=[("Book flight {flight_id} for {passenger.first_name} {passenger.last_name}, born "
               "{passenger.date_of_birth}."),
               ("Reserve a seat in {cabin_class} on {flight_id} for {passenger.first_name} "
                "{passenger.last_name} (date of birth {passenger.date_of_birth}), "
                "{seat_preference} seat please."),
               ("Put {passenger.first_name} {passenger.last_name}, DOB {passenger.date_of_birth}, on flight "
               "{flight_id} with {checked_bags} checked bags, and add {extra_services}."),
               ("Please book {flight_id}: passenger {passenger.first_name} {passenger.last_name}, born "
               "{passenger.date_of_birth}, {cabin_class} class, {seat_preference} seat.")],
    sample_args=lambda rng, w: {
        "flight_id": rng.choice(w.table("flights"))["flight_id"], "passenger": _sample_person(rng),
        "cabin_class": rng.choice(list(CABIN_FACTOR)),
        "seat_preference": rng.choice(["window", "aisle", "middle", "any"]),
        "checked_bags": rng.randint(0, 2),
        "extra_services": rng.sample(list(SERVICE_PRICE), rng.randint(1, 2))},
    mutates=True,
)
def book_flight(world: World, args: dict[str, Any]) -> dict[str, Any]:
    flight = _flight(world, args["flight_id"])
    person = args["passenger"]
    _check_date(person["date_of_birth"])
    cabin, seat_pref, bags = args["cabin_class"], args["seat_preference"], int(args["checked_bags"])
    extras = sorted(set(args["extra_services"]))
    if cabin not in CABIN_FACTOR or not 0 <= bags <= 4 or any(e not in SERVICE_PRICE for e in extras):
        raise ToolError("invalid cabin class, bag count or extra service")
    letters = {"window": "A", "aisle": "C", "middle": "B", "any": "D"}
    if seat_pref not in letters:
        raise ToolError(f"unknown seat preference {seat_pref}")
    booking_id = _new_booking_id(world)
    extras_price = sum(SERVICE_PRICE[e] for e in extras)
    total = round(flight["price"] * CABIN_FACTOR[cabin] + 35.0 * bags + extras_price, 2)
    name = f"{person['first_name'].strip()} {person['last_name'].strip()}"
    _bookings(world).append({
        "booking_id": booking_id, "kind": "flight", "total_price": total, "status": "confirmed",
        "summary": f"{flight['airline']} {flight['flight_id']} {flight['origin_city']} to "
                   f"{flight['destination_city']} on {flight['date']} for {name}"})
    seat = f"{8 + len(_bookings(world)) * 3 % 25}{letters[seat_pref]}"
    return {"booking_id": booking_id, "flight_id": flight["flight_id"], "passenger_name": name, "seat": seat,
            "cabin_class": cabin, "total_price": total, "status": "confirmed"}


@sim_tool(
    name="get_flight_status", domain="travel",
    description="Get the live status of a flight: on time or delayed, delay and departure gate.",
    parameters={"type": "object", "properties": {"flight_id": FLIGHT_ID}, "required": ["flight_id"]},
    returns={"type": "object", "properties": {
        "flight_id": {"type": "string"}, "date": {"type": "string"}, "status": {"type": "string"},
        "departure_time": {"type": "string"}, "delay_minutes": {"type": "integer"},
        "gate": {"type": "string"}}},
    phrasings=["Is flight {flight_id} on time?", "What's the status of {flight_id}?",
               "Check whether {flight_id} is delayed and which gate it leaves from.",
               "Any delay on flight {flight_id}?"],
    sample_args=lambda rng, w: {"flight_id": rng.choice(w.table("flights"))["flight_id"]},
)
def get_flight_status(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _flight(world, args["flight_id"])
    return {k: row[k] for k in ("flight_id", "date", "status", "departure_time", "delay_minutes", "gate")}


def _sample_search_hotels(rng: random.Random, world: World) -> dict[str, Any]:
    hotel = rng.choice(world.table("hotels"))
    return {"city_id": world.find("cities", name=hotel["city"])["city_id"],
            "check_in": rng.choice(TRAVEL_DATES), "nights": rng.randint(2, 7),
            "guests": rng.randint(2, hotel["max_guests"]),
            "max_price_per_night": (int(hotel["price_per_night"]) // 25 + 1) * 25,
            "min_stars": rng.randint(2, hotel["stars"])}


@sim_tool(
    name="search_hotels", domain="travel",
    description="Search hotels in a city for given dates and party size; returns the cheapest match.",
    parameters={"type": "object", "properties": {
        "city_id": {"type": "string", "description": "City identifier as returned by find_city, e.g. C107."},
        "check_in": {"type": "string", "format": "date", "description": "Arrival date, YYYY-MM-DD."},
        "nights": {"type": "integer", "minimum": 1, "maximum": 21, "description": "Number of nights."},
        "guests": {"type": "integer", "minimum": 1, "maximum": 6, "default": 2,
                   "description": "Number of guests."},
        "max_price_per_night": {"type": "number", "description": "Budget per night."},
        "min_stars": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1,
                      "description": "Minimum star rating."}},
        "required": ["city_id", "check_in", "nights"]},
    returns={"type": "object", "properties": {
        "hotel_id": {"type": "string"}, "hotel_name": {"type": "string"}, "stars": {"type": "integer"},
        "rating": {"type": "number"}, "price_per_night": {"type": "number"}, "nights": {"type": "integer"},
        "total_price": {"type": "number"}, "options_found": {"type": "integer"}}},
    phrasings=["Find a hotel in city {city_id} from {check_in} for {nights} nights.",
               "I need a room in {city_id} for {guests} guests, checking in {check_in}, {nights} nights.",
               ("Search hotels in {city_id}: arrive {check_in}, stay {nights} nights, at most "
               "{max_price_per_night} per night."),
               ("Look for a {min_stars}-star or better hotel in {city_id} for {nights} nights starting "
               "{check_in}, {guests} guests.")],
    sample_args=_sample_search_hotels,
)
def search_hotels(world: World, args: dict[str, Any]) -> dict[str, Any]:
    city = world.find("cities", city_id=args["city_id"])
    if city is None:
        raise ToolError(f"unknown city_id {args['city_id']}")
    _check_date(args["check_in"])
    nights, guests = int(args["nights"]), int(args["guests"])
    if not 1 <= nights <= 21 or not 1 <= guests <= 6:
        raise ToolError("nights must be 1-21 and guests 1-6")
    budget = float(args.get("max_price_per_night", float("inf")))
    hits = [h for h in world.table("hotels")
            if h["city"] == city["name"] and h["max_guests"] >= guests
            and h["stars"] >= int(args["min_stars"]) and h["price_per_night"] <= budget]
    if not hits:
        raise ToolError(f"no hotel in {city['name']} matches")
    best = min(hits, key=lambda h: (h["price_per_night"], h["hotel_id"]))
    out = {k: best[k] for k in ("hotel_id", "hotel_name", "stars", "rating", "price_per_night")}
    out.update(nights=nights, total_price=round(best["price_per_night"] * nights, 2), options_found=len(hits))
    return out


def _sample_guest(rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {"full_name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}@example.com"}


@sim_tool(
    name="book_hotel", domain="travel",
    description="Reserve a room at a hotel for a number of nights, optionally with breakfast.",
    parameters={"type": "object", "properties": {
        "hotel_id": {"type": "string", "description": "Hotel identifier as returned by search_hotels."},
        "check_in": {"type": "string", "format": "date", "description": "Arrival date, YYYY-MM-DD."},
        "nights": {"type": "integer", "minimum": 1, "maximum": 21, "description": "Number of nights."},
        "guest": {"type": "object", "description": "Lead guest.", "properties": {
            "full_name": {"type": "string"}, "email": {"type": "string",
                                                       "description": "Confirmation address."}},
            "required": ["full_name", "email"]},
        "breakfast": {"type": "boolean", "default": False, "description": "Add breakfast (18.0 per night)."}},
        "required": ["hotel_id", "check_in", "nights", "guest"]},
    returns={"type": "object", "properties": {
        "booking_id": {"type": "string"}, "hotel_id": {"type": "string"}, "hotel_name": {"type": "string"},
        "check_in": {"type": "string"}, "check_out": {"type": "string"}, "total_price": {"type": "number"},
        "status": {"type": "string"}}},
    phrasings=[("Book hotel {hotel_id} from {check_in} for {nights} nights under {guest.full_name} "
               "({guest.email})."),
               ("Reserve {hotel_id} for {guest.full_name}, email {guest.email}: check-in {check_in}, "
               "{nights} nights{breakfast|, breakfast included|, room only}."),
               ("Please make a reservation at {hotel_id} starting {check_in}, {nights} nights, for "
               "{guest.full_name} <{guest.email}>{breakfast| with breakfast|}."),
               ("Get me a room at {hotel_id}: {nights} nights from {check_in}, guest {guest.full_name}, "
               "confirmation to {guest.email}.")],
    sample_args=lambda rng, w: {
        "hotel_id": rng.choice(w.table("hotels"))["hotel_id"], "check_in": rng.choice(TRAVEL_DATES),
        "nights": rng.randint(2, 6), "guest": _sample_guest(rng), "breakfast": rng.random() < 0.5},
    mutates=True,
)
def book_hotel(world: World, args: dict[str, Any]) -> dict[str, Any]:
    hotel = _hotel(world, args["hotel_id"])
    start = date.fromisoformat(_check_date(args["check_in"]))
    nights = int(args["nights"])
    if not 1 <= nights <= 21:
        raise ToolError("nights must be between 1 and 21")
    if "@" not in args["guest"]["email"]:
        raise ToolError(f"invalid email {args['guest']['email']}")
    total = round((hotel["price_per_night"] + (18.0 if args["breakfast"] else 0.0)) * nights, 2)
    booking_id = _new_booking_id(world)
    _bookings(world).append({
        "booking_id": booking_id, "kind": "hotel", "total_price": total, "status": "confirmed",
        "summary": f"{hotel['hotel_name']}, {nights} nights from {start.isoformat()}"})
    return {"booking_id": booking_id, "hotel_id": hotel["hotel_id"], "hotel_name": hotel["hotel_name"],
            "check_in": start.isoformat(), "check_out": (start + timedelta(days=nights)).isoformat(),
            "total_price": total, "status": "confirmed"}


@sim_tool(
    name="cancel_booking", domain="travel",
    description="Cancel a flight or hotel booking and get the refund amount "
                "(flights refund 80 %, hotels in full).",
    parameters={"type": "object", "properties": {
        "booking_id": {"type": "string", "description": "Booking reference, e.g. BK90002."},
        "reason": {"type": "string", "enum": ["change of plans", "found a better price", "illness", "other"],
                   "default": "change of plans", "description": "Why the booking is cancelled."}},
        "required": ["booking_id"]},
    returns={"type": "object", "properties": {
        "booking_id": {"type": "string"}, "status": {"type": "string"}, "refund_amount": {"type": "number"}}},
    phrasings=["Cancel booking {booking_id}.", "Please cancel my reservation {booking_id}, reason: {reason}.",
               "I won't travel after all, drop booking {booking_id} ({reason}).",
               "Cancel {booking_id} and tell me what I get back."],
    sample_args=lambda rng, w: {"booking_id": rng.choice(w.table("trip_bookings"))["booking_id"],
                                "reason": rng.choice(["change of plans", "found a better price", "illness"])},
    mutates=True,
)
def cancel_booking(world: World, args: dict[str, Any]) -> dict[str, Any]:
    for row in _bookings(world):
        if row["booking_id"].casefold() == args["booking_id"].strip().casefold():
            if row["status"] == "cancelled":
                raise ToolError(f"booking {row['booking_id']} is already cancelled")
            row["status"] = "cancelled"
            share = 0.8 if row["kind"] == "flight" else 1.0
            return {"booking_id": row["booking_id"], "status": "cancelled",
                    "refund_amount": round(row["total_price"] * share, 2)}
    raise ToolError(f"unknown booking_id {args['booking_id']}")


@sim_tool(
    name="list_trip_bookings", domain="travel",
    description="List your flight and hotel bookings, optionally filtered by status and kind.",
    parameters={"type": "object", "properties": {
        "booking_status": {"type": "string", "enum": ["all", "confirmed", "cancelled"], "default": "all",
                   "description": "Which bookings to show."},
        "booking_kind": {"type": "string", "enum": ["any", "flight", "hotel"], "default": "any",
                 "description": "Only flights, only hotels, or both."}},
        "required": []},
    returns={"type": "object", "properties": {
        "count": {"type": "integer"}, "total_price": {"type": "number"},
        "bookings": {"type": "array", "items": {"type": "object", "properties": {
            "booking_id": {"type": "string"}, "kind": {"type": "string"}, "summary": {"type": "string"},
            "status": {"type": "string"}, "total_price": {"type": "number"}}}}}},
    phrasings=["Show my trip bookings.", "List my {booking_status} bookings.",
               "Which {booking_kind} bookings do I have?",
               "What {booking_status} {booking_kind} reservations are on my account?"],
    # "all"/"any" would read badly in the phrasings, so the sampler draws real filters.
    sample_args=lambda rng, w: {"booking_status": rng.choice(["confirmed", "cancelled"]),
                                "booking_kind": rng.choice(["flight", "hotel"])},
)
def list_trip_bookings(world: World, args: dict[str, Any]) -> dict[str, Any]:
    status, kind = args["booking_status"], args["booking_kind"]
    if status not in ("all", "confirmed", "cancelled") or kind not in ("any", "flight", "hotel"):
        raise ToolError("invalid status or kind filter")
    rows = [dict(r) for r in _bookings(world)
            if status in ("all", r["status"]) and kind in ("any", r["kind"])]
    return {"count": len(rows), "total_price": float(round(sum(r["total_price"] for r in rows), 2)),
            "bookings": rows}
