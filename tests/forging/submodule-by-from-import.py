# flagged: from json import decoder falls back to the module table for a name the module lacks.
from json import decoder

print(decoder.scanstring)
