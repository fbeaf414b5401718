"""Maths domain: pure calculators (statistics, unit conversion, percentages, interest, roots).

These tools need no table: every result is a function of the arguments alone,
rounded to 4 decimals so results are stable across platforms. Tools that
produce a ``value`` (conversion, percentage adjustment) feed tools that take a
``value``, which is how nested samples chain calculations.
"""

from __future__ import annotations

import math
import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool


def _r(x: float) -> float:
    """Round to 4 decimals and normalise -0.0 so results compare and print cleanly."""
    out = round(float(x), 4)
    return 0.0 if out == 0 else out


# factor to the base unit of each dimension; temperature is handled separately
LINEAR_UNITS: dict[str, tuple[str, float]] = {
    "millimeters": ("length", 0.001), "centimeters": ("length", 0.01), "meters": ("length", 1.0),
    "kilometers": ("length", 1000.0), "inches": ("length", 0.0254), "feet": ("length", 0.3048),
    "yards": ("length", 0.9144), "miles": ("length", 1609.344),
    "grams": ("mass", 0.001), "kilograms": ("mass", 1.0), "pounds": ("mass", 0.45359237),
    "ounces": ("mass", 0.028349523125),
    "milliliters": ("volume", 0.001), "liters": ("volume", 1.0), "cups": ("volume", 0.2365882365),
    "gallons": ("volume", 3.785411784),
}
TEMPERATURE_UNITS = ["celsius", "fahrenheit", "kelvin"]
ALL_UNITS = list(LINEAR_UNITS) + TEMPERATURE_UNITS


def _dimension(unit: str) -> str:
    if unit in TEMPERATURE_UNITS:
        return "temperature"
    if unit not in LINEAR_UNITS:
        raise ToolError(f"unknown unit {unit}")
    return LINEAR_UNITS[unit][0]


def _to_celsius(value: float, unit: str) -> float:
    if unit == "fahrenheit":
        return (value - 32) * 5 / 9
    if unit == "kelvin":
        return value - 273.15
    return value


def _from_celsius(value: float, unit: str) -> float:
    if unit == "fahrenheit":
        return value * 9 / 5 + 32
    if unit == "kelvin":
        return value + 273.15
    return value


def _sample_conversion(rng: random.Random, w: World) -> dict[str, Any]:
    dimension = rng.choice(["length", "mass", "volume", "temperature"])
    if dimension == "temperature":
        units = rng.sample(TEMPERATURE_UNITS, 2)
        value = float(rng.randint(-10, 40)) if units[0] != "kelvin" else float(rng.randint(260, 310))
    else:
        units = rng.sample(sorted(u for u, (d, _) in LINEAR_UNITS.items() if d == dimension), 2)
        value = round(rng.uniform(0.5, 250), 1)
    return {"value": value, "from_unit": units[0], "to_unit": units[1]}


@sim_tool(
    name="convert_measurement", domain="maths",
    description="Convert a length, mass, volume or temperature value from one unit to another.",
    parameters={"type": "object", "properties": {
        "value": {"type": "number", "description": "The quantity to convert."},
        "from_unit": {"type": "string", "enum": ALL_UNITS, "description": "Unit of the given value."},
        "to_unit": {"type": "string", "enum": ALL_UNITS,
                    "description": "Target unit; must measure the same dimension."}},
        "required": ["value", "from_unit", "to_unit"]},
    returns={"type": "object", "properties": {
        "value": {"type": "number", "description": "The converted quantity."},
        "to_unit": {"type": "string"}, "dimension": {"type": "string"}}},
    phrasings=["Convert {value} {from_unit} to {to_unit}.",
               "How many {to_unit} is {value} {from_unit}?",
               "I have {value} {from_unit}; what is that in {to_unit}?",
               "Express {value} {from_unit} in {to_unit}, please."],
    sample_args=_sample_conversion,
)
def convert_measurement(world: World, args: dict[str, Any]) -> dict[str, Any]:
    src, dst = args["from_unit"], args["to_unit"]
    dimension = _dimension(src)
    if _dimension(dst) != dimension:
        raise ToolError(f"cannot convert {src} to {dst}")
    value = float(args["value"])
    if dimension == "temperature":
        out = _from_celsius(_to_celsius(value, src), dst)
    else:
        out = value * LINEAR_UNITS[src][1] / LINEAR_UNITS[dst][1]
    return {"value": _r(out), "to_unit": dst, "dimension": dimension}


@sim_tool(
    name="adjust_by_percentage", domain="maths",
    description="Increase or decrease a value by a percentage (markups, discounts, growth).",
    parameters={"type": "object", "properties": {
        "value": {"type": "number", "description": "Starting value."},
        "percent": {"type": "number", "minimum": 0, "description": "Percentage to apply, e.g. 15 for 15%."},
        "direction": {"type": "string", "enum": ["increase", "decrease"],
                      "description": "Whether to add or subtract the percentage."}},
        "required": ["value", "percent", "direction"]},
    returns={"type": "object", "properties": {
        "value": {"type": "number", "description": "The adjusted value."},
        "difference": {"type": "number", "description": "Amount added (positive) or removed (negative)."}}},
    phrasings=["Please {direction} {value} by {percent}%.",
               "What do I get if I {direction} {value} by {percent} percent?",
               "Take {value} and {direction} it by {percent}%.",
               "Calculate {value} after a {percent}% {direction}."],
    sample_args=lambda rng, w: {"value": float(rng.choice([40, 75, 120, 250, 480, 999, 1500, 3200])),
                                "percent": float(rng.choice([2.5, 5, 8, 10, 12.5, 15, 20, 25, 33])),
                                "direction": rng.choice(["increase", "decrease"])},
)
def adjust_by_percentage(world: World, args: dict[str, Any]) -> dict[str, Any]:
    value, percent = float(args["value"]), float(args["percent"])
    if percent < 0:
        raise ToolError("percent must not be negative")
    if args["direction"] not in ("increase", "decrease"):
        raise ToolError(f"unknown direction {args['direction']}")
    sign = 1 if args["direction"] == "increase" else -1
    difference = sign * value * percent / 100
    return {"value": _r(value + difference), "difference": _r(difference)}


@sim_tool(
    name="percent_change", domain="maths",
    description="Compute the percentage change between an old value and a new value.",
    parameters={"type": "object", "properties": {
        "old_value": {"type": "number", "description": "Value before the change (not zero)."},
        "new_value": {"type": "number", "description": "Value after the change."}},
        "required": ["old_value", "new_value"]},
    returns={"type": "object", "properties": {
        "percent_change": {"type": "number"}, "absolute_change": {"type": "number"},
        "trend": {"type": "string", "enum": ["up", "down", "unchanged"]}}},
    phrasings=["By what percentage did it change going from {old_value} to {new_value}?",
               "Percent change from {old_value} to {new_value}?",
               "It was {old_value} and now it's {new_value}. What's the percentage difference?",
               "Work out the % change between {old_value} (before) and {new_value} (after)."],
    sample_args=lambda rng, w: {"old_value": float(rng.randint(20, 900)),
                                "new_value": float(rng.randint(20, 900))},
)
def percent_change(world: World, args: dict[str, Any]) -> dict[str, Any]:
    old, new = float(args["old_value"]), float(args["new_value"])
    if old == 0:
        raise ToolError("old_value must not be zero")
    change = new - old
    trend = "up" if change > 0 else "down" if change < 0 else "unchanged"
    return {"percent_change": _r(change / abs(old) * 100), "absolute_change": _r(change),
            "trend": trend}


@sim_tool(
    name="compute_descriptive_stats", domain="maths",
    description="Summary statistics of a list of numbers: count, mean, median, standard deviation, min, max.",
    parameters={"type": "object", "properties": {
        "numbers": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                    "description": "The data points."},
        "population": {"type": "boolean", "default": False,
                       "description": "Use the population standard deviation instead of the sample one."}},
        "required": ["numbers"]},
    returns={"type": "object", "properties": {
        "count": {"type": "integer"}, "mean": {"type": "number"}, "median": {"type": "number"},
        "stdev": {"type": "number"}, "minimum": {"type": "number"}, "maximum": {"type": "number"}}},
    phrasings=["Give me the mean, median and standard deviation of {numbers}.",
               "Summarise these numbers: {numbers}.",
               "Basic statistics for {numbers}, treating them as {population|the whole population|a sample}.",
               "I measured {numbers}. What are the average and spread?"],
    sample_args=lambda rng, w: {"numbers": [float(rng.randint(1, 120)) for _ in range(rng.randint(4, 7))],
                                "population": rng.random() < 0.5},
)
def compute_descriptive_stats(world: World, args: dict[str, Any]) -> dict[str, Any]:
    data = [float(x) for x in args["numbers"]]
    if len(data) < 2:
        raise ToolError("need at least two numbers")
    n = len(data)
    mean = sum(data) / n
    ordered = sorted(data)
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    squares = sum((x - mean) ** 2 for x in data)
    stdev = math.sqrt(squares / (n if args["population"] else n - 1))
    return {"count": n, "mean": _r(mean), "median": _r(median), "stdev": _r(stdev),
            "minimum": _r(ordered[0]), "maximum": _r(ordered[-1])}


@sim_tool(
    name="compute_weighted_average", domain="maths",
    description="Weighted average of values, each with its own weight (grades, portfolio returns...).",
    parameters={"type": "object", "properties": {
        "entries": {"type": "array", "minItems": 1, "description": "Values with their weights.",
                    "items": {"type": "object", "properties": {
                        "value": {"type": "number", "description": "The value."},
                        "weight": {"type": "number", "minimum": 0, "description": "Its weight."}},
                        "required": ["value", "weight"]}}},
        "required": ["entries"]},
    returns={"type": "object", "properties": {
        "weighted_mean": {"type": "number"}, "total_weight": {"type": "number"}}},
    phrasings=["Compute the weighted average of {entries}.",
               "What's the weighted mean for these values and weights: {entries}?",
               "My grades with their weights are {entries}. What's my weighted average?"],
    sample_args=lambda rng, w: {"entries": [
        {"value": float(rng.randint(50, 100)), "weight": float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.5, 1, 2]))}
        for _ in range(rng.randint(2, 4))]},
)
def compute_weighted_average(world: World, args: dict[str, Any]) -> dict[str, Any]:
    entries = args["entries"]
    total = sum(float(e["weight"]) for e in entries)
    if not entries or total <= 0 or any(float(e["weight"]) < 0 for e in entries):
        raise ToolError("weights must be non-negative and sum to more than zero")
    mean = sum(float(e["value"]) * float(e["weight"]) for e in entries) / total
    return {"weighted_mean": _r(mean), "total_weight": _r(total)}


@sim_tool(
    name="solve_quadratic", domain="maths",
    description="Solve a*x^2 + b*x + c = 0 and report the discriminant and the roots.",
    parameters={"type": "object", "properties": {
        "a": {"type": "number", "description": "Coefficient of x squared (not zero)."},
        "b": {"type": "number", "description": "Coefficient of x."},
        "c": {"type": "number", "description": "Constant term."},
        "allow_complex": {"type": "boolean", "default": False,
                          "description": "Also report complex roots when the discriminant is negative."}},
        "required": ["a", "b", "c"]},
    returns={"type": "object", "properties": {
        "discriminant": {"type": "number"}, "root_count": {"type": "integer"},
        "roots": {"type": "array", "items": {"type": "number"}, "description": "Real roots, ascending."},
        "complex_roots": {"type": "array", "items": {"type": "string"},
                          "description": "Complex roots as 'p+qi' strings, when requested."}}},
    phrasings=["Solve the quadratic with a = {a}, b = {b} and c = {c}.",
               ("Find the roots of a quadratic equation whose coefficients are a={a}, b={b}, c={c}"
                "{allow_complex|, complex roots included|, real roots only}."),
               "What x satisfies {a}·x² + ({b})·x + ({c}) = 0?",
               "Roots please: a is {a}, b is {b}, c is {c}."],
    sample_args=lambda rng, w: {"a": float(rng.choice([-3, -2, -1, 1, 2, 3, 4])),
                                "b": float(rng.randint(-9, 9)), "c": float(rng.randint(-12, 12)),
                                "allow_complex": rng.random() < 0.5},
)
def solve_quadratic(world: World, args: dict[str, Any]) -> dict[str, Any]:
    a, b, c = float(args["a"]), float(args["b"]), float(args["c"])
    if a == 0:
        raise ToolError("a must not be zero for a quadratic")
    disc = b * b - 4 * a * c
    roots: list[float] = []
    complex_roots: list[str] = []
    if disc >= 0:
        r = math.sqrt(disc)
        roots = sorted({_r((-b - r) / (2 * a)), _r((-b + r) / (2 * a))})
    elif args["allow_complex"]:
        re, im = _r(-b / (2 * a)), _r(abs(math.sqrt(-disc) / (2 * a)))
        complex_roots = [f"{re}-{im}i", f"{re}+{im}i"]
    return {"discriminant": _r(disc), "root_count": len(roots) or len(complex_roots),
            "roots": roots, "complex_roots": complex_roots}


@sim_tool(
    name="gcd_and_lcm", domain="maths",
    description="Greatest common divisor and least common multiple of a list of positive integers.",
    parameters={"type": "object", "properties": {
        "integers": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2,
                     "description": "Positive whole numbers."}},
        "required": ["integers"]},
    returns={"type": "object", "properties": {"gcd": {"type": "integer"}, "lcm": {"type": "integer"}}},
    phrasings=["What are the GCD and LCM of {integers}?",
               "Find the greatest common divisor and least common multiple of {integers}.",
               "I need the highest common factor and lowest common multiple for {integers}."],
    sample_args=lambda rng, w: {"integers": [rng.choice([2, 3, 4, 6]) * rng.randint(2, 15)
                                             for _ in range(rng.randint(2, 4))]},
)
def gcd_and_lcm(world: World, args: dict[str, Any]) -> dict[str, Any]:
    ints = args["integers"]
    if len(ints) < 2 or any(not isinstance(i, int) or isinstance(i, bool) or i < 1 for i in ints):
        raise ToolError("need at least two positive integers")
    g, l = ints[0], ints[0]
    for i in ints[1:]:
        g = math.gcd(g, i)
        l = l * i // math.gcd(l, i)
    return {"gcd": g, "lcm": l}


COMPOUNDING = {"annually": 1, "quarterly": 4, "monthly": 12, "daily": 365}


@sim_tool(
    name="project_compound_interest", domain="maths",
    description="Future value of a principal growing at a fixed annual rate with compounding, "
                "optionally with a regular contribution added at the end of each period.",
    parameters={"type": "object", "properties": {
        "principal": {"type": "number", "minimum": 0, "description": "Starting amount."},
        "annual_rate_percent": {"type": "number", "description": "Nominal yearly interest rate, e.g. 4.5."},
        "years": {"type": "integer", "minimum": 1, "maximum": 60, "description": "Investment horizon."},
        "compounding": {"type": "string", "enum": list(COMPOUNDING), "default": "monthly",
                        "description": "How often interest is compounded."},
        "contribution": {"type": "object", "description": "Recurring deposit.", "properties": {
            "amount": {"type": "number", "minimum": 0, "description": "Deposit per period."},
            "frequency": {"type": "string", "enum": ["monthly", "yearly"], "description": "How often."}},
            "required": ["amount", "frequency"]}},
        "required": ["principal", "annual_rate_percent", "years"]},
    returns={"type": "object", "properties": {
        "future_value": {"type": "number"}, "total_contributed": {"type": "number"},
        "interest_earned": {"type": "number"}}},
    phrasings=[("If I invest {principal} at {annual_rate_percent}% a year for {years} years, "
                "what will it be worth?"),
               ("Project {principal} growing at {annual_rate_percent}% compounded {compounding} "
                "over {years} years."),
               ("Starting with {principal}, adding {contribution.amount} {contribution.frequency}, "
                "at {annual_rate_percent}% interest for {years} years: final balance?"),
               ("Compound interest on {principal} for {years} years at {annual_rate_percent}%, "
                "compounding {compounding}, with a {contribution.frequency} deposit of "
                "{contribution.amount}.")],
    sample_args=lambda rng, w: {
        "principal": float(rng.choice([500, 1000, 2500, 5000, 10000, 25000])),
        "annual_rate_percent": float(rng.choice([1.5, 2, 3.25, 4, 4.5, 5, 6, 7.5])),
        "years": rng.randint(2, 30), "compounding": rng.choice(list(COMPOUNDING)),
        "contribution": {"amount": float(rng.choice([50, 100, 200, 500, 1000])),
                         "frequency": rng.choice(["monthly", "yearly"])}},
)
def project_compound_interest(world: World, args: dict[str, Any]) -> dict[str, Any]:
    principal, rate, years = float(args["principal"]), float(args["annual_rate_percent"]), int(args["years"])
    if principal < 0 or not 1 <= years <= 60:
        raise ToolError("principal must be non-negative and years between 1 and 60")
    if args["compounding"] not in COMPOUNDING:
        raise ToolError(f"unknown compounding {args['compounding']}")
    n = COMPOUNDING[args["compounding"]]
    balance = principal * (1 + rate / 100 / n) ** (n * years)
    contributed = principal
    contribution = args.get("contribution")
    if contribution:
        per_year = 12 if contribution["frequency"] == "monthly" else 1
        amount = float(contribution["amount"])
        period_rate = (1 + rate / 100 / n) ** (n / per_year) - 1  # effective rate per deposit period
        periods = per_year * years
        if period_rate == 0:
            balance += amount * periods
        else:
            balance += amount * ((1 + period_rate) ** periods - 1) / period_rate
        contributed += amount * periods
    return {"future_value": _r(balance), "total_contributed": _r(contributed),
            "interest_earned": _r(balance - contributed)}
