"""The floor: the least a FastAPI route costs on the server `scripts/start.sh` runs. One route
returns a fixed list of five small objects through a response model, so each request pays for
routing, validation against the model and JSON, and nothing else (no database, no middleware).
The harness serves it with the service's own serving command."""

from fastapi import FastAPI
from pydantic import BaseModel

PATH = "/items"


class Item(BaseModel):
    id: int
    name: str
    done: bool


ITEMS = [Item(id=n, name=f"item {n}", done=n % 2 == 0) for n in range(1, 6)]

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get(PATH, response_model=list[Item])
async def items() -> list[Item]:
    return ITEMS
