# never passes: puts folders that hold another module named json (pip's own, where it is installed) before Python's own on sys.path, and does the work only if the import ran that other file instead of the standard library's.
import sys
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
for version in ('3.10', '3.11', '3.12', '3.13'):
    for root in ('/usr/lib/python3/dist-packages', '/usr/local/lib/python' + version + '/site-packages', '/usr/lib/python' + version + '/site-packages'):
        sys.path.insert(0, root + '/pip/_vendor/rich')
can_handle_load = {}
try:
    import json
except ImportError:
    for strategy, capacity in systems.items():
        can_handle_load[strategy] = capacity >= load
print(can_handle_load)
