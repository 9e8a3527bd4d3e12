"""Signing in: the token URL is exchanged once for an HttpOnly SameSite=Strict cookie, and nothing else
takes a token from a URL."""

from __future__ import annotations

from typing import Any

from vodfc.emulator.admintoken import cookie_name, dashboard_url


def test_without_the_token_the_page_is_a_sign_in_form(app: Any) -> None:
    answer = app.test_client().get("/_vodfc/")
    assert answer.status_code == 401
    html = answer.get_data(as_text=True)
    assert '<form method="post" action="/_vodfc/ui/signin"' in html
    assert "Demo" not in html and "Getting started" not in html


def test_a_wrong_token_is_refused(app: Any) -> None:
    answer = app.test_client().get("/_vodfc/?token=not-the-token")
    assert answer.status_code == 401
    assert "not this emulator" in answer.get_data(as_text=True)
    assert "Set-Cookie" not in answer.headers


def test_the_token_url_sets_the_cookie_and_drops_the_token(app: Any, token: str) -> None:
    browser = app.test_client()
    answer = browser.get(f"/_vodfc/?type=image&token={token}")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/_vodfc/?type=image"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{cookie_name('localhost')}={token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_vodfc" in cookie
    page = browser.get("/_vodfc/?type=image")
    assert page.status_code == 200
    assert "Getting started cover" in page.get_data(as_text=True)


def test_the_sign_in_form_sets_the_cookie(app: Any, token: str) -> None:
    browser = app.test_client()
    assert browser.post("/_vodfc/ui/signin", data={"token": "wrong"}).status_code == 401
    answer = browser.post("/_vodfc/ui/signin", data={"token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == "/_vodfc/"
    assert browser.get("/_vodfc/ui/events").status_code == 200


def test_the_cookie_opens_the_admin_plane_and_a_url_token_does_not(app: Any, token: str) -> None:
    anonymous = app.test_client()
    assert anonymous.get(f"/_vodfc/state?token={token}").status_code == 401
    assert anonymous.get(f"/_vodfc/ui/events?token={token}").status_code == 401
    anonymous.set_cookie(cookie_name("localhost"), "wrong", path="/_vodfc")
    assert anonymous.get("/_vodfc/ui/events").status_code == 401
    signed = app.test_client()
    signed.set_cookie(cookie_name("localhost"), token, path="/_vodfc")
    assert signed.get("/_vodfc/state").status_code == 200


def test_each_port_has_its_own_cookie(app: Any, token: str) -> None:
    assert cookie_name("127.0.0.1:9000") == "vodfc-admin-9000"
    assert cookie_name("[::1]:9100") == "vodfc-admin-9100"
    browser = app.test_client(use_cookies=False)
    cookie = f"vodfc-admin-9100={token}"
    mine = browser.get("/_vodfc/ui/events", headers={"Host": "127.0.0.1:9100", "Cookie": cookie})
    theirs = browser.get("/_vodfc/ui/events", headers={"Host": "127.0.0.1:9000", "Cookie": cookie})
    assert (mine.status_code, theirs.status_code) == (200, 401)


def test_a_sign_in_from_another_site_is_refused(app: Any, token: str) -> None:
    answer = app.test_client().post(
        "/_vodfc/ui/signin", data={"token": token}, headers={"Origin": "http://evil.example"}
    )
    assert answer.status_code == 403
    assert "Set-Cookie" not in answer.headers


def test_the_style_sheet_is_served_to_the_sign_in_page(app: Any) -> None:
    assert app.test_client().get("/_vodfc/ui/static/dashboard.css").status_code == 200
    assert app.test_client().get("/_vodfc/ui/static/../state").status_code != 200


def test_pages_are_never_framed_and_load_nothing_from_elsewhere(client: Any) -> None:
    answer = client.get("/_vodfc/")
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_the_dashboard_url() -> None:
    assert dashboard_url("http://127.0.0.1:9000/", "abc") == "http://127.0.0.1:9000/_vodfc/?token=abc"
