"""Health domain: a personal health app with medications, reminders, workouts, meals and BMI.

The medication facts and interaction rules are simplified, illustrative data for
a simulated backend, not medical advice. Today's log starts from the seeded
``daily_log`` table (what the user logged earlier today); workouts and meals
logged through the tools are added in ``world.state`` so the daily summary
depends on the order of calls.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

MEDICATIONS = [  # generic name, class, standard dose mg, max daily mg
    ("ibuprofen", "NSAID", 400, 1200), ("naproxen", "NSAID", 250, 1000),
    ("aspirin", "NSAID", 300, 4000), ("paracetamol", "analgesic", 500, 4000),
    ("warfarin", "anticoagulant", 5, 10), ("apixaban", "anticoagulant", 5, 10),
    ("sertraline", "SSRI", 50, 200), ("fluoxetine", "SSRI", 20, 60),
    ("tramadol", "opioid", 50, 400), ("lisinopril", "ACE inhibitor", 10, 40),
    ("ramipril", "ACE inhibitor", 5, 10), ("metformin", "biguanide", 500, 2000),
    ("atorvastatin", "statin", 20, 80), ("simvastatin", "statin", 20, 40),
    ("clarithromycin", "macrolide antibiotic", 500, 1000),
    ("amoxicillin", "penicillin antibiotic", 500, 1500),
    ("cetirizine", "antihistamine", 10, 10), ("omeprazole", "proton pump inhibitor", 20, 40),
]
INTERACTIONS = {  # unordered class pair: (severity, effect)
    frozenset({"NSAID", "anticoagulant"}): ("major", "increased bleeding risk"),
    frozenset({"SSRI", "anticoagulant"}): ("major", "increased bleeding risk"),
    frozenset({"SSRI", "opioid"}): ("major", "risk of serotonin syndrome"),
    frozenset({"NSAID", "SSRI"}): ("moderate", "higher risk of stomach bleeding"),
    frozenset({"NSAID", "ACE inhibitor"}): ("moderate", "weaker blood-pressure control and kidney strain"),
    frozenset({"macrolide antibiotic", "statin"}): ("major",
                                                    "raised statin levels and risk of muscle damage"),
    frozenset({"NSAID"}): ("moderate", "two NSAIDs at once add side effects without extra benefit"),
}
EXERCISES = [  # name, category, MET
    ("running", "cardio", 9.8), ("cycling", "cardio", 7.5), ("swimming", "cardio", 8.0),
    ("brisk walking", "cardio", 4.3), ("rowing", "cardio", 7.0), ("jump rope", "cardio", 11.0),
    ("hiking", "cardio", 6.0), ("HIIT", "cardio", 8.0), ("yoga", "flexibility", 2.5),
    ("pilates", "flexibility", 3.0), ("weight training", "strength", 5.0),
    ("rock climbing", "strength", 8.0), ("tennis", "sport", 7.3), ("basketball", "sport", 6.5),
]
FOODS = {  # per 100 g: kcal, protein g
    "oatmeal": (71, 2.5), "banana": (89, 1.1), "apple": (52, 0.3), "greek yogurt": (97, 9.0),
    "whole wheat bread": (247, 13.0), "boiled eggs": (155, 13.0), "grilled chicken": (165, 31.0),
    "salmon": (208, 20.0), "brown rice": (123, 2.7), "pasta": (131, 5.0), "broccoli": (34, 2.8),
    "avocado": (160, 2.0), "almonds": (579, 21.0), "lentil soup": (56, 3.5),
    "cheddar cheese": (403, 25.0), "mixed salad": (20, 1.5), "peanut butter": (588, 25.0),
    "orange juice": (45, 0.7),
}
INTENSITY = {"light": 0.8, "moderate": 1.0, "vigorous": 1.25}
MEAL_TYPES = ["breakfast", "lunch", "dinner", "snack"]
REMINDER_TIMES = {1: ["08:00"], 2: ["08:00", "20:00"], 3: ["08:00", "14:00", "20:00"],
                  4: ["08:00", "12:00", "16:00", "20:00"]}


@table("medications")
def _medications(rng: random.Random) -> list[dict[str, Any]]:
    return [{"medication_id": f"RX{300 + i * 9 + rng.randint(0, 8)}", "generic_name": name, "drug_class": cls,
             "standard_dose_mg": dose, "max_daily_mg": top} for i,
             (name, cls, dose, top) in enumerate(MEDICATIONS)]


@table("exercises")
def _exercises(rng: random.Random) -> list[dict[str, Any]]:
    return [{"exercise_id": f"EX{60 + i * 5 + rng.randint(0, 4)}", "exercise_name": name,
             "exercise_category": cat,
             "met": met} for i, (name, cat, met) in enumerate(EXERCISES)]


@table("daily_log")
def _daily_log(rng: random.Random) -> list[dict[str, Any]]:
    """What the user logged earlier today, before any tool call."""
    rows = [{"entry": "meal", "meal_type": "breakfast", "calories": rng.randint(250, 550)}]
    if rng.random() < 0.6:
        rows.append({"entry": "workout", "activity": "brisk walking", "calories": rng.randint(80, 220)})
    return rows


def _medication(world: World, medication_id: str) -> dict[str, Any]:
    return world.require("medications", medication_id=medication_id)


def _log(world: World) -> dict[str, list[dict[str, Any]]]:
    return world.state.setdefault("health_log", {"workouts": [], "meals": []})


def _today_totals(world: World) -> tuple[int, int]:
    """(calories eaten, calories burned) today: seeded entries plus everything logged since."""
    seeded = world.table("daily_log")
    log = _log(world)
    eaten = (sum(r["calories"] for r in seeded if r["entry"] == "meal")
             + sum(m["calories"] for m in log["meals"]))
    burned = (sum(r["calories"] for r in seeded if r["entry"] == "workout")
              + sum(x["calories_burned"] for x in log["workouts"]))
    return eaten, burned


MEDICATION_ID = {"type": "string", "description": "Medication id as returned by find_medication, e.g. RX312."}


@sim_tool(
    name="find_medication", domain="health",
    description="Look up a medication by generic name: its id, drug class, standard dose and daily maximum.",
    parameters={"type": "object", "properties": {
        "generic_name": {"type": "string", "description": "Generic drug name, e.g. ibuprofen."}},
        "required": ["generic_name"]},
    returns={"type": "object", "properties": {
        "medication_id": {"type": "string"}, "generic_name": {"type": "string"},
        "drug_class": {"type": "string"},
        "standard_dose_mg": {"type": "number"}, "max_daily_mg": {"type": "number"}}},
    phrasings=["Look up the medication {generic_name}.", "What's the medication id for {generic_name}?",
               "Find {generic_name} in the drug database.", "What is the usual dose of {generic_name}?"],
    sample_args=lambda rng, w: {"generic_name": rng.choice(w.table("medications"))["generic_name"]},
)
def find_medication(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("medications", generic_name=args["generic_name"])
    if row is None:
        raise ToolError(f"no medication named {args['generic_name']}")
    return dict(row)


def _sample_interaction_check(rng: random.Random, w: World) -> dict[str, Any]:
    """Two or three medications; half the time the first two are a known interacting pair."""
    meds = w.table("medications")
    picked = rng.sample(meds, rng.randint(2, 3))
    if rng.random() < 0.5:
        partners = [m for m in meds if m is not picked[0]
                    and frozenset({picked[0]["drug_class"], m["drug_class"]}) in INTERACTIONS]
        if partners:
            second = rng.choice(partners)
            picked = [picked[0], second] + [m for m in picked[2:] if m is not second]
    return {"medication_ids": [m["medication_id"] for m in picked]}


@sim_tool(
    name="check_drug_interactions", domain="health",
    description="Check a set of medications for known interactions between each pair.",
    parameters={"type": "object", "properties": {
        "medication_ids": {"type": "array", "items": {"type": "string"}, "minItems": 2,
                           "description": "Medication ids to check together."}},
        "required": ["medication_ids"]},
    returns={"type": "object", "properties": {
        "count": {"type": "integer"}, "interactions": {"type": "array", "items": {"type": "string"}},
        "highest_severity": {"type": "string", "enum": ["none", "moderate", "major"]}}},
    phrasings=["Can I take {medication_ids} together?", "Check interactions between {medication_ids}.",
               "Is it safe to combine {medication_ids}?", "Any drug interactions among {medication_ids}?"],
    sample_args=lambda rng, w: _sample_interaction_check(rng, w),
)
def check_drug_interactions(world: World, args: dict[str, Any]) -> dict[str, Any]:
    meds = [_medication(world, m) for m in args["medication_ids"]]
    if len({m["medication_id"] for m in meds}) < 2:
        raise ToolError("need at least two different medications")
    found, worst = [], "none"
    for i, a in enumerate(meds):
        for b in meds[i + 1:]:
            hit = INTERACTIONS.get(frozenset({a["drug_class"], b["drug_class"]}))
            if hit and a["medication_id"] != b["medication_id"]:
                found.append(f"{a['generic_name']} + {b['generic_name']}: {hit[1]}")
                worst = "major" if "major" in (worst, hit[0]) else "moderate"
    return {"count": len(found), "interactions": found, "highest_severity": worst}


def _sample_reminder(rng: random.Random, w: World) -> dict[str, Any]:
    med = rng.choice(w.table("medications"))
    per_day = rng.choice([n for n in (1, 2, 3) if n * med["standard_dose_mg"] <= med["max_daily_mg"]])
    start = dt.date(2025, 11, 1) + dt.timedelta(days=rng.randint(0, 45))
    return {"medication_id": med["medication_id"],
            "dose": {"amount_mg": float(med["standard_dose_mg"]), "times_per_day": per_day},
            "start_date": start.isoformat(), "with_food": rng.random() < 0.5}


@sim_tool(
    name="schedule_medication_reminder", domain="health",
    description="Create daily reminders to take a medication at a given dose; refuses doses above "
                "the daily maximum.",
    parameters={"type": "object", "properties": {
        "medication_id": MEDICATION_ID,
        "dose": {"type": "object", "description": "How much and how often.", "properties": {
            "amount_mg": {"type": "number", "exclusiveMinimum": 0, "description": "Milligrams per dose."},
            "times_per_day": {"type": "integer", "minimum": 1, "maximum": 4,
                              "description": "Doses per day."}},
            "required": ["amount_mg", "times_per_day"]},
        "start_date": {"type": "string", "format": "date", "description": "First day (YYYY-MM-DD)."},
        "with_food": {"type": "boolean", "default": False, "description": "Remind to take it with a meal."}},
        "required": ["medication_id", "dose", "start_date"]},
    returns={"type": "object", "properties": {
        "reminder_id": {"type": "string"}, "medication_id": {"type": "string"},
        "daily_total_mg": {"type": "number"},
        "reminder_times": {"type": "array", "items": {"type": "string"}},
        "with_food": {"type": "boolean"}}},
    phrasings=[("Remind me to take {dose.amount_mg} mg of {medication_id}, {dose.times_per_day}x a day, "
                "starting {start_date}."),
               ("Set up reminders for {medication_id} from {start_date}: {dose.amount_mg} mg per dose, "
                "{dose.times_per_day} dose(s) daily{with_food|, taken with food|}."),
               ("Starting on {start_date} I take {medication_id} at {dose.amount_mg} mg, "
                "{dose.times_per_day}x daily; please schedule reminders."),
               ("Create a medication reminder: {medication_id}, {dose.amount_mg} mg, "
                "{dose.times_per_day} times "
                "per day, beginning {start_date}{with_food|, with meals|, no need to eat first}.")],
    sample_args=_sample_reminder,
    mutates=True,
)
def schedule_medication_reminder(world: World, args: dict[str, Any]) -> dict[str, Any]:
    med = _medication(world, args["medication_id"])
    amount, per_day = float(args["dose"]["amount_mg"]), int(args["dose"]["times_per_day"])
    if amount <= 0 or per_day not in REMINDER_TIMES:
        raise ToolError("amount_mg must be positive and times_per_day between 1 and 4")
    if amount * per_day > med["max_daily_mg"]:
        raise ToolError(f"{amount * per_day:g} mg a day exceeds the {med['max_daily_mg']} mg maximum")
    try:
        dt.date.fromisoformat(args["start_date"])
    except ValueError:
        raise ToolError(f"invalid start_date {args['start_date']}") from None
    reminders = world.state.setdefault("medication_reminders", {})
    if med["medication_id"] in reminders:
        raise ToolError(f"a reminder for {med['medication_id']} already exists")
    reminder_id = f"MR{800 + len(reminders) + 1}"
    reminders[med["medication_id"]] = reminder_id
    return {"reminder_id": reminder_id, "medication_id": med["medication_id"],
            "daily_total_mg": round(amount * per_day, 2), "reminder_times": REMINDER_TIMES[per_day],
            "with_food": bool(args["with_food"])}


@sim_tool(
    name="find_exercise", domain="health",
    description="Look up an exercise type by name: its id, category and MET value (energy cost).",
    parameters={"type": "object", "properties": {
        "exercise_name": {"type": "string", "description": "Exercise name, e.g. cycling."}},
        "required": ["exercise_name"]},
    returns={"type": "object", "properties": {
        "exercise_id": {"type": "string"}, "exercise_name": {"type": "string"},
        "exercise_category": {"type": "string"},
        "met": {"type": "number"}}},
    phrasings=["Find the exercise {exercise_name}.", "What's the exercise id for {exercise_name}?",
               "Look up {exercise_name} in the activity list.",
               "How intense is {exercise_name}? Give me its MET value."],
    sample_args=lambda rng, w: {"exercise_name": rng.choice(w.table("exercises"))["exercise_name"]},
)
def find_exercise(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("exercises", exercise_name=args["exercise_name"])
    if row is None:
        raise ToolError(f"no exercise named {args['exercise_name']}")
    return dict(row)


@sim_tool(
    name="log_workout", domain="health",
    description="Log a workout for today and estimate the calories it burned.",
    parameters={"type": "object", "properties": {
        "exercise_id": {"type": "string", "description": "Exercise id as returned by find_exercise."},
        "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600,
                             "description": "Length of the session."},
        "body_weight_kg": {"type": "number", "minimum": 25, "maximum": 250,
                           "description": "Current body weight."},
        "intensity": {"type": "string", "enum": list(INTENSITY), "default": "moderate",
                      "description": "Effort."}},
        "required": ["exercise_id", "duration_minutes", "body_weight_kg"]},
    returns={"type": "object", "properties": {
        "workout_id": {"type": "string"}, "exercise_id": {"type": "string"},
        "calories_burned": {"type": "integer"}, "total_burned_today": {"type": "integer"}}},
    phrasings=["Log a workout of {exercise_id}, {duration_minutes} minutes long; I weigh {body_weight_kg} kg.",
               ("I just did {duration_minutes} minutes of {exercise_id} at {intensity} intensity "
                "(body weight {body_weight_kg} kg). Record it."),
               ("Record exercise {exercise_id} for {duration_minutes} min, {intensity} effort, "
                "weight {body_weight_kg} kg."),
               "Add today's workout: {exercise_id}, {duration_minutes} minutes, I'm {body_weight_kg} kg."],
    sample_args=lambda rng, w: {"exercise_id": rng.choice(w.table("exercises"))["exercise_id"],
                                "duration_minutes": rng.choice([15, 20, 30, 40, 45, 60, 75, 90]),
                                "body_weight_kg": float(rng.randint(52, 105)),
                                "intensity": rng.choice(list(INTENSITY))},
    mutates=True,
)
def log_workout(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("exercises", exercise_id=args["exercise_id"])
    if row is None:
        raise ToolError(f"unknown exercise_id {args['exercise_id']}")
    minutes, weight = int(args["duration_minutes"]), float(args["body_weight_kg"])
    if not 1 <= minutes <= 600 or not 25 <= weight <= 250 or args["intensity"] not in INTENSITY:
        raise ToolError("duration, body weight or intensity out of range")
    burned = round(row["met"] * INTENSITY[args["intensity"]] * weight * minutes / 60)
    workouts = _log(world)["workouts"]
    workout_id = f"WO{400 + len(workouts) + 1}"
    workouts.append({"workout_id": workout_id, "calories_burned": burned})
    return {"workout_id": workout_id, "exercise_id": row["exercise_id"], "calories_burned": burned,
            "total_burned_today": _today_totals(world)[1]}


@sim_tool(
    name="log_meal", domain="health",
    description="Log a meal for today from its foods and portion sizes; returns its calories and protein.",
    parameters={"type": "object", "properties": {
        "meal_type": {"type": "string", "enum": MEAL_TYPES, "description": "Which meal."},
        "foods": {"type": "array", "minItems": 1, "description": "What was eaten.",
                  "items": {"type": "object", "properties": {
                      "food": {"type": "string", "enum": list(FOODS), "description": "Food name."},
                      "grams": {"type": "number", "exclusiveMinimum": 0, "description": "Portion in grams."}},
                      "required": ["food", "grams"]}}},
        "required": ["meal_type", "foods"]},
    returns={"type": "object", "properties": {
        "meal_id": {"type": "string"}, "meal_type": {"type": "string"}, "calories": {"type": "integer"},
        "protein_g": {"type": "number"}, "total_eaten_today": {"type": "integer"}}},
    phrasings=["Log my {meal_type}: {foods}.", "For {meal_type} I had {foods}. Please record it.",
               "Add a {meal_type} entry with {foods}.", "Track this {meal_type} for me: {foods}."],
    sample_args=lambda rng, w: {"meal_type": rng.choice(MEAL_TYPES), "foods": [
        {"food": f, "grams": float(rng.choice([30, 50, 80, 100, 120, 150, 200, 250]))}
        for f in rng.sample(sorted(FOODS), rng.randint(1, 3))]},
    mutates=True,
)
def log_meal(world: World, args: dict[str, Any]) -> dict[str, Any]:
    if args["meal_type"] not in MEAL_TYPES or not args["foods"]:
        raise ToolError("unknown meal_type or no foods")
    kcal = protein = 0.0
    for item in args["foods"]:
        if item["food"] not in FOODS or float(item["grams"]) <= 0:
            raise ToolError(f"unknown food or bad portion: {item['food']}")
        per100, prot100 = FOODS[item["food"]]
        kcal += per100 * float(item["grams"]) / 100
        protein += prot100 * float(item["grams"]) / 100
    meals = _log(world)["meals"]
    meal_id = f"ML{200 + len(meals) + 1}"
    meals.append({"meal_id": meal_id, "calories": round(kcal)})
    return {"meal_id": meal_id, "meal_type": args["meal_type"], "calories": round(kcal),
            "protein_g": round(protein, 1), "total_eaten_today": _today_totals(world)[0]}


@sim_tool(
    name="get_daily_health_summary", domain="health",
    description="Today's calories eaten and burned, net intake and what is left of a calorie goal.",
    parameters={"type": "object", "properties": {
        "calorie_goal": {"type": "integer", "minimum": 800, "maximum": 5000, "default": 2000,
                         "description": "Daily calorie target."}},
        "required": []},
    returns={"type": "object", "properties": {
        "calories_eaten": {"type": "integer"}, "calories_burned": {"type": "integer"},
        "net_calories": {"type": "integer"}, "remaining_calories": {"type": "integer"},
        "meals_logged": {"type": "integer"}, "workouts_logged": {"type": "integer"}}},
    phrasings=["How am I doing on calories today?",
               "Give me today's health summary against a {calorie_goal} kcal goal.",
               "What's my net calorie intake so far today?",
               "With a daily target of {calorie_goal} calories, how much do I have left today?"],
    sample_args=lambda rng, w: {"calorie_goal": rng.choice([1600, 1800, 2000, 2200, 2500, 2800])},
)
def get_daily_health_summary(world: World, args: dict[str, Any]) -> dict[str, Any]:
    goal = int(args["calorie_goal"])
    if not 800 <= goal <= 5000:
        raise ToolError("calorie_goal must be between 800 and 5000")
    eaten, burned = _today_totals(world)
    seeded, log = world.table("daily_log"), _log(world)
    return {"calories_eaten": eaten, "calories_burned": burned, "net_calories": eaten - burned,
            "remaining_calories": goal - (eaten - burned),
            "meals_logged": sum(r["entry"] == "meal" for r in seeded) + len(log["meals"]),
            "workouts_logged": sum(r["entry"] == "workout" for r in seeded) + len(log["workouts"])}


@sim_tool(
    name="calculate_bmi", domain="health",
    description="Body-mass index from weight and height, with its WHO category.",
    parameters={"type": "object", "properties": {
        "weight_kg": {"type": "number", "exclusiveMinimum": 0, "description": "Body weight in kilograms."},
        "height_cm": {"type": "number", "exclusiveMinimum": 0, "description": "Height in centimetres."}},
        "required": ["weight_kg", "height_cm"]},
    returns={"type": "object", "properties": {
        "bmi": {"type": "number"},
        "bmi_category": {"type": "string",
                         "enum": ["underweight", "healthy weight", "overweight", "obese"]}}},
    phrasings=["What's my BMI? I weigh {weight_kg} kg and I'm {height_cm} cm tall.",
               "Calculate the BMI for {weight_kg} kg at {height_cm} cm.",
               "I'm {height_cm} cm and {weight_kg} kg: which BMI category is that?"],
    sample_args=lambda rng,
    w: {"weight_kg": float(rng.randint(48, 115)), "height_cm": float(rng.randint(150, 198))},
)
def calculate_bmi(world: World, args: dict[str, Any]) -> dict[str, Any]:
    weight, height = float(args["weight_kg"]), float(args["height_cm"])
    if weight <= 0 or not 50 <= height <= 260:
        raise ToolError("weight must be positive and height between 50 and 260 cm")
    bmi = round(weight / (height / 100) ** 2, 1)
    category = ("underweight" if bmi < 18.5 else "healthy weight" if bmi < 25
                else "overweight" if bmi < 30 else "obese")
    return {"bmi": bmi, "bmi_category": category}
