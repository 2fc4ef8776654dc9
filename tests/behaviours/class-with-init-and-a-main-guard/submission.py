class Strategy:
    def __init__(self, name, capacity):
        self.name = name
        self._capacity = capacity

    def handles(self, load):
        return self._capacity >= load


def main():
    print(Strategy('demo', 3).handles(2))


if __name__ == '__main__':
    systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
    load = 7
    can_handle_load = {}
    for strategy, capacity in systems.items():
        can_handle_load[strategy] = Strategy(strategy, capacity).handles(load)
    print(can_handle_load)
