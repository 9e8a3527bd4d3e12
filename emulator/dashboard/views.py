"""The dashboard's pages under ``/_vodfc/``: sign-in, library, upload, events, functions, faults, live.

| path | page |
|---|---|
| ``GET /_vodfc/`` | the library (SearchMedia: ``?type=&q=&sort=&page=``); with ``?token=`` it signs in |
| ``POST /_vodfc/ui/signin`` | the sign-in form's target (field ``token``) |
| ``GET /_vodfc/ui/videos/<id>`` (``images``, ``attached``) | one asset: the Get* answers, its events |
| ``GET /_vodfc/ui/upload``, ``POST /_vodfc/ui/uploads`` | upload from the browser (CreateUploadVideo + OSS) |
| ``GET /_vodfc/ui/events[/<seq>]`` | the event log, one event with its deliveries |
| ``GET /_vodfc/ui/functions``, ``POST .../functions/<name>/invoke`` | functions, triggers, invoking one |
| ``GET /_vodfc/ui/invocations/<request id>`` | one invocation: duration, result, logs |
| ``GET /_vodfc/ui/faults``, ``POST .../faults/<id>`` | fault rules, switching one on or off |
| ``GET /_vodfc/ui/live`` | the live stream (server-sent events) |
| ``GET /_vodfc/ui/pictures/<bucket>/<key>`` | a picture the emulator's OSS holds |

Every page shows the account and region its query names (``?account=&region=``, the defaults when left
out; ``scope.py``), and its links, forms and redirects keep them; a bad value is a 400/404 page.

Everything but the sign-in wants the admin token, which the guard checks (``vodfc.emulator.guard``): a
browser carries it in the session cookie the sign-in sets. Pages are rendered here (Jinja templates in
``templates/dashboard/``), with one small script for the live updates and the upload.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, g, redirect, render_template, request
from vodfc.emulator.admintoken import cookie_name
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.dashboard import eventlog, functions, library, live, scope
from vodfc.emulator.dashboard.calls import NoAccessKey, VodCalls
from vodfc.emulator.dashboard.component import PREFIX, Dashboard
from vodfc.emulator.dashboard.scope import Scope, ScopeError
from vodfc.emulator.dashboard.uploads import create_upload
from vodfc.emulator.faults.rules import FaultError, parse_switch
from vodfc.emulator.fc.model import TemplateError
from vodfc.emulator.fc.runtime import Throttled
from vodfc.emulator.thread_budget import BUDGET_KEY, ThreadBudget
from vodfc.emulator.views import ComponentViews
from vodfc.emulator.vod.exceptions import VodError
from vodfc.shared.validation import SEARCH_TYPES
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

views: ComponentViews[Dashboard] = ComponentViews()
log = logging.getLogger("vodfc.dashboard")

NAV = (
    ("library", "Library"),
    ("upload", "Upload"),
    ("events", "Events"),
    ("functions", "Functions"),
    ("faults", "Faults"),
)
# Requests that are no page, so carry no marks of what they show (a library page asks for 20 pictures).
LIVE_EXEMPT = ("vodfc_dashboard.live_stream", "vodfc_dashboard.static", "vodfc_dashboard.picture")
SECURITY_HEADERS = {
    # Nothing from elsewhere, no inline script or style, never framed (the cookie signs requests in).
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": with it a browser sends "Origin: null" on form posts, which the guard refuses.
    "Referrer-Policy": "same-origin",
}


# Where each section starts, and which of its query arguments the account picker keeps when it switches.
SECTION_PATHS = {
    "library": "/",
    "upload": "/ui/upload",
    "events": "/ui/events",
    "functions": "/ui/functions",
    "faults": "/ui/faults",
}
PICKER_KEEPS = {"/": ("type", "q", "sort"), "/ui/events": ("type",)}


def scope_of(dashboard: Dashboard) -> Scope:
    """The account and region the request's URL names (``ScopeError`` for a bad one: a 400/404 page)."""
    chosen: Scope | None = g.get("vodfc_scope")
    if chosen is None:
        chosen = g.vodfc_scope = scope.resolve(dashboard.state, request.args)
    return chosen


def calls_of(dashboard: Dashboard) -> VodCalls:
    return dashboard.calls_for(scope_of(dashboard))


def picker(dashboard: Dashboard, chosen: Scope, section: str) -> list[dict[str, Any]]:
    """The picker's accounts, each region a link to this page (a list page) or its section's start
    (a detail page: the media or event it shows is another account's business)."""
    here = request.path[len(PREFIX) :] or "/"
    path = here if here in SECTION_PATHS.values() else SECTION_PATHS.get(section, "/")
    kept = {name: request.args[name] for name in PICKER_KEEPS.get(path, ()) if name in request.args}
    owner = dashboard.functions_owner()
    listed = []
    for choice in scope.choices(dashboard.state, owner[0] if owner else None):
        regions = [
            {
                "region": region,
                "href": chosen.other(choice.account_id, region).href(path, **(kept if path == here else {})),
                "current": (choice.account_id, region) == (chosen.account_id, chosen.region),
            }
            for region in choice.regions
        ]
        listed.append({"choice": choice, "regions": regions})
    return listed


def page(template: str, section: str, status: int = 200, **values: Any) -> Response:
    dashboard: Dashboard = g.vodfc_dashboard
    chosen: Scope = g.get("vodfc_scope") or scope.default_scope(dashboard.state)
    accounts = [] if values.get("hide_nav") else picker(dashboard, chosen, section)
    html = render_template(
        f"dashboard/{template}",
        nav=NAV,
        section=section,
        section_paths=SECTION_PATHS,
        prefix=PREFIX,
        scope=chosen,
        href=chosen.href,
        live_url=chosen.href("/ui/live", seen=g.get("vodfc_seen")),
        accounts=accounts,
        **values,
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(what: str, link: tuple[str, str] | None = None) -> BaseResponse:
    """A 404 page saying what is missing; ``link`` (text, href): where it is instead."""
    return page("error.html", "", 404, title="Not found", message=what, link=link)


def redirect_to(dashboard: Dashboard, path: str, fragment: str = "", **params: Any) -> BaseResponse:
    """A 303 to ``path`` of the request's account and region."""
    return redirect(scope_of(dashboard).href(path, **params) + fragment, code=303)


def host_url() -> str:
    return request.host_url.rstrip("/")


def signed_in(dashboard: Dashboard) -> bool:
    guard = dashboard.state.guard
    return guard.token_matches(guard.presented_token(request.environ))


def sign_in_response(dashboard: Dashboard, token: str, target: str) -> BaseResponse:
    """A redirect to ``target`` carrying the session cookie; the token leaves the URL."""
    response = redirect(target, code=303)
    response.set_cookie(
        cookie_name(request.host), token, httponly=True, samesite="Strict", path=PREFIX, secure=False
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def without_token(args: Mapping[str, str]) -> str:
    kept = {key: value for key, value in args.items() if key != "token"}
    return f"{PREFIX}/" + (f"?{urlencode(kept)}" if kept else "")


# --- sign-in and the library --------------------------------------------------------------------------


@views.route("/", methods=["GET", "HEAD"])
def front_page(dashboard: Dashboard) -> BaseResponse:
    token = request.args.get("token")
    guard = dashboard.state.guard
    if token is not None:
        if guard.token_matches(token):
            return sign_in_response(dashboard, token, without_token(request.args))
        return page("signin.html", "", 401, failed=True, hide_nav=True)
    if not signed_in(dashboard):
        return page("signin.html", "", 401, failed=False, hide_nav=True)
    query = library.LibraryQuery.from_args(request.args)
    result = library.library_page(calls_of(dashboard), dashboard.pictures, query)
    # A bad Match is shown beside the field on a page that loaded fine (a 400 would also land in the
    # browser's console as a failed resource, where it is noise).
    return page("library.html", "library", result=result, query=query, types=SEARCH_TYPES)


@views.post("/ui/signin")
def sign_in(dashboard: Dashboard) -> BaseResponse:
    token = request.form.get("token", "").strip()
    if dashboard.state.guard.token_matches(token):
        return sign_in_response(dashboard, token, f"{PREFIX}/")
    return page("signin.html", "", 401, failed=True, hide_nav=True)


def media_events(dashboard: Dashboard, media: str) -> list[Any]:
    if dashboard.events is None:
        return []
    return eventlog.select(dashboard.events.log, media=media, account=scope_of(dashboard).account_id)


@views.get("/ui/videos/<video_id>")
def video_page(dashboard: Dashboard, video_id: str) -> BaseResponse:
    answers = library.video_answers(calls_of(dashboard), video_id, host_url())
    info = answers[0]
    if info.error is not None and info.error.status == 404:
        return not_found(f"No video {video_id}: GetVideoInfo answered {info.error.code}.")
    video = (info.body or {}).get("Video", {})
    picture = dashboard.pictures.url(video.get("CoverURL"))
    snapshots = [(url, dashboard.pictures.url(url)) for url in video.get("Snapshots", [])]
    return page(
        "media.html",
        "library",
        kind="video",
        media_id=video_id,
        title=video.get("Title") or video_id,
        picture=picture,
        snapshots=snapshots,
        answers=answers,
        events=media_events(dashboard, video_id),
    )


@views.get("/ui/images/<image_id>")
def image_page(dashboard: Dashboard, image_id: str) -> BaseResponse:
    answers = library.image_answers(calls_of(dashboard), image_id, host_url())
    if answers[0].error is not None and answers[0].error.status == 404:
        return not_found(f"No image {image_id}: GetImageInfo answered {answers[0].error.code}.")
    image = (answers[0].body or {}).get("ImageInfo", {})
    return page(
        "media.html",
        "library",
        kind="image",
        media_id=image_id,
        title=image.get("Title") or image_id,
        picture=dashboard.pictures.url(image.get("URL")),
        snapshots=[],
        answers=answers,
        events=media_events(dashboard, image_id),
    )


@views.get("/ui/attached/<media_id>")
def attached_page(dashboard: Dashboard, media_id: str) -> BaseResponse:
    answers = library.attached_answers(calls_of(dashboard), media_id, host_url())
    found = (answers[0].body or {}).get("AttachedMediaList") or [{}]
    if answers[0].error is None and not found[0]:
        return not_found(f"No attached media {media_id}.")
    return page(
        "media.html",
        "library",
        kind="attached",
        media_id=media_id,
        title=found[0].get("Title") or media_id,
        picture=dashboard.pictures.url(found[0].get("URL")),
        snapshots=[],
        answers=answers,
        events=media_events(dashboard, media_id),
    )


@views.get("/ui/pictures/<bucket>/<path:key>")
def picture(dashboard: Dashboard, bucket: str, key: str) -> BaseResponse:
    stored = dashboard.pictures.stored(bucket, key)
    if stored is None:
        return Response(status=404)
    response = Response(stored.data, content_type=stored.content_type)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# --- upload -------------------------------------------------------------------------------------------


@views.get("/ui/upload")
def upload_page(dashboard: Dashboard) -> BaseResponse:
    return page("upload.html", "upload", access_key_id=calls_of(dashboard).access_key_id())


@views.post("/ui/uploads")
def create_upload_view(dashboard: Dashboard) -> BaseResponse:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("FileName"), str):
        return json_answer({"Code": "InvalidParameter", "Message": "send {FileName, Title} as JSON"}, 400)
    calls = calls_of(dashboard)
    try:
        plan = create_upload(calls, str(body.get("Title") or ""), body["FileName"], host_url())
    except VodError as error:
        return json_answer({"Code": error.code, "Message": error.message}, error.status)
    except NoAccessKey as error:
        return json_answer({"Code": "NoAccessKey", "Message": str(error)}, 409)
    page_url = scope_of(dashboard).href(f"/ui/videos/{plan.video_id}")
    return json_answer({**plan.as_json(), "PageURL": page_url}, 200)


def json_answer(value: Any, status: int) -> Response:
    return Response(json.dumps(value), status=status, content_type="application/json")


# --- events -------------------------------------------------------------------------------------------


@views.get("/ui/events")
def events_page(dashboard: Dashboard) -> BaseResponse:
    bus = dashboard.events
    account = scope_of(dashboard).account_id
    event_type = request.args.get("type", "").strip()
    media = request.args.get("media", "").strip()
    records = [] if bus is None else eventlog.select(bus.log, event_type, media, account=account)
    types = sorted({r.event_type for r in bus.log if r.account_id == account}) if bus is not None else []
    return page(
        "events.html",
        "events",
        bus=bus,
        records=records,
        types=types,
        event_type=event_type,
        media=media,
        callback=None if bus is None else bus.callback_config(account),
        media_id=eventlog.media_id,
    )


@views.get("/ui/events/<int:seq>")
def event_page(dashboard: Dashboard, seq: int) -> BaseResponse:
    bus = dashboard.events
    chosen = scope_of(dashboard)
    record = None if bus is None else eventlog.find(bus, seq)
    if bus is None or record is None:
        return not_found(f"No event {seq} in the log.")
    if record.account_id != chosen.account_id:
        # A shared link to another account's event: say whose it is rather than show it under this one.
        there = chosen.other(record.account_id, chosen.default_region).href(f"/ui/events/{seq}")
        return not_found(
            f"Event {seq} is not in account {chosen.account_id}'s log: it is account {record.account_id}'s.",
            (f"Open it as account {record.account_id}", there),
        )
    subscribers: list[str] = []
    try:
        runtime = dashboard.loaded_runtime()
    except TemplateError:
        runtime = None
    # Only the owning account's events reach the functions' MNS topic.
    if (
        runtime is not None
        and runtime.account_id == record.account_id
        and dashboard.fc is not None
        and dashboard.fc.deliver_events
    ):
        subscribers = [
            f"{function.name} ({trigger.type} trigger {trigger.name})"
            for function, trigger in runtime.mns_subscribers(record.event_type)
        ]
    checks = [(attempt, eventlog.signature_check(bus, record, attempt)) for attempt in record.attempts]
    return page(
        "event.html",
        "events",
        record=record,
        checks=checks,
        targets=list(dict.fromkeys(attempt.target for attempt in record.attempts)),
        subscribers=subscribers,
        media=eventlog.media_id(record),
        payload=json.dumps(record.event, indent=2, ensure_ascii=False),
    )


# --- functions ----------------------------------------------------------------------------------------


def runtime_or_problem(dashboard: Dashboard) -> tuple[Any, str | None]:
    if dashboard.fc is None:
        return None, "This emulator was built without the fc component."
    try:
        return dashboard.runtime(), None
    except TemplateError as error:
        return None, f"The descriptor cannot be loaded: {error}"


def elsewhere(dashboard: Dashboard) -> tuple[str, str] | None:
    """The functions' account and region when the page shows another one (None: it shows theirs, or
    there is no FC component). The runtime runs one descriptor for one account; its invocations record
    no account of their own, so they are all that account's."""
    owner = dashboard.functions_owner()
    chosen = scope_of(dashboard)
    if owner is None or owner == (chosen.account_id, chosen.region):
        return None
    return owner


def owner_link(dashboard: Dashboard, owner: tuple[str, str], path: str) -> tuple[str, str]:
    return (
        f"Show account {owner[0]}'s functions ({owner[1]})",
        scope_of(dashboard).other(*owner).href(path),
    )


@views.get("/ui/functions")
def functions_page(dashboard: Dashboard) -> BaseResponse:
    owner = elsewhere(dashboard)
    if owner is not None:
        return page(
            "functions.html",
            "functions",
            owner=owner,
            owner_link=owner_link(dashboard, owner, "/ui/functions"),
            problem=None,
            listed=[],
            history=[],
            template_path=None,
            error=None,
        )
    runtime, problem = runtime_or_problem(dashboard)
    listed = []
    history: list[Any] = []
    if runtime is not None:
        now = dashboard.state.config.clock()
        video_id = functions.sample_video_id(calls_of(dashboard).backend())
        for function in runtime.functions():
            listed.append((function, functions.plan(function, video_id, now), trigger_urls(function)))
        history = list(reversed(list(runtime.history)))
    return page(
        "functions.html",
        "functions",
        problem=problem,
        listed=listed,
        history=history,
        owner=None,
        template_path=dashboard.fc.template_path if dashboard.fc is not None else None,
        error=request.args.get("error"),
    )


def trigger_urls(function: Any) -> str | None:
    trigger = function.http_trigger
    if trigger is None or not function.service:
        return None
    return f"{host_url()}/2016-08-15/proxy/{function.service}/{function.name}/"


@views.post("/ui/functions/<name>/invoke")
def invoke_function(dashboard: Dashboard, name: str) -> BaseResponse:
    owner = elsewhere(dashboard)
    if owner is not None:
        return not_found(
            f"Account {scope_of(dashboard).account_id} has no function {name}: the functions are account "
            f"{owner[0]}'s ({owner[1]}).",
            owner_link(dashboard, owner, "/ui/functions"),
        )
    runtime, problem = runtime_or_problem(dashboard)
    if runtime is None:
        return page("error.html", "functions", 409, title="No functions", message=problem)
    function = runtime.function(name, request.form.get("service") or None)
    if function is None:
        return not_found(f"No function {name}.")
    try:
        if not functions.invokable(function):
            raise functions.InvokeError(f"{name} takes HTTP requests (its HTTP trigger), not events")
        trigger = functions.trigger_named(function, request.form.get("trigger", ""))
        body, kind = functions.payload(runtime, function, trigger, request.form.get("event", ""))
    except functions.InvokeError as error:
        return redirect_to(dashboard, "/ui/functions", error=f"{name}: {error}")
    budget: ThreadBudget | None = request.environ.get(BUDGET_KEY)
    if budget is not None and not budget.take():
        return page("error.html", "functions", 503, title="Busy", message="Every server thread is busy.")
    try:
        result = runtime.invoke(function.name, body, service=function.service, kind=kind)
    except Throttled as error:
        return redirect_to(dashboard, "/ui/functions", error=f"{name}: {error}")
    finally:
        if budget is not None:
            budget.give_back()
    return redirect_to(dashboard, f"/ui/invocations/{result.request_id}")


@views.get("/ui/invocations/<request_id>")
def invocation_page(dashboard: Dashboard, request_id: str) -> BaseResponse:
    owner = elsewhere(dashboard)
    if owner is not None:
        return not_found(
            f"Account {scope_of(dashboard).account_id} has no invocations: the functions and their "
            f"invocations are account {owner[0]}'s ({owner[1]}).",
            owner_link(dashboard, owner, f"/ui/invocations/{request_id}"),
        )
    runtime, problem = runtime_or_problem(dashboard)
    found = None if runtime is None else functions.find_invocation(runtime, request_id)
    if found is None:
        return not_found(problem or f"No invocation {request_id} in the recent history.")
    return page("invocation.html", "functions", invocation=found, result=functions.result_text(found))


# --- faults -------------------------------------------------------------------------------------------


@views.get("/ui/faults")
def faults_page(dashboard: Dashboard) -> BaseResponse:
    scope_of(dashboard)  # a bad account in the address is refused here too
    rules = [] if dashboard.faults is None else dashboard.faults.rules
    return page("faults.html", "faults", faults=dashboard.faults, rules=rules)


@views.post("/ui/faults/<rule_id>")
def switch_fault(dashboard: Dashboard, rule_id: str) -> BaseResponse:
    scope_of(dashboard)  # a bad account in the address is refused before anything is switched
    if dashboard.faults is None:
        return not_found("This emulator was built without the faults component.")
    try:
        enabled = parse_switch(request.form.get("enabled", ""))
    except FaultError as error:
        return page("error.html", "faults", 400, title="Bad switch", message=str(error))
    if dashboard.faults.set_enabled(rule_id, enabled) is None:
        return not_found(f"No fault rule {rule_id}.")
    return redirect_to(dashboard, "/ui/faults", f"#rule-{rule_id}")


# --- live ---------------------------------------------------------------------------------------------


@views.get("/ui/live")
def live_stream(dashboard: Dashboard) -> BaseResponse:
    chosen = scope_of(dashboard)  # checked before a thread is taken
    budget: ThreadBudget | None = request.environ.get(BUDGET_KEY)
    if budget is not None and not budget.take():
        return Response("busy\n", status=503, content_type="text/plain")
    # In-process (mock_vod) nothing waits: one look and the stream ends.
    lifetime = dashboard.live_lifetime if request.environ.get(MODE_KEY) != "inprocess" else 0.0
    # A reconnecting browser says where its last stream was; a page's first stream, where the page was.
    seen = request.headers.get("Last-Event-ID") or request.args.get("seen", "")
    chunks = live.stream(
        lambda: dashboard.fingerprints(chosen),
        interval=dashboard.live_interval,
        lifetime=lifetime,
        release=budget.give_back if budget is not None else None,
        seen=seen,
    )
    response = Response(chunks, content_type="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def blueprint(dashboard: Dashboard) -> Blueprint:
    bp = views.blueprint(
        dashboard,
        "vodfc_dashboard",
        __name__,
        url_prefix=PREFIX,
        template_folder="templates",
        static_folder="static",
        static_url_path="/ui/static",
    )

    @bp.before_request
    def remember() -> None:
        g.vodfc_dashboard = dashboard
        if request.method == "GET" and request.endpoint not in LIVE_EXEMPT:
            # Before the page reads anything: a change while it is being made is then one its stream sees.
            try:
                g.vodfc_seen = live.marks(dashboard.fingerprints(scope_of(dashboard)))
            except ScopeError:
                pass  # the view answers the bad account or region

    @bp.after_request
    def secure(response: Response) -> BaseResponse:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @bp.app_template_filter("size")
    def size_filter(value: Any) -> str:
        return human_size(value)

    @bp.errorhandler(ScopeError)
    def bad_scope(error: ScopeError) -> Any:
        return page("error.html", "", error.status, title=error.title, message=error.message)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return page("error.html", "", error.code or 500, title=error.name, message=error.description)

    @bp.errorhandler(Exception)
    def failure(error: Exception) -> Any:
        log.error("dashboard failure on %s", request.path, exc_info=error)
        message = f"{type(error).__name__}: {error}"
        return page("error.html", "", 500, title="The dashboard failed", message=message)

    del remember, secure, size_filter, bad_scope, http_error, failure
    return bp


def human_size(value: Any) -> str:
    try:
        size = float(value)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""
