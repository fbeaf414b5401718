"""Finance domain: stock lookups and quotes, currency conversion, trading and transfers.

Companies are fictional. Mutable state: ``world.state["finance"]`` holds account
balances, the brokerage holdings and the trade log, copied on first use from the
seeded ``bank_accounts``, ``brokerage_holdings`` and ``stock_trades`` tables, so
a buy changes what `get_portfolio` and a later sell see.
"""

from __future__ import annotations

import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

COMPANIES = [  # (company name, ticker symbol, exchange, sector)
    ("Northwind Robotics", "NWRB", "NASDAQ", "industrials"),
    ("Halvorsen Logistics", "HALV", "NYSE", "industrials"), ("Bluepeak Energy", "BLPK", "NYSE", "energy"),
    ("Corvid Semiconductor", "CRVD", "NASDAQ", "technology"),
    ("Meadowbrook Foods", "MDBK", "NYSE", "consumer staples"),
    ("Stellant Health", "STLH", "NYSE", "health care"), ("Quillon Software", "QUIL", "NASDAQ", "technology"),
    ("Arden Mutual Bank", "ARDN", "NYSE", "financials"),
    ("Tidewater Shipping", "TDWS", "NYSE", "industrials"),
    ("Lumora Biotech", "LUMB", "NASDAQ", "health care"), ("Granite Peak Mining", "GPKM", "NYSE", "materials"),
    ("Vireo Motors", "VIRO", "NASDAQ", "consumer discretionary"),
    ("Orchard Lane Retail", "OLRT", "NYSE", "consumer discretionary"),
    ("Saltmarsh Media", "SLTM", "NASDAQ", "media"), ("Kestrel Aerospace", "KSTA", "NYSE", "industrials"),
    ("Brightwater Utilities", "BWTR", "NYSE", "utilities"),
    ("Pinecrest Insurance", "PNCI", "NYSE", "financials"),
    ("Elmstone Pharma", "ELMP", "NASDAQ", "health care"), ("Copperline Telecom", "CPLT", "NYSE", "telecom"),
    ("Sundial Solar", "SUNL", "NASDAQ", "energy"), ("Ironbridge Steel", "IRBS", "NYSE", "materials"),
    ("Featherweight Apparel", "FTHR", "NASDAQ", "consumer discretionary"),
    ("Harborlight Games", "HBLG", "NASDAQ", "media"),
    ("Redfern Hotels", "RDFH", "NYSE", "consumer discretionary"),
]
SYMBOLS = [c[1] for c in COMPANIES]
USD_PER_UNIT = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067, "CHF": 1.12, "CAD": 0.74,
                "AUD": 0.66, "INR": 0.012, "BRL": 0.2, "MXN": 0.058, "SEK": 0.095}
CURRENCIES = list(USD_PER_UNIT)
ACCOUNTS = ["checking", "savings", "brokerage"]
PAYEES = [("Lena Fischer", "DE"), ("Tom Okonkwo", "GB"), ("Claire Dubois", "FR"), ("Marta Silva", "PT"),
          ("Pieter de Vries", "NL"), ("Giulia Conti", "IT"), ("Sean Murphy", "IE"), ("Ines Garcia", "ES")]


@table("stocks")
def _stocks(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for company, symbol, exchange, sector in COMPANIES:
        price = round(rng.uniform(12, 640), 2)
        closes = [price]
        for _ in range(29):  # walk backwards from today's price
            closes.append(round(closes[-1] * (1 + rng.uniform(-0.035, 0.035)), 2))
        closes.reverse()
        rows.append({"symbol": symbol, "company_name": company, "exchange": exchange, "sector": sector,
                     "price": price, "prev_close": closes[-2], "closes": closes,
                     "volume": rng.randint(80, 9000) * 1000})
    return rows


@table("fx_rates")
def _fx_rates(rng: random.Random) -> list[dict[str, Any]]:
    return [{"currency": c, "usd": round(v * (1 + rng.uniform(-0.02, 0.02)), 6) if c != "USD" else 1.0}
            for c, v in USD_PER_UNIT.items()]


@table("bank_accounts")
def _bank_accounts(rng: random.Random) -> list[dict[str, Any]]:
    return [{"account": a, "balance": round(rng.uniform(1500, 40000), 2)} for a in ACCOUNTS]


@table("brokerage_holdings")
def _holdings(rng: random.Random) -> list[dict[str, Any]]:
    return [{"symbol": s, "quantity": rng.randint(3, 120)} for s in sorted(rng.sample(SYMBOLS, 5))]


@table("stock_trades")
def _trades(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i in range(5):
        rows.append({"trade_id": f"TR{rng.randint(100, 699) * 1000 + i}", "symbol": rng.choice(SYMBOLS),
                     "side": rng.choice(["buy", "sell"]), "shares": rng.randint(1, 80),
                     "status": rng.choice(["filled", "filled", "pending", "cancelled"]),
                     "execution_price": round(rng.uniform(12, 640), 2)})
    return rows


def _book(world: World) -> dict[str, Any]:
    """Mutable finance state, initialised from the seeded tables on first use."""
    if "finance" not in world.state:
        world.state["finance"] = {
            "balances": {r["account"]: r["balance"] for r in world.table("bank_accounts")},
            "holdings": {r["symbol"]: r["quantity"] for r in world.table("brokerage_holdings")},
            "trades": [dict(r) for r in world.table("stock_trades")],
            "transfers": 0,
        }
    return world.state["finance"]


def _stock(world: World, symbol: str) -> dict[str, Any]:
    return world.require("stocks", symbol=symbol, missing=f"unknown ticker symbol {symbol}")


SYMBOL = {"type": "string", "description": "Ticker symbol as returned by lookup_ticker, e.g. QUIL."}


def _company_query(rng: random.Random, world: World) -> str:
    name = rng.choice(world.table("stocks"))["company_name"]
    return name if rng.random() < 0.6 else name.split()[0]


@sim_tool(
    name="lookup_ticker", domain="finance",
    description="Find the stock ticker symbol and exchange of a listed company by its name.",
    parameters={"type": "object", "properties": {
        "company": {"type": "string", "description": "Company name or part of it, e.g. Quillon."}},
        "required": ["company"]},
    returns={"type": "object", "properties": {
        "symbol": {"type": "string"}, "company_name": {"type": "string"}, "exchange": {"type": "string"},
        "sector": {"type": "string"}}},
    phrasings=["What's the ticker for {company}?", "Look up the stock symbol of {company}.",
               "Which symbol does {company} trade under?", "Find {company} on the stock exchange."],
    sample_args=lambda rng, w: {"company": _company_query(rng, w)},
)
def lookup_ticker(world: World, args: dict[str, Any]) -> dict[str, Any]:
    query = args["company"].strip().casefold()
    if not query:
        raise ToolError("empty company name")
    for row in world.table("stocks"):
        if query in row["company_name"].casefold():
            return {k: row[k] for k in ("symbol", "company_name", "exchange", "sector")}
    raise ToolError(f"no listed company matches {args['company']}")


@sim_tool(
    name="get_stock_quote", domain="finance",
    description="Get the latest price of a stock with today's change and trading volume.",
    parameters={"type": "object", "properties": {
        "symbol": SYMBOL,
        "include_after_hours": {"type": "boolean", "default": False,
                                "description": "Also return the after-hours price."}},
        "required": ["symbol"]},
    returns={"type": "object", "properties": {
        "symbol": {"type": "string"}, "price": {"type": "number"}, "change": {"type": "number"},
        "change_percent": {"type": "number"}, "volume": {"type": "integer"},
        "after_hours_price": {"type": "number"}}},
    phrasings=["How much is {symbol} trading at?", "Get me a quote for {symbol}.",
               "What's the current price of {symbol}{include_after_hours|, including after-hours|}?",
               ("Quote {symbol} for me{include_after_hours| and show the after-hours price too"
                "|, regular session only}.")],
    sample_args=lambda rng, w: {"symbol": rng.choice(SYMBOLS), "include_after_hours": rng.random() < 0.5},
)
def get_stock_quote(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _stock(world, args["symbol"])
    change = round(row["price"] - row["prev_close"], 2)
    out = {"symbol": row["symbol"], "price": row["price"], "change": change,
           "change_percent": round(change / row["prev_close"] * 100, 2), "volume": row["volume"]}
    if args["include_after_hours"]:
        out["after_hours_price"] = round(row["price"] * (1 + (row["volume"] % 7 - 3) / 1000), 2)
    return out


@sim_tool(
    name="get_stock_history", domain="finance",
    description="Get a stock's closing prices over the last N trading days, with high, low and average.",
    parameters={"type": "object", "properties": {
        "symbol": SYMBOL,
        "lookback_days": {"type": "integer", "minimum": 2, "maximum": 30,
                          "description": "Trading days to cover (2-30)."},
        "interval": {"type": "string", "enum": ["daily", "weekly"], "default": "daily",
                     "description": "Daily closes, or one close per 5 trading days."}},
        "required": ["symbol", "lookback_days"]},
    returns={"type": "object", "properties": {
        "symbol": {"type": "string"}, "interval": {"type": "string"},
        "closes": {"type": "array", "items": {"type": "number"}}, "high": {"type": "number"},
        "low": {"type": "number"}, "average": {"type": "number"}, "change_percent": {"type": "number"}}},
    phrasings=["Show {symbol}'s closing prices for the last {lookback_days} days.",
               "How has {symbol} moved over the past {lookback_days} trading days, with {interval} closes?",
               "Price history of {symbol}, last {lookback_days} days, {interval}.",
               "Give me the high and low of {symbol} over {lookback_days} days."],
    sample_args=lambda rng, w: {"symbol": rng.choice(SYMBOLS), "lookback_days": rng.randint(5, 30),
                                "interval": rng.choice(["daily", "weekly"])},
)
def get_stock_history(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _stock(world, args["symbol"])
    days = int(args["lookback_days"])
    if not 2 <= days <= 30 or args["interval"] not in ("daily", "weekly"):
        raise ToolError("days must be 2-30 and interval daily or weekly")
    window = row["closes"][-days:]
    closes = window if args["interval"] == "daily" else window[::-5][::-1]
    return {"symbol": row["symbol"], "interval": args["interval"], "closes": closes,
            "high": max(window), "low": min(window), "average": round(sum(window) / len(window), 2),
            "change_percent": round((window[-1] - window[0]) / window[0] * 100, 2)}


@sim_tool(
    name="convert_currency", domain="finance",
    description="Convert an amount of money from one currency to another at today's rate.",
    parameters={"type": "object", "properties": {
        "amount": {"type": "number", "exclusiveMinimum": 0, "description": "Amount to convert."},
        "from_currency": {"type": "string", "enum": CURRENCIES,
                          "description": "ISO code of the source currency."},
        "to_currency": {"type": "string", "enum": CURRENCIES,
                        "description": "ISO code of the target currency."}},
        "required": ["amount", "from_currency", "to_currency"]},
    returns={"type": "object", "properties": {
        "amount": {"type": "number"}, "from_currency": {"type": "string"}, "to_currency": {"type": "string"},
        "rate": {"type": "number"}, "converted_amount": {"type": "number"}}},
    phrasings=["Convert {amount} {from_currency} to {to_currency}.",
               "How much is {amount} {from_currency} in {to_currency}?",
               "I have {amount} in {from_currency}; what's that in {to_currency}?",
               "Exchange {amount} {from_currency} into {to_currency} at today's rate."],
    sample_args=lambda rng, w: {"amount": rng.choice([20, 50, 75, 100, 250, 480, 1200, 3000]),
                                **dict(zip(("from_currency", "to_currency"), rng.sample(CURRENCIES, 2)))},
)
def convert_currency(world: World, args: dict[str, Any]) -> dict[str, Any]:
    rates = {r["currency"]: r["usd"] for r in world.table("fx_rates")}
    src, dst = args["from_currency"].upper(), args["to_currency"].upper()
    if src not in rates or dst not in rates:
        raise ToolError(f"unsupported currency pair {src}/{dst}")
    amount = float(args["amount"])
    if amount <= 0:
        raise ToolError("amount must be positive")
    rate = round(rates[src] / rates[dst], 6)
    return {"amount": amount, "from_currency": src, "to_currency": dst, "rate": rate,
            "converted_amount": round(amount * rate, 2)}


def _sample_order(rng: random.Random, world: World) -> dict[str, Any]:
    if rng.random() < 0.4:
        held = world.table("brokerage_holdings")
        pick = rng.choice(held)
        symbol, side, qty = pick["symbol"], "sell", rng.randint(1, pick["quantity"])
    else:
        cash = world.find("bank_accounts", account="brokerage")["balance"]
        symbol, side = rng.choice(SYMBOLS), "buy"
        qty = rng.randint(1, max(1, min(40, int(cash // world.find("stocks", symbol=symbol)["price"]))))
    price = world.find("stocks", symbol=symbol)["price"]
    return {"symbol": symbol, "side": side, "shares": qty,
            "limit_price": round(price * rng.choice([0.97, 0.99, 1.0, 1.02]), 2)}


@sim_tool(
    name="place_stock_order", domain="finance",
    description="Buy or sell shares from the brokerage account. Without limit_price the order "
                "executes at market; with it, it fills only if the limit is reachable, else stays pending.",
    parameters={"type": "object", "properties": {
        "symbol": SYMBOL,
        "side": {"type": "string", "enum": ["buy", "sell"], "description": "Buy or sell."},
        "shares": {"type": "integer", "minimum": 1, "description": "Number of shares."},
        "limit_price": {"type": "number", "exclusiveMinimum": 0,
                        "description": "Worst acceptable price per share (makes it a limit order)."}},
        "required": ["symbol", "side", "shares"]},
    returns={"type": "object", "properties": {
        "trade_id": {"type": "string"}, "symbol": {"type": "string"}, "side": {"type": "string"},
        "shares": {"type": "integer"}, "status": {"type": "string"}, "execution_price": {"type": "number"},
        "total_value": {"type": "number"}, "cash_balance": {"type": "number"}}},
    phrasings=["Go ahead and {side} {symbol} at market, {shares} shares.",
               "Place an order to {side} {symbol} with a limit of {limit_price}: {shares} shares.",
               "I want to {side} {shares} shares of {symbol}, limit price {limit_price}.",
               "Please {side} {symbol} at the current market price, {shares} shares."],
    sample_args=_sample_order,
    mutates=True,
)
def place_stock_order(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _stock(world, args["symbol"])
    side, qty = args["side"], int(args["shares"])
    if side not in ("buy", "sell") or qty < 1:
        raise ToolError("side must be buy or sell and quantity at least 1")
    book = _book(world)
    limit = args.get("limit_price")
    fills = limit is None or (row["price"] <= limit if side == "buy" else row["price"] >= limit)
    price = row["price"] if fills else round(float(limit), 2)
    total = round(price * qty, 2)
    if side == "sell" and book["holdings"].get(row["symbol"], 0) < qty:
        raise ToolError(f"you hold fewer than {qty} shares of {row['symbol']}")
    if side == "buy" and book["balances"]["brokerage"] < total:
        raise ToolError("insufficient cash in the brokerage account")
    if fills:
        sign = 1 if side == "buy" else -1
        book["holdings"][row["symbol"]] = book["holdings"].get(row["symbol"], 0) + sign * qty
        book["balances"]["brokerage"] = round(book["balances"]["brokerage"] - sign * total, 2)
    trade_id = f"TR{700001 + len(book['trades'])}"
    status = "filled" if fills else "pending"
    book["trades"].append({"trade_id": trade_id, "symbol": row["symbol"], "side": side, "shares": qty,
                           "status": status, "execution_price": price})
    return {"trade_id": trade_id, "symbol": row["symbol"], "side": side, "shares": qty, "status": status,
            "execution_price": price, "total_value": total, "cash_balance": book["balances"]["brokerage"]}


@sim_tool(
    name="get_trade_status", domain="finance",
    description="Check whether a stock trade was filled, is pending or was cancelled.",
    parameters={"type": "object", "properties": {
        "trade_id": {"type": "string", "description": "Trade confirmation id, e.g. TR700006."}},
        "required": ["trade_id"]},
    returns={"type": "object", "properties": {
        "trade_id": {"type": "string"}, "symbol": {"type": "string"}, "side": {"type": "string"},
        "shares": {"type": "integer"}, "status": {"type": "string"}, "execution_price": {"type": "number"}}},
    phrasings=["Did trade {trade_id} go through?", "Status of my trade {trade_id}?",
               "Check on order confirmation {trade_id}."],
    sample_args=lambda rng, w: {"trade_id": rng.choice(w.table("stock_trades"))["trade_id"]},
)
def get_trade_status(world: World, args: dict[str, Any]) -> dict[str, Any]:
    for trade in _book(world)["trades"]:
        if trade["trade_id"].casefold() == args["trade_id"].strip().casefold():
            return dict(trade)
    raise ToolError(f"unknown trade_id {args['trade_id']}")


@sim_tool(
    name="get_portfolio", domain="finance",
    description="Show the brokerage portfolio: positions with market value, cash and total value.",
    parameters={"type": "object", "properties": {
        "include_cash": {"type": "boolean", "default": True,
                         "description": "Count uninvested cash in the total."},
        "sort_by": {"type": "string", "enum": ["value", "symbol"], "default": "value",
                    "description": "Order of the positions list."}},
        "required": []},
    returns={"type": "object", "properties": {
        "position_count": {"type": "integer"}, "holdings_value": {"type": "number"},
        "cash": {"type": "number"},
        "total_value": {"type": "number"}, "largest_position": {"type": "string"},
        "positions": {"type": "array", "items": {"type": "object", "properties": {
            "symbol": {"type": "string"}, "shares": {"type": "integer"},
            "market_value": {"type": "number"}}}}}},
    phrasings=["What's in my portfolio?", "Show my holdings sorted by {sort_by}.",
               "How much is my brokerage account worth{include_cash|, cash included|, excluding cash}?",
               "List my positions by {sort_by}{include_cash| and include my cash| without counting cash}."],
    sample_args=lambda rng, w: {"include_cash": rng.random() < 0.5,
                                "sort_by": rng.choice(["value", "symbol"])},
)
def get_portfolio(world: World, args: dict[str, Any]) -> dict[str, Any]:
    if args["sort_by"] not in ("value", "symbol"):
        raise ToolError(f"cannot sort by {args['sort_by']}")
    book = _book(world)
    positions = [{"symbol": s, "shares": q, "market_value": round(q * _stock(world, s)["price"], 2)}
                 for s, q in sorted(book["holdings"].items()) if q > 0]
    if args["sort_by"] == "value":
        positions.sort(key=lambda p: (-p["market_value"], p["symbol"]))
    held = round(sum(p["market_value"] for p in positions), 2)
    cash = book["balances"]["brokerage"] if args["include_cash"] else 0.0
    largest = max(positions, key=lambda p: (p["market_value"], p["symbol"]))["symbol"] if positions else ""
    return {"position_count": len(positions), "holdings_value": held, "cash": cash,
            "total_value": round(held + cash, 2), "largest_position": largest, "positions": positions}


def _sample_transfer(rng: random.Random, world: World) -> dict[str, Any]:
    name, country = rng.choice(PAYEES)
    iban = f"{country}{rng.randint(10, 99)}" + "".join(str(rng.randint(0, 9)) for _ in range(16))
    return {"from_account": rng.choice(ACCOUNTS), "amount": rng.randint(4, 200) * 5,
            "recipient": {"full_name": name, "iban": iban},
            "memo": rng.choice(["rent share", "dinner last week", "concert tickets", "birthday gift",
                                "invoice 2031"]),
            "instant": rng.random() < 0.4}


@sim_tool(
    name="transfer_funds", domain="finance",
    description="Send money by bank transfer from one of your accounts to someone's IBAN. "
                "Instant transfers cost a 1.50 fee.",
    parameters={"type": "object", "properties": {
        "from_account": {"type": "string", "enum": ACCOUNTS, "description": "Account to debit."},
        "amount": {"type": "number", "exclusiveMinimum": 0, "description": "Amount to send."},
        "recipient": {"type": "object", "description": "Who receives the money.", "properties": {
            "full_name": {"type": "string"}, "iban": {"type": "string", "description": "Recipient IBAN."}},
            "required": ["full_name", "iban"]},
        "memo": {"type": "string", "description": "Reference shown to the recipient."},
        "instant": {"type": "boolean", "default": False, "description": "Use an instant transfer."}},
        "required": ["from_account", "amount", "recipient"]},
    returns={"type": "object", "properties": {
        "transfer_id": {"type": "string"}, "from_account": {"type": "string"}, "amount": {"type": "number"},
        "fee": {"type": "number"}, "new_balance": {"type": "number"}, "status": {"type": "string"}}},
    phrasings=[("Send {amount} from my {from_account} account to {recipient.full_name}, "
                "IBAN {recipient.iban}."),
               ("Transfer {amount} to {recipient.full_name} ({recipient.iban}) out of {from_account}, "
               "reference \"{memo}\"."),
               ("Pay {recipient.full_name} {amount} from {from_account}"
                "{instant|, instantly|, standard transfer is fine}; their IBAN is {recipient.iban}."),
               ("Wire {amount} from {from_account} to IBAN {recipient.iban} (holder {recipient.full_name}) "
               "with memo {memo}.")],
    sample_args=_sample_transfer,
    mutates=True,
)
def transfer_funds(world: World, args: dict[str, Any]) -> dict[str, Any]:
    book = _book(world)
    account, amount = args["from_account"], round(float(args["amount"]), 2)
    if account not in book["balances"]:
        raise ToolError(f"unknown account {account}")
    iban = args["recipient"]["iban"].replace(" ", "").upper()
    if not (15 <= len(iban) <= 34 and iban[:2].isalpha() and iban[2:].isalnum()):
        raise ToolError(f"invalid IBAN {args['recipient']['iban']}")
    fee = 1.5 if args["instant"] else 0.0
    if amount <= 0 or book["balances"][account] < amount + fee:
        raise ToolError(f"cannot send {amount} from {account}")
    book["balances"][account] = round(book["balances"][account] - amount - fee, 2)
    book["transfers"] += 1
    return {"transfer_id": f"TX{50000 + book['transfers']}", "from_account": account, "amount": amount,
            "fee": fee, "new_balance": book["balances"][account],
            "status": "completed" if args["instant"] else "scheduled"}
