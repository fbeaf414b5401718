"""Smart-home domain: devices by room, their on/off state and level, thermostats, schedules, scenes.

The ``devices`` table holds each device's state when the world starts; every
change goes to ``world.state["device_overrides"]`` so that reading a status
after setting it (or activating a scene) depends on the order of calls.
"""

from __future__ import annotations

import random
import re
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

ROOM_KINDS = {
    "living room": ["light", "thermostat", "speaker", "blinds", "plug"],
    "kitchen": ["light", "plug", "fan", "speaker"],
    "bedroom": ["light", "thermostat", "blinds", "fan"],
    "office": ["light", "thermostat", "plug", "speaker"],
    "hallway": ["light", "lock", "camera"],
    "bathroom": ["light", "fan"],
    "garage": ["light", "lock", "plug"],
    "nursery": ["light", "thermostat", "camera"],
}
ROOMS = list(ROOM_KINDS)
KINDS = ["light", "plug", "thermostat", "blinds", "speaker", "fan", "lock", "camera"]
DIMMABLE = {"light", "fan", "speaker", "blinds"}  # level = brightness, speed, volume, % open
KIND_SPECS = {  # kind: (name choices, watt range, hours a day in use)
    "light": (["ceiling light", "floor lamp", "pendant lights", "spotlights"], (8, 60), (2, 8)),
    "plug": (["smart plug", "heater plug", "kettle plug"], (60, 2000), (1, 5)),
    "thermostat": (["thermostat"], (900, 2400), (3, 9)),
    "blinds": (["roller blinds", "venetian blinds"], (15, 30), (0, 1)),
    "speaker": (["smart speaker", "soundbar"], (5, 30), (1, 6)),
    "fan": (["ceiling fan", "extractor fan"], (25, 75), (1, 6)),
    "lock": (["door lock"], (1, 3), (24, 24)),
    "camera": (["security camera", "video monitor"], (3, 7), (24, 24)),
}
SCENES = ["movie night", "good morning", "away", "bedtime"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PRICE_PER_KWH = 0.28
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


@table("devices")
def _devices(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for room, kinds in ROOM_KINDS.items():
        for kind in kinds:
            names, watts, hours = KIND_SPECS[kind]
            row = {"device_id": f"D{500 + len(rows) * 5 + rng.randint(0, 4)}",
                   "device_name": f"{room.capitalize()} {rng.choice(names)}", "room": room, "kind": kind,
                   "watts": rng.randint(*watts), "hours_per_day": round(rng.uniform(*hours), 1),
                   "power": rng.random() < 0.4, "level": rng.choice([0, 25, 50, 75, 100])}
            if kind == "thermostat":
                row.update(target_temp=float(rng.choice([18, 19, 20, 21, 22])), hvac_mode="auto",
                           current_temp=round(rng.uniform(16.5, 24.5), 1))
            rows.append(row)
    return rows


def _device(world: World, device_id: str) -> dict[str, Any]:
    return world.require("devices", device_id=device_id)


def _status(world: World, row: dict[str, Any]) -> dict[str, Any]:
    """The device's current state: its table row overlaid with every change made since."""
    state = {k: row[k] for k in ("device_id", "device_name", "room", "power", "level")}
    state["device_kind"] = row["kind"]
    if row["kind"] == "thermostat":
        state.update(target_temp=row["target_temp"], hvac_mode=row["hvac_mode"])
    state.update(world.state.get("device_overrides", {}).get(row["device_id"], {}))
    if row["kind"] not in DIMMABLE:
        state["level"] = 100 if state["power"] else 0
    return state


def _override(world: World, device_id: str, **changes: Any) -> None:
    world.state.setdefault("device_overrides", {}).setdefault(device_id, {}).update(changes)


def _subset(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    """Between `low` and `high` items, kept in their natural order (weekdays, rooms)."""
    chosen = set(rng.sample(items, rng.randint(low, high)))
    return [x for x in items if x in chosen]


def _pick(rng: random.Random, w: World, kinds: set[str] | None = None) -> dict[str, Any]:
    return rng.choice([d for d in w.table("devices") if kinds is None or d["kind"] in kinds])


def _room_and_kind(device: dict[str, Any]) -> dict[str, Any]:
    return {"room": device["room"], "kind": device["kind"]}


DEVICE_ID = {"type": "string", "description": "Device identifier as returned by find_device, e.g. D517."}
ROOM = {"type": "string", "enum": ROOMS, "description": "Room of the home."}


@sim_tool(
    name="find_device", domain="smart_home",
    description="Find the smart device of a given kind in a room and return its device id.",
    parameters={"type": "object", "properties": {
        "room": ROOM, "kind": {"type": "string", "enum": KINDS, "description": "Kind of device."}},
        "required": ["room", "kind"]},
    returns={"type": "object", "properties": {
        "device_id": {"type": "string"}, "device_name": {"type": "string"}, "room": {"type": "string"},
        "device_kind": {"type": "string"}}},
    phrasings=["Find the {kind} in the {room}.", "What's the device id of the {room} {kind}?",
               "Which {kind} do I have in the {room}?", "Look up the {kind} device in my {room}."],
    sample_args=lambda rng, w: _room_and_kind(_pick(rng, w)),
)
def find_device(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("devices", room=args["room"], kind=args["kind"])
    if row is None:
        raise ToolError(f"no {args['kind']} in the {args['room']}")
    return {"device_id": row["device_id"], "device_name": row["device_name"], "room": row["room"],
            "device_kind": row["kind"]}


@sim_tool(
    name="get_device_status", domain="smart_home",
    description="Current state of a device: on/off, level (brightness, speed, volume or % open) and, "
                "for thermostats, target temperature and HVAC mode.",
    parameters={"type": "object", "properties": {"device_id": DEVICE_ID}, "required": ["device_id"]},
    returns={"type": "object", "properties": {
        "device_id": {"type": "string"}, "device_name": {"type": "string"}, "room": {"type": "string"},
        "device_kind": {"type": "string"}, "power": {"type": "boolean"}, "level": {"type": "integer"},
        "target_temp": {"type": "number", "description": "Thermostats only, degrees Celsius."},
        "hvac_mode": {"type": "string", "description": "Thermostats only."}}},
    phrasings=["Is device {device_id} on?", "What's the status of {device_id}?",
               "Check the current state of device {device_id}.", "Tell me how {device_id} is set right now."],
    sample_args=lambda rng, w: {"device_id": _pick(rng, w)["device_id"]},
)
def get_device_status(world: World, args: dict[str, Any]) -> dict[str, Any]:
    return _status(world, _device(world, args["device_id"]))


@sim_tool(
    name="set_device_state", domain="smart_home",
    description="Switch a device on or off and optionally set its level (brightness, fan speed, "
                "volume or blind opening, 0-100). Locks treat 'on' as locked; level is ignored by "
                "devices without one.",
    parameters={"type": "object", "properties": {
        "device_id": DEVICE_ID,
        "power": {"type": "boolean", "description": "True to switch on, false to switch off."},
        "level": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Level in percent."}},
        "required": ["device_id", "power"]},
    returns={"type": "object", "properties": {
        "device_id": {"type": "string"}, "device_name": {"type": "string"}, "power": {"type": "boolean"},
        "level": {"type": "integer"}}},
    phrasings=["Turn {power|on|off} device {device_id}.",
               "{power|Switch on|Switch off} {device_id} and set its level to {level}%.",
               "Please set {device_id} to {level} percent, {power|powered on|powered off}.",
               "Can you {power|turn on|turn off} {device_id}?"],
    sample_args=lambda rng,
    w: {"device_id": _pick(rng, w, DIMMABLE)["device_id"], "power": rng.random() < 0.6,
                                "level": rng.choice([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])},
    mutates=True,
)
def set_device_state(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _device(world, args["device_id"])
    changes: dict[str, Any] = {"power": bool(args["power"])}
    if "level" in args and row["kind"] in DIMMABLE:
        level = int(args["level"])
        if not 0 <= level <= 100:
            raise ToolError("level must be between 0 and 100")
        changes["level"] = level
    _override(world, row["device_id"], **changes)
    status = _status(world, row)
    return {k: status[k] for k in ("device_id", "device_name", "power", "level")}


@sim_tool(
    name="set_thermostat", domain="smart_home",
    description="Set a thermostat's target temperature in degrees Celsius and its HVAC mode; switches it on.",
    parameters={"type": "object", "properties": {
        "device_id": {"type": "string",
                      "description": "Thermostat device id (find_device with kind thermostat)."},
        "target_temp": {"type": "number", "minimum": 10, "maximum": 30,
                        "description": "Target in degrees Celsius."},
        "hvac_mode": {"type": "string", "enum": ["auto", "heat", "cool", "eco"], "default": "auto",
                      "description": "Heating/cooling operating mode."}},
        "required": ["device_id", "target_temp"]},
    returns={"type": "object", "properties": {
        "device_id": {"type": "string"}, "target_temp": {"type": "number"}, "hvac_mode": {"type": "string"},
        "current_temp": {"type": "number"},
        "action": {"type": "string", "enum": ["heating", "cooling", "idle"]}}},
    phrasings=["Set thermostat {device_id} to {target_temp} degrees.",
               "Put {device_id} on {hvac_mode} mode at {target_temp}°C.",
               "I want {device_id} at {target_temp} °C, {hvac_mode} mode please.",
               "Change the target temperature of {device_id} to {target_temp} Celsius."],
    sample_args=lambda rng, w: {"device_id": _pick(rng, w, {"thermostat"})["device_id"],
                                "target_temp": rng.choice([17.5, 18.0, 19.0, 20.0, 20.5, 21.0, 22.0, 23.5]),
                                "hvac_mode": rng.choice(["auto", "heat", "cool", "eco"])},
    mutates=True,
)
def set_thermostat(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _device(world, args["device_id"])
    if row["kind"] != "thermostat":
        raise ToolError(f"device {row['device_id']} is a {row['kind']}, not a thermostat")
    target = float(args["target_temp"])
    mode = args["hvac_mode"]
    if not 10 <= target <= 30 or mode not in ("auto", "heat", "cool", "eco"):
        raise ToolError("target_temp must be 10-30 degrees Celsius and hvac_mode auto, heat, cool or eco")
    _override(world, row["device_id"], power=True, target_temp=target, hvac_mode=mode)
    current = row["current_temp"]
    wants_heat = target > current + 0.4 and mode in ("auto", "heat", "eco")
    wants_cool = target < current - 0.4 and mode in ("auto", "cool")
    action = "heating" if wants_heat else "cooling" if wants_cool else "idle"
    return {"device_id": row["device_id"], "target_temp": target, "hvac_mode": mode,
            "current_temp": current, "action": action}


@sim_tool(
    name="get_room_energy_usage", domain="smart_home",
    description="Electricity used by the devices of a room over a period, its estimated cost, and the "
                "device that used the most.",
    parameters={"type": "object", "properties": {
        "room": ROOM,
        "period": {"type": "string", "enum": list(PERIOD_DAYS), "default": "day",
                   "description": "Reporting window: the last day, week or month."}},
        "required": ["room"]},
    returns={"type": "object", "properties": {
        "room": {"type": "string"}, "period": {"type": "string"}, "total_kwh": {"type": "number"},
        "estimated_cost": {"type": "number", "description": "In euros."},
        "device_id": {"type": "string", "description": "The device that used the most energy."},
        "device_kwh": {"type": "number", "description": "Energy used by that device."}}},
    phrasings=["How much energy did the {room} use?",
               "Energy usage of the {room} over the last {period}?",
               "What did the {room} devices cost me in electricity over the past {period}?",
               "Which device in the {room} is using the most power?"],
    sample_args=lambda rng, w: {"room": rng.choice(ROOMS), "period": rng.choice(list(PERIOD_DAYS))},
)
def get_room_energy_usage(world: World, args: dict[str, Any]) -> dict[str, Any]:
    if args["room"] not in ROOM_KINDS or args["period"] not in PERIOD_DAYS:
        raise ToolError("unknown room or period")
    days = PERIOD_DAYS[args["period"]]
    usage = [(round(d["watts"] * d["hours_per_day"] * days / 1000, 3), d["device_id"])
             for d in world.table("devices") if d["room"] == args["room"]]
    total = round(sum(kwh for kwh, _ in usage), 3)
    top_kwh, top_id = max(usage, key=lambda u: (u[0], u[1]))
    return {"room": args["room"], "period": args["period"], "total_kwh": total,
            "estimated_cost": round(total * PRICE_PER_KWH, 2), "device_id": top_id, "device_kwh": top_kwh}


@sim_tool(
    name="create_device_schedule", domain="smart_home",
    description="Create a weekly automation that switches a device on or off at a fixed time on chosen days.",
    parameters={"type": "object", "properties": {
        "device_id": DEVICE_ID,
        "schedule": {"type": "object", "description": "When and what to do.", "properties": {
            "days": {"type": "array", "items": {"type": "string", "enum": WEEKDAYS}, "minItems": 1,
                     "description": "Days of the week."},
            "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
                     "description": "Time of day, 24-hour HH:MM."},
            "action": {"type": "string", "enum": ["on", "off"], "description": "Switch on or off."}},
            "required": ["days", "time", "action"]},
        "label": {"type": "string", "description": "Optional name for the automation."}},
        "required": ["device_id", "schedule"]},
    returns={"type": "object", "properties": {
        "schedule_id": {"type": "string"}, "device_id": {"type": "string"},
        "runs_per_week": {"type": "integer"},
        "run_time": {"type": "string"}, "action": {"type": "string"}}},
    phrasings=["Switch {device_id} {schedule.action} every {schedule.days} at {schedule.time}.",
               ("Create a schedule for {device_id}: turn it {schedule.action} at {schedule.time} "
                "on {schedule.days}."),
               ("Automate {device_id} to go {schedule.action} at {schedule.time} each {schedule.days}, "
                "and call it \"{label}\"."),
               "On {schedule.days}, at {schedule.time}, I want {device_id} switched {schedule.action}."],
    sample_args=lambda rng, w: {
        "device_id": _pick(rng, w, {"light", "plug", "fan", "speaker", "blinds"})["device_id"],
        "schedule": {"days": _subset(rng, WEEKDAYS, 1, 4),
                     "time": f"{rng.randint(5, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}",
                     "action": rng.choice(["on", "off"])},
        "label": rng.choice(["Morning routine", "Night mode", "Away lights", "Wake-up",
                              "Evening wind-down"])},
    mutates=True,
)
def create_device_schedule(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _device(world, args["device_id"])
    spec = args["schedule"]
    days, when, action = spec["days"], spec["time"], spec["action"]
    if not days or any(d not in WEEKDAYS for d in days) or len(set(days)) != len(days):
        raise ToolError("days must be distinct weekday names")
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", str(when)) or action not in ("on", "off"):
        raise ToolError("time must be HH:MM and action on or off")
    schedules = world.state.setdefault("device_schedules", [])
    for other in schedules:
        same_slot = other["device_id"] == row["device_id"] and other["time"] == when
        if same_slot and set(other["days"]) & set(days):
            raise ToolError(f"{row['device_id']} already has a schedule at {when} on one of those days")
    schedule_id = f"AS{700 + len(schedules) + 1}"
    schedules.append({"schedule_id": schedule_id, "device_id": row["device_id"], "days": list(days),
                      "time": when, "action": action})
    return {"schedule_id": schedule_id, "device_id": row["device_id"], "runs_per_week": len(days),
            "run_time": when, "action": action}


# what each scene does to each kind of device: (power, level); level None keeps the current one
SCENE_SETTINGS: dict[str, dict[str, tuple[bool, int | None]]] = {
    "movie night": {"light": (True, 20), "blinds": (True, 0), "speaker": (True, 45)},
    "good morning": {"light": (True, 80), "blinds": (True, 100), "speaker": (True, 25),
                     "thermostat": (True, None)},
    "away": {"light": (False, None), "plug": (False, None), "speaker": (False, None), "fan": (False, None),
             "lock": (True, None), "camera": (True, None)},
    "bedtime": {"light": (False, None), "blinds": (True, 0), "speaker": (False, None), "lock": (True, None)},
}


@sim_tool(
    name="activate_scene", domain="smart_home",
    description="Apply a preset scene (movie night, good morning, away, bedtime) to the devices of "
                "some rooms.",
    parameters={"type": "object", "properties": {
        "scene": {"type": "string", "enum": SCENES, "description": "Preset to apply."},
        "rooms": {"type": "array", "items": ROOM, "minItems": 1,
                  "description": "Rooms the scene applies to."},
        "light_level": {"type": "integer", "minimum": 1, "maximum": 100,
                        "description": "Override the brightness of lights the scene switches on."}},
        "required": ["scene", "rooms"]},
    returns={"type": "object", "properties": {
        "scene": {"type": "string"}, "devices_changed": {"type": "integer"},
        "device_ids": {"type": "array", "items": {"type": "string"}}}},
    phrasings=["Activate the {scene} scene in the {rooms}.",
               "Set up {scene} for the {rooms}, with lights at {light_level}%.",
               "Run my {scene} preset in the {rooms}.",
               "Put the {rooms} into {scene} mode and dim the lights to {light_level} percent."],
    sample_args=lambda rng, w: {"scene": rng.choice(SCENES),
                                "rooms": _subset(rng, ROOMS, 1, 3),
                                "light_level": rng.choice([10, 15, 25, 35, 50, 70])},
    mutates=True,
)
def activate_scene(world: World, args: dict[str, Any]) -> dict[str, Any]:
    rooms = args["rooms"]
    if args["scene"] not in SCENE_SETTINGS or not rooms or any(r not in ROOM_KINDS for r in rooms):
        raise ToolError("unknown scene or room")
    settings = SCENE_SETTINGS[args["scene"]]
    changed = []
    for row in world.table("devices"):
        if row["room"] not in args["rooms"] or row["kind"] not in settings:
            continue
        power, level = settings[row["kind"]]
        if row["kind"] == "light" and power and "light_level" in args:
            level = int(args["light_level"])
        _override(world, row["device_id"], power=power, **({} if level is None else {"level": level}))
        changed.append(row["device_id"])
    return {"scene": args["scene"], "devices_changed": len(changed), "device_ids": changed}
