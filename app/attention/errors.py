import uuid

from app.core.errors import NotFound


class AttentionItemNotFound(NotFound):
    """Also for another person's item, and for an item whose data has since been deleted."""

    title = "Attention item not found"
    slug = "attention-item-not-found"

    def __init__(self, item_id: uuid.UUID) -> None:
        super().__init__("No attention item with id '{item_id}'.", item_id=item_id)
