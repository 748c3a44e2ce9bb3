"""Thin wrappers the graph's nodes use to read and act: they call the services and
selectors, and every one that touches an order checks it belongs to the verified customer."""
