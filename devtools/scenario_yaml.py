"""Reading a scenario file's YAML without YAML 1.1's surprises.

PyYAML reads YAML 1.1, where an unquoted `NO` (Norway), `no`, `yes`, `on` or `off` is a
boolean and an unquoted `0042` is the octal number 34. In a scenario such a value is
nearly always text its author forgot to quote: a country, a postcode, a sku, a shopper
saying "yes". So where the format expects text, a boolean or a null makes the file invalid,
named by its path (`store.orders[0].shipping_address.country: got the boolean false;
quote it ("NO")`), and a number is taken as the text it was written as (`+447700900123`
keeps its plus, `0042` its zeros). Booleans stay booleans where the format has them.
"""

from __future__ import annotations

from typing import Any

import yaml

BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}

# Keys whose value is a boolean in the format (anywhere they appear).
BOOLEAN_KEYS = frozenset({
    "handoff", "label", "final_sale", "active", "excludes_sale_items", "marketing_consent",
    "is_guest", "image", "photo", "attachment", "attachments",
})
# Sections whose settings may be booleans (the shop policy's switches).
BOOLEAN_SECTIONS = ("store.policy",)
# Keys whose value is text; a number there is taken as written, a null is an error.
STRING_KEYS = frozenset({
    "name", "about", "email", "phone", "postcode", "country", "line1", "line2", "city",
    "sku", "number", "customer", "order", "status", "carrier", "tracking_number", "location",
    "detail", "description", "user", "ref", "id", "kind", "brand", "last4", "channel",
    "purpose", "wording", "language", "paid_with", "reason", "resolution", "template",
    "intent", "code", "title", "body", "topic", "method", "reference", "exception",
    "category", "material", "session", "chat_id",
})
# Keys whose value is a list of texts.
STRING_LIST_KEYS = frozenset({"says", "says_any", "never_says", "skus", "exchange_skus",
                              "tags"})


class ScalarError(ValueError):
    """A value YAML read as something the format does not allow there."""


def parse(text: str) -> Any:
    """The file's data, or ScalarError naming the first value YAML turned into a boolean
    or null where text belongs. yaml.YAMLError for text that is not YAML at all."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check(node, "", "", set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check(node: yaml.Node, path: str, key: str, seen: set[int]) -> None:
    if isinstance(node, yaml.MappingNode):
        if id(node) in seen:
            return
        seen.add(id(node))
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in (BOOL_TAG, NULL_TAG):
                if not key_node.value:
                    raise ScalarError(f"{path or 'the file'}: a key is empty")
                raise ScalarError(f"{_child(path, key_node.value)}: the key became "
                                  f'{_shown(key_node)}; quote it ("{key_node.value}")')
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            _check(value_node, _child(path, str(name)), str(name), seen)
    elif isinstance(node, yaml.SequenceNode):
        if id(node) in seen:
            return
        seen.add(id(node))
        for i, item in enumerate(node.value):
            _check_item(item, f"{path}[{i}]", key, seen)
    else:
        _check_scalar(node, path, key, in_list=False)


def _check_item(node: yaml.Node, path: str, key: str, seen: set[int]) -> None:
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node, path, key, in_list=True)
    else:
        _check(node, path, key, seen)


def _check_scalar(node: yaml.ScalarNode, path: str, key: str, *, in_list: bool) -> None:
    texty = key in (STRING_LIST_KEYS if in_list else STRING_KEYS)
    if node.tag == BOOL_TAG:
        if key in BOOLEAN_KEYS or any(path == s or path.startswith(f"{s}.")
                                      for s in BOOLEAN_SECTIONS):
            return
        raise ScalarError(f'{path}: got {_shown(node)}; quote it ("{node.value}")')
    if node.tag == NULL_TAG and texty:
        if node.value not in ("", "~"):
            raise ScalarError(f'{path}: got null; quote it ("{node.value}") or give a value')
        raise ScalarError(f"{path}: got nothing (null); give it a value")
    if node.tag in NUMBER_TAGS and texty:
        node.tag = STR_TAG  # the text as written: "+447700900123", "0042", "25.50"


def _shown(node: yaml.ScalarNode) -> str:
    if node.tag == NULL_TAG:
        return "null"
    value = yaml.SafeLoader.bool_values.get(node.value.lower())
    return f"the boolean {str(value).lower()}"
