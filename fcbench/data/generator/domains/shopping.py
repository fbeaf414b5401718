"""Shopping domain: product search, a cart, coupons, checkout and shipment tracking.

Product ids are fixed (the same in every world, so the seeded cart can refer to
them); prices, ratings and stock vary with the seed. The cart, the applied
coupon and the order history live in ``world.state["shopping"]``, copied on
first use from the seeded ``saved_cart`` and ``shop_orders`` tables, so
`checkout` bills whatever earlier calls put in the cart.
"""

from __future__ import annotations

import random
from typing import Any

from fcbench.data.generator.domains.maps import ADDRESS, STREETS
from fcbench.data.generator.domains.weather import CITY_NAMES
from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

# (product name, brand, category, list price, a query a shopper would type)
CATALOG = [
    ("Aeris Noise-Cancelling Headphones", "Aeris", "electronics", 199.0, "headphones"),
    ("Kestrel 4K Action Camera", "Kestrel", "electronics", 249.0, "action camera"),
    ("Nimbus Wireless Charging Pad", "Nimbus", "electronics", 29.5, "wireless charger"),
    ("Orbit Smart Watch Series 3", "Orbit", "electronics", 279.0, "smart watch"),
    ("Pulse Bluetooth Speaker", "Pulse", "electronics", 79.0, "bluetooth speaker"),
    ("Vanta Mechanical Keyboard", "Vanta", "electronics", 119.0, "mechanical keyboard"),
    ("Glide Ergonomic Mouse", "Glide", "electronics", 49.0, "ergonomic mouse"),
    ("Hearth Cast Iron Skillet", "Hearth", "kitchen", 44.0, "cast iron skillet"),
    ("Barista Pro Espresso Machine", "Barista", "kitchen", 329.0, "espresso machine"),
    ("Cedar Chef's Knife 8-inch", "Cedar", "kitchen", 89.0, "chef's knife"),
    ("FreshKeep Glass Food Containers", "FreshKeep", "kitchen", 34.0, "food containers"),
    ("Whirl High-Speed Blender", "Whirl", "kitchen", 129.0, "blender"),
    ("Brightline LED Desk Lamp", "Brightline", "home", 39.9, "desk lamp"),
    ("Loom Linen Duvet Cover", "Loom", "home", 99.0, "duvet cover"),
    ("Terra Ceramic Plant Pot", "Terra", "home", 24.0, "plant pot"),
    ("Halo Aroma Diffuser", "Halo", "home", 36.0, "aroma diffuser"),
    ("Drift Memory Foam Pillow", "Drift", "home", 55.0, "memory foam pillow"),
    ("Summit Trail Running Shoes", "Summit", "sports", 135.0, "trail running shoes"),
    ("Flux Yoga Mat", "Flux", "sports", 42.0, "yoga mat"),
    ("Ridge Insulated Water Bottle", "Ridge", "sports", 27.0, "water bottle"),
    ("Anchor Adjustable Dumbbells", "Anchor", "sports", 189.0, "dumbbells"),
    ("Trailhead Two-Person Tent", "Trailhead", "sports", 159.0, "tent"),
    ("The Silent Orchard, a novel", "Marlow Press", "books", 16.99, "silent orchard"),
    ("Cooking with Fire: A Grill Handbook", "Ember Books", "books", 29.0, "grill handbook"),
    ("A Short History of Maps", "Atlas House", "books", 22.5, "history of maps"),
    ("Learn Python in 30 Days", "Codewise", "books", 34.99, "python"),
    ("Lumiere Velvet Matte Lipstick", "Lumiere", "beauty", 19.0, "lipstick"),
    ("Dewdrop Hydrating Serum", "Dewdrop", "beauty", 32.0, "hydrating serum"),
    ("Sable Beard Trimmer", "Sable", "beauty", 59.0, "beard trimmer"),
    ("Tinker Build-a-Bot Robotics Kit", "Tinker", "toys", 69.0, "robotics kit"),
    ("Starlight Jigsaw Puzzle 1000 Pieces", "Puzzlecraft", "toys", 21.0, "jigsaw puzzle"),
    ("Racer RC Stunt Car", "Racer", "toys", 45.0, "stunt car"),
    ("Harbor Rain Jacket", "Harbor", "clothing", 119.0, "rain jacket"),
    ("Fjell Merino Crew Sweater", "Fjell", "clothing", 89.0, "merino sweater"),
    ("Basics Cotton T-Shirt 3-Pack", "Basics Co", "clothing", 29.0, "t-shirt"),
    ("Fjell Alpine Down Vest", "Fjell", "clothing", 99.0, "down vest"),
]
PRODUCT_IDS = [f"P{10231 + 37 * i}" for i in range(len(CATALOG))]
CATEGORIES = sorted({c[2] for c in CATALOG})
# code -> (percent off, minimum cart subtotal, still valid)
COUPONS = {"WELCOME10": (10, 0.0, True), "SPRING15": (15, 60.0, True), "BIGSPEND25": (25, 400.0, True),
           "FREEGIFT5": (5, 0.0, True), "FLASH30": (30, 0.0, False), "HOLIDAY20": (20, 100.0, False)}
SHIPPING = {"standard": (4.99, 5), "express": (12.99, 2), "overnight": (24.99, 1)}
CARRIERS = ["ParcelPost", "SwiftShip", "Meridian Courier"]
GIFT_WRAP = 4.99


@table("products")
def _products(rng: random.Random) -> list[dict[str, Any]]:
    return [{"product_id": pid, "product_name": name, "brand": brand, "category": category,
             "price": round(price * rng.choice([0.85, 0.9, 1.0, 1.0, 1.1]), 2),
             "rating": round(rng.uniform(3.1, 4.9), 1), "review_count": rng.randint(3, 2400),
             "stock": 0 if rng.random() < 0.1 else rng.randint(2, 60), "query": query}
            for pid, (name, brand, category, price, query) in zip(PRODUCT_IDS, CATALOG)]


@table("saved_cart")
def _saved_cart(rng: random.Random) -> list[dict[str, Any]]:
    """What the shopper left in the cart last time."""
    return [{"product_id": pid, "quantity": rng.randint(1, 2)} for pid in rng.sample(PRODUCT_IDS, 2)]


@table("shop_orders")
def _shop_orders(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i in range(4):
        status = rng.choice(["processing", "shipped", "in transit", "delivered"])
        rows.append({"order_number": f"ORD-{rng.randint(100, 599) * 1000 + i}", "status": status,
                     "carrier": rng.choice(CARRIERS),
                     "estimated_delivery_days": 0 if status == "delivered" else rng.randint(1, 6),
                     "last_location": rng.choice(CITY_NAMES)[0], "total": round(rng.uniform(15, 600), 2)})
    return rows


def _shop(world: World) -> dict[str, Any]:
    if "shopping" not in world.state:
        world.state["shopping"] = {
            "cart": {r["product_id"]: {"quantity": r["quantity"], "gift_wrap": False}
                     for r in world.table("saved_cart")},
            "coupon": None, "orders": [dict(r) for r in world.table("shop_orders")]}
    return world.state["shopping"]


def _product(world: World, product_id: str) -> dict[str, Any]:
    return world.require("products", product_id=product_id)


def _subtotal(world: World) -> float:
    cart = _shop(world)["cart"]
    return round(sum(_product(world, pid)["price"] * line["quantity"]
                     + (GIFT_WRAP if line["gift_wrap"] else 0) for pid, line in cart.items()), 2)


def _cart_summary(world: World) -> dict[str, Any]:
    return {"cart_item_count": sum(line["quantity"] for line in _shop(world)["cart"].values()),
            "cart_total": _subtotal(world)}


PRODUCT_ID = {"type": "string",
              "description": "Product identifier as returned by search_products, e.g. P10342."}


def _sample_search(rng: random.Random, world: World) -> dict[str, Any]:
    row = rng.choice([p for p in world.table("products") if p["stock"] > 0])
    return {"query": row["query"], "department": row["category"],
            "max_price": (int(row["price"]) // 10 + 1) * 10,
            "sort_by": rng.choice(["relevance", "price", "rating"]), "in_stock_only": rng.random() < 0.7}


@sim_tool(
    name="search_products", domain="shopping",
    description="Search the online store and return the top product for a query, with its price and rating.",
    parameters={"type": "object", "properties": {
        "query": {"type": "string", "description": "What you are looking for, e.g. yoga mat."},
        "department": {"type": "string", "enum": CATEGORIES, "description": "Restrict to one department."},
        "max_price": {"type": "number", "exclusiveMinimum": 0, "description": "Highest acceptable price."},
        "sort_by": {"type": "string", "enum": ["relevance", "price", "rating"], "default": "relevance",
                    "description": "relevance, lowest price first, or best rated first."},
        "in_stock_only": {"type": "boolean", "default": True, "description": "Hide sold-out products."}},
        "required": ["query"]},
    returns={"type": "object", "properties": {
        "product_id": {"type": "string"}, "product_name": {"type": "string"}, "price": {"type": "number"},
        "rating": {"type": "number"}, "in_stock": {"type": "boolean"}, "match_count": {"type": "integer"}}},
    phrasings=["Search the store for {query}.", "Find me {query} for under {max_price}.",
               "I'm looking for {query} in the {department} department, sorted by {sort_by}.",
               ("Show {query} options{in_stock_only| that are in stock| even if sold out}, "
                "cheapest under {max_price}, ordered by {sort_by}.")],
    sample_args=_sample_search,
)
def search_products(world: World, args: dict[str, Any]) -> dict[str, Any]:
    words = args["query"].casefold().split()
    if not words:
        raise ToolError("empty search query")
    sort_by = args["sort_by"]
    if sort_by not in ("relevance", "price", "rating"):
        raise ToolError(f"cannot sort by {sort_by}")
    hits = []
    for p in world.table("products"):
        text = f"{p['product_name']} {p['brand']} {p['category']} {p['query']}".casefold()
        if (all(w in text for w in words) and args.get("department", p["category"]) == p["category"]
                and p["price"] <= float(args.get("max_price", float("inf")))
                and (p["stock"] > 0 or not args["in_stock_only"])):
            hits.append(p)
    if not hits:
        raise ToolError(f"no products match {args['query']!r}")
    keys = {"relevance": lambda p: (p["stock"] == 0, -p["review_count"], p["product_id"]),
            "price": lambda p: (p["price"], p["product_id"]),
            "rating": lambda p: (-p["rating"], p["product_id"])}
    top = min(hits, key=keys[sort_by])
    return {"product_id": top["product_id"], "product_name": top["product_name"], "price": top["price"],
            "rating": top["rating"], "in_stock": top["stock"] > 0, "match_count": len(hits)}


@sim_tool(
    name="get_product_details", domain="shopping",
    description="Get a product's brand, category, price, rating, number of reviews and units in stock.",
    parameters={"type": "object", "properties": {"product_id": PRODUCT_ID}, "required": ["product_id"]},
    returns={"type": "object", "properties": {
        "product_id": {"type": "string"}, "product_name": {"type": "string"}, "brand": {"type": "string"},
        "category": {"type": "string"}, "price": {"type": "number"}, "rating": {"type": "number"},
        "review_count": {"type": "integer"}, "stock": {"type": "integer"}}},
    phrasings=["Tell me about product {product_id}.", "How many units of {product_id} are left in stock?",
               "Show the details and reviews summary for item {product_id}.", "What does {product_id} cost?"],
    sample_args=lambda rng, w: {"product_id": rng.choice(PRODUCT_IDS)},
)
def get_product_details(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _product(world, args["product_id"])
    return {k: row[k] for k in ("product_id", "product_name", "brand", "category", "price", "rating",
                                "review_count", "stock")}


def _sample_add(rng: random.Random, world: World) -> dict[str, Any]:
    held = {r["product_id"]: r["quantity"] for r in world.table("saved_cart")}
    row = rng.choice([p for p in world.table("products") if p["stock"] >= held.get(p["product_id"], 0) + 3])
    return {"product_id": row["product_id"], "quantity": rng.randint(2, 3), "gift_wrap": rng.random() < 0.3}


@sim_tool(
    name="add_to_cart", domain="shopping",
    description="Put a product in the shopping cart (adds to the quantity already there), "
                "optionally gift-wrapped.",
    parameters={"type": "object", "properties": {
        "product_id": PRODUCT_ID,
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1,
                     "description": "Units to add."},
        "gift_wrap": {"type": "boolean", "default": False, "description": "Gift-wrap this item (4.99)."}},
        "required": ["product_id"]},
    returns={"type": "object", "properties": {
        "product_id": {"type": "string"}, "quantity": {"type": "integer"},
        "cart_item_count": {"type": "integer"}, "cart_total": {"type": "number"}}},
    phrasings=["Add {product_id} to my cart.", "Put {quantity} of {product_id} in the basket.",
               "Add {quantity} x {product_id} to the cart{gift_wrap|, gift-wrapped|, no gift wrap}.",
               "I'll take {quantity} of {product_id}{gift_wrap|, gift-wrapped please|}."],
    sample_args=_sample_add,
    mutates=True,
)
def add_to_cart(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _product(world, args["product_id"])
    qty = int(args["quantity"])
    cart = _shop(world)["cart"]
    line = cart.get(row["product_id"], {"quantity": 0, "gift_wrap": False})
    if not 1 <= qty <= 10:
        raise ToolError("quantity must be between 1 and 10")
    if line["quantity"] + qty > row["stock"]:
        raise ToolError(f"only {row['stock']} units of {row['product_id']} in stock")
    cart[row["product_id"]] = {"quantity": line["quantity"] + qty,
                               "gift_wrap": line["gift_wrap"] or args["gift_wrap"]}
    return {"product_id": row["product_id"],
            "quantity": cart[row["product_id"]]["quantity"], **_cart_summary(world)}


def _sample_remove(rng: random.Random, world: World) -> dict[str, Any]:
    line = rng.choice(world.table("saved_cart"))
    return {"product_id": line["product_id"], "quantity": rng.randint(1, line["quantity"])}


@sim_tool(
    name="remove_from_cart", domain="shopping",
    description="Take a product out of the cart, entirely or only some units.",
    parameters={"type": "object", "properties": {
        "product_id": PRODUCT_ID,
        "quantity": {"type": "integer", "minimum": 1,
                     "description": "Units to remove; omit to remove them all."}},
        "required": ["product_id"]},
    returns={"type": "object", "properties": {
        "product_id": {"type": "string"}, "removed_quantity": {"type": "integer"},
        "cart_item_count": {"type": "integer"}, "cart_total": {"type": "number"}}},
    phrasings=["Remove {product_id} from my cart.", "Take {quantity} of {product_id} out of the basket.",
               "I changed my mind about {product_id}, drop it from the cart.",
               "Delete {quantity} of {product_id} from my cart."],
    sample_args=_sample_remove,
    mutates=True,
)
def remove_from_cart(world: World, args: dict[str, Any]) -> dict[str, Any]:
    cart = _shop(world)["cart"]
    pid = next((p for p in cart if p.casefold() == args["product_id"].strip().casefold()), None)
    if pid is None:
        raise ToolError(f"{args['product_id']} is not in the cart")
    held = cart[pid]["quantity"]
    qty = int(args.get("quantity", held))
    if not 1 <= qty:
        raise ToolError("quantity must be at least 1")
    removed = min(qty, held)
    if removed == held:
        del cart[pid]
    else:
        cart[pid]["quantity"] = held - removed
    return {"product_id": pid, "removed_quantity": removed, **_cart_summary(world)}


def _sample_coupon(rng: random.Random, world: World) -> dict[str, Any]:
    subtotal = _subtotal(World(world.seed))  # the untouched saved cart of this world
    usable = sorted(c for c, (_, floor, valid) in COUPONS.items() if valid and floor <= subtotal)
    return {"code": rng.choice(usable)}


@sim_tool(
    name="apply_coupon", domain="shopping",
    description="Apply a discount code to the cart; it replaces any coupon applied before.",
    parameters={"type": "object", "properties": {
        "code": {"type": "string", "description": "Coupon code, e.g. SPRING15."}}, "required": ["code"]},
    returns={"type": "object", "properties": {
        "code": {"type": "string"}, "discount_percent": {"type": "integer"}, "cart_total": {"type": "number"},
        "discounted_total": {"type": "number"}}},
    phrasings=["Apply coupon {code}.", "Use the discount code {code} on my cart.",
               "I have a promo code: {code}. Please apply it.", "Redeem {code} at checkout."],
    sample_args=_sample_coupon,
    mutates=True,
)
def apply_coupon(world: World, args: dict[str, Any]) -> dict[str, Any]:
    code = args["code"].strip().upper()
    if code not in COUPONS:
        raise ToolError(f"unknown coupon {args['code']}")
    percent, floor, valid = COUPONS[code]
    if not valid:
        raise ToolError(f"coupon {code} has expired")
    subtotal = _subtotal(world)
    if subtotal < floor:
        raise ToolError(f"coupon {code} needs a cart of at least {floor}")
    _shop(world)["coupon"] = code
    return {"code": code, "discount_percent": percent, "cart_total": subtotal,
            "discounted_total": round(subtotal * (100 - percent) / 100, 2)}


def _sample_checkout(rng: random.Random, world: World) -> dict[str, Any]:
    city, country, _, _ = rng.choice(CITY_NAMES)
    return {"shipping_address": {"street": f"{rng.randint(1, 240)} {rng.choice(STREETS)}", "city": city,
                                 "postal_code": str(rng.randint(10000, 99999)), "country": country},
            "shipping_method": rng.choice(list(SHIPPING)),
            "payment_method": rng.choice(["card", "paypal", "gift card"])}


@sim_tool(
    name="checkout", domain="shopping",
    description="Place the order for everything in the cart (with the applied coupon) and ship it "
                "to an address.",
    parameters={"type": "object", "properties": {
        "shipping_address": ADDRESS,
        "shipping_method": {"type": "string", "enum": list(SHIPPING), "default": "standard",
                            "description": "standard (free over 50), express or overnight."},
        "payment_method": {"type": "string", "enum": ["card", "paypal", "gift card"], "default": "card",
                           "description": "How to pay."}},
        "required": ["shipping_address"]},
    returns={"type": "object", "properties": {
        "order_number": {"type": "string"}, "item_count": {"type": "integer"}, "subtotal": {"type": "number"},
        "discount": {"type": "number"}, "shipping_cost": {"type": "number"}, "total": {"type": "number"},
        "estimated_delivery_days": {"type": "integer"}}},
    phrasings=[("Check out and ship to {shipping_address.street}, {shipping_address.postal_code} "
               "{shipping_address.city}, {shipping_address.country}."),
               ("Place my order with {shipping_method} shipping to {shipping_address.street}, "
               "{shipping_address.city} {shipping_address.postal_code}, {shipping_address.country}; "
               "pay by {payment_method}."),
               ("Buy what's in my cart and send it by {shipping_method} shipping to "
                "{shipping_address.street}, "
               "{shipping_address.city}, {shipping_address.country} ({shipping_address.postal_code})."),
               ("Complete the purchase and pay with {payment_method}. Deliver to {shipping_address.street}, "
               "{shipping_address.postal_code} {shipping_address.city}, {shipping_address.country}.")],
    sample_args=_sample_checkout,
    mutates=True,
)
def checkout(world: World, args: dict[str, Any]) -> dict[str, Any]:
    shop = _shop(world)
    if not shop["cart"]:
        raise ToolError("the cart is empty")
    addr = args["shipping_address"]
    if world.find("cities", name=addr["city"]) is None:
        raise ToolError(f"we do not deliver to {addr['city']}")
    method, payment = args["shipping_method"], args["payment_method"]
    if method not in SHIPPING or payment not in ("card", "paypal", "gift card"):
        raise ToolError("unknown shipping or payment method")
    subtotal = _subtotal(world)
    discount = round(subtotal * COUPONS[shop["coupon"]][0] / 100, 2) if shop["coupon"] else 0.0
    cost, days = SHIPPING[method]
    shipping = 0.0 if method == "standard" and subtotal - discount >= 50 else cost
    order = {"order_number": f"ORD-{700001 + len(shop['orders'])}", "status": "processing",
             "carrier": CARRIERS[len(shop["orders"]) % len(CARRIERS)], "estimated_delivery_days": days,
             "last_location": "fulfilment center", "total": round(subtotal - discount + shipping, 2)}
    item_count = sum(line["quantity"] for line in shop["cart"].values())
    shop["orders"].append(order)
    shop["cart"], shop["coupon"] = {}, None
    return {"order_number": order["order_number"], "item_count": item_count, "subtotal": subtotal,
            "discount": discount, "shipping_cost": shipping, "total": order["total"],
            "estimated_delivery_days": days}


@sim_tool(
    name="track_shipment", domain="shopping",
    description="Track a store order: shipping status, carrier, last scanned location and days "
                "until delivery.",
    parameters={"type": "object", "properties": {
        "order_number": {"type": "string",
                         "description": "Order number as returned by checkout, e.g. ORD-700005."}},
        "required": ["order_number"]},
    returns={"type": "object", "properties": {
        "order_number": {"type": "string"}, "status": {"type": "string"}, "carrier": {"type": "string"},
        "last_location": {"type": "string"}, "estimated_delivery_days": {"type": "integer"}}},
    phrasings=["Where is my order {order_number}?", "Track shipment {order_number}.",
               "Has order {order_number} shipped yet?", "When will {order_number} arrive?"],
    sample_args=lambda rng, w: {"order_number": rng.choice(w.table("shop_orders"))["order_number"]},
)
def track_shipment(world: World, args: dict[str, Any]) -> dict[str, Any]:
    for order in _shop(world)["orders"]:
        if order["order_number"].casefold() == args["order_number"].strip().casefold():
            return {k: order[k] for k in ("order_number", "status", "carrier", "last_location",
                                          "estimated_delivery_days")}
    raise ToolError(f"unknown order number {args['order_number']}")
