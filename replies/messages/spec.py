"""What the code promises about one message: its key, the facts it may use, the ones it
must keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MessageSpec:
    key: str
    note: str
    example: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(self.example)


SHOP = {"shop": "Northwind"}
