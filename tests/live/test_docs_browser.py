"""The docs pages in a real browser (Debian's headless Chromium) against a running server:
they render every tag and operation, contact nothing but this service, and Swagger UI's
Authorize button signs in with the password flow. Screenshots go to test-artifacts/."""

import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import ROOT, missing_tool

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
METHODS = {"get", "put", "post", "delete", "patch"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing_tool("Chromium is not installed (`apt-get install chromium`; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed (it is in the `test` extra)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def base_url(live_base_url: str) -> str:
    return live_base_url


@pytest.fixture(scope="module")
def contract(base_url: str) -> dict[str, Any]:
    return httpx.get(f"{base_url}/openapi.json").json()


def operations(contract: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(tag, method, path, operation) for every operation in the document."""
    return [
        (op["tags"][0], method, path, op)
        for path, item in contract["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page that refuses, and records, any request that leaves this service."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.outside_requests = []

    def only_this_service(route: Any) -> None:
        url = route.request.url
        if url.startswith((base_url + "/", "data:", "blob:")):
            route.continue_()
        else:
            page.outside_requests.append(url)
            route.abort()

    page.route("**/*", only_this_service)
    try:
        yield page
    finally:
        context.close()


def test_swagger_ui_lists_every_operation_and_signs_in_with_the_password_flow(
    page: Any, base_url: str, contract: dict[str, Any]
) -> None:
    """One page load for both checks: rendering this contract is most of a Swagger UI
    test's time. First every tag and operation as the contract has them, then the Authorize
    button's password flow, and that the page stays signed in after a reload."""
    response = page.goto(f"{base_url}/docs")
    assert response.status == 200
    page.wait_for_selector(".opblock", timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs.png"), full_page=True)

    shown_tags = page.eval_on_selector_all(
        ".opblock-tag", "els => els.map(e => e.getAttribute('data-tag'))"
    )
    assert shown_tags == [tag["name"] for tag in contract["tags"]]
    listed = operations(contract)
    # Read every block in one call into the page (one round trip per text adds seconds).
    blocks = page.evaluate(
        """ids => ids.map(id => {
            const found = document.querySelectorAll("#" + CSS.escape(id));
            const texts = selector => found.length === 1
                ? [...found[0].querySelectorAll(selector)].map(e => e.innerText) : [];
            return {
                count: found.length,
                method: texts(".opblock-summary-method"),
                // A deprecated operation's path is struck through, under its own class.
                path: texts(".opblock-summary-path, .opblock-summary-path__deprecated"),
                summary: texts(".opblock-summary-description"),
            };
        })""",
        [f"operations-{tag}-{op['operationId']}" for tag, _, _, op in listed],
    )
    for (tag, method, path, op), block in zip(listed, blocks, strict=True):
        assert block["count"] == 1, f"{method.upper()} {path} is not listed under {tag}"
        assert block["method"] == [method.upper()], path
        assert [p.replace("\u200b", "") for p in block["path"]] == [path]
        assert block["summary"] == [op["summary"]], path
    assert page.locator(".opblock").count() == len(listed)

    email = f"docs-{uuid.uuid4().hex[:10]}@example.com"
    password = "correct horse battery"
    registered = httpx.post(
        f"{base_url}/v1/auth/register", json={"email": email, "password": password}
    )
    assert registered.status_code == 201, registered.text
    page.click("button.authorize")
    # The password flow takes no client, so the dialog asks for none.
    for field in ("#client_id_password", "#client_secret_password", "#password_type"):
        assert page.locator(field).count() == 1 and not page.locator(field).is_visible(), field
    page.fill("#oauth_username", email)
    page.fill("#oauth_password", password)
    page.click(".modal-ux .auth-btn-wrapper button.authorize")
    page.wait_for_selector(".modal-ux button:has-text('Logout')", timeout=15_000)
    page.click(".modal-ux button.btn-done")

    me = page.locator("#operations-accounts-get_me")
    me.locator(".opblock-summary").click()
    me.locator("button.try-out__btn").click()
    me.locator("button.execute").click()
    status = me.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=15_000)
    assert status.inner_text().strip() == "200"
    assert email in me.locator(".live-responses-table").inner_text()
    me.screenshot(path=str(ARTIFACTS / "docs-authorized.png"))

    # persistAuthorization: still signed in after a reload.
    page.reload()
    page.wait_for_selector(".opblock", timeout=30_000)
    assert "locked" in (page.locator("button.authorize").get_attribute("class") or "")
    assert page.outside_requests == []


def test_redoc_lists_every_tag_and_operation(
    page: Any, base_url: str, contract: dict[str, Any]
) -> None:
    response = page.goto(f"{base_url}/redoc")
    assert response.status == 200
    page.wait_for_selector("[data-item-id^='tag/']", timeout=30_000)
    page.wait_for_selector("h1", timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "redoc.png"))

    menu = page.eval_on_selector_all(
        "li[data-item-id]", "els => els.map(e => e.getAttribute('data-item-id'))"
    )
    expected = []
    for tag in contract["tags"]:
        expected.append(f"tag/{tag['name']}")
        expected += [
            f"tag/{tag['name']}/operation/{op['operationId']}"
            for op_tag, _, _, op in operations(contract)
            if op_tag == tag["name"]
        ]
    assert menu == expected
    assert contract["info"]["title"] in page.locator("h1").first.inner_text()
    listed = operations(contract)
    selectors = [
        f"[id='tag/{op['tags'][0]}/operation/{op['operationId']}'] h2" for *_, op in listed
    ]
    # Every operation's heading, read in one call into the page once each one is there.
    headings = page.wait_for_function(
        """selectors => {
            const found = selectors.map(s => document.querySelector(s));
            return found.every(e => e !== null) && found.map(e => e.innerText);
        }""",
        arg=selectors,
        timeout=30_000,
    ).json_value()
    for (*_, op), heading in zip(listed, headings, strict=True):
        # ReDoc badges a deprecated operation after its summary.
        badge = " Deprecated" if op.get("deprecated") else ""
        assert heading == op["summary"] + badge, op["operationId"]
    assert page.outside_requests == []
