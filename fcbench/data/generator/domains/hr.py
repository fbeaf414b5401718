"""HR domain: an employee directory with leave balances, leave requests, reviews and payslips.

The ``employees`` table carries each person's manager, leave entitlements and
the leave requests already pending when the world starts (so approving one
works on a fresh world). Leave requests then live in ``world.state`` so that
submitting, approving and checking a balance depend on the order of calls.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

FIRST_NAMES = ["Ana", "Beatriz", "Chloe", "Daniel", "Elena", "Farah", "Grace", "Hannah", "Isaac",
               "Julia", "Karim", "Laura", "Mei", "Nadia", "Owen", "Priya", "Rachel", "Sofia",
               "Tariq", "Uma", "Victor", "Wendy", "Xavier", "Zoe"]
LAST_NAMES = ["Abbott", "Bianchi", "Chen", "Duarte", "Evans", "Fischer", "Garcia", "Haddad",
              "Ibrahim", "Jensen", "Kim", "Lopez", "Mensah", "Novak", "O'Brien", "Patel", "Quinn",
              "Romero", "Schmidt", "Thompson", "Usman", "Vasquez", "Walsh", "Zhang"]
DEPARTMENTS = {  # department: (head title, member titles, salary band in thousands)
    "Engineering": ("VP of Engineering", ["Software Engineer", "Senior Software Engineer",
                                          "QA Engineer", "Site Reliability Engineer"], (62, 115)),
    "Sales": ("Head of Sales", ["Account Executive", "Sales Development Rep", "Key Account Manager"],
              (45, 90)),
    "Marketing": ("Marketing Director", ["Content Strategist", "Growth Marketer", "Brand Designer"],
                  (44, 85)),
    "Finance": ("Finance Director", ["Financial Analyst", "Accountant", "Payroll Specialist"], (48, 92)),
    "People Operations": ("Head of People", ["HR Business Partner", "Recruiter",
                                             "People Ops Coordinator"], (42, 80)),
    "Customer Support": ("Support Manager", ["Support Specialist", "Technical Support Engineer",
                                             "Customer Success Manager"], (36, 70)),
}
LEAVE_TYPES = ["annual", "sick", "parental"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
COMPETENCIES = ["delivery", "collaboration", "communication", "technical skill", "leadership"]
CYCLES = ["2025 mid-year", "2024 year-end"]


def _person(rng: random.Random, i: int, name: str, department: str, title: str, manager_id: str,
            salary_band: tuple[int, int]) -> dict[str, Any]:
    start = dt.date(2016, 1, 4) + dt.timedelta(days=rng.randint(0, 7 * 365))
    return {"employee_id": f"E{1000 + i * 13 + rng.randint(0, 12)}", "full_name": name,
            "department": department, "job_title": title, "manager_id": manager_id,
            "start_date": start.isoformat(), "annual_salary": rng.randint(*salary_band) * 1000,
            "entitlements": {"annual": rng.randint(22, 30), "sick": 10, "parental": 20},
            "used": {"annual": rng.randint(0, 10), "sick": rng.randint(0, 4), "parental": 0},
            "pending_requests": []}


@table("employees")
def _employees(rng: random.Random) -> list[dict[str, Any]]:
    names = rng.sample([f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES], 1 + 4 * len(DEPARTMENTS))
    ceo = _person(rng, 0, names[0], "Executive", "Chief Executive Officer", "", (150, 180))
    rows = [ceo]
    for department, (head_title, titles, band) in DEPARTMENTS.items():
        head = _person(rng, len(rows), names[len(rows)], department, head_title, ceo["employee_id"],
                       (band[1], band[1] + 30))
        rows.append(head)
        for _ in range(3):
            rows.append(_person(rng, len(rows), names[len(rows)], department, rng.choice(titles),
                                head["employee_id"], band))
    for i, row in enumerate(rows[1:], start=1):
        if i % 2 == 0 or rng.random() < 0.3:
            start = dt.date(2025, 9, 1) + dt.timedelta(days=rng.randint(0, 80))
            row["pending_requests"].append({"request_id": f"LR{4000 + i * 17 + rng.randint(0, 16)}",
                                            "leave_type": "annual", "start_date": start.isoformat(),
                                            "days": rng.randint(1, 5)})
    return rows


def _employee(world: World, employee_id: str) -> dict[str, Any]:
    return world.require("employees", employee_id=employee_id)


def _requests(world: World) -> dict[str, dict[str, Any]]:
    """All leave requests by id: the seeded pending ones plus those submitted since."""
    if "leave_requests" not in world.state:
        world.state["leave_requests"] = {
            r["request_id"]: dict(copy.deepcopy(r), employee_id=e["employee_id"], status="pending")
            for e in world.table("employees") for r in e["pending_requests"]}
    return world.state["leave_requests"]


def _balance(world: World, row: dict[str, Any], leave_type: str) -> dict[str, Any]:
    if leave_type not in LEAVE_TYPES:
        raise ToolError(f"unknown leave_type {leave_type}")
    mine = [r for r in _requests(world).values()
            if r["employee_id"] == row["employee_id"] and r["leave_type"] == leave_type]
    used = row["used"][leave_type] + sum(r["days"] for r in mine if r["status"] == "approved")
    pending = sum(r["days"] for r in mine if r["status"] == "pending")
    entitled = row["entitlements"][leave_type]
    return {"employee_id": row["employee_id"], "leave_type": leave_type, "entitled_days": entitled,
            "used_days": used, "pending_days": pending, "remaining_days": entitled - used - pending}


def _staff(rng: random.Random, w: World) -> dict[str, Any]:
    """Anyone but the chief executive (who has no manager)."""
    return rng.choice([e for e in w.table("employees") if e["manager_id"]])


EMPLOYEE_ID = {"type": "string",
               "description": "Employee identifier as returned by find_employee, e.g. E1042."}
LEAVE_TYPE = {"type": "string", "enum": LEAVE_TYPES, "default": "annual", "description": "Kind of leave."}


@sim_tool(
    name="find_employee", domain="hr",
    description="Look up a colleague in the company directory by full name; returns their employee id, "
                "department, job title and the id of their manager.",
    parameters={"type": "object", "properties": {
        "full_name": {"type": "string", "description": "Full name, e.g. Priya Novak."}},
        "required": ["full_name"]},
    returns={"type": "object", "properties": {
        "employee_id": {"type": "string"}, "full_name": {"type": "string"},
        "department_name": {"type": "string"},
        "job_title": {"type": "string"},
        "manager_id": {"type": "string",
                       "description": "Employee id of their manager (empty for the CEO)."}}},
    phrasings=["Find the employee {full_name}.", "What's {full_name}'s employee id?",
               "Look up {full_name} in the staff directory.", "Who is {full_name}'s manager?"],
    sample_args=lambda rng, w: {"full_name": rng.choice(w.table("employees"))["full_name"]},
)
def find_employee(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = world.find("employees", full_name=args["full_name"])
    if row is None:
        raise ToolError(f"no employee named {args['full_name']}")
    return {"employee_id": row["employee_id"], "full_name": row["full_name"],
            "department_name": row["department"],
            "job_title": row["job_title"], "manager_id": row["manager_id"]}


@sim_tool(
    name="get_leave_balance", domain="hr",
    description="How many days of a leave type an employee is entitled to, has used, has pending "
                "and has left.",
    parameters={"type": "object", "properties": {"employee_id": EMPLOYEE_ID, "leave_type": LEAVE_TYPE},
                "required": ["employee_id"]},
    returns={"type": "object", "properties": {
        "employee_id": {"type": "string"}, "leave_type": {"type": "string"},
        "entitled_days": {"type": "integer"}, "used_days": {"type": "integer"},
        "pending_days": {"type": "integer"}, "remaining_days": {"type": "integer"}}},
    phrasings=["How many holiday days does {employee_id} have left?",
               "Check the {leave_type} leave balance of employee {employee_id}.",
               "What's left of {employee_id}'s {leave_type} leave this year?",
               "Leave balance for {employee_id}, please."],
    sample_args=lambda rng,
    w: {"employee_id": _staff(rng, w)["employee_id"], "leave_type": rng.choice(LEAVE_TYPES)},
)
def get_leave_balance(world: World, args: dict[str, Any]) -> dict[str, Any]:
    return _balance(world, _employee(world, args["employee_id"]), args["leave_type"])


def _sample_leave(rng: random.Random, w: World) -> dict[str, Any]:
    start = dt.date(2025, 10, 6) + dt.timedelta(days=rng.randint(0, 70))
    return {"employee_id": _staff(rng, w)["employee_id"], "leave_type": rng.choice(LEAVE_TYPES),
            "start_date": start.isoformat(), "days": rng.randint(1, 5),
            "notify_manager": rng.random() < 0.7}


@sim_tool(
    name="submit_leave_request", domain="hr",
    description="File a leave request for an employee; it stays pending until their manager approves it.",
    parameters={"type": "object", "properties": {
        "employee_id": EMPLOYEE_ID,
        "leave_type": LEAVE_TYPE,
        "start_date": {"type": "string", "format": "date", "description": "First day off (YYYY-MM-DD)."},
        "days": {"type": "integer", "minimum": 1, "maximum": 30, "description": "Working days requested."},
        "notify_manager": {"type": "boolean", "default": True,
                           "description": "Email the manager about the new request."}},
        "required": ["employee_id", "start_date", "days"]},
    returns={"type": "object", "properties": {
        "request_id": {"type": "string"}, "employee_id": {"type": "string"}, "leave_type": {"type": "string"},
        "request_status": {"type": "string"}, "leave_days": {"type": "integer"},
        "remaining_days": {"type": "integer"}}},
    phrasings=["Request {days} days of leave for {employee_id} starting {start_date}.",
               "Submit a request for {leave_type} leave: employee {employee_id}, {days} days from {start_date}.",
               ("Book {days} days of {leave_type} leave for {employee_id} beginning on {start_date}"
                "{notify_manager|, and let the manager know| without notifying the manager}."),
               "Put in time off for {employee_id}: {days} days from {start_date}."],
    sample_args=_sample_leave,
    mutates=True,
)
def submit_leave_request(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _employee(world, args["employee_id"])
    try:
        dt.date.fromisoformat(args["start_date"])
    except ValueError:
        raise ToolError(f"invalid start_date {args['start_date']}") from None
    days = int(args["days"])
    balance = _balance(world, row, args["leave_type"])
    if not 1 <= days <= balance["remaining_days"]:
        raise ToolError(f"cannot request {days} days: {balance['remaining_days']} remaining")
    requests = _requests(world)
    request_id = f"LR{9000 + sum(1 for r in requests if r.startswith('LR9')) + 1}"
    requests[request_id] = {"request_id": request_id, "employee_id": row["employee_id"],
                            "leave_type": args["leave_type"], "start_date": args["start_date"],
                            "days": days, "status": "pending"}
    return {"request_id": request_id, "employee_id": row["employee_id"], "leave_type": args["leave_type"],
            "request_status": "pending", "leave_days": days,
            "remaining_days": balance["remaining_days"] - days}


def _sample_approval(rng: random.Random, w: World) -> dict[str, Any]:
    """A request pending when the world starts, approved by the requester's manager."""
    pending = [(r["request_id"], e["manager_id"])
               for e in w.table("employees") for r in e["pending_requests"]]
    request_id, manager_id = rng.choice(pending)
    return {"request_id": request_id, "manager_id": manager_id,
            "comment": rng.choice(["Enjoy the break!", "Team cover is arranged", "Fine by me",
                                   "Please update the rota before you go"])}


@sim_tool(
    name="approve_leave_request", domain="hr",
    description="Approve a pending leave request; only the requesting employee's manager may approve it.",
    parameters={"type": "object", "properties": {
        "request_id": {"type": "string", "description": "Leave request id, e.g. LR4051."},
        "manager_id": {"type": "string", "description": "Employee id of the approving manager."},
        "comment": {"type": "string", "description": "Optional note to the employee."}},
        "required": ["request_id", "manager_id"]},
    returns={"type": "object", "properties": {
        "request_id": {"type": "string"}, "request_status": {"type": "string"},
        "employee_id": {"type": "string"},
        "leave_type": {"type": "string"}, "leave_days": {"type": "integer"}}},
    phrasings=["Approve leave request {request_id} as manager {manager_id}.",
               "I'm {manager_id}; please sign off request {request_id}.",
               "Manager {manager_id} approves {request_id} with the note \"{comment}\".",
               "Accept the time-off request {request_id} on behalf of {manager_id}."],
    sample_args=_sample_approval,
    mutates=True,
)
def approve_leave_request(world: World, args: dict[str, Any]) -> dict[str, Any]:
    request = _requests(world).get(args["request_id"])
    if request is None:
        raise ToolError(f"unknown request_id {args['request_id']}")
    if _employee(world, request["employee_id"])["manager_id"] != args["manager_id"]:
        raise ToolError(f"{args['manager_id']} is not the manager of {request['employee_id']}")
    if request["status"] != "pending":
        raise ToolError(f"request {args['request_id']} is already {request['status']}")
    request["status"] = "approved"
    return {"request_id": request["request_id"], "request_status": "approved",
            "employee_id": request["employee_id"], "leave_type": request["leave_type"],
            "leave_days": request["days"]}


@sim_tool(
    name="list_direct_reports", domain="hr",
    description="List the people who report directly to a manager.",
    parameters={"type": "object", "properties": {
        "manager_id": {"type": "string", "description": "Employee id of the manager."},
        "sort_by": {"type": "string", "enum": ["name", "start_date"], "default": "name",
                    "description": "Order of the list."}},
        "required": ["manager_id"]},
    returns={"type": "object", "properties": {
        "manager_id": {"type": "string"}, "count": {"type": "integer"},
        "employee_ids": {"type": "array", "items": {"type": "string"}},
        "full_names": {"type": "array", "items": {"type": "string"}}}},
    phrasings=["Who reports to {manager_id}?",
               "List the direct reports of {manager_id}, sorted by {sort_by}.",
               "Show me {manager_id}'s team.",
               "Which employees does {manager_id} manage? Order them by {sort_by}."],
    sample_args=lambda rng, w: {"manager_id": rng.choice(sorted({e["manager_id"] for e in w.table("employees")
                                                                 if e["manager_id"]})),
                                "sort_by": rng.choice(["name", "start_date"])},
)
def list_direct_reports(world: World, args: dict[str, Any]) -> dict[str, Any]:
    _employee(world, args["manager_id"])
    if args["sort_by"] not in ("name", "start_date"):
        raise ToolError(f"cannot sort by {args['sort_by']}")
    key = "full_name" if args["sort_by"] == "name" else "start_date"
    reports = sorted((e for e in world.table("employees") if e["manager_id"] == args["manager_id"]),
                     key=lambda e: (e[key], e["employee_id"]))
    return {"manager_id": args["manager_id"], "count": len(reports),
            "employee_ids": [e["employee_id"] for e in reports],
            "full_names": [e["full_name"] for e in reports]}


def _overall(score: float) -> str:
    if score >= 4.5:
        return "outstanding"
    if score >= 3.5:
        return "exceeds expectations"
    return "meets expectations" if score >= 2.5 else "needs improvement"


@sim_tool(
    name="record_performance_review", domain="hr",
    description="Record an employee's performance review for a cycle: a 1-5 score per competency.",
    parameters={"type": "object", "properties": {
        "employee_id": EMPLOYEE_ID,
        "cycle": {"type": "string", "enum": CYCLES, "description": "Review cycle."},
        "ratings": {"type": "array", "minItems": 1, "description": "One score per competency.",
                    "items": {"type": "object", "properties": {
                        "competency": {"type": "string", "enum": COMPETENCIES},
                        "score": {"type": "integer", "minimum": 1, "maximum": 5}},
                        "required": ["competency", "score"]}},
        "recommend_promotion": {"type": "boolean", "default": False,
                                "description": "Flag the employee for promotion."}},
        "required": ["employee_id", "cycle", "ratings"]},
    returns={"type": "object", "properties": {
        "review_id": {"type": "string"}, "employee_id": {"type": "string"}, "cycle": {"type": "string"},
        "average_score": {"type": "number"}, "overall_rating": {"type": "string"},
        "promotion_flag": {"type": "boolean"}}},
    phrasings=["Record the {cycle} review for {employee_id} with these scores: {ratings}.",
               ("Log a performance review for employee {employee_id} ({cycle}): {ratings}"
                "{recommend_promotion|, and recommend them for promotion|, no promotion recommendation}."),
               "For the {cycle} cycle, {employee_id} was rated {ratings}.",
               ("Enter {employee_id}'s {cycle} review: {ratings}"
                "{recommend_promotion|, flagged for promotion|}.")],
    sample_args=lambda rng, w: {
        "employee_id": _staff(rng, w)["employee_id"], "cycle": rng.choice(CYCLES),
        "ratings": [{"competency": c, "score": rng.randint(2, 5)}
                    for c in rng.sample(COMPETENCIES, rng.randint(2, 4))],
        "recommend_promotion": rng.random() < 0.3},
    mutates=True,
)
def record_performance_review(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _employee(world, args["employee_id"])
    ratings = args["ratings"]
    names = [r["competency"] for r in ratings]
    if not ratings or len(set(names)) != len(names) or any(n not in COMPETENCIES for n in names):
        raise ToolError("ratings need distinct known competencies")
    if any(not 1 <= int(r["score"]) <= 5 for r in ratings) or args["cycle"] not in CYCLES:
        raise ToolError("scores must be 1-5 and the cycle must exist")
    reviews = world.state.setdefault("reviews", {})
    key = f"{row['employee_id']}/{args['cycle']}"
    if key in reviews:
        raise ToolError(f"{row['employee_id']} already has a {args['cycle']} review")
    average = round(sum(int(r["score"]) for r in ratings) / len(ratings), 2)
    review_id = f"RV{5000 + len(reviews) + 1}"
    reviews[key] = review_id
    return {"review_id": review_id, "employee_id": row["employee_id"], "cycle": args["cycle"],
            "average_score": average, "overall_rating": _overall(average),
            "promotion_flag": bool(args["recommend_promotion"])}


def _sample_payslip(rng: random.Random, w: World) -> dict[str, Any]:
    return {"employee_id": rng.choice(w.table("employees"))["employee_id"], "month": rng.choice(MONTHS),
            "year": rng.choice([2024, 2025])}


@sim_tool(
    name="get_payslip", domain="hr",
    description="Monthly payslip of an employee: gross pay, income tax, pension contribution and net pay.",
    parameters={"type": "object", "properties": {
        "employee_id": EMPLOYEE_ID,
        "month": {"type": "string", "enum": MONTHS, "description": "Pay month."},
        "year": {"type": "integer", "minimum": 2016, "maximum": 2025, "default": 2025,
                 "description": "Pay year."}},
        "required": ["employee_id", "month"]},
    returns={"type": "object", "properties": {
        "employee_id": {"type": "string"}, "month": {"type": "string"}, "year": {"type": "integer"},
        "gross_pay": {"type": "number"}, "income_tax": {"type": "number"}, "pension": {"type": "number"},
        "net_pay": {"type": "number"}}},
    phrasings=["Show the {month} {year} payslip for {employee_id}.",
               "How much was {employee_id} paid in {month}?",
               "Net pay of employee {employee_id} for {month} {year}?",
               "Pull up {employee_id}'s {month} payslip."],
    sample_args=_sample_payslip,
)
def get_payslip(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _employee(world, args["employee_id"])
    if args["month"] not in MONTHS:
        raise ToolError(f"unknown month {args['month']}")
    year, month = int(args["year"]), MONTHS.index(args["month"]) + 1
    if (year, month) < tuple(int(x) for x in row["start_date"].split("-")[:2]) or year > 2025:
        raise ToolError(f"no payslip for {args['month']} {year}")
    salary = row["annual_salary"] * (1.0 if year == 2025 else 0.97)  # 3 % raise in 2025
    gross = round(salary / 12, 2)
    taxable = max(0.0, gross - 1000)
    tax = round(taxable * (0.2 if gross < 6000 else 0.3), 2)
    pension = round(gross * 0.05, 2)
    return {"employee_id": row["employee_id"], "month": args["month"], "year": year, "gross_pay": gross,
            "income_tax": tax, "pension": pension, "net_pay": round(gross - tax - pension, 2)}
