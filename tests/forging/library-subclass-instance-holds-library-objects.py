# flagged while it runs: an instance of a subclass of json's decoder counts as the program's own, and its attributes, set by json, are json's functions; the program walks to their module.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
import json
class Names:
    parse_object = None
class Mine(json.JSONDecoder):
    pass
decoder = Mine()
inner = decoder.parse_object
module = inner.__globals__
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
