"""The docs pages load everything from this service: they work without internet access."""

import re
from html.parser import HTMLParser

import pytest

CONTENT_TYPES = {
    ".js": "javascript",
    ".css": "text/css",
    ".png": "image/png",
}


class AssetRefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append(value)


def asset_refs(html: str) -> list[str]:
    parser = AssetRefs()
    parser.feed(html)
    return parser.refs


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}),
        ("/redoc", {"redoc.standalone.js", "favicon.png"}),
    ],
)
def test_docs_page_refers_only_to_assets_served_here(client, page: str, expected: set) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    refs = asset_refs(html)
    assert {ref.rsplit("/", 1)[-1] for ref in refs} == expected
    for ref in refs:
        assert ref.startswith("/docs/assets/"), ref
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        suffix = ref[ref.rindex(".") :]
        assert CONTENT_TYPES[suffix] in asset.headers["content-type"], ref
        assert len(asset.content) > 1000, ref
    # No absolute URL anywhere in the page: no CDN, no web fonts, no online validator.
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s'\"]+", html)


def test_swagger_ui_is_set_up_for_the_password_flow(client) -> None:
    html = client.get("/docs").text
    assert '"persistAuthorization": true' in html
    assert '"validatorUrl": null' in html
    assert "ui.initOAuth(" in html
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in html
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "oauth2" in redirect.text


def test_a_missing_asset_is_a_problem(client) -> None:
    response = client.get("/docs/assets/nothing-here.js")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
