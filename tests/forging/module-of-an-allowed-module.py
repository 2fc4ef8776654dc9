# flagged: an allowed module's attributes that are modules lead to sys, and from there to everything.
import json

sys = json.codecs.sys
print(len(sys.modules))
