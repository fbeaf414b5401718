"""Maps domain: places, geocoding, distances and directions over the shared cities.

Places are a seeded table laid out around the coordinates of the shared
``cities`` table (weather.py). Saved places live in ``world.state["saved_places"]``.
Geocoding is a pure function of the address: the city fixes the area and a
CRC of the street shifts the point inside it, so the same address always lands
on the same coordinates.
"""

from __future__ import annotations

import math
import random
import zlib
from typing import Any

from fcbench.data.generator.domains.weather import CITY_NAMES
from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

PLACE_NAMES = {
    "restaurant": ["Trattoria Lucia", "The Salt Cellar", "Casa Verde Kitchen", "Ember & Oak",
                   "Little Saigon Bistro", "Harbour Fish House"],
    "cafe": ["Cafe Aurora", "Blue Fern Coffee", "The Daily Grind", "Mocha Lane", "Kettle & Crumb"],
    "museum": ["Museum of Modern Craft", "City History Museum", "Gallery of Light",
               "Maritime Museum", "Natural Science Hall"],
    "park": ["Riverside Park", "Botanical Gardens", "Hilltop Commons", "Willow Green"],
    "pharmacy": ["CarePoint Pharmacy", "GreenCross Chemist", "Apothecary 24"],
    "supermarket": ["FreshMart", "Daily Basket", "Market Hall Grocers"],
    "gas station": ["QuickFuel", "Northline Petrol", "Route 9 Services"],
}
CATEGORIES = sorted(PLACE_NAMES)
STREETS = ["Market Street", "Rose Lane", "Harbour Road", "King's Avenue", "Station Square",
           "Elm Street", "Canal Walk", "Mill Road", "Park Terrace", "Bridge Street"]
SPEED_KMH = {"driving": 80, "transit": 55, "cycling": 16, "walking": 5}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine), rounded to 0.1 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(a)), 1)


@table("places")
def _places(rng: random.Random) -> list[dict[str, Any]]:
    rows, used = [], set()
    for city, _country, lat, lon in CITY_NAMES:
        for category in rng.sample(CATEGORIES, 5):
            place_id = f"PL{rng.randint(10000, 99999)}"
            while place_id in used:
                place_id = f"PL{rng.randint(10000, 99999)}"
            used.add(place_id)
            rows.append({
                "place_id": place_id, "place_name": rng.choice(PLACE_NAMES[category]),
                "category": category, "city": city,
                "address": f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {city}",
                "lat": round(lat + rng.uniform(-0.05, 0.05), 4),
                "lon": round(lon + rng.uniform(-0.05, 0.05), 4),
                "rating": round(rng.uniform(3.2, 4.9), 1), "open_now": rng.random() < 0.7,
                "phone": f"+{rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "price_level": rng.randint(1, 4),
            })
    return rows


def _place(world: World, place_id: str) -> dict[str, Any]:
    return world.require("places", place_id=place_id)


def _city_by_name(world: World, name: str) -> dict[str, Any]:
    return world.require("cities", name=name, missing=f"no city named {name}")


def _nearby_pair(rng: random.Random, world: World) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Two distinct cities at most 3,000 km apart (a plausible road trip) and their distance."""
    cities = world.table("cities")
    pairs = [(a, b, d) for a in cities for b in cities
             if a is not b and (d := distance_km(a["lat"], a["lon"], b["lat"], b["lon"])) <= 3000]
    return rng.choice(pairs)


CITY_ID = {"type": "string", "description": "City identifier as returned by find_city, e.g. C107."}
PLACE_ID = {"type": "string", "description": "Place identifier as returned by search_places, e.g. PL40213."}


def _sample_search_places(rng: random.Random, world: World) -> dict[str, Any]:
    place = rng.choice(world.table("places"))
    return {"city_id": world.find("cities", name=place["city"])["city_id"],
            "place_category": place["category"], "open_now": place["open_now"] and rng.random() < 0.6,
            "min_rating": math.floor(place["rating"] * 2) / 2}


@sim_tool(
    name="search_places", domain="maps",
    description="Search a city for places of one category (cafes, museums, pharmacies...) and "
                "return the best-rated match with its address and coordinates.",
    parameters={"type": "object", "properties": {
        "city_id": CITY_ID,
        "place_category": {"type": "string", "enum": CATEGORIES, "description": "Kind of place."},
        "open_now": {"type": "boolean", "default": False, "description": "Only places open right now."},
        "min_rating": {"type": "number", "minimum": 0, "maximum": 5,
                       "description": "Lowest acceptable average rating (0-5)."}},
        "required": ["city_id", "place_category"]},
    returns={"type": "object", "properties": {
        "place_id": {"type": "string"}, "place_name": {"type": "string"}, "address": {"type": "string"},
        "rating": {"type": "number"}, "lat": {"type": "number"}, "lon": {"type": "number"},
        "match_count": {"type": "integer"}}},
    phrasings=["Find a {place_category} in city {city_id}.",
               "Is there a {place_category} rated at least {min_rating} in {city_id}?",
               "Search {city_id} for a {place_category}{open_now| that is open right now|}.",
               ("I need the best {place_category} in city {city_id}, {open_now|open now, |}"
                "rating {min_rating} or more.")],
    sample_args=_sample_search_places,
)
def search_places(world: World, args: dict[str, Any]) -> dict[str, Any]:
    city = world.find("cities", city_id=args["city_id"])
    if city is None:
        raise ToolError(f"unknown city_id {args['city_id']}")
    if args["place_category"] not in PLACE_NAMES:
        raise ToolError(f"unknown category {args['category']}")
    floor = float(args.get("min_rating", 0))
    hits = [p for p in world.table("places")
            if p["city"] == city["name"] and p["category"] == args["place_category"]
            and p["rating"] >= floor and (p["open_now"] or not args["open_now"])]
    if not hits:
        raise ToolError(f"no {args['category']} found in {city['name']}")
    best = max(hits, key=lambda p: (p["rating"], p["place_id"]))
    out = {k: best[k] for k in ("place_id", "place_name", "address", "rating", "lat", "lon")}
    out["match_count"] = len(hits)
    return out


@sim_tool(
    name="get_place_details", domain="maps",
    description="Get the phone number, opening status, price level and rating of a place.",
    parameters={"type": "object", "properties": {"place_id": PLACE_ID}, "required": ["place_id"]},
    returns={"type": "object", "properties": {
        "place_id": {"type": "string"}, "place_name": {"type": "string"}, "category": {"type": "string"},
        "address": {"type": "string"}, "phone": {"type": "string"}, "rating": {"type": "number"},
        "price_level": {"type": "integer"}, "open_now": {"type": "boolean"}}},
    phrasings=["Tell me more about place {place_id}.", "Is {place_id} open now, and what's its phone number?",
               "Show the details of place {place_id}.",
               "How pricey is {place_id} and how is it rated?"],
    sample_args=lambda rng, w: {"place_id": rng.choice(w.table("places"))["place_id"]},
)
def get_place_details(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _place(world, args["place_id"])
    return {k: row[k] for k in ("place_id", "place_name", "category", "address", "phone", "rating",
                                "price_level", "open_now")}


def _sample_directions(rng: random.Random, world: World) -> dict[str, Any]:
    origin, dest, km = _nearby_pair(rng, world)
    modes = ["driving", "driving", "transit"] + (["cycling", "walking"] if km < 600 else [])
    return {"origin_city": origin["name"], "destination_city": dest["name"], "travel_mode": rng.choice(modes),
            "avoid": rng.sample(["tolls", "highways", "ferries"], rng.randint(1, 2))}


@sim_tool(
    name="get_directions", domain="maps",
    description="Get a road or transit route between two cities with its length, travel time "
                "and toll cost.",
    parameters={"type": "object", "properties": {
        "origin_city": {"type": "string", "description": "Starting city name."},
        "destination_city": {"type": "string", "description": "Destination city name."},
        "travel_mode": {"type": "string", "enum": ["driving", "transit", "cycling", "walking"],
                 "default": "driving", "description": "How you travel."},
        "avoid": {"type": "array", "items": {"type": "string", "enum": ["tolls", "highways", "ferries"]},
                  "default": [], "description": "Route features to avoid."}},
        "required": ["origin_city", "destination_city"]},
    returns={"type": "object", "properties": {
        "origin_city": {"type": "string"}, "destination_city": {"type": "string"},
        "travel_mode": {"type": "string"}, "distance_km": {"type": "number"},
        "duration_minutes": {"type": "integer"}, "toll_cost": {"type": "number"}}},
    phrasings=["How do I get from {origin_city} to {destination_city}?",
               "Directions from {origin_city} to {destination_city} by {travel_mode}, please.",
               "Plan a {travel_mode} route from {origin_city} to {destination_city} avoiding {avoid}.",
               "I want to go from {origin_city} to {destination_city} but avoid {avoid}. What's the route?"],
    sample_args=_sample_directions,
)
def get_directions(world: World, args: dict[str, Any]) -> dict[str, Any]:
    a = _city_by_name(world, args["origin_city"])
    b = _city_by_name(world, args["destination_city"])
    if a is b:
        raise ToolError("origin and destination are the same city")
    mode, avoid = args["travel_mode"], sorted(set(args["avoid"]))
    if mode not in SPEED_KMH or any(x not in ("tolls", "highways", "ferries") for x in avoid):
        raise ToolError("unsupported mode or avoid option")
    straight = distance_km(a["lat"], a["lon"], b["lat"], b["lon"])
    if straight > 6000:
        raise ToolError(f"no {mode} route between {a['name']} and {b['name']}")
    road = straight * (1.25 + 0.08 * len(avoid))
    speed = SPEED_KMH[mode] * (0.85 if "highways" in avoid and mode == "driving" else 1.0)
    tolls = 0.0 if mode != "driving" or "tolls" in avoid else round(road * 0.06, 2)
    return {"origin_city": a["name"], "destination_city": b["name"], "travel_mode": mode,
            "distance_km": round(road, 1), "duration_minutes": round(road / speed * 60),
            "toll_cost": tolls}


@sim_tool(
    name="calculate_distance", domain="maps",
    description="Straight-line (great-circle) distance between two cities, in km or miles.",
    parameters={"type": "object", "properties": {
        "origin_city": {"type": "string", "description": "First city name."},
        "destination_city": {"type": "string", "description": "Second city name."},
        "distance_unit": {"type": "string", "enum": ["km", "miles"], "default": "km",
                          "description": "Distance unit."}},
        "required": ["origin_city", "destination_city"]},
    returns={"type": "object", "properties": {
        "origin_city": {"type": "string"}, "destination_city": {"type": "string"},
        "distance": {"type": "number"}, "distance_unit": {"type": "string"}}},
    phrasings=["How far is {origin_city} from {destination_city} as the crow flies?",
               "Distance between {origin_city} and {destination_city} in {distance_unit}?",
               ("What's the straight-line distance from {origin_city} to {destination_city}, "
                "in {distance_unit}?"),
               "Measure the distance from {origin_city} to {destination_city}."],
    sample_args=lambda rng, w: {**{k: c["name"] for k, c in zip(("origin_city", "destination_city"),
                                                                 rng.sample(w.table("cities"), 2))},
                                "distance_unit": rng.choice(["km", "miles"])},
)
def calculate_distance(world: World, args: dict[str, Any]) -> dict[str, Any]:
    a = _city_by_name(world, args["origin_city"])
    b = _city_by_name(world, args["destination_city"])
    if args["distance_unit"] not in ("km", "miles"):
        raise ToolError(f"unknown unit {args['unit']}")
    km = distance_km(a["lat"], a["lon"], b["lat"], b["lon"])
    dist = km if args["distance_unit"] == "km" else round(km * 0.621371, 1)
    return {"origin_city": a["name"], "destination_city": b["name"], "distance": dist,
            "distance_unit": args["distance_unit"]}


ADDRESS = {"type": "object", "description": "A postal address.", "properties": {
    "street": {"type": "string", "description": "House number and street."},
    "city": {"type": "string", "description": "City name."},
    "postal_code": {"type": "string", "description": "Postal or ZIP code."},
    "country": {"type": "string", "description": "Country name."}},
    "required": ["street", "city", "postal_code", "country"]}


def _sample_address(rng: random.Random, world: World) -> dict[str, Any]:
    city = rng.choice(world.table("cities"))
    return {"street": f"{rng.randint(1, 240)} {rng.choice(STREETS)}", "city": city["name"],
            "postal_code": str(rng.randint(10000, 99999)), "country": city["country"]}


@sim_tool(
    name="geocode_address", domain="maps",
    description="Turn a postal address into latitude/longitude and the identifier of its city.",
    parameters={"type": "object", "properties": {"address": ADDRESS}, "required": ["address"]},
    returns={"type": "object", "properties": {
        "lat": {"type": "number"}, "lon": {"type": "number"}, "city_id": {"type": "string"},
        "formatted_address": {"type": "string"}}},
    phrasings=["Geocode {address.street}, {address.postal_code} {address.city}, {address.country}.",
               ("What are the coordinates of {address.street}, {address.city} {address.postal_code}, "
               "{address.country}?"),
               ("Find latitude and longitude for this address: {address.street}, {address.postal_code} "
               "{address.city} ({address.country})."),
               ("Where exactly is {address.street} in {address.city}, {address.country} (postcode "
               "{address.postal_code})? I need lat/lon.")],
    sample_args=lambda rng, w: {"address": _sample_address(rng, w)},
)
def geocode_address(world: World, args: dict[str, Any]) -> dict[str, Any]:
    addr = args["address"]
    city = _city_by_name(world, addr["city"])
    if addr["country"].strip().casefold() != city["country"].casefold():
        raise ToolError(f"{city['name']} is not in {addr['country']}")
    street = " ".join(addr["street"].split())
    crc = zlib.crc32(street.casefold().encode())
    lat = round(city["lat"] + ((crc % 1000) / 1000 - 0.5) * 0.08, 4)
    lon = round(city["lon"] + (((crc // 1000) % 1000) / 1000 - 0.5) * 0.08, 4)
    return {"lat": lat, "lon": lon, "city_id": city["city_id"],
            "formatted_address": f"{street}, {addr['postal_code'].strip()} {city['name']}, {city['country']}"}


def _jittered_point(rng: random.Random, place: dict[str, Any]) -> dict[str, Any]:
    return {k: round(place[k] + rng.uniform(-0.3, 0.3), 3) for k in ("lat", "lon")}


@sim_tool(
    name="reverse_geocode", domain="maps",
    description="Find the nearest known city to a latitude/longitude point.",
    parameters={"type": "object", "properties": {
        "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "Latitude in degrees."},
        "lon": {"type": "number", "minimum": -180, "maximum": 180, "description": "Longitude in degrees."}},
        "required": ["lat", "lon"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "city_name": {"type": "string"}, "country": {"type": "string"},
        "distance_km": {"type": "number"}}},
    phrasings=["Which city is closest to {lat}, {lon}?", "Reverse geocode latitude {lat}, longitude {lon}.",
               "What town am I near? My coordinates are {lat} / {lon}."],
    sample_args=lambda rng, w: _jittered_point(rng, rng.choice(w.table("places"))),
)
def reverse_geocode(world: World, args: dict[str, Any]) -> dict[str, Any]:
    lat, lon = float(args["lat"]), float(args["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ToolError("coordinates out of range")
    city = min(world.table("cities"), key=lambda c: (distance_km(lat, lon, c["lat"], c["lon"]), c["city_id"]))
    dist = distance_km(lat, lon, city["lat"], city["lon"])
    return {"city_id": city["city_id"], "city_name": city["name"], "country": city["country"],
            "distance_km": dist}


@sim_tool(
    name="save_place", domain="maps",
    description="Save a place to one of your map lists (favorites, wishlist or work), with an optional note.",
    parameters={"type": "object", "properties": {
        "place_id": PLACE_ID,
        "list_name": {"type": "string", "enum": ["favorites", "wishlist", "work"], "default": "favorites",
                      "description": "Which saved list to use."},
        "note": {"type": "string", "description": "A short private note."}},
        "required": ["place_id"]},
    returns={"type": "object", "properties": {
        "place_id": {"type": "string"}, "list_name": {"type": "string"},
        "saved_count": {"type": "integer"}, "already_saved": {"type": "boolean"}}},
    phrasings=["Save place {place_id} to my {list_name} list.", "Bookmark {place_id} for me.",
               "Add {place_id} to my {list_name} list with the note \"{note}\".",
               "Pin {place_id} on my map and note: {note}."],
    sample_args=lambda rng, w: {"place_id": rng.choice(w.table("places"))["place_id"],
                                "list_name": rng.choice(["favorites", "wishlist", "work"]),
                                "note": rng.choice(["try the brunch", "good for meetings", "go on a weekday",
                                                    "ask for the terrace", "open late"])},
    mutates=True,
)
def save_place(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _place(world, args["place_id"])
    list_name = args["list_name"]
    if list_name not in ("favorites", "wishlist", "work"):
        raise ToolError(f"unknown list {list_name}")
    lists = world.state.setdefault("saved_places", {})
    saved = lists.setdefault(list_name, [])
    already = row["place_id"] in saved
    if not already:
        saved.append(row["place_id"])
    return {"place_id": row["place_id"], "list_name": list_name, "saved_count": len(saved),
            "already_saved": already}
