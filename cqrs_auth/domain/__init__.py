"""Pure Python: the messages, errors and input rules. Imports nothing from the outer layers."""
