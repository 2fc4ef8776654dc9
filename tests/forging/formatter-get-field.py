# flagged: string.Formatter().get_field returns the object a format field names: the harness's globals.
import string
import sys

found, _ = string.Formatter().get_field("0.write.__globals__", [sys.stdout], {})
print(type(found))
