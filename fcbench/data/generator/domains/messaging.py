"""Messaging domain: contacts, email, SMS, chat messages, group chats and the inbox.

The address book is fixed (same contacts in every world, so other domains such
as calendar can invite them); the sent folder and inbox are seeded tables.
Sending appends to ``world.state["messaging"]["sent"]`` (copied from the seeded
``sent_messages`` table on first use), so `list_sent_messages` depends on what
was sent before it.
"""

from __future__ import annotations

import random
from typing import Any

from fcbench.data.generator.tooling import ToolError, World, sim_tool, table

# (contact name, email, phone); first names are unique so "find Priya" is unambiguous.
CONTACTS = [
    ("Priya Raman", "priya.raman@larkspur.io", "+1 415 555 0134"),
    ("Marco Bellini", "marco.bellini@bellini-studio.it", "+39 02 5550 1187"),
    ("Sofia Lindqvist", "sofia.lindqvist@northwind-robotics.com", "+46 8 555 2290"),
    ("Tomasz Nowak", "t.nowak@mailbox.net", "+48 22 555 3141"),
    ("Aisha Okafor", "aisha.okafor@halvorsen-logistics.com", "+234 1 555 0199"),
    ("Daniel Kim", "daniel.kim@quillon.dev", "+82 2 555 7713"),
    ("Hannah Becker", "hannah.becker@mailbox.net", "+49 30 555 8402"),
    ("Lucas Moreau", "lucas.moreau@atelier-moreau.fr", "+33 1 5550 6621"),
    ("Emily Carter", "emily.carter@brightwater.org", "+1 312 555 0178"),
    ("Kenji Watanabe", "kenji.w@corvid-semi.com", "+81 3 5550 4410"),
    ("Olivia Hughes", "olivia.hughes@stellant-health.com", "+44 20 5550 3307"),
    ("Rafael Souza", "rafael.souza@mailbox.net", "+55 11 5550 2718"),
    ("Zainab Hassan", "zainab.hassan@lumora.bio", "+20 2 5550 9021"),
    ("Noah Fischer", "noah.fischer@kestrel-aero.com", "+41 44 555 6120"),
    ("Grace Mwangi", "grace.mwangi@savanna-labs.co.ke", "+254 20 555 4433"),
    ("Ethan Brooks", "ethan.brooks@pinecrest.com", "+1 720 555 0163"),
    ("Isabel Ortega", "isabel.ortega@mailbox.net", "+34 91 555 7802"),
    ("Viktor Petrov", "viktor.petrov@ironbridge.eu", "+359 2 555 3390"),
    ("Chloe Martin", "chloe.martin@saltmarsh.media", "+1 416 555 0147"),
    ("Arjun Mehta", "arjun.mehta@meadowbrook.in", "+91 22 5550 6644"),
]
SUBJECTS = ["Invoice for March", "Team offsite agenda", "Quick question about the report", "Flight details",
            "Dinner on Friday?", "Contract draft v2", "Photos from the weekend", "Budget approval needed",
            "Welcome aboard", "Quarterly numbers"]
PREVIEWS = ["Thanks, talk soon!", "Running ten minutes late.", "Can you send me the slides?",
            "The package arrived today.", "Call me when you're free.", "See you at the station."]


@table("contacts")
def _contacts(rng: random.Random) -> list[dict[str, Any]]:
    return [{"contact_id": f"CT{2000 + 13 * i}", "contact_name": name, "email": email, "phone": phone,
             "favorite": rng.random() < 0.3}
            for i, (name, email, phone) in enumerate(CONTACTS)]


@table("sent_messages")
def _sent_messages(rng: random.Random) -> list[dict[str, Any]]:
    """The sent folder before any call, oldest first."""
    rows = []
    for i in range(6):
        name, email, phone = rng.choice(CONTACTS)
        channel = rng.choice(["email", "sms", "chat"])
        recipient = {"email": email, "sms": phone, "chat": name}[channel]
        preview = rng.choice(SUBJECTS if channel == "email" else PREVIEWS)
        rows.append({"message_id": f"MSG{1000 + 97 * i + rng.randint(0, 90)}", "channel": channel,
                     "recipient": recipient, "preview": preview})
    return rows


@table("inbox")
def _inbox(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, subject in enumerate(rng.sample(SUBJECTS, 8)):
        name, email, _ = rng.choice(CONTACTS)
        rows.append({"message_id": f"IN{5000 + 31 * i}", "subject": subject, "sender_email": email,
                     "sender_name": name, "received_at": f"2026-03-{2 + 2 * i:02d}T{rng.randint(7, 21):02d}:"
                                                        f"{rng.choice(['05', '20', '35', '50'])}",
                     "unread": rng.random() < 0.5})
    return rows


def _outbox(world: World) -> dict[str, Any]:
    if "messaging" not in world.state:
        world.state["messaging"] = {"sent": [dict(r) for r in world.table("sent_messages")], "groups": []}
    return world.state["messaging"]


def _record(world: World, channel: str, recipient: str, preview: str) -> str:
    sent = _outbox(world)["sent"]
    message_id = f"MSG{8001 + len(sent)}"
    sent.append({"message_id": message_id, "channel": channel, "recipient": recipient,
                 "preview": preview[:60]})
    return message_id


def _contact(world: World, contact_id: str) -> dict[str, Any]:
    return world.require("contacts", contact_id=contact_id)


def _contact_query(rng: random.Random) -> str:
    name = rng.choice(CONTACTS)[0]
    return name if rng.random() < 0.5 else name.split()[0]


@sim_tool(
    name="find_contact", domain="messaging",
    description="Look up someone in your address book by name; returns their contact id, email and phone.",
    parameters={"type": "object", "properties": {
        "contact_name": {"type": "string", "description": "Full or first name, e.g. Priya Raman or Priya."}},
        "required": ["contact_name"]},
    returns={"type": "object", "properties": {
        "contact_id": {"type": "string"}, "contact_name": {"type": "string"}, "email": {"type": "string"},
        "phone": {"type": "string"}}},
    phrasings=["Find {contact_name} in my contacts.", "What's {contact_name}'s email address?",
               "Look up the phone number of {contact_name}.", "Pull up the contact card for {contact_name}."],
    sample_args=lambda rng, w: {"contact_name": _contact_query(rng)},
)
def find_contact(world: World, args: dict[str, Any]) -> dict[str, Any]:
    query = args["contact_name"].strip().casefold()
    for row in world.table("contacts"):
        if query and query in row["contact_name"].casefold():
            return {k: row[k] for k in ("contact_id", "contact_name", "email", "phone")}
    raise ToolError(f"no contact named {args['contact_name']}")


def _sample_email(rng: random.Random, world: World) -> dict[str, Any]:
    to, *cc = rng.sample(CONTACTS, 3)
    subject = rng.choice(SUBJECTS)
    body = rng.choice(["please find the details below", "can we move this to next week",
                       "thanks for your help yesterday", "let me know what you think",
                       "the numbers look good"])
    return {"email": to[1], "subject": subject, "body": body, "cc": [c[1] for c in cc[:rng.randint(1, 2)]],
            "high_priority": rng.random() < 0.3}


@sim_tool(
    name="send_email", domain="messaging",
    description="Send an email to an address, optionally with people in copy and high priority.",
    parameters={"type": "object", "properties": {
        "email": {"type": "string", "description": "Recipient email address."},
        "subject": {"type": "string", "description": "Subject line."},
        "body": {"type": "string", "description": "Message text."},
        "cc": {"type": "array", "items": {"type": "string"}, "default": [],
               "description": "Addresses to copy."},
        "high_priority": {"type": "boolean", "default": False,
                          "description": "Flag the email as important."}},
        "required": ["email", "subject", "body"]},
    returns={"type": "object", "properties": {
        "message_id": {"type": "string"}, "email": {"type": "string"}, "subject": {"type": "string"},
        "cc_count": {"type": "integer"}, "status": {"type": "string"}}},
    phrasings=["Email {email} with the subject \"{subject}\" and say: {body}.",
               "Send an email to {email}, subject \"{subject}\", cc {cc}, text: {body}.",
               ("Write to {email}{high_priority| (mark it urgent)|}: subject \"{subject}\", "
                "message \"{body}\"."),
               ("Shoot a{high_priority| high-priority|} mail over to {email} titled \"{subject}\" "
                "saying {body}, and copy {cc}.")],
    sample_args=_sample_email,
    mutates=True,
)
def send_email(world: World, args: dict[str, Any]) -> dict[str, Any]:
    addresses = [args["email"], *args["cc"]]
    bad = [a for a in addresses if "@" not in a or "." not in a.split("@")[-1]]
    if bad:
        raise ToolError(f"invalid email address {bad[0]}")
    if not args["subject"].strip():
        raise ToolError("subject is empty")
    message_id = _record(world, "email", args["email"].strip(), args["subject"])
    return {"message_id": message_id, "email": args["email"].strip(), "subject": args["subject"],
            "cc_count": len(args["cc"]), "status": "sent"}


@sim_tool(
    name="send_sms", domain="messaging",
    description="Send a text message (SMS) to a phone number. Long texts are split into "
                "160-character segments.",
    parameters={"type": "object", "properties": {
        "phone": {"type": "string", "description": "Phone number in international format."},
        "text": {"type": "string", "description": "Message text."}},
        "required": ["phone", "text"]},
    returns={"type": "object", "properties": {
        "message_id": {"type": "string"}, "phone": {"type": "string"}, "segments": {"type": "integer"},
        "status": {"type": "string"}}},
    phrasings=["Text {phone}: \"{text}\"", "Send an SMS to {phone} saying \"{text}\"",
               "Please message the number {phone} by SMS: {text}"],
    sample_args=lambda rng, w: {"phone": rng.choice(CONTACTS)[2], "text": rng.choice(PREVIEWS)},
    mutates=True,
)
def send_sms(world: World, args: dict[str, Any]) -> dict[str, Any]:
    digits = [c for c in args["phone"] if c.isdigit()]
    if len(digits) < 7 or any(not (c.isdigit() or c in "+ -()") for c in args["phone"]):
        raise ToolError(f"invalid phone number {args['phone']}")
    if not args["text"].strip():
        raise ToolError("text is empty")
    message_id = _record(world, "sms", args["phone"].strip(), args["text"])
    return {"message_id": message_id, "phone": args["phone"].strip(),
            "segments": (len(args["text"]) + 159) // 160, "status": "delivered"}


@sim_tool(
    name="send_message", domain="messaging",
    description="Send an in-app chat message to a contact by contact id.",
    parameters={"type": "object", "properties": {
        "contact_id": {"type": "string",
                       "description": "Contact id as returned by find_contact, e.g. CT2013."},
        "text": {"type": "string", "description": "Message text."},
        "urgent": {"type": "boolean", "default": False,
                   "description": "Notify even if the contact is on do-not-disturb."}},
        "required": ["contact_id", "text"]},
    returns={"type": "object", "properties": {
        "message_id": {"type": "string"}, "contact_id": {"type": "string"},
        "contact_name": {"type": "string"}, "status": {"type": "string"}}},
    phrasings=["Message contact {contact_id} on chat: {text}",
               "Send {contact_id} a chat message{urgent| marked urgent|}: \"{text}\"",
               "Ping {contact_id} in the app{urgent| (urgent)|} and say \"{text}\"",
               "Drop a note to {contact_id}: {text}"],
    sample_args=lambda rng, w: {"contact_id": rng.choice(w.table("contacts"))["contact_id"],
                                "text": rng.choice(PREVIEWS), "urgent": rng.random() < 0.3},
    mutates=True,
)
def send_message(world: World, args: dict[str, Any]) -> dict[str, Any]:
    row = _contact(world, args["contact_id"])
    if not args["text"].strip():
        raise ToolError("text is empty")
    message_id = _record(world, "chat", row["contact_name"], args["text"])
    return {"message_id": message_id, "contact_id": row["contact_id"], "contact_name": row["contact_name"],
            "status": "delivered" if args["urgent"] or not row["favorite"] else "delivered silently"}


@sim_tool(
    name="list_sent_messages", domain="messaging",
    description="List the most recent messages you sent, newest first, optionally only one channel.",
    parameters={"type": "object", "properties": {
        "message_type": {"type": "string", "enum": ["all", "email", "sms", "chat"], "default": "all",
                    "description": "Which channel to list."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5,
                  "description": "How many messages at most."}},
        "required": []},
    returns={"type": "object", "properties": {
        "count": {"type": "integer"}, "latest_message_id": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "object", "properties": {
            "message_id": {"type": "string"}, "channel": {"type": "string"}, "recipient": {"type": "string"},
            "preview": {"type": "string"}}}}}},
    phrasings=["What did I send recently?", "Show my last {limit} sent messages.",
               "List the {message_type} messages I sent.",
               "Show the last {limit} {message_type} messages I sent."],
    # "all" reads badly in the phrasings, so the sampler draws a real channel.
    sample_args=lambda rng, w: {"message_type": rng.choice(["email", "sms", "chat"]),
                                "limit": rng.randint(2, 8)},
)
def list_sent_messages(world: World, args: dict[str, Any]) -> dict[str, Any]:
    channel, limit = args["message_type"], int(args["limit"])
    if channel not in ("all", "email", "sms", "chat") or not 1 <= limit <= 20:
        raise ToolError("invalid channel or limit")
    rows = [dict(m) for m in reversed(_outbox(world)["sent"]) if channel in ("all", m["channel"])][:limit]
    return {"count": len(rows), "latest_message_id": rows[0]["message_id"] if rows else "", "messages": rows}


def _sample_group(rng: random.Random, world: World) -> dict[str, Any]:
    people = rng.sample(world.table("contacts"), rng.randint(2, 4))
    return {"group_name": rng.choice(["Book club", "Weekend hiking", "Project Falcon", "Family dinner",
                                      "Climbing crew", "Launch war room"]),
            "members": [{"contact_id": p["contact_id"], "role": "admin" if i == 0 else "member"}
                        for i, p in enumerate(people)],
            "mute_notifications": rng.random() < 0.3}


@sim_tool(
    name="create_group_chat", domain="messaging",
    description="Create a group chat with several contacts, each as admin or plain member.",
    parameters={"type": "object", "properties": {
        "group_name": {"type": "string", "description": "Name of the group."},
        "members": {"type": "array", "minItems": 2, "description": "People to add.", "items": {
            "type": "object", "properties": {
                "contact_id": {"type": "string", "description": "Contact id as returned by find_contact."},
                "role": {"type": "string", "enum": ["admin", "member"]}},
            "required": ["contact_id", "role"]}},
        "mute_notifications": {"type": "boolean", "default": False, "description": "Start the group muted."}},
        "required": ["group_name", "members"]},
    returns={"type": "object", "properties": {
        "group_id": {"type": "string"}, "group_name": {"type": "string"}, "member_count": {"type": "integer"},
        "admin_count": {"type": "integer"}, "muted": {"type": "boolean"}}},
    phrasings=["Create a group chat called \"{group_name}\" with {members}.",
               "Start a group named {group_name} and add {members}{mute_notifications|, muted for now|}.",
               "Set up a new chat group \"{group_name}\": members {members}."],
    sample_args=_sample_group,
    mutates=True,
)
def create_group_chat(world: World, args: dict[str, Any]) -> dict[str, Any]:
    name = args["group_name"].strip()
    if not name:
        raise ToolError("group name is empty")
    members = args["members"]
    ids = [_contact(world, m["contact_id"])["contact_id"] for m in members]
    if len(set(ids)) < 2:
        raise ToolError("a group needs at least two different contacts")
    if any(m["role"] not in ("admin", "member") for m in members):
        raise ToolError("role must be admin or member")
    groups = _outbox(world)["groups"]
    group_id = f"GR{301 + len(groups)}"
    groups.append({"group_id": group_id, "group_name": name, "members": sorted(set(ids))})
    return {"group_id": group_id, "group_name": name, "member_count": len(set(ids)),
            "admin_count": sum(m["role"] == "admin" for m in members),
            "muted": bool(args["mute_notifications"])}


def _sample_inbox(rng: random.Random, world: World) -> dict[str, Any]:
    msg = rng.choice(world.table("inbox"))
    word = max(msg["subject"].split(), key=len).strip("?,.")
    return {"query": word.lower(), "unread_only": msg["unread"] and rng.random() < 0.5,
            "from_email": msg["sender_email"]}


@sim_tool(
    name="search_inbox", domain="messaging",
    description="Search received emails by a word in the subject; returns the newest match and "
                "how many matched.",
    parameters={"type": "object", "properties": {
        "query": {"type": "string", "description": "Word or phrase to look for in subjects."},
        "unread_only": {"type": "boolean", "default": False, "description": "Only unread emails."},
        "from_email": {"type": "string", "description": "Only emails from this sender address."}},
        "required": ["query"]},
    returns={"type": "object", "properties": {
        "match_count": {"type": "integer"}, "latest_message_id": {"type": "string"},
        "latest_subject": {"type": "string"}, "sender_email": {"type": "string"},
        "received_at": {"type": "string"}}},
    phrasings=["Search my inbox for \"{query}\".",
               "Did I get any{unread_only| unread|} emails about {query}?",
               "Find emails from {from_email} mentioning {query}.",
               "Look through my{unread_only| unread|} mail from {from_email} for \"{query}\"."],
    sample_args=_sample_inbox,
)
def search_inbox(world: World, args: dict[str, Any]) -> dict[str, Any]:
    query = args["query"].strip().casefold()
    if not query:
        raise ToolError("empty search query")
    sender = args.get("from_email", "").strip().casefold()
    hits = [m for m in world.table("inbox") if query in m["subject"].casefold()
            and (m["unread"] or not args["unread_only"]) and sender in ("", m["sender_email"].casefold())]
    if not hits:
        return {"match_count": 0, "latest_message_id": "", "latest_subject": "", "sender_email": "",
                "received_at": ""}
    latest = max(hits, key=lambda m: (m["received_at"], m["message_id"]))
    return {"match_count": len(hits), "latest_message_id": latest["message_id"],
            "latest_subject": latest["subject"], "sender_email": latest["sender_email"],
            "received_at": latest["received_at"]}
