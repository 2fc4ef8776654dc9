# flagged: walks from a caught exception to the harness's frames with attrgetter and names from pieces.
import operator

try:
    1 / 0
except ZeroDivisionError as error:
    walk = operator.attrgetter("__trace" + "back__.tb_fr" + "ame.f_ba" + "ck.f_glo" + "bals")
    harness = walk(error)
    print(sorted(harness)[:3])
