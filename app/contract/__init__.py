"""The HTTP contract over FastAPI: the OpenAPI document, HTTP methods and compression,
versions and deprecation, conditional GET, response headers, shared query parameters, request
input types and the docs pages."""
