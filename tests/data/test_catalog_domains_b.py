"""Catalog domains maths, sports, health, smart_home, hr and food: schemas, samplers, phrasings,
determinism, producer->consumer links and the state effects of mutating tools."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from fcbench.data.generator.tooling import World, catalog, run_tool

DOMAINS = ("maths", "sports", "health", "smart_home", "hr", "food")
SEEDS = range(30)
TOOLS = {name: tool for name, tool in sorted(catalog().items()) if tool.domain in DOMAINS}
SCALAR = {"string", "integer", "number"}
SLOT = re.compile(r"\{([^{}]+)\}")


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _slots(phrasing: str) -> list[tuple[str, str | None, bool]]:
    """(parameter, object field or None, is a boolean slot) for every ``{...}`` of a phrasing."""
    out = []
    for body in SLOT.findall(phrasing):
        head, *alternatives = body.split("|")
        param, _, field = head.partition(".")
        out.append((param, field or None, bool(alternatives)))
    return out


def _sample(tool, seed: int) -> dict[str, Any]:
    return tool.sample_args(random.Random(seed), World(seed))


def test_every_domain_has_enough_tools():
    for domain in DOMAINS:
        names = [n for n, t in TOOLS.items() if t.domain == domain]
        assert len(names) >= 6, (domain, names)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_schemas_are_valid_json_schema(name):
    tool = TOOLS[name]
    Draft202012Validator.check_schema(tool.parameters)
    Draft202012Validator.check_schema(tool.returns)
    params = tool.parameters
    assert params["type"] == "object"
    assert set(params.get("required", [])) <= set(params["properties"]), "required names a missing property"
    for pname, pschema in params["properties"].items():
        assert pschema.get("description"), f"{pname} has no description"
        if "default" in pschema:
            _validator(pschema).validate(pschema["default"])
            assert pname not in params.get("required", []), f"{pname} is required but has a default"


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_sampled_calls_validate_and_execute(name):
    tool = TOOLS[name]
    params, returns = _validator(tool.parameters), _validator(tool.returns)
    listed = set(tool.returns["properties"])
    for seed in SEEDS:
        args = _sample(tool, seed)
        params.validate(args)
        required_only = {k: v for k, v in args.items() if k in tool.parameters.get("required", [])}
        for call in (args, required_only):  # phrasings may leave out every optional parameter
            out = run_tool(World(seed), name, call)
            assert "error" not in out, (seed, call, out)
            returns.validate(out)
            assert set(out) <= listed, f"fields missing from the returns schema: {set(out) - listed}"


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_execution_and_sampling_are_deterministic(name):
    tool = TOOLS[name]
    for seed in (0, 7, 19):
        args = _sample(tool, seed)
        assert args == _sample(tool, seed)
        assert run_tool(World(seed), name, args) == run_tool(World(seed), name, args)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_phrasings_mention_parameters_correctly(name):
    tool = TOOLS[name]
    props = tool.parameters["properties"]
    required = set(tool.parameters.get("required", []))
    assert len(tool.phrasings) >= 3
    mentioned_anywhere: set[str] = set()
    for phrasing in tool.phrasings:
        slots = _slots(phrasing)
        mentioned = {p for p, _, _ in slots}
        mentioned_anywhere |= mentioned
        assert required <= mentioned, f"{phrasing!r} misses {required - mentioned}"
        for param, field, is_flag in slots:
            assert param in props, f"{phrasing!r}: unknown slot {param}"
            schema = props[param]
            assert is_flag == (schema["type"] == "boolean"), f"{phrasing!r}: boolean slots need {{p|yes|no}}"
            if schema["type"] == "object":
                assert field in schema["properties"], f"{phrasing!r}: object {param} needs {{{param}.field}}"
        for param in mentioned:
            if props[param]["type"] == "object":  # every required field of a mentioned object
                fields = {f for p, f, _ in slots if p == param}
                assert set(props[param]["required"]) <= fields, (phrasing, param)
    sampled = set(_sample(tool, 0))
    assert sampled <= set(props), f"sampler invents {sampled - set(props)}"
    never_phrased = sampled - required - mentioned_anywhere
    assert not never_phrased, f"optional parameters no phrasing mentions: {never_phrased}"


def _links(domain: str) -> set[tuple[str, str, str]]:
    """(producer, field, consumer) with producer in `domain`, consumer anywhere, same name and scalar type."""
    everything = catalog()
    out = set()
    for pname, producer in TOOLS.items():
        if producer.domain != domain:
            continue
        for field, fschema in producer.returns["properties"].items():
            if fschema.get("type") not in SCALAR:
                continue
            for cname, consumer in everything.items():
                pschema = consumer.parameters["properties"].get(field)
                if cname != pname and pschema and pschema.get("type") == fschema["type"]:
                    out.add((pname, field, cname))
    return out


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_two_producer_consumer_links(domain):
    in_domain = {(p, f, c) for p, f, c in _links(domain) if TOOLS.get(c) and TOOLS[c].domain == domain}
    assert len({(p, c) for p, _, c in in_domain}) >= 2, in_domain


def test_mutating_tools_are_spread_over_domains():
    per_domain = {d: sum(t.mutates for t in TOOLS.values() if t.domain == d) for d in DOMAINS}
    assert sum(n >= 2 for n in per_domain.values()) >= 2, per_domain


def _chain(world: World, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run calls in order; a string argument "$k.field" takes `field` of the k-th result (0-based)."""
    results: list[dict[str, Any]] = []
    for name, args in calls:
        resolved = {}
        for k, v in args.items():
            if isinstance(v, str) and v.startswith("$"):
                index, field = v[1:].split(".")
                v = results[int(index)][field]
            resolved[k] = v
        results.append(run_tool(world, name, resolved))
    return results


def test_nested_lookups_feed_their_consumers():
    """Each producer's output field, plugged into its consumer, gives a successful call."""
    w = World(3)
    team = w.table("teams")[4]
    player = w.table("players")[20]
    employee = w.table("employees")[5]
    venue = w.table("dining_venues")[10]
    chains = [
        [("find_team", {"team_name": team["team_name"]}), ("get_team_schedule", {"team_id": "$0.team_id"}),
         ("buy_match_tickets", {"match_id": "$1.match_id", "ticket_count": 2,
                                "seating": {"section": "family zone", "row_preference": "front"}})],
        [("find_team", {"team_name": team["team_name"]}), ("get_current_weather", {"city_id": "$0.city_id"})],
        [("find_player", {"player_name": player["player_name"]}),
         ("get_player_stats", {"player_id": "$0.player_id"}),
         ("get_team_standings", {"team_id": "$0.team_id"})],
        [("find_employee", {"full_name": employee["full_name"]}),
         ("get_leave_balance", {"employee_id": "$0.employee_id"}),
         ("list_direct_reports", {"manager_id": "$0.manager_id"})],
        [("find_device", {"room": "bedroom", "kind": "thermostat"}),
         ("set_thermostat", {"device_id": "$0.device_id", "target_temp": 21.5})],
        [("get_room_energy_usage", {"room": "kitchen"}), ("set_device_state", {"device_id": "$0.device_id",
                                                                               "power": False})],
        [("search_recipes", {"ingredient": "tofu"}), ("get_recipe_nutrition", {"recipe_id": "$0.recipe_id",
                                                                                 "servings": 3})],
        [("find_city", {"name": venue["city"]}), ("search_restaurants", {"city_id": "$0.city_id"}),
         ("reserve_table", {"restaurant_id": "$1.restaurant_id", "date": "2025-12-12", "time": "19:30",
                            "party_size": 4, "preferences": {"seating": "indoor", "occasion": "birthday"}}),
         ("cancel_table_reservation", {"table_booking_id": "$2.table_booking_id"})],
        [("find_medication", {"generic_name": "metformin"}),
         ("schedule_medication_reminder", {"medication_id": "$0.medication_id", "start_date": "2025-12-01",
                                           "dose": {"amount_mg": 500, "times_per_day": 2}})],
        [("find_exercise", {"exercise_name": "rowing"}),
         ("log_workout", {"exercise_id": "$0.exercise_id", "duration_minutes": 30, "body_weight_kg": 70})],
        [("convert_measurement", {"value": 5, "from_unit": "miles", "to_unit": "kilometers"}),
         ("adjust_by_percentage", {"value": "$0.value", "percent": 10, "direction": "increase"})],
    ]
    for calls in chains:
        results = _chain(World(3), calls)
        assert all("error" not in r for r in results), (calls, results)


def test_maths_results_are_correct():
    assert run_tool(World(0), "convert_measurement",
                    {"value": 5, "from_unit": "miles", "to_unit": "kilometers"})[
        "value"] == 8.0467
    assert run_tool(World(0), "convert_measurement", {"value": 100, "from_unit": "celsius",
                                                      "to_unit": "fahrenheit"})["value"] == 212.0
    # a length cannot become a mass
    assert "error" in run_tool(World(0), "convert_measurement", {"value": 1, "from_unit": "meters",
                                                                 "to_unit": "grams"})
    assert run_tool(World(0), "solve_quadratic", {"a": 1, "b": -3, "c": 2})["roots"] == [1.0, 2.0]
    assert run_tool(World(0), "gcd_and_lcm", {"integers": [12, 18, 30]}) == {"gcd": 6, "lcm": 180}
    stats = run_tool(World(0), "compute_descriptive_stats",
                     {"numbers": [2, 4, 4, 4, 5, 5, 7, 9], "population": True})
    assert (stats["mean"], stats["median"], stats["stdev"]) == (5.0, 4.5, 2.0)
    assert run_tool(World(0), "percent_change", {"old_value": 80, "new_value": 100})["percent_change"] == 25.0
    # no growth at 0 %: the future value is just what went in
    fv = run_tool(World(0), "project_compound_interest",
                  {"principal": 1000, "annual_rate_percent": 0, "years": 2,
                                                          "contribution": {"amount": 10,
                                                                           "frequency": "monthly"}})
    assert fv == {"future_value": 1240.0, "total_contributed": 1240.0, "interest_earned": 0.0}


def test_leave_requests_change_the_balance_in_order():
    w = World(11)
    staff = next(e for e in w.table("employees") if e["manager_id"])
    before = run_tool(w, "get_leave_balance", {"employee_id": staff["employee_id"]})
    submitted = run_tool(w, "submit_leave_request", {"employee_id": staff["employee_id"],
                                                     "start_date": "2025-12-22", "days": 3})
    after = run_tool(w, "get_leave_balance", {"employee_id": staff["employee_id"]})
    assert after["pending_days"] == before["pending_days"] + 3
    assert after["remaining_days"] == before["remaining_days"] - 3
    # only the employee's manager may approve, and only once
    assert "error" in run_tool(w, "approve_leave_request", {"request_id": submitted["request_id"],
                                                            "manager_id": staff["employee_id"]})
    approval = {"request_id": submitted["request_id"], "manager_id": staff["manager_id"]}
    assert run_tool(w, "approve_leave_request", approval)["request_status"] == "approved"
    assert "error" in run_tool(w, "approve_leave_request", approval)
    final = run_tool(w, "get_leave_balance", {"employee_id": staff["employee_id"]})
    assert (final["used_days"], final["pending_days"]) == (after["used_days"] + 3, after["pending_days"] - 3)


def test_device_changes_are_visible_in_status():
    w = World(2)
    light = run_tool(w, "find_device", {"room": "office", "kind": "light"})["device_id"]
    run_tool(w, "set_device_state", {"device_id": light, "power": True, "level": 35})
    status = run_tool(w, "get_device_status", {"device_id": light})
    assert (status["power"], status["level"]) == (True, 35)
    run_tool(w, "activate_scene", {"scene": "away", "rooms": ["office"]})
    assert run_tool(w, "get_device_status", {"device_id": light})["power"] is False
    lamp = run_tool(w, "find_device", {"room": "hallway", "kind": "light"})["device_id"]
    # a light is not a thermostat
    assert "error" in run_tool(w, "set_thermostat", {"device_id": lamp, "target_temp": 20})
    spec = {"device_id": lamp, "schedule": {"days": ["Monday"], "time": "07:00", "action": "on"}}
    assert "error" not in run_tool(w, "create_device_schedule", spec)
    assert "error" in run_tool(w, "create_device_schedule", spec)  # same slot twice conflicts


def test_table_bookings_and_tickets_are_stateful():
    w = World(4)
    venue = w.table("dining_venues")[0]
    booking = {"restaurant_id": venue["restaurant_id"], "date": "2025-12-31", "time": "20:00",
               "party_size": 2,
               "preferences": {"seating": "bar", "occasion": "anniversary"}}
    results = [run_tool(w, "reserve_table", booking) for _ in range(venue["tables_per_slot"] + 1)]
    assert "error" not in results[0] and "error" in results[-1]  # the slot fills up
    cancel = {"table_booking_id": results[0]["table_booking_id"]}
    assert run_tool(w, "cancel_table_reservation", cancel)["reservation_status"] == "cancelled"
    assert "error" in run_tool(w, "cancel_table_reservation", cancel)
    assert "error" not in run_tool(w, "reserve_table", booking)  # the freed table can be booked again
    match = w.table("fixtures")[0]
    first = run_tool(w, "buy_match_tickets", {"match_id": match["match_id"], "ticket_count": 2,
                                              "seating": {"section": "main stand", "row_preference": "back"}})
    second = run_tool(w, "buy_match_tickets", {"match_id": match["match_id"], "ticket_count": 1,
                                               "seating": {"section": "main stand",
                                                           "row_preference": "back"}})
    assert second["seats_left"] == first["seats_left"] - 1 and first["order_id"] != second["order_id"]


def test_health_log_feeds_the_daily_summary():
    w = World(6)
    before = run_tool(w, "get_daily_health_summary", {})
    meal = run_tool(w, "log_meal", {"meal_type": "lunch", "foods": [{"food": "pasta", "grams": 200}]})
    assert meal["calories"] == 262
    after = run_tool(w, "get_daily_health_summary", {})
    assert after["calories_eaten"] == before["calories_eaten"] + 262
    assert after["meals_logged"] == before["meals_logged"] + 1
    ids = [run_tool(w, "find_medication", {"generic_name": n})["medication_id"]
           for n in ("ibuprofen", "warfarin")]
    assert run_tool(w, "check_drug_interactions", {"medication_ids": ids})["highest_severity"] == "major"
    too_much = {"medication_id": ids[0], "start_date": "2025-12-01",
                "dose": {"amount_mg": 800, "times_per_day": 3}}
    assert "error" in run_tool(w, "schedule_medication_reminder", too_much)
