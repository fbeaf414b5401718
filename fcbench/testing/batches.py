"""The emulated server's batch endpoints: OpenAI Files + Batches, Anthropic Message Batches.

Routes::

    POST /v1/files                      multipart upload (purpose=batch)
    GET  /v1/files/{id}                 the file object
    GET  /v1/files/{id}/content         its bytes (input, output or error JSONL)
    POST /v1/batches                    {input_file_id, endpoint, completion_window, metadata}
    GET  /v1/batches                    list, newest first, with ``limit`` / ``after``
    GET  /v1/batches/{id}
    POST /v1/batches/{id}/cancel
    POST /v1/messages/batches           {requests: [{custom_id, params}]}
    GET  /v1/messages/batches/{id}      ``results_url`` points back at this server
    GET  /v1/messages/batches/{id}/results   JSONL

Every batched request is answered when the batch is created, by the same matching and
the same behaviour as its non-batch endpoint (`fcbench.testing.app.answer_body`): a
request that matches no sample gets the same 400 as it would alone. The batch then
stays in progress for a while and may fail, expire or error some requests, as
`fcbench.testing.config.BatchSettings` says. Network faults (``fault_rate``) do not
apply inside a batch. The stats count files uploaded, batches created and batched
requests per provider, so a test can prove a resumed run did not submit again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from fcbench.testing import wire
from fcbench.testing.app import ANTHROPIC, OPENAI, STATE, EmulatorState, Provider, answer_body
from fcbench.testing.config import BatchSettings
from fcbench.testing.script import NoMatch

OPENAI_ENDPOINT = "/v1/chat/completions"


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    data: bytes
    created: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "file", "bytes": len(self.data), "created_at": self.created,
                "filename": self.filename, "purpose": self.purpose, "status": "processed",
                "expires_at": None, "status_details": None}


@dataclass
class StoredBatch:
    """A batch with its answers worked out at creation; what a client sees depends on time and polls."""

    id: str
    provider: str
    created: float
    ready_at: float
    polls_left: int
    total: int
    #: custom id -> (succeeded?, the result line)
    lines: list[tuple[bool, dict[str, Any]]] = field(default_factory=list)
    input_file_id: str | None = None
    metadata: dict[str, str] | None = None
    fail_reason: str | None = None
    expired: bool = False
    cancelled: bool = False
    output_file_id: str | None = None
    error_file_id: str | None = None

    def ended(self) -> bool:
        if self.cancelled or self.fail_reason:
            return True
        return self.polls_left <= 0 and time.time() >= self.ready_at

    def seen(self) -> None:
        """One more retrieve: a batch in progress counts down its polls."""
        if self.polls_left > 0:
            self.polls_left -= 1


@dataclass
class BatchStore:
    settings: BatchSettings
    seed: int
    files: dict[str, StoredFile] = field(default_factory=dict)
    batches: dict[str, StoredBatch] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(1))
    creates_lost: int = 0

    def lose_this_create(self) -> bool:
        """Answer this (successful) create with a 500? The first `lost_creates` are."""
        if self.creates_lost < self.settings.lost_creates:
            self.creates_lost += 1
            return True
        return False

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids):08d}"

    def picked(self, setting: str, custom_id: str) -> bool:
        """Is `custom_id` among the requests `setting` (``errors``, ``expired``) picks: a share
        (a hash of seed, setting and id decides, so the two settings pick independently) or the ids."""
        choice = getattr(self.settings, setting)
        if isinstance(choice, (int, float)) and not isinstance(choice, bool):
            if choice <= 0:
                return False
            digest = hashlib.sha256(f"{self.seed}/{setting}/{custom_id}".encode("utf-8", "surrogatepass")).digest()
            return int.from_bytes(digest[:8], "big") / 2**64 < choice
        return custom_id in set(choice or ())


BATCHES = web.AppKey("fcbench_batches", BatchStore)


def add_routes(app: web.Application) -> None:
    config = app[STATE].config
    app[BATCHES] = BatchStore(config.batches, config.seed)
    app.router.add_post("/v1/files", upload_file)
    app.router.add_get("/v1/files/{file_id}", get_file)
    app.router.add_get("/v1/files/{file_id}/content", file_content)
    app.router.add_post("/v1/batches", create_openai_batch)
    app.router.add_get("/v1/batches", list_openai_batches)
    app.router.add_get("/v1/batches/{batch_id}", get_openai_batch)
    app.router.add_post("/v1/batches/{batch_id}/cancel", cancel_openai_batch)
    app.router.add_post("/v1/messages/batches", create_anthropic_batch)
    app.router.add_get("/v1/messages/batches/{batch_id}", get_anthropic_batch)
    app.router.add_get("/v1/messages/batches/{batch_id}/results", anthropic_results)


# ------------------------------------------------------------------ one batched request
def answer_one(state: EmulatorState, provider: Provider, payload: Any) -> tuple[int, Any]:
    """(HTTP status, JSON body) the non-batch endpoint gives `payload`, minus latency and faults."""
    if not isinstance(payload, dict) or not isinstance(payload.get("messages"), list):
        state.stats.bad_request()
        return 400, _error(provider, "emulated server: the request needs a 'messages' list")
    conv = provider.parse(payload)
    try:
        entry = state.script.match(conv)
    except NoMatch as exc:
        state.stats.no_match()
        return 400, _error(provider, str(exc))
    state.stats.attempt(entry.key)
    data = answer_body(state, provider, {**payload, "stream": False}, conv, entry)
    try:
        return 200, json.loads(data)
    except ValueError:
        return 200, data.decode("utf-8", "replace")  # a raw reply that is not JSON, kept as text


def _error(provider: Provider, message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return wire.anthropic_error(message, kind) if provider.name == "anthropic" else wire.openai_error(message, kind)


SERVER_ERROR = "The emulated server failed this batched request (configured batch error)."


def _new_batch(store: BatchStore, provider: str, prefix: str, total: int) -> StoredBatch:
    settings = store.settings
    now = time.time()
    return StoredBatch(store.new_id(prefix), provider, now, now + settings.delay_s, settings.polls, total)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------ OpenAI files
async def upload_file(request: web.Request) -> web.Response:
    store = request.app[BATCHES]
    form = await request.post()
    upload = form.get("file")
    purpose = str(form.get("purpose") or "")
    if upload is None or not hasattr(upload, "file"):
        return web.json_response(wire.openai_error("'file' is a required multipart field", "invalid_request_error"),
                                 status=400)
    stored = StoredFile(store.new_id("file-emu"), upload.filename or "upload.jsonl", purpose,
                        upload.file.read(), int(time.time()))
    store.files[stored.id] = stored
    request.app[STATE].stats.batch_event("openai", "files_uploaded")
    return web.json_response(stored.to_dict())


def _file_or_404(request: web.Request) -> StoredFile | web.Response:
    stored = request.app[BATCHES].files.get(request.match_info["file_id"])
    if stored is None:
        return web.json_response(wire.openai_error("No such file", "invalid_request_error"), status=404)
    return stored


async def get_file(request: web.Request) -> web.Response:
    stored = _file_or_404(request)
    return stored if isinstance(stored, web.Response) else web.json_response(stored.to_dict())


async def file_content(request: web.Request) -> web.Response:
    stored = _file_or_404(request)
    if isinstance(stored, web.Response):
        return stored
    return web.Response(body=stored.data, content_type="application/octet-stream")


# ------------------------------------------------------------------ OpenAI batches
def _openai_lines(state: EmulatorState, store: BatchStore, batch: StoredBatch, data: bytes) -> str | None:
    """Answer every line of an input file into `batch`; the reason the batch fails, if it does."""
    seen: set[str] = set()
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            custom_id, body = line["custom_id"], line["body"]
        except (ValueError, KeyError, TypeError):
            return f"line {lineno}: not a batch request line"
        if line.get("url") != OPENAI_ENDPOINT or line.get("method") != "POST":
            return f"line {lineno}: url must be POST {OPENAI_ENDPOINT}"
        if custom_id in seen:
            return f"line {lineno}: duplicate custom_id {custom_id!r}"
        seen.add(custom_id)
        rid = store.new_id("batch_req_emu")
        if store.picked("expired", custom_id):
            batch.expired = True
            batch.lines.append((False, {"id": rid, "custom_id": custom_id, "response": None, "error": {
                "code": "batch_expired",
                "message": "This request could not be executed before the completion window expired."}}))
            continue
        state.stats.batch_event("openai", "batch_requests")
        if store.picked("errors", custom_id):
            status, answer = 500, wire.openai_error(SERVER_ERROR, "server_error")
        else:
            status, answer = answer_one(state, OPENAI, body)
        response = {"status_code": status, "request_id": f"req_{rid}", "body": answer}
        batch.lines.append((status == 200, {"id": rid, "custom_id": custom_id, "response": response, "error": None}))
    batch.total = len(seen)
    return None


async def create_openai_batch(request: web.Request) -> web.Response:
    state, store = request.app[STATE], request.app[BATCHES]
    try:
        params = await request.json()
        file_id = params["input_file_id"]
    except (ValueError, KeyError, TypeError):
        return web.json_response(wire.openai_error("input_file_id is required", "invalid_request_error"), status=400)
    if params.get("endpoint") != OPENAI_ENDPOINT:
        return web.json_response(wire.openai_error(f"the emulated server batches {OPENAI_ENDPOINT} only",
                                                   "invalid_request_error"), status=400)
    stored = store.files.get(file_id)
    if stored is None:
        return web.json_response(wire.openai_error(f"No such file: {file_id}", "invalid_request_error"), status=404)
    batch = _new_batch(store, "openai", "batch_emu", 0)
    batch.input_file_id, batch.metadata = file_id, params.get("metadata")
    if store.settings.fail:
        batch.fail_reason = "the emulated server failed this batch (configured)"
    else:
        batch.fail_reason = _openai_lines(state, store, batch, stored.data)
    store.batches[batch.id] = batch
    state.stats.batch_event("openai", "batches_created")
    if store.lose_this_create():
        return web.json_response(wire.openai_error("The emulated server lost this answer (configured).",
                                                   "server_error"), status=500)
    return web.json_response(_openai_view(store, batch, created=True))


def _openai_finish(store: BatchStore, batch: StoredBatch) -> None:
    """Write the output and error files once, when the batch ends with results."""
    if batch.output_file_id or batch.error_file_id or batch.fail_reason or batch.cancelled:
        return
    for ok, file_attr, name in ((True, "output_file_id", "output"), (False, "error_file_id", "errors")):
        lines = [line for good, line in batch.lines if good == ok]
        if lines:
            data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")
            stored = StoredFile(store.new_id("file-emu"), f"{batch.id}_{name}.jsonl", "batch_output",
                                data, int(time.time()))
            store.files[stored.id] = stored
            setattr(batch, file_attr, stored.id)


def _openai_view(store: BatchStore, batch: StoredBatch, *, created: bool = False) -> dict[str, Any]:
    if created:
        status = "failed" if batch.fail_reason else "validating"
    elif batch.fail_reason:
        status = "failed"
    elif batch.cancelled:
        status = "cancelled"
    elif batch.ended():
        _openai_finish(store, batch)
        status = "expired" if batch.expired else "completed"
    else:
        status = "in_progress"
    ended = status in ("completed", "expired", "failed", "cancelled")
    good = sum(1 for ok, _ in batch.lines if ok) if ended and not batch.fail_reason else 0
    errors = None
    if batch.fail_reason:
        errors = {"object": "list", "data": [{"code": "invalid_request", "message": batch.fail_reason,
                                              "param": None, "line": None}]}
    created_at = int(batch.created)
    return {
        "id": batch.id, "object": "batch", "endpoint": OPENAI_ENDPOINT, "errors": errors,
        "input_file_id": batch.input_file_id, "completion_window": "24h", "status": status,
        "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
        "created_at": created_at, "in_progress_at": created_at,
        "expires_at": created_at + 86400, "completed_at": int(time.time()) if status == "completed" else None,
        "failed_at": created_at if status == "failed" else None,
        "expired_at": int(time.time()) if status == "expired" else None,
        "cancelled_at": int(time.time()) if status == "cancelled" else None,
        "request_counts": {"total": batch.total, "completed": good,
                           "failed": (batch.total - good) if ended and not batch.fail_reason else 0},
        "metadata": batch.metadata,
    }


def _batch(request: web.Request, provider: str) -> StoredBatch:
    """The batch the path names; the provider's 404 answer (raised) when there is none."""
    batch = request.app[BATCHES].batches.get(request.match_info["batch_id"])
    if batch is None or batch.provider != provider:
        error = (wire.anthropic_error("batch not found", "not_found_error") if provider == "anthropic"
                 else wire.openai_error("No such batch", "invalid_request_error"))
        raise web.HTTPNotFound(text=json.dumps(error), content_type="application/json")
    return batch


async def get_openai_batch(request: web.Request) -> web.Response:
    batch = _batch(request, "openai")
    view = _openai_view(request.app[BATCHES], batch)
    batch.seen()
    return web.json_response(view)


async def cancel_openai_batch(request: web.Request) -> web.Response:
    batch = _batch(request, "openai")
    if not batch.ended():
        batch.cancelled = True
    return web.json_response(_openai_view(request.app[BATCHES], batch))


async def list_openai_batches(request: web.Request) -> web.Response:
    store = request.app[BATCHES]
    newest_first = [b for b in reversed(store.batches.values()) if b.provider == "openai"]
    after = request.query.get("after")
    if after:
        ids = [b.id for b in newest_first]
        newest_first = newest_first[ids.index(after) + 1:] if after in ids else []
    limit = max(1, min(100, int(request.query.get("limit", "20"))))
    page = [_openai_view(store, b) for b in newest_first[:limit]]
    return web.json_response({"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
                              "last_id": page[-1]["id"] if page else None, "has_more": len(newest_first) > limit})


# ------------------------------------------------------------------ Anthropic message batches
async def create_anthropic_batch(request: web.Request) -> web.Response:
    state, store = request.app[STATE], request.app[BATCHES]
    try:
        requests = (await request.json())["requests"]
        if not isinstance(requests, list) or not requests:
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return web.json_response(wire.anthropic_error("requests: a non-empty list is required",
                                                      "invalid_request_error"), status=400)
    batch = _new_batch(store, "anthropic", "msgbatch_emu", len(requests))
    seen: set[str] = set()
    for item in requests:
        custom_id = item.get("custom_id") if isinstance(item, dict) else None
        if not isinstance(custom_id, str) or custom_id in seen:
            return web.json_response(wire.anthropic_error(f"requests: custom_id missing or repeated: {custom_id!r}",
                                                          "invalid_request_error"), status=400)
        seen.add(custom_id)
        if store.picked("expired", custom_id):
            batch.lines.append((False, {"custom_id": custom_id, "result": {"type": "expired"}}))
            continue
        state.stats.batch_event("anthropic", "batch_requests")
        if store.settings.fail or store.picked("errors", custom_id):
            status, answer = 500, wire.anthropic_error(SERVER_ERROR, "api_error")
        else:
            status, answer = answer_one(state, ANTHROPIC, item.get("params"))
        result = ({"type": "succeeded", "message": answer} if status == 200
                  else {"type": "errored", "error": answer})
        batch.lines.append((status == 200, {"custom_id": custom_id, "result": result}))
    store.batches[batch.id] = batch
    state.stats.batch_event("anthropic", "batches_created")
    if store.lose_this_create():
        return web.json_response(wire.anthropic_error("The emulated server lost this answer (configured).",
                                                      "api_error"), status=500)
    return web.json_response(_anthropic_view(request, batch))


def _anthropic_view(request: web.Request, batch: StoredBatch) -> dict[str, Any]:
    ended = batch.ended()
    counts = {"processing": 0 if ended else batch.total, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    if ended:
        for _, line in batch.lines:
            kind = line["result"]["type"]
            counts[{"succeeded": "succeeded", "errored": "errored", "expired": "expired"}.get(kind, "canceled")] += 1
    origin = str(request.url.origin())
    return {"id": batch.id, "type": "message_batch", "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts, "created_at": _iso(batch.created), "expires_at": _iso(batch.created + 86400),
            "ended_at": _iso(time.time()) if ended else None, "cancel_initiated_at": None, "archived_at": None,
            "results_url": f"{origin}/v1/messages/batches/{batch.id}/results" if ended else None}


async def get_anthropic_batch(request: web.Request) -> web.Response:
    batch = _batch(request, "anthropic")
    view = _anthropic_view(request, batch)
    batch.seen()
    return web.json_response(view)


async def anthropic_results(request: web.Request) -> web.Response:
    batch = _batch(request, "anthropic")
    if not batch.ended():
        return web.json_response(wire.anthropic_error("batch has not ended", "invalid_request_error"), status=400)
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for _, line in batch.lines).encode("utf-8")
    return web.Response(body=data, content_type="application/binary")
