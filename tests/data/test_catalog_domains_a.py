"""Catalog domains travel, finance, calendar, shopping, messaging and maps.

Checks per tool: schemas are valid JSON Schema, sampled arguments validate and
execute without error into results that match the `returns` schema, execution
is deterministic, phrasings mention every required parameter with well-formed
slots. Per domain: producer->consumer links exist and really chain, and the
mutating tools make call order matter.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from jsonschema import Draft202012Validator

from fcbench.data.generator.tooling import World, catalog, run_tool

DOMAINS = ("travel", "finance", "calendar", "shopping", "messaging", "maps")
TOOLS = {name: t for name, t in sorted(catalog().items()) if t.domain in DOMAINS}
SEEDS = range(30)
SLOT = re.compile(r"\{([^{}]*)\}")
SCALARS = ("string", "integer", "number")


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema)


def _sample(name: str, seed: int, world: World | None = None) -> dict:
    tool = TOOLS[name]
    return tool.sample_args(random.Random(seed), world or World(seed))


def _slots(phrasing: str) -> list[tuple[str, str | None, list[str] | None]]:
    """(parameter, object field or None, boolean alternatives or None) for every slot."""
    out = []
    for body in SLOT.findall(phrasing):
        head, *alts = body.split("|")
        param, _, field = head.partition(".")
        out.append((param, field or None, alts if alts else None))
    return out


def test_every_domain_has_enough_tools():
    counts = {d: sum(t.domain == d for t in TOOLS.values()) for d in DOMAINS}
    assert all(n >= 6 for n in counts.values()), counts


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_schemas_are_valid_json_schema(name):
    tool = TOOLS[name]
    Draft202012Validator.check_schema(tool.parameters)
    Draft202012Validator.check_schema(tool.returns)
    props = tool.parameters["properties"]
    assert tool.parameters["type"] == "object"
    assert set(tool.parameters.get("required", [])) <= set(props)
    assert tool.returns["type"] == "object" and tool.returns["properties"]
    for pname, pschema in props.items():
        if "default" in pschema:  # a default must itself be a valid value
            _validator(pschema).validate(pschema["default"])
            assert pname not in tool.parameters.get("required", []), f"{pname} is required but has a default"


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_sampled_calls_validate_execute_and_match_returns(name):
    tool = TOOLS[name]
    params, returns = _validator(tool.parameters), _validator(tool.returns)
    declared = set(tool.returns["properties"])
    for seed in SEEDS:
        args = _sample(name, seed)
        assert json.loads(json.dumps(args)) == args, "sampled args must be plain JSON"
        params.validate(args)
        result = run_tool(World(seed), name, args)
        assert "error" not in result, (seed, args, result)
        returns.validate(result)
        assert set(result) <= declared, f"undeclared return fields {set(result) - declared}"
        assert json.loads(json.dumps(result)) == result
        again = run_tool(World(seed), name, args)
        assert again == result, "the same call on a fresh world must give the same result"


@pytest.mark.parametrize("name", sorted(n for n, t in TOOLS.items() if not t.mutates))
def test_read_only_tools_give_the_same_answer_twice_in_one_world(name):
    for seed in range(5):
        world = World(seed)
        args = _sample(name, seed, world)
        assert run_tool(world, name, args) == run_tool(world, name, args)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_phrasings_are_well_formed(name):
    tool = TOOLS[name]
    props = tool.parameters["properties"]
    required = set(tool.parameters.get("required", []))
    sampled = set(_sample(name, 0))
    assert len(tool.phrasings) >= 3
    assert len(set(tool.phrasings)) == len(tool.phrasings), "duplicate phrasing"
    for phrasing in tool.phrasings:
        assert "{" not in SLOT.sub("", phrasing) and "}" not in SLOT.sub("", phrasing), phrasing
        slots = _slots(phrasing)
        mentioned = {p for p, _, _ in slots}
        assert required <= mentioned, f"{phrasing!r} misses {required - mentioned}"
        assert mentioned <= sampled, f"{phrasing!r} mentions params the sampler never provides"
        for param, field, alts in slots:
            assert param in props, f"unknown slot {param} in {phrasing!r}"
            kind = props[param].get("type")
            if kind == "boolean":
                assert alts is not None and len(alts) == 2, f"boolean {param} needs {{flag|yes|no}}"
            else:
                assert alts is None, f"only booleans take alternatives: {param}"
            if kind == "object":
                assert field in props[param]["properties"], f"{param}.{field} is not a field"
        for param in {p for p in mentioned if props[p].get("type") == "object"}:
            fields = {f for p, f, _ in slots if p == param}
            assert fields == set(props[param]["properties"]), f"{phrasing!r} leaves out fields of {param}"


def _links() -> set[tuple[str, str, str]]:
    """(producer, field, consumer): a scalar return field named and typed like a consumer parameter."""
    everything = catalog()
    found = set()
    for prod in TOOLS.values():
        for field, fschema in prod.returns["properties"].items():
            if fschema.get("type") not in SCALARS:
                continue
            for cons in everything.values():
                pschema = cons.parameters["properties"].get(field)
                if cons.name != prod.name and pschema and pschema.get("type") == fschema["type"]:
                    found.add((prod.name, field, cons.name))
    return found


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_two_producer_consumer_links(domain):
    pairs = {(p, c) for p, _, c in _links() if TOOLS[p].domain == domain}
    producers = {p for p, _ in pairs}
    assert len(pairs) >= 2 and len(producers) >= 2, pairs


# (producer, fields passed on, consumer): the links the generator is meant to use; each must really
# chain when the consumer gets the linked fields plus its other required arguments.
CHAINS = [
    ("search_flights", ("flight_id",), "book_flight"),
    ("search_flights", ("flight_id",), "get_flight_status"),
    ("search_hotels", ("hotel_id",), "book_hotel"),
    ("book_flight", ("booking_id",), "cancel_booking"),
    ("book_hotel", ("booking_id",), "cancel_booking"),
    ("find_city", ("city_id",), "search_hotels"),
    ("lookup_ticker", ("symbol",), "get_stock_quote"),
    ("lookup_ticker", ("symbol",), "get_stock_history"),
    ("place_stock_order", ("trade_id",), "get_trade_status"),
    ("find_event", ("event_id",), "cancel_event"),
    ("find_event", ("event_id",), "reschedule_event"),
    ("create_event", ("event_id",), "set_reminder"),
    ("find_free_slot", ("date", "start_time"), "create_event"),
    ("search_products", ("product_id",), "add_to_cart"),
    ("search_products", ("product_id",), "get_product_details"),
    ("checkout", ("order_number",), "track_shipment"),
    ("find_contact", ("email",), "send_email"),
    ("find_contact", ("phone",), "send_sms"),
    ("find_contact", ("contact_id",), "send_message"),
    ("search_places", ("place_id",), "get_place_details"),
    ("search_places", ("place_id",), "save_place"),
    ("search_places", ("lat", "lon"), "reverse_geocode"),
    ("calculate_distance", ("origin_city", "destination_city"), "get_directions"),
]


@pytest.mark.parametrize("producer,fields,consumer", CHAINS)
def test_declared_links_chain_without_error(producer, fields, consumer):
    cat = catalog()
    for seed in range(10):
        world, rng = World(seed), random.Random(seed)
        if producer == "calculate_distance":  # use a pair that has a road route
            args = cat["get_directions"].sample_args(rng, world)
            out = run_tool(world, producer, {"origin_city": args["origin_city"],
                                             "destination_city": args["destination_city"]})
        else:
            out = run_tool(world, producer, cat[producer].sample_args(rng, world))
        assert "error" not in out, (producer, out)
        # Optional filters are sampled for the consumer's own draw, so keep only required ones.
        required = cat[consumer].parameters["required"]
        sampled = cat[consumer].sample_args(rng, world)
        args = dict({k: sampled[k] for k in required}, **{f: out[f] for f in fields})
        result = run_tool(world, consumer, args)
        assert "error" not in result, (seed, producer, consumer, args, result)


def _call(world: World, name: str, **args) -> dict:
    return run_tool(world, name, args)


def test_mutating_tools_are_flagged_and_spread_over_domains():
    mutating = {d: sorted(n for n, t in TOOLS.items() if t.domain == d and t.mutates) for d in DOMAINS}
    assert sum(len(v) >= 2 for v in mutating.values()) >= 2, mutating


def test_cart_order_matters():
    world = World(3)
    before = _call(world, "track_shipment", order_number="ORD-700005")
    assert "error" in before, "no order placed yet"
    product = _call(world, "search_products", query="yoga mat", in_stock_only=False)["product_id"]
    stock = _call(world, "get_product_details", product_id=product)["stock"]
    if stock:
        added = _call(world, "add_to_cart", product_id=product, quantity=1)
        assert added["cart_item_count"] >= 1
    address = {"street": "12 Rose Lane", "city": "Lisbon", "postal_code": "1100", "country": "Portugal"}
    coupon = _call(world, "apply_coupon", code="WELCOME10")
    order = _call(world, "checkout", shipping_address=address)
    assert order["discount"] == pytest.approx(coupon["cart_total"] * 0.10, abs=0.01)
    assert _call(world, "track_shipment", order_number=order["order_number"])["status"] == "processing"
    assert "error" in _call(world, "checkout", shipping_address=address), "the cart is empty after checkout"
    assert "error" in _call(world, "apply_coupon", code="FLASH30"), "expired coupon"


def test_calendar_order_matters():
    world = World(5)
    slot = _call(world, "find_free_slot", date="2026-03-10", duration_minutes=60)
    made = _call(world,
                 "create_event", title="Project kickoff", date=slot["date"], start_time=slot["start_time"])
    assert made["conflicts"] == 0
    listed = _call(world, "list_events", date="2026-03-10")
    assert made["event_id"] in {e["event_id"] for e in listed["events"]}
    again = _call(world, "find_free_slot", date="2026-03-10", duration_minutes=60)
    assert again["start_time"] != slot["start_time"], "the slot is taken now"
    assert _call(world, "cancel_event", event_id=made["event_id"])["status"] == "cancelled"
    assert "error" in _call(world, "cancel_event", event_id=made["event_id"]), "already cancelled"
    series = _call(world, "create_event", title="Piano lesson", date="2026-03-02", start_time="07:00",
                   recurrence={"frequency": "weekly", "occurrences": 3})
    assert series["occurrences"] == 3
    assert _call(world, "list_events", date="2026-03-16")["events"][0]["event_id"] == series["event_id"]


def test_messaging_order_matters():
    world = World(1)
    contact = _call(world, "find_contact", contact_name="Priya")
    sent = _call(world, "send_email", email=contact["email"], subject="Hi", body="see you")
    latest = _call(world, "list_sent_messages", message_type="email", limit=1)
    assert latest["latest_message_id"] == sent["message_id"]
    sms = _call(world, "send_sms", phone=contact["phone"], text="x" * 200)
    assert sms["segments"] == 2
    assert _call(world, "list_sent_messages")["latest_message_id"] == sms["message_id"]


def test_finance_order_matters():
    world = World(2)
    symbol = _call(world, "lookup_ticker", company="Quillon")["symbol"]
    before = _call(world, "get_portfolio")
    trade = _call(world, "place_stock_order", symbol=symbol, side="buy", shares=2)
    assert trade["status"] == "filled"
    after = _call(world, "get_portfolio")
    held = {p["symbol"]: p["shares"] for p in after["positions"]}
    was = {p["symbol"]: p["shares"] for p in before["positions"]}
    assert held[symbol] == was.get(symbol, 0) + 2
    assert after["cash"] == pytest.approx(before["cash"] - trade["total_value"], abs=0.01)
    assert _call(world, "get_trade_status", trade_id=trade["trade_id"])["status"] == "filled"
    assert "error" in _call(world, "place_stock_order", symbol=symbol, side="sell", shares=10**6), "not held"


def test_travel_order_matters():
    world = World(4)
    args = TOOLS["search_flights"].sample_args(random.Random(4), world)
    flight = _call(world, "search_flights", **args)
    count = _call(world, "list_trip_bookings")["count"]
    booking = _call(world, "book_flight", flight_id=flight["flight_id"],
                    passenger={"first_name": "Ana", "last_name": "Costa", "date_of_birth": "1990-05-01"})
    assert _call(world, "list_trip_bookings")["count"] == count + 1
    refund = _call(world, "cancel_booking", booking_id=booking["booking_id"])["refund_amount"]
    assert refund == pytest.approx(booking["total_price"] * 0.8, abs=0.01)
    assert "error" in _call(world, "cancel_booking", booking_id=booking["booking_id"]), "already cancelled"


# (tool, arguments, why the backend must reject them)
REJECTED = [
    ("book_flight", {"flight_id": "ZZ000", "passenger": {"first_name": "A", "last_name": "B",
                                                        "date_of_birth": "1990-01-01"}}, "unknown flight"),
    ("search_flights", {"origin_city": "Atlantis", "destination_city": "Paris", "date": "2026-03-05"},
     "unknown city"),
    ("search_flights", {"origin_city": "Lisbon", "destination_city": "Paris", "date": "05/03/2026"},
     "bad date"),
    ("search_hotels", {"city_id": "C000", "check_in": "2026-03-05", "nights": 2}, "unknown city id"),
    ("get_stock_quote", {"symbol": "NOPE"}, "unknown ticker"),
    ("get_stock_history", {"symbol": "QUIL", "lookback_days": 90}, "window too long"),
    ("convert_currency", {"amount": 10, "from_currency": "XYZ", "to_currency": "EUR"}, "unknown currency"),
    ("transfer_funds", {"from_account": "checking", "amount": 10**9,
                        "recipient": {"full_name": "X",
                                      "iban": "DE12345678901234567890"}}, "insufficient funds"),
    ("transfer_funds", {"from_account": "checking", "amount": 5,
                        "recipient": {"full_name": "X", "iban": "123"}}, "invalid IBAN"),
    ("create_event", {"title": "X", "date": "2026-03-05", "start_time": "25:00"}, "bad time"),
    ("set_reminder", {"event_id": "EV0000"}, "unknown event"),
    ("add_to_cart", {"product_id": "P00000"}, "unknown product"),
    ("apply_coupon", {"code": "FREEMONEY"}, "unknown coupon"),
    ("send_email", {"email": "not-an-address", "subject": "s", "body": "b"}, "bad address"),
    ("send_sms", {"phone": "12", "text": "hi"}, "bad phone number"),
    ("create_group_chat", {"group_name": "G", "members": [{"contact_id": "CT2000", "role": "admin"},
                                                          {"contact_id": "CT2000", "role": "member"}]},
     "a group needs two different people"),
    ("geocode_address", {"address": {"street": "1 Main St", "city": "Paris", "postal_code": "75001",
                                     "country": "Japan"}}, "city not in that country"),
    ("get_directions", {"origin_city": "Lisbon", "destination_city": "Tokyo"}, "no land route"),
    ("save_place", {"place_id": "PL00000"}, "unknown place"),
]


@pytest.mark.parametrize("name,args,reason", REJECTED)
def test_backend_rejects_bad_input(name, args, reason):
    assert "error" in run_tool(World(0), name, args), reason
