"""Weather domain; also owns the shared ``cities`` table that maps and travel use.

This module is the model for every other domain: tables first, then tools,
each with schemas, phrasings and an argument sampler.
"""

from __future__ import annotations

import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

CITY_NAMES = [
    ("Lisbon", "Portugal", 38.72, -9.14), ("Madrid", "Spain", 40.42, -3.70),
    ("Paris", "France", 48.86, 2.35), ("Berlin", "Germany", 52.52, 13.40),
    ("Rome", "Italy", 41.90, 12.50), ("Vienna", "Austria", 48.21, 16.37),
    ("Prague", "Czechia", 50.08, 14.44), ("Warsaw", "Poland", 52.23, 21.01),
    ("Dublin", "Ireland", 53.35, -6.26), ("Oslo", "Norway", 59.91, 10.75),
    ("Stockholm", "Sweden", 59.33, 18.07), ("Helsinki", "Finland", 60.17, 24.94),
    ("Athens", "Greece", 37.98, 23.73), ("Istanbul", "Turkey", 41.01, 28.98),
    ("Cairo", "Egypt", 30.04, 31.24), ("Nairobi", "Kenya", -1.29, 36.82),
    ("Cape Town", "South Africa", -33.92, 18.42), ("Mumbai", "India", 19.08, 72.88),
    ("Tokyo", "Japan", 35.68, 139.69), ("Seoul", "South Korea", 37.57, 126.98),
    ("Singapore", "Singapore", 1.35, 103.82), ("Sydney", "Australia", -33.87, 151.21),
    ("Auckland", "New Zealand", -36.85, 174.76), ("Toronto", "Canada", 43.65, -79.38),
    ("Chicago", "United States", 41.88, -87.63), ("Denver", "United States", 39.74, -104.99),
    ("Austin", "United States", 30.27, -97.74), ("Mexico City", "Mexico", 19.43, -99.13),
    ("Bogota", "Colombia", 4.71, -74.07), ("Lima", "Peru", -12.05, -77.04),
    ("Santiago", "Chile", -33.45, -70.67), ("Buenos Aires", "Argentina", -34.60, -58.38),
]
CONDITIONS = ["sunny", "cloudy", "rain", "snow", "fog", "windy", "thunderstorm"]


@table("cities")
def _cities(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, (name, country, lat, lon) in enumerate(CITY_NAMES):
        rows.append({
            "city_id": f"C{100 + i * 7 + rng.randint(0, 6)}",
            "name": name, "country": country, "lat": lat, "lon": lon,
            "population": rng.randint(300, 14000) * 1000,
            "temp_c": round(rng.uniform(-8, 34), 1),
            "humidity": rng.randint(20, 95),
            "condition": rng.choice(CONDITIONS),
            "aqi": rng.randint(10, 180),
            "uv": rng.randint(0, 11),
        })
    return rows


def _city(world: World, city_id: str) -> dict[str, Any]:
    return world.require("cities", city_id=city_id)


def _to_unit(temp_c: float, unit: str) -> float:
    return round(temp_c * 9 / 5 + 32, 1) if unit == "fahrenheit" else temp_c


def _any_city(rng: random.Random, world: World) -> dict[str, Any]:
    return rng.choice(world.table("cities"))


UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius",
        "description": "Temperature unit."}
CITY_ID = {"type": "string", "description": "City identifier as returned by find_city, e.g. C107."}


@sim_tool(
    name="find_city", domain="weather",
    description="Look up a city by name and return its identifier, country and coordinates.",
    parameters={"type": "object", "properties": {
        "name": {"type": "string", "description": "City name, e.g. Lisbon."}},
        "required": ["name"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "name": {"type": "string"}, "country": {"type": "string"},
        "lat": {"type": "number"}, "lon": {"type": "number"}}},
    phrasings=["Find the city {name}.", "What is the city id of {name}?",
               "Look up {name} in the city directory.", "I need the identifier for {name}."],
    sample_args=lambda rng, w: {"name": _any_city(rng, w)["name"]},
)
def find_city(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("cities", name=args["name"])
    if row is None:
        raise ToolError(f"no city named {args['name']}")
    return {k: row[k] for k in ("city_id", "name", "country", "lat", "lon")}


@sim_tool(
    name="get_current_weather", domain="weather",
    description="Get the current temperature, humidity and condition for a city.",
    parameters={"type": "object", "properties": {"city_id": CITY_ID, "unit": UNIT},
                "required": ["city_id"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "temperature": {"type": "number"},
        "unit": {"type": "string"}, "humidity": {"type": "integer"},
        "condition": {"type": "string"}}},
    phrasings=["What's the weather right now in city {city_id}?",
               "Current conditions for {city_id} in {unit}, please.",
               "How warm is it at the moment in {city_id}? Use {unit}.",
               "Give me the current weather for {city_id}."],
    sample_args=lambda rng, w: {"city_id": _any_city(rng, w)["city_id"],
                                "unit": rng.choice(["celsius", "fahrenheit"])},
)
def get_current_weather(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _city(world, args["city_id"])
    return {"city_id": row["city_id"], "temperature": _to_unit(row["temp_c"], args["unit"]),
            "unit": args["unit"], "humidity": row["humidity"], "condition": row["condition"]}


@sim_tool(
    name="get_forecast", domain="weather",
    description="Get a daily temperature forecast for a city for the next few days.",
    parameters={"type": "object", "properties": {
        "city_id": CITY_ID,
        "days": {"type": "integer", "minimum": 1, "maximum": 7, "description": "Number of days (1-7)."},
        "unit": UNIT},
        "required": ["city_id", "days"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "unit": {"type": "string"},
        "highs": {"type": "array", "items": {"type": "number"}},
        "max_high": {"type": "number"}}},
    phrasings=["Forecast for {city_id} for the next {days} days.",
               "What will the weather be in {city_id} over {days} days, in {unit}?",
               "Give me a {days}-day forecast for city {city_id}.",
               "I'm planning ahead: {days} days of forecast for {city_id} please, temperatures in {unit}."],
    sample_args=lambda rng, w: {"city_id": _any_city(rng, w)["city_id"], "days": rng.randint(2, 7),
                                "unit": rng.choice(["celsius", "fahrenheit"])},
)
def get_forecast(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _city(world, args["city_id"])
    days = int(args["days"])
    if not 1 <= days <= 7:
        raise ToolError("days must be between 1 and 7")
    highs = [_to_unit(round(row["temp_c"] + ((d * 37) % 7) - 3, 1), args["unit"]) for d in range(days)]
    return {"city_id": row["city_id"], "unit": args["unit"], "highs": highs, "max_high": max(highs)}


@sim_tool(
    name="get_air_quality", domain="weather",
    description="Get the air quality index (AQI) and its category for a city.",
    parameters={"type": "object", "properties": {"city_id": CITY_ID}, "required": ["city_id"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "aqi": {"type": "integer"}, "category": {"type": "string"}}},
    phrasings=["How clean is the air in {city_id}?", "Air quality index for {city_id}?",
               "Check the AQI of city {city_id}."],
    sample_args=lambda rng, w: {"city_id": _any_city(rng, w)["city_id"]},
)
def get_air_quality(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _city(world, args["city_id"])
    aqi = row["aqi"]
    category = "good" if aqi <= 50 else "moderate" if aqi <= 100 else "unhealthy"
    return {"city_id": row["city_id"], "aqi": aqi, "category": category}


@sim_tool(
    name="get_uv_index", domain="weather",
    description="Get the UV index at a latitude/longitude position.",
    parameters={"type": "object", "properties": {
        "lat": {"type": "number", "description": "Latitude in degrees."},
        "lon": {"type": "number", "description": "Longitude in degrees."}},
        "required": ["lat", "lon"]},
    returns={"type": "object", "properties": {"uv_index": {"type": "integer"}, "risk": {"type": "string"}}},
    phrasings=["What's the UV index at latitude {lat}, longitude {lon}?",
               "UV level at coordinates {lat}, {lon}?",
               "Is the sun strong at {lat} / {lon}? Give me the UV index."],
    sample_args=lambda rng, w: {k: v for k, v in _any_city(rng, w).items() if k in ("lat", "lon")},
)
def get_uv_index(world: World, args: dict[str, Any]) -> dict[str, Any]:
    lat, lon = float(args["lat"]), float(args["lon"])
    uv = int(abs(round(lat * 3 + lon))) % 12
    return {"uv_index": uv, "risk": "low" if uv < 3 else "moderate" if uv < 6 else "high"}


@sim_tool(
    name="compare_city_temperatures", domain="weather",
    description="Compare current temperatures of several cities and return the warmest and coldest.",
    parameters={"type": "object", "properties": {
        "city_ids": {"type": "array", "items": {"type": "string"}, "minItems": 2,
                     "description": "City identifiers to compare."},
        "unit": UNIT},
        "required": ["city_ids"]},
    returns={"type": "object", "properties": {
        "warmest": {"type": "string"}, "coldest": {"type": "string"},
        "spread": {"type": "number"}}},
    phrasings=["Which is warmer right now: {city_ids}?",
               "Compare the current temperatures of {city_ids} in {unit}.",
               "Rank {city_ids} by how warm they are today."],
    sample_args=lambda rng, w: {
        "city_ids": [c["city_id"] for c in rng.sample(w.table("cities"), rng.randint(2, 4))],
        "unit": rng.choice(["celsius", "fahrenheit"])},
)
def compare_city_temperatures(world: World, args: dict[str, Any]) -> dict[str, Any]:
    rows = [_city(world, c) for c in args["city_ids"]]
    if len(rows) < 2:
        raise ToolError("need at least two cities")
    temps = [(_to_unit(r["temp_c"], args["unit"]), r["city_id"]) for r in rows]
    return {"warmest": max(temps)[1], "coldest": min(temps)[1],
            "spread": round(max(temps)[0] - min(temps)[0], 1)}


@sim_tool(
    name="get_weather_alerts", domain="weather",
    description="List active severe-weather alerts for a city, optionally only above a severity.",
    parameters={"type": "object", "properties": {
        "city_id": CITY_ID,
        "min_severity": {"type": "string", "enum": ["minor", "moderate", "severe"], "default": "minor",
                         "description": "Only alerts at or above this severity."},
        "include_expired": {"type": "boolean", "default": False,
                            "description": "Also list alerts that have already expired."}},
        "required": ["city_id"]},
    returns={"type": "object", "properties": {
        "city_id": {"type": "string"}, "count": {"type": "integer"},
        "alerts": {"type": "array", "items": {"type": "string"}}}},
    phrasings=["Any weather alerts for {city_id}?",
               "Are there {min_severity} or worse weather warnings in {city_id}?",
               "List weather alerts in {city_id}{include_expired|, expired ones included|, current only}.",
               "Show {min_severity}-and-above alerts for {city_id}."],
    sample_args=lambda rng, w: {"city_id": _any_city(rng, w)["city_id"],
                                "min_severity": rng.choice(["minor", "moderate", "severe"]),
                                "include_expired": rng.random() < 0.5},
)
def get_weather_alerts(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _city(world, args["city_id"])
    levels = ["minor", "moderate", "severe"]
    floor = levels.index(args["min_severity"])
    found = []
    if row["condition"] in ("thunderstorm", "snow", "windy"):
        found.append((2, f"{row['condition']} warning"))
    if row["aqi"] > 100:
        found.append((1, "air quality advisory"))
    if args["include_expired"]:
        found.append((0, "expired heat advisory"))
    alerts = [text for level, text in found if level >= floor]
    return {"city_id": row["city_id"], "count": len(alerts), "alerts": alerts}
