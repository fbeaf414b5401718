"""Food domain: recipes (search, nutrition, scaling) and restaurants (search, menus, table bookings).

Restaurants are placed in the cities of the shared ``cities`` table and refer
to them by name (table builders only see their own rng); tools resolve the
seeded ``city_id`` at call time, so ``find_city`` feeds ``search_restaurants``.
Each restaurant row also carries the bookings that exist when the world
starts, so cancelling works on a fresh world; new bookings and cancellations
live in ``world.state``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from fcbench.data.generator.domains.weather import CITY_NAMES
from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

CUISINES = ["Italian", "Mexican", "Indian", "Japanese", "Thai", "Greek"]
DIETS = ["vegetarian", "vegan", "gluten-free"]
# title, cuisine, diets, prep minutes, per serving (kcal, protein g, carbs g, fat g), ingredients per serving
RECIPES = [
    ("Mushroom risotto", "Italian", ["vegetarian", "gluten-free"], 40, (520, 12, 78, 16),
     [("arborio rice", 90, "g"), ("mushrooms", 120, "g"), ("parmesan", 20, "g"),
      ("vegetable stock", 300, "ml")]),
    ("Spaghetti carbonara", "Italian", [], 25, (640, 27, 72, 26),
     [("spaghetti", 110, "g"), ("pancetta", 50, "g"), ("eggs", 1, "pcs"), ("pecorino", 25, "g")]),
    ("Chicken tacos", "Mexican", ["gluten-free"], 30, (480, 32, 44, 18),
     [("corn tortillas", 3, "pcs"), ("chicken thighs", 130, "g"), ("lime", 0.5, "pcs"),
      ("avocado", 0.5, "pcs")]),
    ("Black bean burrito bowl", "Mexican", ["vegetarian", "vegan", "gluten-free"], 20, (560, 19, 88, 14),
     [("black beans", 120, "g"), ("rice", 80, "g"), ("sweetcorn", 60, "g"), ("salsa", 60, "ml")]),
    ("Chana masala", "Indian", ["vegetarian", "vegan", "gluten-free"], 35, (430, 16, 58, 14),
     [("chickpeas", 150, "g"), ("tomatoes", 120, "g"), ("onion", 0.5, "pcs"), ("garam masala", 5, "g")]),
    ("Butter chicken", "Indian", ["gluten-free"], 50, (610, 38, 22, 40),
     [("chicken breast", 160, "g"), ("cream", 60, "ml"), ("tomato passata", 100, "ml"), ("butter", 15, "g")]),
    ("Salmon teriyaki", "Japanese", [], 25, (470, 34, 30, 22),
     [("salmon fillet", 150, "g"), ("soy sauce", 20, "ml"), ("mirin", 15, "ml"), ("rice", 75, "g")]),
    ("Vegetable miso soup", "Japanese", ["vegetarian", "vegan"], 15, (160, 9, 18, 5),
     [("miso paste", 25, "g"), ("tofu", 80, "g"), ("spinach", 40, "g"), ("vegetable stock", 350, "ml")]),
    ("Green curry with tofu", "Thai", ["vegetarian", "vegan", "gluten-free"], 30, (540, 18, 40, 34),
     [("tofu", 140, "g"), ("coconut milk", 150, "ml"), ("green curry paste", 20, "g"),
      ("green beans", 80, "g")]),
    ("Pad thai with shrimp", "Thai", ["gluten-free"], 25, (590, 28, 74, 20),
     [("rice noodles", 100, "g"), ("shrimp", 120, "g"), ("peanuts", 20, "g"), ("bean sprouts", 50, "g")]),
    ("Greek salad", "Greek", ["vegetarian", "gluten-free"], 10, (320, 9, 12, 26),
     [("tomatoes", 150, "g"), ("cucumber", 100, "g"), ("feta", 60, "g"), ("olives", 30, "g")]),
    ("Lamb souvlaki", "Greek", [], 45, (560, 36, 38, 28),
     [("lamb shoulder", 160, "g"), ("pita bread", 1, "pcs"), ("yogurt", 60, "g"), ("lemon", 0.5, "pcs")]),
]
MENU = {  # cuisine: course: [(dish, vegetarian)]
    "Italian": {"starters": [("Bruschetta", True), ("Beef carpaccio", False),
                             ("Burrata with tomatoes", True)],
                "mains": [("Margherita pizza", True), ("Tagliatelle al ragu", False),
                          ("Sea bass al forno", False),
                          ("Pumpkin ravioli", True)],
                "desserts": [("Tiramisu", True), ("Panna cotta", True)]},
    "Mexican": {"starters": [("Guacamole and chips", True), ("Shrimp ceviche", False)],
                "mains": [("Carnitas tacos", False), ("Cheese enchiladas", True), ("Chicken mole", False)],
                "desserts": [("Churros", True), ("Tres leches cake", True)]},
    "Indian": {"starters": [("Onion bhaji", True), ("Chicken tikka", False), ("Samosas", True)],
               "mains": [("Lamb rogan josh", False), ("Palak paneer", True), ("Dal makhani", True),
                         ("Prawn curry", False)],
               "desserts": [("Gulab jamun", True), ("Mango kulfi", True)]},
    "Japanese": {"starters": [("Edamame", True), ("Gyoza", False), ("Agedashi tofu", True)],
                 "mains": [("Tonkotsu ramen", False), ("Salmon nigiri set", False),
                           ("Vegetable tempura udon", True)],
                 "desserts": [("Matcha ice cream", True), ("Mochi", True)]},
    "Thai": {"starters": [("Fresh spring rolls", True), ("Chicken satay", False)],
             "mains": [("Massaman beef curry", False), ("Pad see ew with tofu", True),
                       ("Green curry chicken", False)],
             "desserts": [("Mango sticky rice", True)]},
    "Greek": {"starters": [("Tzatziki with pita", True), ("Grilled octopus", False), ("Spanakopita", True)],
              "mains": [("Moussaka", False), ("Gemista", True), ("Chicken gyros plate", False)],
              "desserts": [("Baklava", True), ("Loukoumades", True)]},
}
RESTAURANT_NAMES = {
    "Italian": ["Trattoria Sole", "Osteria del Ponte", "Casa Bianca", "Pasta Fresca", "Il Vicolo"],
    "Mexican": ["La Cantina Roja", "El Nopal", "Taqueria Luna", "Casa Oaxaca", "Maiz y Fuego"],
    "Indian": ["Saffron House", "Spice Route", "Tandoor Garden", "Masala Lane", "The Curry Leaf"],
    "Japanese": ["Sakura Kitchen", "Kaze Ramen", "Hanami Sushi", "Izakaya Tora", "Umami Bar"],
    "Thai": ["Baan Thai", "Lemongrass", "Siam Orchid", "Khao Kitchen", "Bangkok Street"],
    "Greek": ["The Olive Tree", "Taverna Kyma", "Santorini Grill", "Meze House", "Agora"],
}
SEATING = ["indoor", "outdoor", "bar"]
OCCASIONS = ["casual dinner", "birthday", "anniversary", "business meal"]
US_UNITS = {"g": ("oz", 1 / 28.3495), "ml": ("cups", 1 / 236.588), "pcs": ("pcs", 1.0)}


@table("recipes")
def _recipes(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, (title, cuisine, diets, prep, macros, ingredients) in enumerate(RECIPES):
        rows.append({"recipe_id": f"R{700 + i * 13 + rng.randint(0, 12)}", "title": title, "cuisine": cuisine,
                     "diets": diets, "prep_minutes": prep, "calories": macros[0], "protein_g": macros[1],
                     "carbs_g": macros[2], "fat_g": macros[3],
                     "ingredients": [{"item": n, "quantity": q, "unit": u} for n, q, u in ingredients]})
    return rows


@table("dining_venues")
def _dining_venues(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for city, *_ in CITY_NAMES:
        for cuisine in rng.sample(CUISINES, rng.randint(3, 5)):
            rows.append({"restaurant_id": f"RS{1000 + len(rows) * 7 + rng.randint(0, 6)}",
                         "restaurant_name": rng.choice(RESTAURANT_NAMES[cuisine]), "city": city,
                         "cuisine": cuisine, "rating": round(rng.uniform(3.2, 4.9), 1),
                         "price_level": rng.randint(1, 4), "tables_per_slot": rng.randint(2, 6),
                         "max_party": rng.choice([6, 8, 10, 12]), "bookings": []})
    for k, row in enumerate(rows):  # bookings made before the world starts
        if k % 3 == 0:
            day = dt.date(2025, 11, 3) + dt.timedelta(days=rng.randint(0, 40))
            row["bookings"].append({"table_booking_id": f"TB{2000 + k * 11 + rng.randint(0, 10)}",
                                    "date": day.isoformat(), "time": rng.choice(["19:00", "20:00", "20:30"]),
                                    "party_size": rng.randint(2, 6)})
    return rows


def _recipe(world: World, recipe_id: str) -> dict[str, Any]:
    return world.require("recipes", recipe_id=recipe_id)


def _restaurant(world: World, restaurant_id: str) -> dict[str, Any]:
    return world.require("dining_venues", restaurant_id=restaurant_id)


def _bookings(world: World) -> dict[str, dict[str, Any]]:
    """Every table booking by id (seeded plus new), with its status."""
    if "table_bookings" not in world.state:
        world.state["table_bookings"] = {
            b["table_booking_id"]: dict(b, restaurant_id=r["restaurant_id"], status="confirmed")
            for r in world.table("dining_venues") for b in r["bookings"]}
    return world.state["table_bookings"]


def _sample_recipe_search(rng: random.Random, w: World) -> dict[str, Any]:
    recipe = rng.choice(w.table("recipes"))
    args: dict[str, Any] = {"ingredient": rng.choice(recipe["ingredients"])["item"],
                            "cuisine": recipe["cuisine"],
                            "max_prep_minutes": recipe["prep_minutes"] + rng.choice([0, 5, 10, 20])}
    if recipe["diets"]:
        args["diet"] = rng.choice(recipe["diets"])
    return args


@sim_tool(
    name="search_recipes", domain="food",
    description="Search the recipe collection by ingredient, optionally filtered by cuisine, diet and "
                "preparation time; returns the quickest matching recipe and how many matched.",
    parameters={"type": "object", "properties": {
        "ingredient": {"type": "string", "description": "An ingredient the recipe must use, e.g. tofu."},
        "cuisine": {"type": "string", "enum": CUISINES, "description": "Only this cuisine."},
        "diet": {"type": "string", "enum": DIETS, "description": "Only recipes suitable for this diet."},
        "max_prep_minutes": {"type": "integer", "minimum": 5,
                             "description": "Longest acceptable preparation time."}},
        "required": ["ingredient"]},
    returns={"type": "object", "properties": {
        "recipe_id": {"type": "string"}, "recipe_title": {"type": "string"}, "cuisine": {"type": "string"},
        "prep_minutes": {"type": "integer"}, "match_count": {"type": "integer"}}},
    phrasings=["Find me a recipe with {ingredient}.",
               "Any {cuisine} recipes using {ingredient}?",
               "I need a {diet} dish with {ingredient} that takes at most {max_prep_minutes} minutes.",
               "Search for {cuisine} recipes with {ingredient}, ready in {max_prep_minutes} minutes or less.",
               "What can I cook with {ingredient}? It has to be {diet}."],
    sample_args=_sample_recipe_search,
)
def search_recipes(world: World, args: dict[str, Any]) -> dict[str, Any]:
    needle = args["ingredient"].strip().casefold()
    hits = [r for r in world.table("recipes")
            if any(needle in i["item"].casefold() for i in r["ingredients"])
            and args.get("cuisine") in (None, r["cuisine"])
                                        and (args.get("diet") is None or args["diet"] in r["diets"])
            and r["prep_minutes"] <= int(args.get("max_prep_minutes", 10_000))]
    if not hits:
        raise ToolError(f"no recipe matches {args['ingredient']} with those filters")
    best = min(hits, key=lambda r: (r["prep_minutes"], r["title"]))
    return {"recipe_id": best["recipe_id"], "recipe_title": best["title"], "cuisine": best["cuisine"],
            "prep_minutes": best["prep_minutes"], "match_count": len(hits)}


RECIPE_ID = {"type": "string", "description": "Recipe id as returned by search_recipes, e.g. R726."}


@sim_tool(
    name="get_recipe_nutrition", domain="food",
    description="Calories and macronutrients of a recipe for a number of servings.",
    parameters={"type": "object", "properties": {
        "recipe_id": RECIPE_ID,
        "servings": {"type": "integer", "minimum": 1, "maximum": 20, "default": 1,
                     "description": "Servings to total."}},
        "required": ["recipe_id"]},
    returns={"type": "object", "properties": {
        "recipe_id": {"type": "string"}, "servings": {"type": "integer"}, "calories": {"type": "integer"},
        "protein_g": {"type": "number"}, "carbs_g": {"type": "number"}, "fat_g": {"type": "number"}}},
    phrasings=["How many calories are in recipe {recipe_id}?",
               "Nutrition facts for {servings} servings of {recipe_id}.",
               "What are the macros of {recipe_id} if I make {servings} portions?",
               "Give me the calories and protein per serving of recipe {recipe_id}."],
    sample_args=lambda rng, w: {"recipe_id": rng.choice(w.table("recipes"))["recipe_id"],
                                "servings": rng.randint(2, 8)},
)
def get_recipe_nutrition(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _recipe(world, args["recipe_id"])
    n = int(args["servings"])
    if not 1 <= n <= 20:
        raise ToolError("servings must be between 1 and 20")
    return {"recipe_id": row["recipe_id"], "servings": n, "calories": row["calories"] * n,
            "protein_g": float(row["protein_g"] * n), "carbs_g": float(row["carbs_g"] * n),
            "fat_g": float(row["fat_g"] * n)}


@sim_tool(
    name="scale_recipe_ingredients", domain="food",
    description="Ingredient quantities of a recipe scaled to a number of servings, in metric or US units.",
    parameters={"type": "object", "properties": {
        "recipe_id": RECIPE_ID,
        "servings": {"type": "integer", "minimum": 1, "maximum": 20, "description": "Servings to cook."},
        "unit_system": {"type": "string", "enum": ["metric", "us"], "default": "metric",
                        "description": "Grams/millilitres or ounces/cups."}},
        "required": ["recipe_id", "servings"]},
    returns={"type": "object", "properties": {
        "recipe_id": {"type": "string"}, "servings": {"type": "integer"}, "unit_system": {"type": "string"},
        "ingredients": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "string"}, "quantity": {"type": "number"}, "unit": {"type": "string"}}}}}},
    phrasings=["Scale recipe {recipe_id} to {servings} servings.",
               "What do I need to make {recipe_id} for {servings} people, in {unit_system} units?",
               "Shopping quantities for {servings} portions of {recipe_id}, please.",
               "Adjust the ingredients of {recipe_id} for {servings} servings using {unit_system} measures."],
    sample_args=lambda rng, w: {"recipe_id": rng.choice(w.table("recipes"))["recipe_id"],
                                "servings": rng.randint(2, 10), "unit_system": rng.choice(["metric", "us"])},
)
def scale_recipe_ingredients(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _recipe(world, args["recipe_id"])
    n = int(args["servings"])
    if not 1 <= n <= 20 or args["unit_system"] not in ("metric", "us"):
        raise ToolError("servings must be 1-20 and unit_system metric or us")
    out = []
    for ing in row["ingredients"]:
        unit, factor = (US_UNITS[ing["unit"]] if args["unit_system"] == "us" else (ing["unit"], 1.0))
        out.append({"item": ing["item"], "quantity": round(ing["quantity"] * n * factor, 2), "unit": unit})
    return {"recipe_id": row["recipe_id"], "servings": n, "unit_system": args["unit_system"],
            "ingredients": out}


def _city_name(world: World, city_id: str) -> str:
    row = world.find("cities", city_id=city_id)
    if row is None:
        raise ToolError(f"unknown city_id {city_id}")
    return row["name"]


def _sample_restaurant_search(rng: random.Random, w: World) -> dict[str, Any]:
    r = rng.choice(w.table("dining_venues"))
    return {"city_id": w.find("cities", name=r["city"])["city_id"], "cuisine": r["cuisine"],
            "min_rating": float(int(r["rating"] * 2) / 2),
            "max_price_level": rng.randint(r["price_level"], 4)}


@sim_tool(
    name="search_restaurants", domain="food",
    description="Find restaurants in a city, optionally by cuisine, minimum rating and price level; "
                "returns the best-rated match and the number of matches.",
    parameters={"type": "object", "properties": {
        "city_id": {"type": "string", "description": "City identifier as returned by find_city, e.g. C107."},
        "cuisine": {"type": "string", "enum": CUISINES, "description": "Type of food."},
        "min_rating": {"type": "number", "minimum": 0, "maximum": 5, "default": 0,
                       "description": "Lowest acceptable average rating (0-5)."},
        "max_price_level": {"type": "integer", "minimum": 1, "maximum": 4, "default": 4,
                            "description": "Highest price level accepted (1 cheap, 4 fine dining)."}},
        "required": ["city_id"]},
    returns={"type": "object", "properties": {
        "restaurant_id": {"type": "string"}, "restaurant_name": {"type": "string"},
        "cuisine": {"type": "string"},
        "rating": {"type": "number"}, "price_level": {"type": "integer"},
        "match_count": {"type": "integer"}}},
    phrasings=["Find a good restaurant in city {city_id}.",
               "Where can I eat {cuisine} food in {city_id}?",
               "Look for {cuisine} restaurants in {city_id} rated at least {min_rating} stars.",
               ("I want dinner in {city_id}: {cuisine}, rating {min_rating} or better, price level at most "
                "{max_price_level}."),
               "Best place in {city_id} with a price level of {max_price_level} or lower?"],
    sample_args=_sample_restaurant_search,
)
def search_restaurants(world: World, args: dict[str, Any]) -> dict[str, Any]:
    city = _city_name(world, args["city_id"])
    hits = [r for r in world.table("dining_venues")
            if r["city"] == city and args.get("cuisine") in (None, r["cuisine"])
            and r["rating"] >= float(args["min_rating"]) and r["price_level"] <= int(args["max_price_level"])]
    if not hits:
        raise ToolError(f"no restaurant in {args['city_id']} matches those filters")
    best = min(hits, key=lambda r: (-r["rating"], r["price_level"], r["restaurant_id"]))
    return {"restaurant_id": best["restaurant_id"], "restaurant_name": best["restaurant_name"],
            "cuisine": best["cuisine"], "rating": best["rating"], "price_level": best["price_level"],
            "match_count": len(hits)}


RESTAURANT_ID = {"type": "string",
                 "description": "Restaurant id as returned by search_restaurants, e.g. RS1043."}


@sim_tool(
    name="get_restaurant_menu", domain="food",
    description="Dishes and prices of one course of a restaurant's menu.",
    parameters={"type": "object", "properties": {
        "restaurant_id": RESTAURANT_ID,
        "course": {"type": "string", "enum": ["starters", "mains", "desserts"], "default": "mains",
                   "description": "Section of the menu."},
        "vegetarian_only": {"type": "boolean", "default": False, "description": "Only vegetarian dishes."}},
        "required": ["restaurant_id"]},
    returns={"type": "object", "properties": {
        "restaurant_id": {"type": "string"}, "course": {"type": "string"}, "count": {"type": "integer"},
        "dishes": {"type": "array", "items": {"type": "string"}},
        "prices": {"type": "array", "items": {"type": "number"}}, "cheapest_price": {"type": "number"}}},
    phrasings=["What's on the menu at {restaurant_id}?",
               "Show me the {course} at restaurant {restaurant_id}{vegetarian_only|, vegetarian only|}.",
               "Which {course} does {restaurant_id} serve?",
               "List the {vegetarian_only|vegetarian |}{course} on {restaurant_id}'s menu with prices."],
    sample_args=lambda rng, w: {"restaurant_id": rng.choice(w.table("dining_venues"))["restaurant_id"],
                                "course": rng.choice(["starters", "mains", "desserts"]),
                                "vegetarian_only": rng.random() < 0.4},
)
def get_restaurant_menu(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _restaurant(world, args["restaurant_id"])
    course = args["course"]
    if course not in ("starters", "mains", "desserts"):
        raise ToolError(f"unknown course {course}")
    base = {"starters": 6.0, "mains": 13.0, "desserts": 5.5}[course] * (0.7 + 0.3 * row["price_level"])
    dishes = [(name, round(base + 1.5 * i, 2)) for i, (name, veg) in enumerate(MENU[row["cuisine"]][course])
              if veg or not args["vegetarian_only"]]
    return {"restaurant_id": row["restaurant_id"], "course": course, "count": len(dishes),
            "dishes": [d for d, _ in dishes], "prices": [p for _, p in dishes],
            "cheapest_price": min(p for _, p in dishes)}


def _sample_reservation(rng: random.Random, w: World) -> dict[str, Any]:
    r = rng.choice(w.table("dining_venues"))
    day = dt.date(2025, 11, 3) + dt.timedelta(days=rng.randint(0, 40))
    return {"restaurant_id": r["restaurant_id"], "date": day.isoformat(),
            "time": rng.choice(["12:30", "13:00", "18:30", "19:00", "19:30", "20:00", "21:00"]),
            "party_size": rng.randint(2, min(6, r["max_party"])),
            "preferences": {"seating": rng.choice(SEATING), "occasion": rng.choice(OCCASIONS)}}


@sim_tool(
    name="reserve_table", domain="food",
    description="Book a table at a restaurant for a date, time and party size "
                "(lunch 12:00-15:00, dinner 18:00-22:30).",
    parameters={"type": "object", "properties": {
        "restaurant_id": RESTAURANT_ID,
        "date": {"type": "string", "format": "date", "description": "Day of the booking (YYYY-MM-DD)."},
        "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
                 "description": "Time, 24-hour HH:MM."},
        "party_size": {"type": "integer", "minimum": 1, "maximum": 12, "description": "Number of guests."},
        "preferences": {"type": "object", "description": "Seating wishes.", "properties": {
            "seating": {"type": "string", "enum": SEATING, "description": "Where to sit."},
            "occasion": {"type": "string", "enum": OCCASIONS, "description": "What the meal is for."}},
            "required": ["seating", "occasion"]}},
        "required": ["restaurant_id", "date", "time", "party_size", "preferences"]},
    returns={"type": "object", "properties": {
        "table_booking_id": {"type": "string"}, "restaurant_id": {"type": "string"},
        "date": {"type": "string"},
        "time": {"type": "string"}, "party_size": {"type": "integer"}, "seating": {"type": "string"},
        "tables_left": {"type": "integer", "description": "Tables still free in that time slot."}}},
    phrasings=[("Book a table at {restaurant_id} for {party_size} on {date} at {time}, {preferences.seating} "
                "seating; the occasion is {preferences.occasion}."),
               ("Reserve {restaurant_id} on {date} at {time} for {party_size} people "
                "({preferences.occasion}), {preferences.seating} if possible."),
               ("Can you get us a table for {party_size} at {restaurant_id}, {date} at {time}? We'd like "
                "{preferences.seating} seating and it's for our {preferences.occasion}."),
               ("Table reservation: {restaurant_id}, {date}, {time}, party of {party_size}, seating "
                "{preferences.seating}, occasion {preferences.occasion}.")],
    sample_args=_sample_reservation,
    mutates=True,
)
def reserve_table(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _restaurant(world, args["restaurant_id"])
    try:
        dt.date.fromisoformat(args["date"])
    except ValueError:
        raise ToolError(f"invalid date {args['date']}") from None
    when = str(args["time"])
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", when):
        raise ToolError(f"invalid time {when}")
    if not ("12:00" <= when <= "15:00" or "18:00" <= when <= "22:30"):
        raise ToolError(f"{row['restaurant_id']} does not take bookings at {when}")
    party = int(args["party_size"])
    if not 1 <= party <= row["max_party"]:
        raise ToolError(f"party size must be between 1 and {row['max_party']}")
    seating, occasion = args["preferences"]["seating"], args["preferences"]["occasion"]
    if seating not in SEATING or occasion not in OCCASIONS:
        raise ToolError("unknown seating or occasion")
    bookings = _bookings(world)
    taken = sum(1 for b in bookings.values() if b["restaurant_id"] == row["restaurant_id"]
                and b["date"] == args["date"] and b["time"] == when and b["status"] == "confirmed")
    if taken >= row["tables_per_slot"]:
        raise ToolError(f"{row['restaurant_id']} is fully booked on {args['date']} at {when}")
    booking_id = f"TB{8000 + sum(1 for b in bookings if b.startswith('TB8')) + 1}"
    bookings[booking_id] = {"table_booking_id": booking_id, "restaurant_id": row["restaurant_id"],
                            "date": args["date"], "time": when, "party_size": party, "status": "confirmed"}
    return {"table_booking_id": booking_id, "restaurant_id": row["restaurant_id"], "date": args["date"],
            "time": when, "party_size": party, "seating": seating,
            "tables_left": row["tables_per_slot"] - taken - 1}


def _sample_cancellation(rng: random.Random, w: World) -> dict[str, Any]:
    seeded = [b["table_booking_id"] for r in w.table("dining_venues") for b in r["bookings"]]
    return {"table_booking_id": rng.choice(seeded),
            "reason": rng.choice(["change of plans", "someone is ill", "we booked elsewhere",
                                  "travel delay"])}


@sim_tool(
    name="cancel_table_reservation", domain="food",
    description="Cancel a restaurant table booking, freeing the table.",
    parameters={"type": "object", "properties": {
        "table_booking_id": {"type": "string",
                             "description": "Booking id as returned by reserve_table, e.g. TB8001."},
        "reason": {"type": "string", "description": "Optional reason passed to the restaurant."}},
        "required": ["table_booking_id"]},
    returns={"type": "object", "properties": {
        "table_booking_id": {"type": "string"}, "reservation_status": {"type": "string"},
        "restaurant_id": {"type": "string"},
        "date": {"type": "string"}}},
    phrasings=["Cancel my table booking {table_booking_id}.",
               "Please cancel restaurant reservation {table_booking_id}, reason: {reason}.",
               "We can't make it: drop booking {table_booking_id} ({reason}).",
               "Call off the dinner booking {table_booking_id}."],
    sample_args=_sample_cancellation,
    mutates=True,
)
def cancel_table_reservation(world: World, args: dict[str, Any]) -> dict[str, Any]:
    booking = _bookings(world).get(args["table_booking_id"])
    if booking is None:
        raise ToolError(f"unknown table_booking_id {args['table_booking_id']}")
    if booking["status"] != "confirmed":
        raise ToolError(f"booking {args['table_booking_id']} is already cancelled")
    booking["status"] = "cancelled"
    return {"table_booking_id": booking["table_booking_id"], "reservation_status": "cancelled",
            "restaurant_id": booking["restaurant_id"], "date": booking["date"]}
