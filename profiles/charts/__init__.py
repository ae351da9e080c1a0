"""Pure matplotlib renderers returning SVG strings, for the dashboard and the collection statistics."""
