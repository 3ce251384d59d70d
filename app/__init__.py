"""Back Pain Relief API."""

# Tables get their constraint names from the metadata's naming convention at declaration time.
# The package import runs before any model module, so setting it here covers every import order.
import app.core.db  # noqa: F401
