"""App-side glue between the Textual-free data layer and the screens.

Unlike `console.model`, `console.data`, `console.sim` and `console.backends`, this package may import
Textual: it turns Store notifications into messages, holds the one registry of keys and actions, and
formats domain values into `rich.text.Text` cells.
"""
