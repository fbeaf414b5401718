"""Calendar domain: finding, creating, moving and cancelling events, free slots, reminders.

(Named ``calendar_events`` so it does not shadow the stdlib ``calendar``.)
The calendar lives in ``world.state["calendar"]``, copied on first use from the
seeded ``calendar_entries`` table, so every tool sees the effect of earlier
creates, moves and cancellations. A recurring event is stored as one row per
occurrence sharing the same ``event_id``; cancel and reschedule act on the
whole series.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from fcbench.data.generator.domains.messaging import CONTACTS
from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

_DAYS = (date(2026, 3, 2) + timedelta(days=i) for i in range(33))
CAL_DATES = [d.isoformat() for d in _DAYS if d.weekday() < 5]  # weekdays of March 2026 + 3 April days
# (title, a keyword a user would search with)
SEEDED_EVENTS = [
    ("Quarterly budget review", "budget"), ("Design sync", "design"), ("1:1 with Priya", "Priya"),
    ("Dentist appointment", "dentist"), ("Sprint planning", "sprint"), ("Lunch with Marco", "lunch"),
    ("Client call with Halvorsen", "Halvorsen"), ("Yoga class", "yoga"), ("Product demo", "demo"),
    ("Parent-teacher meeting", "teacher"), ("Car service", "car service"), ("Book club", "book club"),
    ("Interview: backend engineer", "interview"), ("Board presentation rehearsal", "rehearsal"),
    ("Coffee with Elena", "coffee"), ("Tax advisor meeting", "tax"), ("Vet appointment for Biscuit", "vet"),
    ("Marketing offsite prep", "offsite"),
]
NEW_TITLES = ["Project kickoff", "Call with the landlord", "Haircut", "Dinner with Sam and Jo",
              "Budget follow-up", "Quarterly planning", "Piano lesson", "Hiring committee"]
LOCATIONS = ["Room 4B", "Video call", "Main office, floor 3", "Cafe Aurora", "Riverside Park",
             "Downtown clinic", "Conference room Atlas"]
FREQUENCY_DAYS = {"daily": 1, "weekly": 7, "biweekly": 14}


def _minutes(hhmm: str) -> int:
    try:
        h, m = map(int, hhmm.split(":"))
    except ValueError:
        raise ToolError(f"invalid time {hhmm!r}, expected HH:MM") from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ToolError(f"invalid time {hhmm!r}")
    return h * 60 + m


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"invalid date {value!r}, expected YYYY-MM-DD") from None


@table("calendar_entries")
def _entries(rng: random.Random) -> list[dict[str, Any]]:
    rows, used = [], set()
    for title, _ in SEEDED_EVENTS:
        event_id = f"EV{rng.randint(1000, 7999)}"
        while event_id in used:
            event_id = f"EV{rng.randint(1000, 7999)}"
        used.add(event_id)
        rows.append({"event_id": event_id, "title": title, "date": rng.choice(CAL_DATES),
                     "start_time": _hhmm(rng.randint(16, 34) * 30),
                     "duration_minutes": rng.choice([30, 45, 60, 90]),
                     "location": rng.choice(LOCATIONS),
                     "attendees": [c[1] for c in rng.sample(CONTACTS, rng.randint(0, 3))],
                     "status": "confirmed"})
    return rows


def _events(world: World) -> list[dict[str, Any]]:
    if "calendar" not in world.state:
        world.state["calendar"] = {"events": [dict(r, attendees=list(r["attendees"]))
                                              for r in world.table("calendar_entries")],
                                   "created": 0, "reminders": 0}
    return world.state["calendar"]["events"]


def _series(world: World, event_id: str) -> list[dict[str, Any]]:
    rows = [e for e in _events(world) if e["event_id"].casefold() == event_id.strip().casefold()]
    if not rows:
        raise ToolError(f"unknown event_id {event_id}")
    if all(e["status"] == "cancelled" for e in rows):
        raise ToolError(f"event {rows[0]['event_id']} is cancelled")
    return sorted(rows, key=lambda e: (e["date"], e["start_time"]))


def _end(event: dict[str, Any]) -> str:
    return _hhmm(min(_minutes(event["start_time"]) + event["duration_minutes"], 24 * 60 - 1))


def _overlaps(world: World, day: str, start: int, end: int, skip_id: str = "") -> int:
    return sum(1 for e in _events(world)
               if e["date"] == day and e["status"] == "confirmed" and e["event_id"] != skip_id
               and _minutes(e["start_time"]) < end
               and start < _minutes(e["start_time"]) + e["duration_minutes"])


EVENT_ID = {"type": "string", "description": "Event identifier as returned by find_event or create_event."}
DATE = {"type": "string", "format": "date", "description": "Day, YYYY-MM-DD."}
TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "Time of day, HH:MM (24 h)."}


def _sample_keyword(rng: random.Random, world: World) -> dict[str, Any]:
    row = rng.choice(world.table("calendar_entries"))
    keyword = dict(SEEDED_EVENTS)[row["title"]]
    return {"keyword": keyword, "date": row["date"]}


@sim_tool(
    name="find_event", domain="calendar",
    description="Find the next calendar event whose title contains a keyword, optionally on a given day.",
    parameters={"type": "object", "properties": {
        "keyword": {"type": "string", "description": "Word from the event title, e.g. dentist."},
        "date": DATE},
        "required": ["keyword"]},
    returns={"type": "object", "properties": {
        "event_id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
        "start_time": {"type": "string"}, "end_time": {"type": "string"}, "location": {"type": "string"}}},
    phrasings=["When is my {keyword} event?", "Find the {keyword} meeting in my calendar.",
               "What time is the {keyword} thing on {date}?", "Look up my {keyword} appointment on {date}."],
    sample_args=_sample_keyword,
)
def find_event(world: World, args: dict[str, Any]) -> dict[str, Any]:
    keyword = args["keyword"].strip().casefold()
    day = _day(args["date"]).isoformat() if "date" in args else None
    hits = [e for e in _events(world) if e["status"] == "confirmed" and day in (None, e["date"])
            and keyword and keyword in e["title"].casefold()]
    if not hits:
        raise ToolError(f"no event matching {args['keyword']!r}")
    e = min(hits, key=lambda e: (e["date"], e["start_time"], e["event_id"]))
    return {"event_id": e["event_id"], "title": e["title"], "date": e["date"], "start_time": e["start_time"],
            "end_time": _end(e), "location": e["location"]}


@sim_tool(
    name="list_events", domain="calendar",
    description="List all events on one day with their times, and how many minutes are booked.",
    parameters={"type": "object", "properties": {
        "date": DATE,
        "include_cancelled": {"type": "boolean", "default": False,
                              "description": "Also list cancelled events."}},
        "required": ["date"]},
    returns={"type": "object", "properties": {
        "date": {"type": "string"}, "count": {"type": "integer"}, "busy_minutes": {"type": "integer"},
        "events": {"type": "array", "items": {"type": "object", "properties": {
            "event_id": {"type": "string"}, "title": {"type": "string"}, "start_time": {"type": "string"},
            "end_time": {"type": "string"}, "status": {"type": "string"}}}}}},
    phrasings=["What's on my calendar on {date}?",
               "List my events for {date}{include_cancelled|, including cancelled ones|}.",
               "How busy am I on {date}?",
               ("Show everything scheduled on {date}"
                "{include_cancelled|, even cancelled events|, active events only}.")],
    sample_args=lambda rng, w: {"date": rng.choice(w.table("calendar_entries"))["date"],
                                "include_cancelled": rng.random() < 0.3},
)
def list_events(world: World, args: dict[str, Any]) -> dict[str, Any]:
    day = _day(args["date"]).isoformat()
    rows = sorted((e for e in _events(world) if e["date"] == day
                   and (e["status"] == "confirmed" or args["include_cancelled"])),
                  key=lambda e: (e["start_time"], e["event_id"]))
    busy = sum(e["duration_minutes"] for e in rows if e["status"] == "confirmed")
    return {"date": day, "count": len(rows), "busy_minutes": busy,
            "events": [{"event_id": e["event_id"], "title": e["title"], "start_time": e["start_time"],
                        "end_time": _end(e), "status": e["status"]} for e in rows]}


def _sample_create(rng: random.Random, world: World) -> dict[str, Any]:
    return {"title": rng.choice(NEW_TITLES), "date": rng.choice(CAL_DATES),
            "start_time": _hhmm(rng.randint(16, 34) * 30),
            "duration_minutes": rng.choice([30, 45, 60, 90, 120]),
            "location": rng.choice(LOCATIONS),
            "attendees": [c[1] for c in rng.sample(CONTACTS, rng.randint(1, 3))],
            "recurrence": {"frequency": rng.choice(list(FREQUENCY_DAYS)), "occurrences": rng.randint(2, 6)}}


@sim_tool(
    name="create_event", domain="calendar",
    description="Add an event to the calendar, optionally with attendees, a location and a repeat rule. "
                "Reports how many existing events it overlaps.",
    parameters={"type": "object", "properties": {
        "title": {"type": "string", "description": "Event title."},
        "date": DATE, "start_time": TIME,
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 720, "default": 60,
                             "description": "Length in minutes."},
        "location": {"type": "string", "description": "Where it happens."},
        "attendees": {"type": "array", "items": {"type": "string"}, "default": [],
                      "description": "Email addresses to invite."},
        "recurrence": {"type": "object", "description": "Repeat rule; omit for a one-off event.",
                       "properties": {
            "frequency": {"type": "string", "enum": list(FREQUENCY_DAYS)},
            "occurrences": {"type": "integer", "minimum": 2, "maximum": 12,
                            "description": "Total number of occurrences."}},
            "required": ["frequency", "occurrences"]}},
        "required": ["title", "date", "start_time"]},
    returns={"type": "object", "properties": {
        "event_id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
        "start_time": {"type": "string"}, "end_time": {"type": "string"},
        "attendee_count": {"type": "integer"},
        "occurrences": {"type": "integer"}, "conflicts": {"type": "integer"}}},
    phrasings=["Put \"{title}\" on my calendar on {date} at {start_time}.",
               "Schedule {title} for {date} at {start_time}, {duration_minutes} minutes, at {location}.",
               "Create an event \"{title}\" on {date} starting {start_time} and invite {attendees}.",
               ("Add \"{title}\" on {date} at {start_time} for {duration_minutes} minutes, repeating "
               "{recurrence.frequency} for {recurrence.occurrences} occurrences.")],
    sample_args=_sample_create,
    mutates=True,
)
def create_event(world: World, args: dict[str, Any]) -> dict[str, Any]:
    title = args["title"].strip()
    first = _day(args["date"])
    start, length = _minutes(args["start_time"]), int(args["duration_minutes"])
    if not title or not 5 <= length <= 720 or start + length > 24 * 60:
        raise ToolError("empty title or duration outside the day")
    rule = args.get("recurrence")
    count, step = 1, 0
    if rule is not None:
        if rule["frequency"] not in FREQUENCY_DAYS or not 2 <= int(rule["occurrences"]) <= 12:
            raise ToolError("invalid recurrence")
        count, step = int(rule["occurrences"]), FREQUENCY_DAYS[rule["frequency"]]
    _events(world)  # make sure the calendar state exists
    cal = world.state["calendar"]
    cal["created"] += 1
    event_id = f"EV{8000 + cal['created']}"
    conflicts = 0
    for i in range(count):
        day = (first + timedelta(days=i * step)).isoformat()
        conflicts += _overlaps(world, day, start, start + length)
        _events(world).append({"event_id": event_id, "title": title, "date": day, "start_time": _hhmm(start),
                               "duration_minutes": length, "location": args.get("location", ""),
                               "attendees": list(args["attendees"]), "status": "confirmed"})
    return {"event_id": event_id, "title": title, "date": first.isoformat(), "start_time": _hhmm(start),
            "end_time": _hhmm(start + length), "attendee_count": len(args["attendees"]),
            "occurrences": count, "conflicts": conflicts}


@sim_tool(
    name="find_free_slot", domain="calendar",
    description="Find the earliest free time slot of a given length on a day, within working hours.",
    parameters={"type": "object", "properties": {
        "date": DATE,
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480,
                             "description": "Length needed."},
        "earliest_start": dict(TIME, default="09:00", description="Do not start before this time (HH:MM)."),
        "latest_end": dict(TIME, default="18:00", description="Must end by this time (HH:MM).")},
        "required": ["date", "duration_minutes"]},
    returns={"type": "object", "properties": {
        "date": {"type": "string"}, "start_time": {"type": "string"}, "end_time": {"type": "string"},
        "duration_minutes": {"type": "integer"}}},
    phrasings=["When am I free for {duration_minutes} minutes on {date}?",
               ("Find a gap of {duration_minutes} minutes in my calendar on {date} between {earliest_start} "
                "and {latest_end}."),
               "I need {duration_minutes} minutes free on {date}, not before {earliest_start}.",
               "Find me an open slot of {duration_minutes} minutes on {date} that ends by {latest_end}."],
    sample_args=lambda rng, w: {"date": rng.choice(CAL_DATES),
                                "duration_minutes": rng.choice([15, 30, 45, 60, 90]),
                                "earliest_start": rng.choice(["08:00", "09:00", "10:00"]),
                                "latest_end": rng.choice(["17:00", "18:00", "19:00"])},
)
def find_free_slot(world: World, args: dict[str, Any]) -> dict[str, Any]:
    day = _day(args["date"]).isoformat()
    length = int(args["duration_minutes"])
    lo, hi = _minutes(args["earliest_start"]), _minutes(args["latest_end"])
    if length < 5:
        raise ToolError("duration must be at least 5 minutes")
    for start in range(lo, hi - length + 1, 15):
        if _overlaps(world, day, start, start + length) == 0:
            return {"date": day, "start_time": _hhmm(start), "end_time": _hhmm(start + length),
                    "duration_minutes": length}
    raise ToolError(f"no free {length}-minute slot on {day}")


@sim_tool(
    name="reschedule_event", domain="calendar",
    description="Move an event (the whole series if it repeats) to a new day and start time.",
    parameters={"type": "object", "properties": {
        "event_id": EVENT_ID, "new_date": DATE, "new_start_time": TIME},
        "required": ["event_id", "new_date", "new_start_time"]},
    returns={"type": "object", "properties": {
        "event_id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
        "start_time": {"type": "string"}, "end_time": {"type": "string"}, "conflicts": {"type": "integer"}}},
    phrasings=["Move event {event_id} to {new_date} at {new_start_time}.",
               "Reschedule {event_id} for {new_date}, {new_start_time}.",
               "Can you push {event_id} to {new_start_time} on {new_date}?"],
    sample_args=lambda rng, w: {"event_id": rng.choice(w.table("calendar_entries"))["event_id"],
                                "new_date": rng.choice(CAL_DATES),
                                "new_start_time": _hhmm(rng.randint(16, 34) * 30)},
    mutates=True,
)
def reschedule_event(world: World, args: dict[str, Any]) -> dict[str, Any]:
    rows = [e for e in _series(world, args["event_id"]) if e["status"] == "confirmed"]
    target, start = _day(args["new_date"]), _minutes(args["new_start_time"])
    shift = target - date.fromisoformat(rows[0]["date"])
    for e in rows:
        e["date"] = (date.fromisoformat(e["date"]) + shift).isoformat()
        e["start_time"] = _hhmm(start)
    first = rows[0]
    return {"event_id": first["event_id"], "title": first["title"], "date": first["date"],
            "start_time": first["start_time"], "end_time": _end(first),
            "conflicts": _overlaps(world, first["date"], start, start + first["duration_minutes"],
                                   first["event_id"])}


@sim_tool(
    name="cancel_event", domain="calendar",
    description="Cancel a calendar event (every occurrence if it repeats), optionally notifying attendees.",
    parameters={"type": "object", "properties": {
        "event_id": EVENT_ID,
        "notify_attendees": {"type": "boolean", "default": True, "description": "Email the attendees."}},
        "required": ["event_id"]},
    returns={"type": "object", "properties": {
        "event_id": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "string"},
        "cancelled_occurrences": {"type": "integer"}, "notified_count": {"type": "integer"}}},
    phrasings=["Cancel event {event_id}.",
               ("Delete {event_id} from my calendar"
                "{notify_attendees| and let everyone know| without notifying anyone}."),
               ("Call off {event_id}"
                "{notify_attendees|, notify the attendees|, no need to tell the attendees}."),
               "Please remove the event {event_id}."],
    sample_args=lambda rng, w: {"event_id": rng.choice(w.table("calendar_entries"))["event_id"],
                                "notify_attendees": rng.random() < 0.6},
    mutates=True,
)
def cancel_event(world: World, args: dict[str, Any]) -> dict[str, Any]:
    rows = [e for e in _series(world, args["event_id"]) if e["status"] == "confirmed"]
    for e in rows:
        e["status"] = "cancelled"
    notified = len(rows[0]["attendees"]) if args["notify_attendees"] else 0
    return {"event_id": rows[0]["event_id"], "title": rows[0]["title"], "status": "cancelled",
            "cancelled_occurrences": len(rows), "notified_count": notified}


@sim_tool(
    name="set_reminder", domain="calendar",
    description="Set a reminder before an event, by push notification, email or SMS.",
    parameters={"type": "object", "properties": {
        "event_id": EVENT_ID,
        "minutes_before": {"type": "integer", "enum": [5, 10, 15, 30, 60, 120, 1440], "default": 15,
                           "description": "How long before the start to remind you."},
        "channel": {"type": "string", "enum": ["push", "email", "sms"], "default": "push",
                    "description": "How to deliver the reminder."}},
        "required": ["event_id"]},
    returns={"type": "object", "properties": {
        "reminder_id": {"type": "string"}, "event_id": {"type": "string"}, "remind_at": {"type": "string"},
        "channel": {"type": "string"}}},
    phrasings=["Remind me about {event_id}.", "Set a reminder {minutes_before} minutes before {event_id}.",
               "Send me a reminder by {channel} for {event_id}, {minutes_before} minutes ahead.",
               "Nudge me via {channel} before event {event_id}."],
    sample_args=lambda rng, w: {"event_id": rng.choice(w.table("calendar_entries"))["event_id"],
                                "minutes_before": rng.choice([5, 10, 15, 30, 60, 120]),
                                "channel": rng.choice(["push", "email", "sms"])},
    mutates=True,
)
def set_reminder(world: World, args: dict[str, Any]) -> dict[str, Any]:
    first = next(e for e in _series(world, args["event_id"]) if e["status"] == "confirmed")
    before, channel = int(args["minutes_before"]), args["channel"]
    if before not in (5, 10, 15, 30, 60, 120, 1440) or channel not in ("push", "email", "sms"):
        raise ToolError("invalid reminder time or channel")
    start = datetime.fromisoformat(f"{first['date']}T{first['start_time']}")
    world.state["calendar"]["reminders"] += 1
    return {"reminder_id": f"RM{600 + world.state['calendar']['reminders']}", "event_id": first["event_id"],
            "remind_at": (start - timedelta(minutes=before)).strftime("%Y-%m-%d %H:%M"), "channel": channel}
