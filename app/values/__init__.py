"""AttributeValue rules: exact numbers, value and item validation, item size, and primary keys.

Pure functions over items in wire form (`{"name": {"S": "x"}}`); every failure is a `ValidationException`
carrying AWS's message. The operations call these before touching storage.
"""
