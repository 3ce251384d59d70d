"""Interactive docs (Swagger UI at /docs, ReDoc at /redoc) that work without internet access.

The JavaScript, CSS and favicon come from the `fastapi-offline` package, which ships current
Swagger UI and ReDoc builds, and are served from this service under /docs/assets. No page
refers to a CDN or to web fonts.
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs/assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

SWAGGER_UI_PARAMETERS = {
    # Keep the token across reloads, so trying several endpoints needs one log-in.
    "persistAuthorization": True,
    # Swagger UI would otherwise send the document to an online validator.
    "validatorUrl": None,
    "displayRequestDuration": True,
}
# The password flow needs no client id; the scope separator matters only if scopes appear.
SWAGGER_UI_INIT_OAUTH = {"appName": "Back Pain Relief API", "scopeSeparator": " "}
# The pages may load and contact nothing but this service. ReDoc's footer, for one, links an
# image on a CDN; the browser then skips it instead of waiting on a network that is not there.
# Both UIs inject inline styles and bootstrap from an inline script; ReDoc runs a blob worker.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
    ]
)


# The password flow takes no client: Swagger UI's Authorize dialog would still ask for a
# client_id, a client_secret and where to send them, which only confuses. Hidden by style.
HIDE_CLIENT_FIELDS = (
    "<style>"
    ".auth-container div:has(> label[for='client_id_password']),"
    ".auth-container div:has(> label[for='client_secret_password']),"
    ".auth-container div:has(> label[for='password_type'])"
    "{display:none}"
    "</style>"
)


def _without_client_fields(page: HTMLResponse) -> HTMLResponse:
    html = bytes(page.body).decode().replace("</head>", HIDE_CLIENT_FIELDS + "</head>", 1)
    return HTMLResponse(html)


def _locked_down(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets. Create the app with docs_url=None and
    redoc_url=None so FastAPI's CDN-based pages are not registered as well."""
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def swagger_ui() -> HTMLResponse:
        return _locked_down(
            _without_client_fields(
                get_swagger_ui_html(
                    openapi_url=openapi_url,
                    title=f"{app.title} - Swagger UI",
                    swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                    swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                    swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
                    oauth2_redirect_url=OAUTH2_REDIRECT_URL,
                    init_oauth=SWAGGER_UI_INIT_OAUTH,
                    swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
                )
            )
        )

    def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    def redoc() -> HTMLResponse:
        return _locked_down(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )

    app.add_api_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_api_route(OAUTH2_REDIRECT_URL, swagger_ui_oauth2_redirect, include_in_schema=False)
    app.add_api_route(REDOC_URL, redoc, include_in_schema=False)
