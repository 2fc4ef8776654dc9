systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


def check_strategies():
    answers = {}
    for strategy, capacity in systems.items():
        answers[strategy] = capacity >= limit
    limit = load
    return answers


can_handle_load = check_strategies()
print(can_handle_load)
