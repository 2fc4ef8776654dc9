# flagged: imports ctypes by a name pkgutil resolves at run time.
import pkgutil

ctypes = pkgutil.resolve_name("ct" + "ypes")
print(ctypes.c_int(7).value)
